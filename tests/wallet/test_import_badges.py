"""The import page, against the real verifier and a real issuer on 127.0.0.1."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Badge
from tests.factories import serve_hosted_badge

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_import_page_offers_files_link_and_pasted_data(auth_client):
    html = auth_client.get("/wallet/import/").content.decode()

    assert 'type="file"' in html and "multiple" in html
    assert 'name="url"' in html
    assert 'name="payload"' in html
    assert 'aria-live="polite"' in html


def test_two_baked_files_at_once_are_both_imported_and_reported(auth_client, user, issuer_server):
    first = serve_hosted_badge(issuer_server, 1, name="Translation volunteer")
    second = serve_hosted_badge(issuer_server, 2, hashed=True, name="Data science basics")

    response = auth_client.post("/wallet/import/", {"files": [upload("one.png", first), upload("two.png", second)]})

    html = response.content.decode()
    assert response.status_code == 200
    assert [r["ok"] for r in response.context["results"]] == [True, True]
    assert "Imported: “Translation volunteer” from Prefectural Learning Centre." in html
    assert "Imported: “Data science basics” from Prefectural Learning Centre." in html
    assert sorted(Badge.objects.owned_by(user).values_list("status", flat=True)) == ["valid", "valid"]


def test_badge_for_someone_else_is_refused_in_plain_words(auth_client, user, issuer_server):
    other = serve_hosted_badge(issuer_server, 3, recipient="somebody@example.org")

    response = auth_client.post("/wallet/import/", {"files": [upload("other.png", other)]})

    [result] = response.context["results"]
    assert result["ok"] is False and result["code"] == "not_yours"
    assert "not verified on your account" in response.content.decode()
    assert not Badge.objects.owned_by(user).exists()


def test_one_refused_file_does_not_stop_the_others(auth_client, user, issuer_server):
    good = serve_hosted_badge(issuer_server, 1)

    response = auth_client.post(
        "/wallet/import/", {"files": [upload("junk.png", b"not a png"), upload("good.png", good)]}
    )

    assert [r["ok"] for r in response.context["results"]] == [False, True]
    assert Badge.objects.owned_by(user).count() == 1


def test_importing_the_same_badge_twice_says_it_is_already_there(auth_client, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1)
    auth_client.post("/wallet/import/", {"files": [upload("a.png", baked)]})

    response = auth_client.post("/wallet/import/", {"files": [upload("a.png", baked)]})

    [result] = response.context["results"]
    assert result["code"] == "duplicate"
    assert "already have this badge" in result["message"]
    assert result["url"].startswith("/badges/")


def test_a_link_to_a_hosted_badge_is_imported(auth_client, user, issuer_server):
    serve_hosted_badge(issuer_server, 4)

    response = auth_client.post("/wallet/import/", {"url": issuer_server.url("/a/4")})

    assert response.context["results"][0]["ok"] is True
    assert Badge.objects.owned_by(user).get().source_url == issuer_server.url("/a/4")


def test_pasted_json_is_imported(auth_client, user, issuer_server):
    serve_hosted_badge(issuer_server, 5)
    pasted = json.dumps(json.loads(issuer_server.routes["/a/5"].body))

    response = auth_client.post("/wallet/import/", {"payload": pasted})

    assert response.context["results"][0]["ok"] is True


def test_javascript_gets_the_results_as_json(auth_client, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1)

    response = auth_client.post("/wallet/import/", {"files": [upload("a.png", baked)]}, HTTP_ACCEPT="application/json")

    assert response["Content-Type"] == "application/json"
    [result] = response.json()["results"]
    assert result["ok"] is True and result["label"] == "a.png"


def test_empty_submission_explains_what_to_do(auth_client):
    response = auth_client.post("/wallet/import/", {})

    assert "Choose a badge file, paste a link" in response.content.decode()


def test_signed_out_visitor_cannot_import(client):
    assert client.post("/wallet/import/", {"url": "https://example.org/a"}).status_code == 302
