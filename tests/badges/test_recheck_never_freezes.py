"""A re-check always ends in a recorded verdict: garbage, crashes and drips never freeze a badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile

from badges.models import Badge, Notification, Status, Verification
from badges.services import import_badge, reverify_badge
from badges.tasks import reverify_badge_task
from tests.support.hosted import HostedBadge
from tests.support.hostile_servers import DripServer, deep_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_host_limits")]

IMPORTED_AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def imported(user, issuer_server) -> tuple[Badge, HostedBadge]:
    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.VALID
    return badge, hosted


def recheck(badge: Badge, days: int) -> Badge:
    with time_machine.travel(IMPORTED_AT + timedelta(days=days), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    badge.refresh_from_db()
    return badge


def test_one_garbage_200_is_could_not_recheck_and_only_a_repeat_is_definitive(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.serve("/assertions/1", b"\x00\xffnot a badge\xfe", content_type="application/json")

    badge = recheck(badge, 1)
    # Before: "failed verification" publicly at once, with a notice.
    assert badge.status == Status.UNREACHABLE
    assert badge.last_definitive_status == Status.VALID
    assert Notification.objects.count() == 0

    badge = recheck(badge, 2)
    assert badge.status == Status.INVALID
    assert list(Notification.objects.values_list("kind", flat=True)) == ["invalid"]


def test_a_garbage_answer_followed_by_a_good_one_stays_valid(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    issuer_server.serve("/assertions/1", b"<html>Bad gateway</html>", content_type="application/json")
    badge = recheck(badge, 1)
    hosted.publish()
    badge = recheck(badge, 2)
    assert badge.status == Status.VALID
    assert Notification.objects.count() == 0


def test_a_revocation_stays_definitive_at_once(user, issuer_server):
    badge, hosted = imported(user, issuer_server)
    hosted.revoke()
    assert recheck(badge, 1).status == Status.REVOKED


def test_a_recheck_that_raises_is_recorded_as_a_failed_attempt_with_backoff(user, issuer_server):
    badge, _hosted = imported(user, issuer_server)

    def broken_fetch(url, *, kind="json"):
        raise RuntimeError("a bug we have not found yet")

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        verification = reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE, fetch=broken_fetch)
    badge.refresh_from_db()

    # Before: the exception escaped, nothing was recorded, "verified" with a stale date for ever.
    assert verification is not None and verification.status == Status.UNREACHABLE
    assert badge.status == Status.UNREACHABLE and badge.consecutive_failures == 1
    assert badge.unreachable_since == IMPORTED_AT + timedelta(days=1)
    assert badge.next_check_at < IMPORTED_AT + timedelta(days=1, hours=1)


def test_deeply_nested_json_from_the_issuer_at_recheck_is_recorded_not_a_crash(user, issuer_server):
    badge, _hosted = imported(user, issuer_server)
    issuer_server.serve("/assertions/1", deep_json(), content_type="application/json")

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        assert reverify_badge_task.run(badge.pk) == Status.UNREACHABLE
    assert Verification.objects.filter(badge=badge, status=Status.UNREACHABLE).exists()


def test_a_header_dripping_issuer_at_recheck_ends_at_the_fetch_deadline(user, issuer_server, settings):
    settings.BADGE_FETCH_TIMEOUT = 2
    badge, _hosted = imported(user, issuer_server)
    with DripServer(interval=0.1) as drip:
        # The stored original now points at the dripping server.
        badge.original_file.save("badge", ContentFile(drip.url("/assertions/1").encode()))
        settings.BADGE_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
        started = datetime.now(UTC)
        badge = recheck(badge, 1)
        assert (datetime.now(UTC) - started).total_seconds() < 6
    assert badge.status == Status.UNREACHABLE
