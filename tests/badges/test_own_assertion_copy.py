"""The badge's own assertion is revalidated with the validators kept on the badge: a 304 stands only
for the very document that was asked again, never for a copy another address served."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from badges.batch import reverify_batch
from badges.models import Status
from badges.services import import_badge, reverify_badge
from tests.support.hosted import HostedBadge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_host_limits")]

IMPORTED_AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def one_check(badge):
    reverify_badge(badge=badge)


def batch_of_one(badge):
    reverify_batch([badge.pk])


@pytest.mark.parametrize("recheck", [one_check, batch_of_one], ids=["single", "batch"])
def test_a_copy_served_elsewhere_never_passes_for_the_issuers_unchanged_answer(user, issuer_server, recheck):
    hosted = HostedBadge(issuer_server).publish()
    # The learner imported the badge from a copy at another address, which points to the issuer's.
    old_copy = hosted.assertion()
    issuer_server.serve("/mirror/1", old_copy)
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=issuer_server.url("/mirror/1"))
    assert badge.status == Status.VALID and badge.badge_id == hosted.assertion_url

    # The issuer revokes it (a new document, a new ETag); the other address keeps the old copy
    # and answers with the issuer's new ETag.
    issuer_server.serve("/assertions/1", {**old_copy, "revoked": True}, etag='"v2"')
    issuer_server.serve("/mirror/1", old_copy, etag='"v2"')
    with time_machine.travel(IMPORTED_AT + timedelta(minutes=10), tick=False):
        recheck(badge)

    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
