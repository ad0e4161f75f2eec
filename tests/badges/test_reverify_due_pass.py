"""The beat task's due pass: expiry flips on time, due badges are claimed once and queued once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection

from badges.models import Badge, Notification, Status, Verification
from badges.services import claim_due_badges, run_due_pass
from badges.tasks import reverify_badge_task, reverify_batch_task, reverify_due_badges
from tests.conftest import services_required
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.usefixtures("generous_host_limits")

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_badges(owner, count: int, *, url: str = "https://issuer.example/assertions/{n}", **fields) -> list[Badge]:
    """Rows as an import leaves them, without the network: hosted badges checked long ago."""
    defaults = {
        "status": Status.VALID,
        "last_definitive_status": Status.VALID,
        "next_check_at": NOW - timedelta(hours=1),
        "source_kind": "url",
        "name": "Data Science Basics",
    }
    defaults.update(fields)
    return Badge.objects.bulk_create(
        Badge(
            owner=owner,
            fingerprint=url.format(n=n)[-64:],
            source_url=url.format(n=n),
            badge_id=url.format(n=n),
            **defaults,
        )
        for n in range(count)
    )


@pytest.mark.django_db
def test_a_badge_is_flipped_to_expired_on_time_without_the_network(user, loopback_only_sockets, issuer_server):
    issuer_server.stop()  # the network is off: nothing may be asked
    expires = NOW + timedelta(hours=3)
    [badge] = make_badges(user, 1, expires_on=expires, next_check_at=NOW + timedelta(days=1))

    with time_machine.travel(expires - timedelta(seconds=1), tick=False):
        assert run_due_pass(enqueue=pytest.fail) == {"expired": 0, "enqueued": 0}
    with time_machine.travel(expires + timedelta(seconds=1), tick=False):
        assert run_due_pass(enqueue=pytest.fail) == {"expired": 1, "enqueued": 0}
        assert run_due_pass(enqueue=pytest.fail) == {"expired": 0, "enqueued": 0}  # idempotent

    badge.refresh_from_db()
    assert badge.status == badge.last_definitive_status == Status.EXPIRED
    assert badge.last_definitive_at == expires + timedelta(seconds=1)
    history = badge.verifications.get()
    assert (history.trigger, history.previous_status, history.status) == ("expiry", "valid", "expired")
    assert "expired on" in history.reason
    assert list(Notification.objects.values_list("kind", flat=True)) == ["expired"]
    assert issuer_server.hits == []


@pytest.mark.django_db
def test_an_unreachable_badge_past_its_expiry_is_expired_but_a_revoked_one_stays_revoked(user):
    past = NOW - timedelta(days=1)
    unreachable, revoked = make_badges(user, 2, expires_on=past, next_check_at=NOW + timedelta(days=1))
    Badge.objects.filter(pk=unreachable.pk).update(status=Status.UNREACHABLE, unreachable_since=past)
    Badge.objects.filter(pk=revoked.pk).update(status=Status.REVOKED, last_definitive_status=Status.REVOKED)
    with time_machine.travel(NOW, tick=False):
        run_due_pass(enqueue=lambda *a: None)
    unreachable.refresh_from_db()
    revoked.refresh_from_db()
    assert (unreachable.status, unreachable.unreachable_since) == (Status.EXPIRED, None)
    assert revoked.status == Status.REVOKED


@pytest.mark.django_db
def test_due_badges_are_claimed_in_bounded_batches_and_queued_after_commit(
    user, settings, django_capture_on_commit_callbacks
):
    settings.BADGE_REVERIFY_BATCH_SIZE = 4
    settings.BADGE_REVERIFY_MAX_BATCHES = 2
    make_badges(user, 10)
    make_badges(user, 1, url="https://later.example/{n}", next_check_at=NOW + timedelta(hours=1))
    queued = []
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = run_due_pass(enqueue=lambda pk, lease: queued.append(pk))
    assert counts == {"expired": 0, "enqueued": 8}
    assert len(callbacks) == 8 and len(set(queued)) == 8
    # Claimed: the lease moved them out of the due set, so the next tick takes only the other two.
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert run_due_pass(enqueue=lambda pk, lease: queued.append(pk))["enqueued"] == 2
    assert len(set(queued)) == 10


@pytest.mark.django_db
def test_an_unfinished_check_becomes_due_again_when_its_lease_runs_out(user, settings):
    settings.BADGE_CHECK_LEASE_SECONDS = 600
    [badge] = make_badges(user, 1)
    with time_machine.travel(NOW, tick=False):
        [(pk, lease)] = claim_due_badges()
        assert claim_due_badges() == []
    # The worker died: nothing finished the check. After the lease the badge is due again...
    with time_machine.travel(NOW + timedelta(seconds=601), tick=False):
        [(pk2, lease2)] = claim_due_badges()
    assert pk == pk2 == badge.pk and lease2 != lease
    # ...and the stale message, if it is ever redelivered, does nothing.
    assert reverify_badge_task.run(badge.pk, lease) == "stale"


@pytest.mark.django_db
def test_the_beat_task_queues_one_task_per_batch_of_due_badges(
    user, monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.BADGE_REVERIFY_TASK_BATCH = 2
    make_badges(user, 3)
    sent = []
    monkeypatch.setattr(reverify_batch_task, "apply_async", lambda args, **kw: sent.append(args))
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert reverify_due_badges.run() == {"expired": 0, "enqueued": 3, "tasks": 2}
    assert sorted(pk for args in sent for pk in args[0]) == sorted(Badge.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_due_passes_never_queue_the_same_badge_twice(user, settings):
    if connection.vendor != "postgresql":
        if services_required():
            pytest.fail("CI runs this on PostgreSQL (DATABASE_URL)")
        pytest.skip("SELECT … FOR UPDATE SKIP LOCKED needs PostgreSQL")
    settings.BADGE_REVERIFY_BATCH_SIZE = 50
    make_badges(user, 400)
    start = threading.Barrier(4)
    claimed: list[list[int]] = []
    errors: list[BaseException] = []

    def one_pass() -> None:
        mine: list[int] = []
        try:
            start.wait()
            with time_machine.travel(NOW, tick=False):
                run_due_pass(enqueue=lambda pk, lease: mine.append(pk), max_batches=100)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            claimed.append(mine)
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=one_pass) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    everything = [pk for mine in claimed for pk in mine]
    assert len(everything) == len(set(everything)) == 400
    assert sum(1 for mine in claimed if mine) >= 2, "the passes did not actually overlap"


@pytest.mark.django_db
def test_the_issuer_revokes_and_the_next_pass_marks_it_revoked_and_notifies(
    user, issuer_server, django_capture_on_commit_callbacks
):
    from badges.services import import_badge

    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    hosted.revoke()
    with time_machine.travel(NOW + timedelta(days=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        run_due_pass(enqueue=lambda pk, lease: reverify_badge_task.run(pk, lease))
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    assert Verification.objects.filter(badge=badge, status="revoked", trigger="schedule").count() == 1
    assert list(Notification.objects.values_list("kind", flat=True)) == ["revoked"]


@pytest.mark.django_db
def test_the_issuer_stops_and_the_next_pass_keeps_the_verdict_without_a_revocation_notice(
    user, issuer_server, django_capture_on_commit_callbacks
):
    from badges.services import import_badge

    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    issuer_server.stop()
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run_due_pass(enqueue=lambda pk, lease: reverify_badge_task.run(pk, lease))
        badge.refresh_from_db()
        assert badge.status == Status.UNREACHABLE and badge.status_now == Status.VALID
    assert badge.next_check_at < NOW + timedelta(days=1, hours=1)  # retried soon, with backoff
    assert not Notification.objects.exists()
