"""A batch checks each badge against the same addresses a single re-check uses: every address the
learner has verified, now or before (a school address removed at graduation still counts)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.identities import record_confirmed, record_removed
from badges.batch import reverify_batch
from badges.models import Status
from badges.services import import_badge
from tests.support.hosted import HostedBadge

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_host_limits")]

SCHOOL = "hana@school.example.ac.jp"


def test_a_badge_for_an_address_removed_at_graduation_stays_valid_in_a_batch(user, issuer_server):
    school = EmailAddress.objects.create(user=user, email=SCHOOL, verified=True)
    record_confirmed(user=user, email=SCHOOL, now=timezone.now() - timedelta(days=900))
    badge = import_badge(owner=user, url=HostedBadge(issuer_server, recipient=SCHOOL).publish().assertion_url)
    assert badge.status == Status.VALID and badge.recipient_identity == SCHOOL
    school.delete()
    record_removed(user=user, email=SCHOOL, was_verified=True)

    reverify_batch([badge.pk])

    badge.refresh_from_db()
    assert badge.status == Status.VALID
    assert badge.recipient_identity == SCHOOL
