"""Public, read-only API: a shared portfolio and its badges by link, with live statuses,
never an e-mail address or a hidden badge, and never a private portfolio."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import make_badge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio

from .support import assert_error

pytestmark = pytest.mark.django_db


def test_an_unlisted_portfolio_is_readable_by_anyone_with_its_link(api_client, unlisted_portfolio, badge):
    response = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/")

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Admissions" and body["learner"] == "Hana"
    assert body["page_url"].endswith(f"/p/{unlisted_portfolio.slug}/")
    [item] = body["badges"]
    assert item["id"] == str(badge.public_id) and item["status"] == "valid"
    assert item["page_url"].endswith(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/")


def test_statuses_are_live(api_client, user, unlisted_portfolio):
    stale = make_badge(user, name="Stale", expires_on=timezone.now() - timedelta(minutes=1))
    add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=stale)

    body = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").json()

    assert [b["status"] for b in body["badges"]] == ["valid", "expired"]


def test_no_email_address_appears_anywhere(api_client, user, unlisted_portfolio, badge):
    badge.issuer_email = "badges@issuer.example"
    badge.recipient_identity = "hana@example.org"
    badge.save()

    portfolio = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").content.decode()
    one = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/badges/{badge.public_id}/")

    for text in (portfolio, one.content.decode()):
        assert "hana@example.org" not in text
        assert "badges@issuer.example" not in text
        assert "@" not in json.dumps(json.loads(text))
    recipient = next(c for c in one.json()["checks"] if c["name"] == "recipient")
    assert recipient["message"] == "The badge was issued to this learner (their address is kept private)."


def test_a_hidden_badge_is_left_out_and_is_404_on_its_own(api_client, user, unlisted_portfolio, badge):
    badge.hidden_from_public = True
    badge.save()

    body = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").json()

    assert body["badges"] == []
    response = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/badges/{badge.public_id}/")
    assert_error(response, 404, "not_found")


def test_a_private_portfolio_is_404_like_a_missing_one(api_client, portfolio, badge):
    private = api_client.get(f"/api/v1/public/portfolios/{portfolio.slug}/")
    missing = api_client.get("/api/v1/public/portfolios/no-such-link/")

    assert_error(private, 404, "not_found")
    assert private.json() == missing.json()
    assert_error(
        api_client.get(f"/api/v1/public/portfolios/{portfolio.slug}/badges/{badge.public_id}/"), 404, "not_found"
    )


def test_the_owners_token_does_not_open_a_private_portfolio_publicly(hana, portfolio):
    assert_error(hana.get(f"/api/v1/public/portfolios/{portfolio.slug}/"), 404, "not_found")


def test_a_public_badge_has_its_details_and_checks(api_client, unlisted_portfolio, badge):
    response = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/badges/{badge.public_id}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Data science basics"
    assert body["tags"] == ["python", "statistics"]
    assert [c["name"] for c in body["checks"]] == ["hosted", "recipient"]
    assert body["image_url"].endswith(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/image")


def test_a_badge_outside_the_portfolio_is_404(api_client, user, unlisted_portfolio):
    elsewhere = make_badge(user, name="Not in this portfolio")

    for public_id in (elsewhere.public_id, uuid.uuid4()):
        response = api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/badges/{public_id}/")
        assert_error(response, 404, "not_found")


def test_a_public_portfolio_is_readable_too(api_client, portfolio):
    portfolio.visibility = Portfolio.Visibility.PUBLIC
    portfolio.save()

    assert api_client.get(f"/api/v1/public/portfolios/{portfolio.slug}/").status_code == 200


def test_a_bad_token_does_not_matter_on_public_endpoints(api_client, unlisted_portfolio):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer mnb_not-a-real-token")

    assert api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").status_code == 200


def test_public_endpoints_are_read_only(api_client, unlisted_portfolio):
    response = api_client.post(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/", {})

    assert_error(response, 405, "method_not_allowed")
