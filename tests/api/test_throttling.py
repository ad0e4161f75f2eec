"""Throttling: per learner, per IP, and stricter scopes for imports and public endpoints."""

from __future__ import annotations

import pytest

from .support import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**overrides: str) -> None:
        base = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {**base, **overrides},
        }

    return set_rates


def test_a_learner_is_throttled_after_their_rate(hana, kenji, rates):
    rates(user="3/minute")

    for _ in range(3):
        assert hana.get("/api/v1/badges/").status_code == 200
    error = assert_error(hana.get("/api/v1/badges/"), 429, "throttled")

    assert error["details"]["retry_after"] > 0
    # Counted per learner: Kenji is not affected.
    assert kenji.get("/api/v1/badges/").status_code == 200


def test_imports_have_a_stricter_limit(hana, rates):
    rates(**{"import": "2/minute"})

    for _ in range(2):
        assert hana.post("/api/v1/badges/import/", {}, format="json").status_code == 400
    assert_error(hana.post("/api/v1/badges/import/", {}, format="json"), 429, "throttled")
    # Other endpoints are still fine.
    assert hana.get("/api/v1/badges/").status_code == 200


def test_public_endpoints_are_throttled_per_ip(api_client, unlisted_portfolio, rates):
    rates(public="2/minute")
    url = f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/"

    assert [api_client.get(url).status_code for _ in range(2)] == [200, 200]
    assert_error(api_client.get(url), 429, "throttled")
    assert api_client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_anonymous_requests_are_throttled_per_ip_whatever_the_endpoint(api_client, unlisted_portfolio, rates):
    rates(anon="2/minute", public="100/minute")

    assert api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").status_code == 200
    assert api_client.get("/api/v1/public/portfolios/no-such-link/").status_code == 404
    assert_error(api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/"), 429, "throttled")


def test_the_throttle_message_is_all_japanese_for_a_japanese_learner(hana, rates):
    rates(user="1/hour")
    hana.get("/api/v1/badges/", HTTP_ACCEPT_LANGUAGE="ja")
    error = assert_error(hana.get("/api/v1/badges/", HTTP_ACCEPT_LANGUAGE="ja"), 429, "throttled")

    # Before: 「リクエストの処理は絞られました。 Expected available in 3595 seconds.」
    assert "Expected" not in error["message"]
    assert "分後" in error["message"]
    assert not any("a" <= ch.lower() <= "z" for ch in error["message"])


def test_deeply_nested_json_in_an_api_body_is_a_400_in_the_one_error_shape(hana):
    body = "[" * 100_000 + "]" * 100_000
    response = hana.generic("POST", "/api/v1/badges/import/", body, content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["message"]
