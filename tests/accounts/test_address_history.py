"""Identities that survive graduation: verified-address history, a warning before removal, and
badges held for an address the learner has not confirmed yet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone, translation

from accounts.identities import record_confirmed
from accounts.models import VerifiedAddress
from badges.models import Badge, Status
from badges.services import drop_unconfirmed_badges, import_badge, reverify_badge
from tests.accounts.test_signup import confirmation_link
from tests.support.hosted import HostedBadge
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db

SCHOOL = "hana@school.example.ac.jp"


def school_badge(issuer_server) -> HostedBadge:
    return HostedBadge(issuer_server, recipient=SCHOOL).publish()


def test_removing_an_address_keeps_its_badges_valid_on_public_pages_and_the_learner_was_warned_first(
    auth_client, user, issuer_server
):
    EmailAddress.objects.create(user=user, email=SCHOOL, verified=True)
    record_confirmed(user=user, email=SCHOOL, now=timezone.now() - timedelta(days=900))
    badge = import_badge(owner=user, url=school_badge(issuer_server).assertion_url)
    assert badge.status == Status.VALID and badge.recipient_identity == SCHOOL
    portfolio = create_portfolio(owner=user, title="Admissions", visibility="unlisted")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)

    # First the learner is shown which badges were issued to the address; nothing is removed yet.
    warning = auth_client.post("/accounts/email/", {"action_remove": "", "email": SCHOOL})
    assert warning.status_code == 200
    assert "Data Science Basics" in warning.content.decode()
    assert EmailAddress.objects.filter(email=SCHOOL).exists()

    auth_client.post("/accounts/email/", {"action_remove": "", "email": SCHOOL, "confirmed": "1"})
    assert not EmailAddress.objects.filter(email=SCHOOL).exists()
    period = VerifiedAddress.objects.get(email=SCHOOL)
    assert period.verified_until is not None

    # The next check still finds the badge issued to this learner.
    reverify_badge(badge=badge)
    assert badge.status == Status.VALID
    stranger = Client()
    stranger.cookies["django_language"] = "en"
    html = stranger.get(f"/p/{portfolio.slug}/b/{badge.public_id}/").content.decode()
    assert 'data-status="valid"' in html
    assert "to an address they verified from" in html
    assert SCHOOL not in html


def test_an_address_without_badges_is_removed_without_a_detour(auth_client, user):
    EmailAddress.objects.create(user=user, email=SCHOOL, verified=True)

    response = auth_client.post("/accounts/email/", {"action_remove": "", "email": SCHOOL})

    assert response.status_code == 302
    assert not EmailAddress.objects.filter(email=SCHOOL).exists()
    assert VerifiedAddress.objects.get(email=SCHOOL).verified_until is not None


def test_a_badge_for_an_address_not_yet_confirmed_is_held_then_checked_once_it_is(auth_client, user, issuer_server):
    EmailAddress.objects.create(user=user, email=SCHOOL, verified=False)

    badge = import_badge(owner=user, url=school_badge(issuer_server).assertion_url)

    assert badge.status == Status.PENDING
    assert badge.awaiting_address == SCHOOL
    assert badge.next_check_at is None

    # The learner confirms the address through the real mail link.
    auth_client.post("/accounts/email/", {"action_send": "", "email": SCHOOL})
    link = confirmation_link(mail.outbox[-1])
    auth_client.post(link.split("testserver", 1)[-1])

    badge.refresh_from_db()
    assert badge.awaiting_address == "" and badge.next_check_at <= timezone.now()
    reverify_badge(badge=badge)
    assert badge.status == Status.VALID
    assert VerifiedAddress.objects.filter(email=SCHOOL, verified_until__isnull=True).exists()


def test_a_held_badge_whose_address_is_never_confirmed_is_dropped_after_two_weeks(user, issuer_server):
    EmailAddress.objects.create(user=user, email=SCHOOL, verified=False)
    badge = import_badge(owner=user, url=school_badge(issuer_server).assertion_url)

    assert drop_unconfirmed_badges(now=timezone.now() + timedelta(days=13)) == 0
    assert drop_unconfirmed_badges(now=timezone.now() + timedelta(days=15)) == 1
    assert not Badge.objects.filter(pk=badge.pk).exists()


def test_a_badge_for_an_address_not_on_the_account_is_still_refused(user, issuer_server):
    from badges.services import ImportRefused

    with pytest.raises(ImportRefused):
        import_badge(owner=user, url=school_badge(issuer_server).assertion_url)


def test_the_mismatch_label_is_worded_for_a_viewer():
    with translation.override("en"):
        assert Status.RECIPIENT_MISMATCH.label == "Recipient not confirmed"
    with translation.override("ja"):
        assert "あなた" not in str(Status.RECIPIENT_MISMATCH.label)
