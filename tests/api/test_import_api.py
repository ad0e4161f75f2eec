"""Importing badges through the API: the same verifier and refusal codes as the web import,
against a real issuer on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Badge
from tests.factories import serve_hosted_badge

from .support import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/badges/import/"


def upload(data: bytes, name: str = "badge.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_baked_file_is_verified_and_imported(hana, user, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1, name="Translation volunteer")

    response = hana.post(URL, {"file": upload(baked)}, format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Translation volunteer"
    assert body["status"] == "valid"
    assert body["source_kind"] == "png"
    assert {c["name"] for c in body["checks"]} >= {"recipient"}
    assert Badge.objects.owned_by(user).get().public_id.hex == body["id"].replace("-", "")


def test_a_link_is_imported(hana, user, issuer_server):
    serve_hosted_badge(issuer_server, 2)

    response = hana.post(URL, {"url": issuer_server.url("/a/2")}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["source_kind"] == "url"


def test_pasted_json_is_imported(hana, user, issuer_server):
    serve_hosted_badge(issuer_server, 3)
    assertion = issuer_server.url("/a/3")
    payload = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": assertion})
    # The issuer's hosted copy is authoritative: what we paste is only a pointer to it.
    response = hana.post(URL, {"payload": payload}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["source_kind"] == "json"
    assert response.json()["status"] == "valid"


def test_a_duplicate_is_409_and_points_at_the_badge_already_there(hana, user, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1)
    first = hana.post(URL, {"file": upload(baked)}, format="multipart").json()

    error = assert_error(hana.post(URL, {"file": upload(baked)}, format="multipart"), 409, "duplicate")

    assert error["details"] == {"badge": first["id"]}
    assert "already have this badge" in error["message"]
    assert Badge.objects.owned_by(user).count() == 1


def test_a_badge_for_someone_else_is_refused_as_not_yours(hana, user, issuer_server):
    baked = serve_hosted_badge(issuer_server, 4, recipient="somebody@example.org")

    error = assert_error(hana.post(URL, {"file": upload(baked)}, format="multipart"), 422, "not_yours")

    assert "not verified on your account" in error["message"]
    assert not Badge.objects.owned_by(user).exists()


def test_a_refusal_message_is_translated(hana, issuer_server):
    baked = serve_hosted_badge(issuer_server, 4, recipient="somebody@example.org")

    response = hana.post(URL, {"file": upload(baked)}, format="multipart", HTTP_ACCEPT_LANGUAGE="ja")

    error = assert_error(response, 422, "not_yours")
    assert "not verified on your account" not in error["message"]


def test_a_file_that_is_not_a_badge_is_bad_format(hana, user):
    assert_error(hana.post(URL, {"file": upload(b"not a png")}, format="multipart"), 422, "bad_format")


def test_a_too_large_file_is_413(hana, user, settings):
    settings.BADGE_UPLOAD_MAX_BYTES = 1024

    assert_error(hana.post(URL, {"file": upload(b"x" * 2048)}, format="multipart"), 413, "too_large")


def test_a_badge_whose_issuer_is_down_is_kept_as_not_yet_checked(hana, user, issuer_server):
    url = issuer_server.url("/a/404-never-served")
    issuer_server.stop()

    response = hana.post(URL, {"url": url}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert response.json()["name"]


def test_an_address_that_can_never_be_fetched_is_refused_with_its_code(hana, user):
    assert_error(hana.post(URL, {"url": "http://10.0.0.5/badge"}, format="json"), 422, "unreachable")


def test_a_link_that_is_not_http_is_bad_url(hana, user):
    assert_error(hana.post(URL, {"url": "javascript:alert(1)"}, format="json"), 422, "bad_url")


@pytest.mark.parametrize("data", [{}, {"url": "https://a.example/1", "payload": "{}"}, {"url": ""}])
def test_exactly_one_source_is_required(hana, data):
    error = assert_error(hana.post(URL, data, format="json"), 400, "invalid")

    assert error["details"]["fields"]


def test_a_body_that_is_not_json_is_a_parse_error(hana):
    response = hana.post(URL, "{not json", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_import_needs_authentication(api_client, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1)

    assert_error(api_client.post(URL, {"file": upload(baked)}, format="multipart"), 401, "not_authenticated")
    assert issuer_server.hits == []


def test_session_clients_must_send_the_csrf_token(user, issuer_server):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)

    assert_error(browser.post(URL, {"url": issuer_server.url("/a/1")}, format="json"), 403, "permission_denied")
    assert browser.get("/api/v1/badges/").status_code == 200
