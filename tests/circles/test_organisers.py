"""Organisers: a verified organisation set by the operator in the admin, speaking for its issuers."""

from __future__ import annotations

import pytest

from circles import services
from circles.directory import rebuild_directory
from circles.models import Circle, DirectoryEntry, Organiser
from circles.services import CircleRefused

from .factories import holder_badge, make_organiser, new_holder, open_circle

pytestmark = pytest.mark.django_db

OTHER_CLASS = "https://learning.example.jp/badges/guide"


def test_the_operator_marks_a_verified_organisation_in_the_admin(admin_client, other_user):
    page = admin_client.get("/admin/circles/organiser/add/")
    assert page.status_code == 200

    admin_client.post(
        "/admin/circles/organiser/add/",
        {
            "user": other_user.pk,
            "organisation_name": "Prefectural Learning Centre",
            "verified": "on",
            "issuers": "learning.example.jp\nhttps://learning.example.jp/issuer",
        },
    )

    organiser = Organiser.objects.get()
    assert organiser.verified and organiser.issuer_entries() == {
        "learning.example.jp",
        "https://learning.example.jp/issuer",
    }
    assert services.organiser_of(other_user) == organiser


def test_an_unverified_organisation_has_no_powers(client):
    organiser = make_organiser()
    organiser.verified = False
    organiser.save()
    circle, _members = open_circle(2)

    client.force_login(organiser.user)
    assert client.get("/circles/organise/").status_code == 404
    client.post(f"/circles/c/{circle.slug}/activate/")
    circle.refresh_from_db()
    assert circle.activated_at is None


def test_the_organisers_desk_lists_their_circles_with_counts_only_from_five(client):
    small, _ = open_circle(2)
    organiser = make_organiser()
    client.force_login(organiser.user)

    html = client.get("/circles/organise/").content.decode()

    assert small.name in html and "5人未満" in html


def test_a_programme_circle_opens_to_holders_of_any_of_its_badges(client):
    first_user, first_badge = new_holder()
    second_user, second_badge = new_holder(class_id=OTHER_CLASS, name="Tourist guide")
    rebuild_directory()
    organiser = make_organiser()
    client.force_login(organiser.user)

    client.post(
        "/circles/organise/",
        {
            "name": "しずおか学びプログラム",
            "purpose": "Graduates of the programme help newcomers.",
            "badges": list(DirectoryEntry.objects.values_list("pk", flat=True)),
        },
    )

    programme = Circle.objects.get(kind=Circle.Kind.PROGRAMME)
    assert programme.activated_by == organiser and services.is_visible(programme)
    for user, badge in ((first_user, first_badge), (second_user, second_badge)):
        membership = services.join_circle(
            user=user, circle=programme, badge=badge, nickname=f"p{user.pk}", consent=True
        )
        assert membership.is_active
    client.force_login(second_user)
    page = client.get(f"/badges/{second_badge.public_id}/").content.decode()
    assert "しずおか学びプログラム" in page


def test_a_programme_may_only_hold_badges_the_organisation_speaks_for():
    new_holder(
        class_id="https://elsewhere.example/badges/x",
        issuer_id="https://elsewhere.example/",
        issuer_url="https://elsewhere.example/",
    )
    rebuild_directory()
    organiser = make_organiser()

    with pytest.raises(CircleRefused):
        services.create_programme(organiser=organiser, name="x", purpose="y", entries=DirectoryEntry.objects.all())
    assert not Circle.objects.filter(kind=Circle.Kind.PROGRAMME).exists()


def test_organisers_see_rsvps_but_never_emails_or_wallets(client):
    from .factories import make_event

    circle, members = open_circle(5)
    organiser = make_organiser()
    event = make_event(circle, organiser)
    services.rsvp(event=event, membership=members[0][1], going=True)
    client.force_login(organiser.user)

    html = client.get(f"/circles/c/{circle.slug}/events/{event.pk}/").content.decode()

    assert members[0][1].nickname in html
    assert "/badges/" not in html.split("<main", 1)[1]
    holder_badge(members[0][0])  # (the autouse check asserts no e-mail on every circle response)
