"""Imports run off the request path: the page answers at once and follows each import to its end."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from accounts.tokens import create_token
from badges.imports import run_pending_import
from badges.models import Badge, PendingImport
from badges.tasks import run_import_task
from config.celery import app as celery_app
from tests.support.hosted import HostedBadge
from tests.support.redis_server import OwnRedis, celery_broker

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def in_background(settings):
    settings.BADGE_IMPORTS_IN_BACKGROUND = True


@pytest.fixture
def rates(settings):
    def set_rates(**overrides: str) -> None:
        base = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**base, **overrides}}

    return set_rates


def test_a_slow_issuer_does_not_hold_the_page_and_the_import_is_followed_to_its_end(auth_client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    issuer_server.serve("/assertions/1", hosted.assertion(), delay=3)  # a slow but honest issuer

    started = time.monotonic()
    response = auth_client.post("/wallet/import/", {"url": hosted.assertion_url}, **JSON)
    elapsed = time.monotonic() - started

    # Before: the import ran inside the request (four slow documents exceeded gunicorn's 30 s).
    assert elapsed < 1.5
    [result] = response.json()["results"]
    assert result["pending"] is True and result["ok"] is False
    pending = PendingImport.objects.get(public_id=result["id"])
    assert auth_client.get(result["status_url"], **JSON).json()["state"] == "queued"

    assert run_import_task.run(pending.pk) == "done"  # what the worker does
    status = auth_client.get(result["status_url"], **JSON).json()
    assert status["pending"] is False and status["ok"] is True
    assert status["url"] == f"/badges/{Badge.objects.get().public_id}/"
    assert PendingImport.objects.get().data == b""  # the handed-in file is not kept twice


def test_without_javascript_the_page_lists_recent_imports_with_a_refresh_link(auth_client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    auth_client.post("/wallet/import/", {"url": hosted.assertion_url})
    html = auth_client.get("/wallet/import/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Recent imports" in html and "Checking…" in html and 'href="/wallet/import/"' in html


def test_a_refused_background_import_says_why(auth_client, user, issuer_server):
    hosted = HostedBadge(issuer_server, recipient="someone-else@example.org").publish()
    auth_client.post("/wallet/import/", {"url": hosted.assertion_url}, **JSON)
    pending = PendingImport.objects.get()
    assert run_pending_import(pending.pk) == "refused"
    assert run_pending_import(pending.pk) == "skipped"  # a second delivery does nothing
    pending.refresh_from_db()
    assert pending.code == "not_yours" and pending.message
    assert not Badge.objects.exists()


def test_the_api_answers_202_with_the_pending_import_to_follow(user, issuer_server):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user, name='t')[1]}")
    hosted = HostedBadge(issuer_server).publish()

    response = client.post("/api/v1/badges/import/", {"url": hosted.assertion_url}, format="json")

    assert response.status_code == 202
    body = response.json()
    assert body["pending"] is True and response["Location"] == body["status_url"]
    run_pending_import(PendingImport.objects.get().pk)
    done = client.get(body["status_url"]).json()
    assert done["state"] == "done" and done["badge"] == str(Badge.objects.get().public_id)


def test_a_learner_can_have_only_a_few_imports_waiting(auth_client, user, settings):
    settings.BADGE_MAX_PENDING_IMPORTS = 2
    for n in range(2):
        auth_client.post("/wallet/import/", {"url": f"https://issuer.example/a/{n}"}, **JSON)
    [result] = auth_client.post("/wallet/import/", {"url": "https://issuer.example/a/9"}, **JSON).json()["results"]
    assert result["code"] == "too_many_pending"
    assert PendingImport.objects.count() == 2


def test_the_web_form_and_the_api_share_the_import_limit(auth_client, user, rates):
    rates(**{"import": "2/minute"})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {create_token(user=user, name='t')[1]}")

    assert auth_client.post("/wallet/import/", {"url": "https://issuer.example/a/1"}, **JSON).status_code == 200
    assert (
        client.post("/api/v1/badges/import/", {"url": "https://issuer.example/a/2"}, format="json").status_code == 202
    )
    refused = auth_client.post(
        "/wallet/import/", {"url": "https://issuer.example/a/3"}, HTTP_ACCEPT_LANGUAGE="ja", **JSON
    )

    # Before: 65 web imports in a row, the API's limit bypassed.
    assert refused.status_code == 429
    [result] = refused.json()["results"]
    assert result["code"] == "throttled" and "お試しください" in result["message"]


def test_imports_are_limited_per_ip_too_whoever_is_signed_in(client, user, other_user, rates):
    rates(import_ip="1/minute")
    client.force_login(user)
    assert client.post("/wallet/import/", {"url": "https://issuer.example/a/1"}, **JSON).status_code == 200
    client.force_login(other_user)
    assert client.post("/wallet/import/", {"url": "https://issuer.example/a/2"}, **JSON).status_code == 429


def test_with_the_task_broker_down_the_import_runs_in_the_request_and_is_not_lost(
    auth_client, user, issuer_server, django_capture_on_commit_callbacks
):
    hosted = HostedBadge(issuer_server).publish()
    broker = OwnRedis().start()
    try:
        with celery_broker(celery_app, broker.url + "/0"):
            broker.stop()  # the broker goes down
            with django_capture_on_commit_callbacks(execute=True):
                auth_client.post("/wallet/import/", {"url": hosted.assertion_url}, **JSON)
    finally:
        broker.stop()
    assert PendingImport.objects.get().state == "done"
    assert Badge.objects.count() == 1
