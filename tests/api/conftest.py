"""API fixtures: clients signed in by token or session, and Hana's badge and portfolio."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import translation
from rest_framework.test import APIClient

from accounts.tokens import create_token


@pytest.fixture(autouse=True)
def _fresh_throttles_and_language():
    # Throttle counters live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()
    # A request leaves its language active in this thread; later tests expect the default (ja).
    translation.deactivate()


@pytest.fixture
def api_client():
    """An anonymous API client that asks for English (source strings)."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def token(user):
    """Hana's raw personal access token."""
    return create_token(user=user, name="Test script")[1]


@pytest.fixture
def hana(api_client, token):
    """The API client of Hana's script: `Authorization: Bearer <token>`."""
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api_client


@pytest.fixture
def kenji(other_user):
    """Kenji's API client: proves Hana's private things are 404 to him."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=other_user, name='Kenji')[1]}")
    return client
