"""Personal access tokens: created and revoked on /accounts/tokens/, shown once, stored hashed,
used as `Authorization: Bearer <token>`; a revoked token gets 401."""

from __future__ import annotations

import hashlib
import re

import pytest

from accounts.models import PersonalAccessToken
from accounts.tokens import create_token

from .support import assert_error

pytestmark = pytest.mark.django_db


def create_on_page(auth_client, name: str = "My script") -> str:
    response = auth_client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return re.search(r'id="new-token">(mnb_[^<]+)<', response.content.decode()).group(1)


def test_a_token_is_shown_once_and_stored_only_as_a_hash(auth_client, user):
    raw = create_on_page(auth_client)

    token = PersonalAccessToken.objects.get(user=user)
    assert token.name == "My script"
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in str(PersonalAccessToken.objects.values().get())
    listing = auth_client.get("/accounts/tokens/").content.decode()
    assert "My script" in listing and token.prefix in listing
    assert raw not in listing


def test_a_token_works_and_records_when_it_was_last_used(auth_client, api_client, user):
    raw = create_on_page(auth_client)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = api_client.get("/api/v1/profile/")

    assert response.status_code == 200 and response.json()["email"] == "hana@example.org"
    assert PersonalAccessToken.objects.get(user=user).last_used_at is not None


def test_a_revoked_token_gets_401(auth_client, api_client, user):
    raw = create_on_page(auth_client)
    token = PersonalAccessToken.objects.get(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api_client.get("/api/v1/badges/").status_code == 200

    auth_client.post("/accounts/tokens/", {"revoke": token.pk})

    assert not PersonalAccessToken.objects.exists()
    assert_error(api_client.get("/api/v1/badges/"), 401, "authentication_failed")


def test_a_learner_cannot_revoke_someone_elses_token(client, other_user, user):
    token, raw = create_token(user=user, name="Hana's")
    client.force_login(other_user)

    assert client.post("/accounts/tokens/", {"revoke": token.pk}).status_code == 404
    assert client.post("/accounts/tokens/", {"revoke": "abc"}).status_code == 404
    assert PersonalAccessToken.objects.filter(pk=token.pk).exists()


def test_a_token_needs_a_name(auth_client, user):
    response = auth_client.post("/accounts/tokens/", {"name": ""})

    assert response.status_code == 200 and 'id="new-token"' not in response.content.decode()
    assert not PersonalAccessToken.objects.exists()


def test_the_tokens_page_needs_a_signed_in_learner(client):
    response = client.get("/accounts/tokens/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "header", ["Bearer mnb_unknown", "Bearer", "Bearer two parts", "Bearer not-ours-at-all"], ids=str
)
def test_unknown_or_malformed_tokens_get_401(api_client, user, header):
    api_client.credentials(HTTP_AUTHORIZATION=header)

    assert_error(api_client.get("/api/v1/badges/"), 401, "authentication_failed")


def test_a_deactivated_learners_token_stops_working(api_client, user, token):
    user.is_active = False
    user.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert_error(api_client.get("/api/v1/badges/"), 401, "authentication_failed")
