"""Celery: beat pulls connected hosts every 10 minutes through a registered task."""

from __future__ import annotations

from django.conf import settings


def test_beat_runs_the_pull_of_connected_hosts_and_the_task_is_registered():
    from config.celery import app

    app.loader.import_default_modules()
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "obapi.tasks.pull_due_connections" in entries
    assert {"obapi.tasks.pull_due_connections", "obapi.tasks.pull_connection_task"} <= set(app.tasks)
