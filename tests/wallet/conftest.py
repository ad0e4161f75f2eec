"""Wallet test settings (learners, badges and portfolios come from tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(client):
    # Source strings are English; tests that check Japanese ask for it per request.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
