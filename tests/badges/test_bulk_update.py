"""update_rows writes each badge's own values in one statement, exactly as bulk_update would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext

from badges import bulk_update
from badges.batch import WRITTEN_FIELDS
from badges.bulk_update import update_rows
from badges.models import Badge, Status
from tests.factories import make_badge

pytestmark = pytest.mark.django_db


def test_each_row_gets_its_own_values_whatever_they_hold(user):
    badges = [make_badge(user, name=f"Badge {n}") for n in range(3)]
    untouched = make_badge(user, name="Not in the batch")
    when = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    badges[0].name, badges[0].checks, badges[0].unreachable_since = 'It\'s "quoted" — 日本語\\', [{"a": "'"}], when
    badges[1].status, badges[1].checks, badges[1].last_checked_at = Status.REVOKED, [], None
    badges[2].consecutive_failures, badges[2].endorsements, badges[2].hosted_etag = 7, [{"n": None}], 'W/"x"'

    with CaptureQueriesContext(connection) as queries:
        update_rows(badges, WRITTEN_FIELDS)

    assert len(queries) == 1
    first, second, third = (Badge.objects.get(pk=b.pk) for b in badges)
    assert (
        first.name == 'It\'s "quoted" — 日本語\\' and first.checks == [{"a": "'"}] and first.unreachable_since == when
    )
    assert second.status == Status.REVOKED and second.checks == [] and second.last_checked_at is None
    assert third.consecutive_failures == 7 and third.endorsements == [{"n": None}] and third.hosted_etag == 'W/"x"'
    assert Badge.objects.get(pk=untouched.pk).name == "Not in the batch"


def test_a_large_batch_is_split_under_the_parameter_limit(user, monkeypatch):
    monkeypatch.setattr(bulk_update, "MAX_PARAMETERS", 3 * 3)  # three rows of (pk, name, status)
    badges = [make_badge(user, name=f"Badge {n}") for n in range(7)]
    for badge in badges:
        badge.name = badge.name.upper()

    with CaptureQueriesContext(connection) as queries:
        update_rows(badges, ["name", "status"])

    if connection.vendor == "postgresql":  # elsewhere Django's bulk_update does the work
        assert len(queries) == 3
    assert sorted(Badge.objects.values_list("name", flat=True)) == [f"BADGE {n}" for n in range(7)]


def test_nothing_to_write_sends_nothing():
    with CaptureQueriesContext(connection) as queries:
        update_rows([], ["name"])
    assert len(queries) == 0


def test_a_value_too_long_for_its_column_is_refused_as_bulk_update_would_not_cut_short(user):
    badge = make_badge(user, name="Short")
    badge.name = "x" * 501  # the column holds 500 characters
    badge.badge_id = "https://issuer.example/" + "a" * 2000

    with pytest.raises(DataError), transaction.atomic():
        update_rows([badge], ["name", "badge_id"])

    assert Badge.objects.get(pk=badge.pk).name == "Short"
