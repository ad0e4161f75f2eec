"""The OpenAPI schema and its readers, and a bounded schemathesis run against the live API."""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from badges.models import Notification, Verification
from tests.factories import make_badge
from wallet.models import Portfolio

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_and_documents_every_endpoint(api_client):
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/badges/",
        "/api/v1/badges/import/",
        "/api/v1/badges/{public_id}/",
        "/api/v1/badges/{public_id}/reverify/",
        "/api/v1/portfolios/",
        "/api/v1/portfolios/{id}/",
        "/api/v1/portfolios/{id}/badges/",
        "/api/v1/portfolios/{id}/order/",
        "/api/v1/portfolios/{id}/visibility/",
        "/api/v1/portfolios/{id}/reset-link/",
        "/api/v1/profile/",
        "/api/v1/notifications/",
        "/api/v1/notifications/read-all/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/public/portfolios/{slug}/",
        "/api/v1/public/portfolios/{slug}/badges/{public_id}/",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal access token from /accounts/tokens/.",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method} {path} has no summary"
            documented = [
                r
                for r in operation["responses"].values()
                if r.get("content", {}).get("application/json", {}).get("examples")
            ]
            assert documented, f"{method} {path} has no example"


def test_public_endpoints_need_no_authentication_in_the_schema(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    public = schema["paths"]["/api/v1/public/portfolios/{slug}/"]["get"]
    assert public.get("security", [{}]) in ([{}], [])
    assert {"401", "403"}.isdisjoint(public["responses"])


@pytest.mark.parametrize("path, asset", [("/api/v1/docs/", "swagger-ui"), ("/api/v1/redoc/", "redoc")])
def test_docs_are_served_from_bundled_assets(api_client, path, asset):
    html = api_client.get(path).content.decode()

    assert f"/static/drf_spectacular_sidecar/{asset}" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


# ---------------------------------------------------------------------------------------------
# schemathesis: generated requests against every read operation, with a real token
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def wallet_data(user, other_user):
    """Enough of a wallet that lists return real items, and the ids the schema's examples use
    exist, so generated requests reach real objects (whose bodies must match the schema too)."""
    badge = make_badge(
        user, name="Data science basics", tags=["python"], public_id=uuid.UUID("6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11")
    )
    make_badge(user, name="Expired one", status="expired", evidence=[{"id": "https://e.example/1", "narrative": "x"}])
    Verification.objects.create(badge=badge, trigger="import", status="valid", checks=badge.checks)
    Notification.objects.create(pk=42, user=user, badge=badge, kind=Notification.Kind.RECOVERED)
    shared = Portfolio.objects.create(
        pk=7, owner=user, title="Shared", visibility=Portfolio.Visibility.UNLISTED, slug="q3Zk8mV0b2xV1cW9yYbN1A"
    )
    shared.entries.create(badge=badge, position=0)
    make_badge(other_user, name="Kenji's")


@pytest.fixture
def generous_throttles(settings):
    # Generated traffic must not trip the throttles it is not testing.
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {key: "100000/minute" for key in rates},
    }


@pytest.fixture
def keep_test_connection():
    # schemathesis calls the WSGI app directly, so Django's request signals would close the
    # database connection after each request, in the middle of the test's transaction (on
    # PostgreSQL; SQLite in memory ignores it). Django's own test client disconnects the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection through WSGI (the schema view needs no database). Not through
# schemathesis.pytest.from_fixture: schemathesis 4.32 reads a pytest-internal attribute that
# pytest 9.2 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application()).include(method="GET")


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_schema(case, token, wallet_data, generous_throttles, keep_test_connection):
    # No 5xx, documented status codes and content types, bodies matching the schema. Not
    # negative_data_rejection: DRF's paginator deliberately reads `?page=` leniently (the last of
    # repeated parameters; empty means page 1); our own filters' bad input is tested explicitly.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        excluded_checks=[schemathesis.checks.negative_data_rejection],
    )
