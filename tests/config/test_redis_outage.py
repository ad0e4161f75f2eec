"""Redis stopped and restarted under a working site: nothing answers 5xx, /readyz tells the truth."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from accounts.tokens import create_token
from badges.models import Badge
from config.cache import FailOpenRedisCache
from config.celery import app as celery_app
from tests.conftest import DEMO_PASSWORD
from tests.support.hosted import HostedBadge
from tests.support.redis_server import OwnRedis, celery_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def token(user):
    return create_token(user=user, name="Outage test")[1]


@pytest.fixture
def own_redis(settings, monkeypatch):
    redis = OwnRedis().start()
    settings.CACHES = {"default": {"BACKEND": "config.cache.FailOpenRedisCache", "LOCATION": redis.url + "/0"}}
    monkeypatch.setattr(FailOpenRedisCache, "retry_after", 0.2)
    try:
        with celery_broker(celery_app, redis.url + "/1"):
            yield redis
    finally:
        redis.stop()


def walk_the_site(client, api_client, token, unlisted_portfolio, issuer_server, number: int) -> dict[str, int]:
    """Public page, login, API read and one import: the status code of each."""
    hosted = HostedBadge(issuer_server, slug=str(number), class_slug=f"class-{number}").publish()
    codes = {
        "public page": client.get(f"/p/{unlisted_portfolio.slug}/").status_code,
        "public api": api_client.get(f"/api/v1/public/portfolios/{unlisted_portfolio.slug}/").status_code,
        "login": client.post("/accounts/login/", {"login": "hana@example.org", "password": DEMO_PASSWORD}).status_code,
        "api": api_client.get("/api/v1/badges/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code,
        "import": api_client.post(
            "/api/v1/badges/import/", {"url": hosted.assertion_url}, format="json", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code,
    }
    imported = Badge.objects.filter(owner__email="hana@example.org").order_by("-pk").first()
    codes["check again"] = api_client.post(
        f"/api/v1/badges/{imported.public_id}/reverify/", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).status_code
    return codes


def test_the_site_keeps_answering_through_a_redis_outage_and_readyz_reports_it(
    own_redis, client, api_client, token, unlisted_portfolio, issuer_server
):
    assert client.get("/readyz").json() == {"database": "ok", "cache": "ok", "broker": "ok"}
    before = walk_the_site(client, api_client, token, unlisted_portfolio, issuer_server, 1)
    assert all(code < 500 for code in before.values()), before

    own_redis.stop()
    during = walk_the_site(client, api_client, token, unlisted_portfolio, issuer_server, 2)
    ready = client.get("/readyz")
    # Before: 500 on the public page, the API, login and "check again".
    assert all(code < 500 for code in during.values()), during
    assert during == before
    assert ready.status_code == 503
    assert ready.json() == {"database": "ok", "cache": "unavailable", "broker": "unavailable"}
    assert client.get("/healthz").status_code == 200

    own_redis.start()
    time.sleep(0.3)  # past the cache's back-off
    after = walk_the_site(client, api_client, token, unlisted_portfolio, issuer_server, 3)
    assert after == before
    assert client.get("/readyz").status_code == 200
