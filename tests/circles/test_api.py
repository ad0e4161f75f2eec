"""Circles in the REST API: same authentication and error shape as /api/v1/, nicknames only."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.tokens import create_token
from badges.models import Status
from circles.models import Membership, Rsvp

from .factories import holder_badge, make_event, make_organiser, open_circle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def as_learner(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user, name='script')[1]}")
    return client


def test_anonymous_requests_get_the_api_error_shape():
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/circles/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_join_list_and_update_my_membership(user):
    badge = holder_badge(user)
    api = as_learner(user)

    joined = api.post(
        "/api/v1/circles/join/", {"badge": str(badge.public_id), "nickname": "Hana", "consent": True}, format="json"
    )

    assert joined.status_code == 201, joined.json()
    body = joined.json()
    assert body["nickname"] == "Hana" and body["state"] == "active"
    assert body["circle"]["member_count"] is None and body["circle"]["is_open"] is False
    slug = body["circle"]["id"]
    assert [m["circle"]["id"] for m in api.get("/api/v1/circles/").json()] == [slug]
    patched = api.patch(f"/api/v1/circles/{slug}/membership/", {"nickname": "はな", "intro": "よろしく"}, format="json")
    assert patched.status_code == 200 and patched.json()["nickname"] == "はな"
    assert api.delete(f"/api/v1/circles/{slug}/membership/").status_code == 204
    assert not Membership.objects.exists()


def test_refusals_use_the_error_shape_with_stable_codes(user):
    revoked = holder_badge(user, status=Status.REVOKED)
    api = as_learner(user)

    no_consent = api.post(
        "/api/v1/circles/join/", {"badge": str(revoked.public_id), "nickname": "H", "consent": False}, format="json"
    )
    assert no_consent.status_code == 422 and no_consent.json()["error"]["code"] == "consent_required"
    not_valid = api.post(
        "/api/v1/circles/join/", {"badge": str(revoked.public_id), "nickname": "H", "consent": True}, format="json"
    )
    assert not_valid.status_code == 422 and not_valid.json()["error"]["code"] == "not_valid"
    assert "valid now" in not_valid.json()["error"]["message"]
    bad = api.post("/api/v1/circles/join/", {"badge": "not-a-uuid"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    assert api.get("/api/v1/circles/nope/members/").json()["error"]["code"] == "not_found"


def test_members_posts_events_and_rsvp_for_members_only(other_user):
    circle, members = open_circle(5)
    organiser = make_organiser()
    event = make_event(circle, organiser)
    api = as_learner(members[0][0])

    names = [m["nickname"] for m in api.get(f"/api/v1/circles/{circle.slug}/members/").json()]
    assert sorted(names) == sorted(m.nickname for _u, m in members)
    assert set(api.get(f"/api/v1/circles/{circle.slug}/members/").json()[0]) == {"id", "nickname", "intro"}
    created = api.post(f"/api/v1/circles/{circle.slug}/posts/", {"body": "Hello https://x.example"}, format="json")
    assert created.status_code == 201 and created.json()["author"] == members[0][1].nickname
    assert api.get(f"/api/v1/circles/{circle.slug}/posts/").json()[0]["body"] == "Hello https://x.example"
    events = api.get(f"/api/v1/circles/{circle.slug}/events/").json()
    assert events[0]["title"] == "Autumn meet-up" and events[0]["going_count"] is None
    rsvp = api.put(f"/api/v1/circles/{circle.slug}/events/{event.pk}/rsvp/", {"going": True}, format="json")
    assert rsvp.status_code == 200 and rsvp.json()["answer"] == "going"
    assert Rsvp.objects.get().membership == members[0][1]

    stranger = as_learner(other_user)
    for path in ("members/", "posts/", "events/"):
        assert stranger.get(f"/api/v1/circles/{circle.slug}/{path}").status_code == 404


def test_check_in_through_the_api_returns_the_attendance_badge(user):
    circle, members = open_circle(5)
    event = make_event(circle, make_organiser())
    api = as_learner(members[1][0])

    response = api.post("/api/v1/circles/checkin/", {"token": event.checkin_token}, format="json")

    assert response.status_code == 200
    assert response.json()["attendance_badge"] == str(Rsvp.objects.get().attendance_badge.public_id)
    assert api.post("/api/v1/circles/checkin/", {"token": "wrong"}, format="json").status_code == 404


def test_the_directory_is_public():
    from circles.directory import rebuild_directory

    open_circle(5)
    rebuild_directory()
    listing = APIClient().get("/api/v1/circles/directory/", {"q": "translation"})
    assert listing.status_code == 200 and listing.json()[0]["holders"] == 5


def test_the_schema_documents_the_circle_endpoints(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/circles/",
        "/api/v1/circles/join/",
        "/api/v1/circles/{slug}/members/",
        "/api/v1/circles/{slug}/events/{id}/rsvp/",
        "/api/v1/circles/checkin/",
        "/api/v1/circles/directory/",
    ):
        assert path in schema["paths"], path


def test_every_circle_response_here_is_checked_for_emails(user, no_email_in_circle_responses):
    api = as_learner(user)
    api.get("/api/v1/circles/")
    APIClient().get("/next/")

    assert no_email_in_circle_responses == ["/api/v1/circles/", "/next/"]


def test_directory_search_drops_control_characters_instead_of_refusing():
    response = APIClient().get("/api/v1/circles/directory/", {"q": "py\x00thon"})
    assert response.status_code == 200
