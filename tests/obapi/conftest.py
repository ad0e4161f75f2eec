"""Fixtures for the Open Badges API: a registered client platform and tokens Hana granted it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.obapi.support import ALL_SCOPES, authorize_params, code_from, consent, pkce_pair, register, token_request


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def platform():
    """The HTTP client of an issuer's platform (no session, English)."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def registered(platform, db):
    return register(platform)


def grant(client, platform, registered, *, scope: str = ALL_SCOPES, share_email: bool = False) -> dict:
    verifier, challenge = pkce_pair()
    params = authorize_params(registered["client_id"], challenge, scope=scope)
    code = code_from(consent(client, params, share_email=share_email))
    response = token_request(
        platform,
        registered,
        grant_type="authorization_code",
        code=code,
        redirect_uri=params["redirect_uri"],
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def tokens(client, user, platform, registered):
    """Tokens for every OB scope, granted by Hana on the consent page."""
    client.force_login(user)
    return grant(client, platform, registered)


@pytest.fixture
def as_platform(platform, tokens):
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    return platform
