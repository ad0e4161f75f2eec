"""Meet-ups: RSVP within capacity, check-in by the venue's QR code, and the attendance badge — an
OB 3.0 credential signed with the site's did:key, imported into the wallet and verified by our verifier."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Badge, SourceKind, Status
from badges.openbadges.verification import verify
from circles import services
from circles.attendance import site_did
from circles.models import Rsvp
from circles.services import CircleRefused

from .factories import make_event, make_organiser, open_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle_with_event(db):
    circle, members = open_circle(5)
    organiser = make_organiser()
    event = make_event(circle, organiser)
    return circle, members, organiser, event


def test_members_rsvp_until_the_event_is_full(circle_with_event):
    circle, members, organiser, _event = circle_with_event
    small = make_event(circle, organiser, capacity=2)
    (a, ma), (b, mb), (c, mc) = members[:3]

    services.rsvp(event=small, membership=ma, going=True)
    services.rsvp(event=small, membership=mb, going=True)
    with pytest.raises(CircleRefused) as refused:
        services.rsvp(event=small, membership=mc, going=True)
    assert refused.value.code == "full"

    services.rsvp(event=small, membership=ma, going=False)
    services.rsvp(event=small, membership=mc, going=True)
    assert services.going_count(small) == 2


def test_only_an_organiser_speaking_for_the_badges_runs_events(circle_with_event):
    circle, *_ = circle_with_event
    stranger = make_organiser("other-org@example.org", issuers="another-school.example")

    with pytest.raises(CircleRefused):
        make_event(circle, stranger)


def test_check_in_by_qr_issues_a_verified_attendance_badge_into_the_wallet(circle_with_event, client):
    circle, members, organiser, event = circle_with_event
    user, membership = members[0]
    services.rsvp(event=event, membership=membership, going=True)

    # The organiser's venue page shows the QR code of the check-in link.
    client.force_login(organiser.user)
    qr_page = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/qr/")
    assert qr_page.status_code == 200
    svg = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/qr/?format=svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content

    client.force_login(user)
    response = client.post(f"/circles/checkin/{event.checkin_token}/")

    answer = Rsvp.objects.get(event=event, membership=membership)
    assert answer.checked_in_at is not None
    badge = answer.attendance_badge
    assert badge is not None and badge.owner == user
    assert response.status_code == 302 and response["Location"] == f"/badges/{badge.public_id}/"
    assert badge.status == Status.VALID and badge.spec_version.startswith("3")
    assert badge.source_kind == SourceKind.JSON and badge.issuer_id == site_did()
    assert "Autumn meet-up" in badge.name
    # Our own verifier, from the stored credential: signature, recipient and dates all pass.
    result = verify(badge.raw_payload, fetch=_no_network, now=timezone.now(), identities=_identities(user))
    assert str(result.status) == "valid"
    names = {check.name: str(check.result) for check in result.checks}
    assert "fail" not in names.values() and "error" not in names.values()
    # The credential names the recipient only by a salted hash.
    assert user.email not in badge.raw_payload
    assert json.loads(badge.raw_payload)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


def _no_network(url, *, kind="json"):
    raise AssertionError(f"did:key verification must not fetch {url}")


def _identities(user):
    from badges.services import identities_of

    return identities_of(user)


def test_checking_in_twice_gives_one_badge(circle_with_event):
    _circle, members, _organiser, event = circle_with_event
    user, _membership = members[1]

    first = services.check_in(event=event, user=user)
    second = services.check_in(event=event, user=user)

    assert first.attendance_badge_id == second.attendance_badge_id
    assert Badge.objects.filter(owner=user, issuer_id=site_did()).count() == 1


def test_check_in_is_closed_outside_the_event_window(circle_with_event):
    circle, members, organiser, _event = circle_with_event
    later = make_event(circle, organiser, starts_in_hours=48)

    with pytest.raises(CircleRefused) as refused:
        services.check_in(event=later, user=members[0][0])
    assert refused.value.code == "closed"


def test_non_members_cannot_check_in(circle_with_event, other_user, client):
    _circle, _members, _organiser, event = circle_with_event

    with pytest.raises(CircleRefused):
        services.check_in(event=event, user=other_user)
    client.force_login(other_user)
    page = client.get(f"/circles/checkin/{event.checkin_token}/")
    assert page.status_code == 200 and "checkin-button" not in page.content.decode()


def test_the_organiser_issues_badges_to_members_checked_in_before_badges_were_turned_on(circle_with_event, client):
    circle, members, organiser, event = circle_with_event
    event.attendance_badge = False
    event.save()
    services.check_in(event=event, user=members[2][0])
    assert not Rsvp.objects.filter(attendance_badge__isnull=False).exists()
    event.attendance_badge = True
    event.save()

    client.force_login(organiser.user)
    client.post(f"/circles/c/{circle.slug}/events/{event.pk}/issue/")

    assert Rsvp.objects.get(membership=members[2][1]).attendance_badge.status == Status.VALID


def test_the_organiser_sees_rsvps_by_nickname_and_members_see_counts_only_from_five(circle_with_event, client):
    circle, members, organiser, event = circle_with_event
    for _user, membership in members[:4]:
        services.rsvp(event=event, membership=membership, going=True)

    client.force_login(members[0][0])
    member_view = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/").content.decode()
    assert "5人未満" in member_view and members[1][1].nickname not in member_view

    services.rsvp(event=event, membership=members[4][1], going=True)
    member_view = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/").content.decode()
    assert "5人" in member_view and "5人未満" not in member_view

    client.force_login(organiser.user)
    organiser_view = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/").content.decode()
    assert all(m.nickname in organiser_view for _u, m in members)


def test_events_need_a_sensible_time_and_capacity(circle_with_event):
    circle, _members, organiser, _event = circle_with_event
    start = timezone.now()
    with pytest.raises(CircleRefused):
        services.create_event(
            circle=circle, organiser=organiser, title="x", starts_at=start, ends_at=start - timedelta(hours=1)
        )
    with pytest.raises(CircleRefused):
        services.create_event(
            circle=circle,
            organiser=organiser,
            title="x",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            capacity=100_000,
        )
