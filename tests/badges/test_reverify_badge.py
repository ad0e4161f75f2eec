"""Re-checking a stored badge against a real issuer: the truth rules, history and notices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import translation

from badges.models import Badge, Notification, Status, Verification
from badges.services import import_badge, next_check_time, reverify_badge
from tests.support.hosted import HostedBadge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_host_limits")]

IMPORTED_AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def imported(user, issuer_server, **kwargs) -> tuple[Badge, HostedBadge]:
    """A hosted badge imported (and verified) on 2 February 2026."""
    hosted = HostedBadge(issuer_server, **kwargs).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.VALID
    return badge, hosted


def test_a_revocation_at_the_issuer_is_definitive_recorded_and_notified(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    hosted.revoke()

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        verification = reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)

    badge.refresh_from_db()
    assert badge.status == badge.last_definitive_status == badge.status_now == Status.REVOKED
    assert (verification.previous_status, verification.status) == (Status.VALID, Status.REVOKED)
    assert verification.trigger == "schedule" and "410" in verification.reason
    assert list(Notification.objects.values_list("user", "badge", "kind")) == [(user.pk, badge.pk, "revoked")]


def test_an_issuer_that_is_down_keeps_the_last_verdict_visible_and_sends_no_revocation(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.stop()
    failed_at = IMPORTED_AT + timedelta(days=1)

    with time_machine.travel(failed_at, tick=False):
        verification = reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
        badge.refresh_from_db()
        assert badge.status == Status.UNREACHABLE
        assert badge.status_now == Status.VALID
        assert badge.last_definitive_status == Status.VALID and badge.last_definitive_at == IMPORTED_AT
        assert badge.unreachable_since == failed_at
        # Japanese first: "valid as of <date>; could not re-check since <date>".
        assert "時点" in badge.status_note and "以降、再検証できていません" in badge.status_note
        with translation.override("en"):
            assert "as of" in badge.status_note and "could not re-check since" in badge.status_note
    assert (verification.previous_status, verification.status) == (Status.VALID, Status.UNREACHABLE)
    assert Notification.objects.count() == 0


def test_a_second_failure_changes_nothing_but_the_backoff(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.stop()
    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    first_wait = badge.next_check_at - (IMPORTED_AT + timedelta(days=1))
    with time_machine.travel(IMPORTED_AT + timedelta(days=2), tick=False):
        assert reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE) is None
    badge.refresh_from_db()
    assert badge.consecutive_failures == 2
    assert badge.unreachable_since == IMPORTED_AT + timedelta(days=1)
    assert badge.next_check_at - (IMPORTED_AT + timedelta(days=2)) > first_wait
    # One history row for the change to unreachable, none for "still unreachable".
    assert list(badge.verifications.values_list("status", flat=True)) == ["unreachable", "valid"]


def test_after_a_month_unreachable_the_badge_is_shown_unverifiable_and_the_learner_told(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.stop()
    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    with time_machine.travel(IMPORTED_AT + timedelta(days=20), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
        assert badge.status_now == Status.VALID
    assert Notification.objects.count() == 0

    with time_machine.travel(IMPORTED_AT + timedelta(days=32), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
        assert badge.is_unverifiable()
        assert badge.status_now == Status.UNREACHABLE
        assert "以降、検証できていません" in badge.status_note
        with translation.override("en"):
            assert "Could not be verified since" in badge.status_note
    with time_machine.travel(IMPORTED_AT + timedelta(days=33), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    assert list(Notification.objects.values_list("kind", flat=True)) == ["unverifiable"]

    # The issuer comes back: verified again, and the learner hears it.
    issuer_server.start()
    with time_machine.travel(IMPORTED_AT + timedelta(days=34), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    assert badge.status == Status.VALID and badge.unreachable_since is None and badge.consecutive_failures == 0
    assert list(Notification.objects.values_list("kind", flat=True)) == ["recovered", "unverifiable"]


def test_rechecking_an_unchanged_badge_twice_writes_no_history_and_no_notice(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    for day in (1, 2):
        with time_machine.travel(IMPORTED_AT + timedelta(days=day), tick=False):
            assert reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE) is None
    assert badge.verifications.count() == 1  # the import
    assert Notification.objects.count() == 0
    assert badge.last_checked_at == IMPORTED_AT + timedelta(days=2)


def test_a_manual_recheck_always_leaves_a_history_row(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    verification = reverify_badge(badge=badge)
    assert verification.trigger == "manual" and verification.status == verification.previous_status == "valid"


def test_the_badge_own_assertion_is_revalidated_every_time_but_the_badge_class_is_shared(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    before_class = issuer_server.hit_count("/badges/data-science")
    before_assertion = issuer_server.hit_count("/assertions/1")
    with time_machine.travel(IMPORTED_AT + timedelta(minutes=10), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    assert issuer_server.hit_count("/assertions/1") == before_assertion + 1
    assert issuer_server.hit_count("/badges/data-science") == before_class


def test_healthy_badges_are_rechecked_about_daily_with_jitter_and_failures_back_off_to_a_cap(user, settings):
    now = IMPORTED_AT
    healthy = Badge(owner=user, status=Status.VALID)
    times = {next_check_time(healthy, now=now) for _ in range(20)}
    assert len(times) > 1
    assert all(timedelta(hours=21) <= t - now <= timedelta(hours=27) for t in times)

    failing = Badge(owner=user, status=Status.UNREACHABLE)
    waits = []
    for failures in (1, 2, 3, 10, 50, 5000):
        failing.consecutive_failures = failures
        waits.append(next_check_time(failing, now=now) - now)
    assert waits[0] < waits[1] < waits[2]
    assert max(waits) <= timedelta(hours=settings.BADGE_RETRY_CAP_HOURS) * 1.1

    expiring = Badge(owner=user, status=Status.VALID, expires_on=now + timedelta(hours=2))
    assert next_check_time(expiring, now=now) == now + timedelta(hours=2)


def test_a_single_recheck_revalidates_with_the_validators_kept_on_the_badge(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.serve("/assertions/1", hosted.assertion(), etag='"v1"')
    with time_machine.travel(IMPORTED_AT + timedelta(minutes=10), tick=False):
        reverify_badge(badge=badge)  # the first answer with an ETag: the copy and its validator are kept
    badge.refresh_from_db()
    assert badge.hosted_etag == '"v1"'

    with time_machine.travel(IMPORTED_AT + timedelta(minutes=20), tick=False):
        reverify_badge(badge=badge)

    last = issuer_server.last_request("/assertions/1")
    assert last.headers.get("if-none-match") == '"v1"'  # answered 304: no download, same verdict
    badge.refresh_from_db()
    assert badge.status == Status.VALID and badge.hosted_etag == '"v1"'

    hosted.revoke()  # a new answer (410) whatever the validator: caught on the next check
    with time_machine.travel(IMPORTED_AT + timedelta(minutes=30), tick=False):
        reverify_badge(badge=badge)
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
