"""The learner's own profile through the API."""

from __future__ import annotations

import pytest

from .support import assert_error

pytestmark = pytest.mark.django_db


def test_read_my_profile(hana, user):
    response = hana.get("/api/v1/profile/")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "hana@example.org"
    assert body["display_name"] == "Hana" and body["public_name"] == "Hana"
    assert body["avatar_url"] is None


def test_update_name_bio_and_language(hana, user):
    response = hana.patch(
        "/api/v1/profile/", {"display_name": "Hana S.", "bio": "Shizuoka.", "preferred_language": "en"}, format="json"
    )

    assert response.status_code == 200 and response.json()["display_name"] == "Hana S."
    user.refresh_from_db()
    assert (user.display_name, user.bio, user.preferred_language) == ("Hana S.", "Shizuoka.", "en")


def test_the_email_cannot_be_changed_here(hana, user):
    hana.patch("/api/v1/profile/", {"email": "evil@example.org"}, format="json")

    user.refresh_from_db()
    assert user.email == "hana@example.org"


@pytest.mark.parametrize(
    "data", [{"preferred_language": "fr"}, {"display_name": "x" * 81}, {"bio": "y" * 501}], ids=str
)
def test_bad_input_is_refused(hana, user, data):
    error = assert_error(hana.patch("/api/v1/profile/", data, format="json"), 400, "invalid")

    assert set(error["details"]["fields"]) == set(data)
    user.refresh_from_db()
    assert user.display_name == "Hana"


def test_profile_needs_authentication(api_client, user):
    assert_error(api_client.get("/api/v1/profile/"), 401, "not_authenticated")
    assert_error(api_client.patch("/api/v1/profile/", {"display_name": "x"}), 401, "not_authenticated")


def test_each_learner_sees_only_their_own_profile(kenji, user):
    assert kenji.get("/api/v1/profile/").json()["email"] == "kenji@example.org"
