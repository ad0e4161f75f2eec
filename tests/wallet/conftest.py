"""Wallet fixtures: Hana's badges and portfolios (users come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

from .factories import make_badge


@pytest.fixture
def badge(user):
    """A valid badge in Hana's wallet."""
    return make_badge(user, name="Data science basics", tags=["python", "statistics"])


@pytest.fixture
def portfolio(user, badge):
    """Hana's private portfolio holding her badge."""
    portfolio = create_portfolio(owner=user, title="Admissions", description="For my AO application.")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    return portfolio


@pytest.fixture
def unlisted_portfolio(portfolio):
    """The same portfolio, opened to anyone with its link."""
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    return portfolio


@pytest.fixture(autouse=True)
def _english(client):
    # Source strings are English; tests that check Japanese ask for it per request.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
