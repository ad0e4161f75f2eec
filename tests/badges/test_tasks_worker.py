"""Real Celery worker processes re-verify badges through Redis against the test's PostgreSQL database.

A worker is a separate process, so it must see the same database as the test: the test database's
name goes to the worker in DATABASE_URL, and the tests use transaction=True so rows are committed.
SQLite's in-memory test database cannot be shared, so there these tests skip (CI runs them).
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from badges.models import Badge, Notification, Status
from badges.services import import_badge, run_due_pass
from badges.tasks import enqueue_check
from tests.config.test_celery_worker import start_worker, stop_worker
from tests.conftest import services_required
from tests.support.hosted import HostedBadge

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(settings, tmp_path):
    """Environment for a worker on a private queue, sharing this test's database and media."""
    redis_url = os.environ.get("REDIS_URL", "")
    if connection.vendor != "postgresql" or not redis_url:
        if services_required():
            pytest.fail("worker tests need DATABASE_URL (PostgreSQL) and REDIS_URL in CI")
        pytest.skip("worker tests need PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)")
    from django.core.cache import cache

    cache.clear()
    db = connection.settings_dict
    queue = f"manabi-reverify-test-{uuid.uuid4().hex[:8]}"
    settings.BADGE_REVERIFY_QUEUE = queue
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 1000
    return {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "BADGE_REVERIFY_QUEUE": queue,
        "BADGE_FETCH_ALLOW_HOSTS": "127.0.0.1",
        "BADGE_HOST_REQUESTS_PER_SECOND": "1000",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "MANABI_VAR_DIR": str(tmp_path / "worker-var"),
        "_QUEUE": queue,
    }


def start(env: dict[str, str]):
    return start_worker({k: v for k, v in env.items() if not k.startswith("_")}, "-Q", env["_QUEUE"])


def wait_until(condition, *, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def make_due(badge: Badge) -> None:
    Badge.objects.filter(pk=badge.pk).update(next_check_at=timezone.now() - timedelta(seconds=1))


def test_a_worker_consumes_from_redis_marks_a_revoked_badge_and_notifies(user, issuer_server, worker_env):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    make_due(badge)
    hosted.revoke()
    worker = start(worker_env)
    try:
        assert run_due_pass(enqueue=enqueue_check)["enqueued"] == 1
        wait_until(lambda: Badge.objects.get(pk=badge.pk).status == Status.REVOKED, what="the worker's check")
    finally:
        log = stop_worker(worker)
    assert "reverify_badge_task" in log
    assert list(Notification.objects.values_list("kind", flat=True)) == ["revoked"]


def test_a_worker_killed_mid_check_loses_no_badge(user, issuer_server, worker_env, settings):
    settings.BADGE_CHECK_LEASE_SECONDS = 3
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    checked_at = Badge.objects.get(pk=badge.pk).last_checked_at
    make_due(badge)
    # The issuer is slow: the worker will be stuck in this request when it dies.
    issuer_server.serve("/assertions/1", hosted.assertion(), delay=30)
    hits_before = issuer_server.hit_count("/assertions/1")

    first = start(worker_env)
    try:
        assert run_due_pass(enqueue=enqueue_check)["enqueued"] == 1
        wait_until(lambda: issuer_server.hit_count("/assertions/1") > hits_before, what="the slow request")
        first.kill()  # SIGKILL: no cleanup, no acknowledgement
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    assert Badge.objects.get(pk=badge.pk).last_checked_at == checked_at

    # The issuer recovers; once the lease runs out the next pass claims the badge again.
    issuer_server.serve("/assertions/1", hosted.assertion())
    wait_until(lambda: Badge.objects.get(pk=badge.pk).next_check_at < timezone.now(), what="the lease to run out")
    second = start(worker_env)
    try:
        assert run_due_pass(enqueue=enqueue_check)["enqueued"] == 1
        wait_until(lambda: Badge.objects.get(pk=badge.pk).last_checked_at != checked_at, what="the re-check")
    finally:
        stop_worker(second)
    badge.refresh_from_db()
    assert badge.status == Status.VALID and badge.next_check_at > timezone.now() + timedelta(hours=12)
