"""The tasks and the `reverify` command, called directly (no broker): thin ways into the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from badges.models import Badge, Status
from badges.services import import_badge
from badges.tasks import reverify_badge_task
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_a_deleted_badge_is_quietly_skipped():
    assert reverify_badge_task.run(999_999) == "gone"


def test_the_task_retries_only_transient_errors_and_at_most_five_times():
    from django.db import OperationalError

    from badges.openbadges.errors import FetchError

    assert reverify_badge_task.max_retries == 5
    assert OperationalError in reverify_badge_task.autoretry_for
    assert FetchError not in reverify_badge_task.autoretry_for  # an unreachable issuer is a verdict
    assert reverify_badge_task.acks_late and reverify_badge_task.soft_time_limit


def test_reverify_badge_sync_checks_here_and_prints_the_verdict(user, issuer_server, capsys):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    hosted.revoke()
    call_command("reverify", "--badge", str(badge.pk), "--sync")
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    assert "revoked" in capsys.readouterr().out
    assert badge.verifications.filter(trigger="manual").count() == 1


def test_reverify_without_sync_queues_the_checks(user, issuer_server, monkeypatch, capsys):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    sent = []
    monkeypatch.setattr(reverify_badge_task, "apply_async", lambda args, **kw: sent.append(args))
    call_command("reverify", "--all")
    assert sent == [(badge.pk, None, "manual")]
    assert "1 checks queued" in capsys.readouterr().out


def test_reverify_due_sync_runs_the_due_pass_in_process(
    user, issuer_server, capsys, django_capture_on_commit_callbacks
):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    Badge.objects.filter(pk=badge.pk).update(next_check_at=timezone.now() - timedelta(minutes=1))
    hosted.revoke()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reverify", "--due", "--sync")
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    assert "0 expired, 1 checked" in capsys.readouterr().out


def test_reverify_names_a_missing_badge():
    with pytest.raises(CommandError, match="12345"):
        call_command("reverify", "--badge", "12345")


def test_the_admin_badge_list_shows_counts_overdue_checks_and_failing_hosts(admin_client, user):
    Badge.objects.create(
        owner=user,
        fingerprint="a",
        status=Status.UNREACHABLE,
        source_kind="url",
        badge_id="https://down.example/a/1",
        unreachable_since=timezone.now(),
        next_check_at=timezone.now() - timedelta(days=1),
    )
    response = admin_client.get("/admin/badges/badge/")
    assert response.status_code == 200
    summary = response.context["reverification"]
    assert ("unreachable", 1) in [(value, count) for _label, count, value in summary["per_status"]]
    assert summary["overdue"] == 1
    assert summary["failing_hosts"][0]["host"] == "down.example"
    assert b"down.example" in response.content
    assert admin_client.get("/admin/badges/badge/?status__exact=unreachable").status_code == 200
