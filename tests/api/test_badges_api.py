"""The learner's badges through the API: list, filter, read, hide, remove, re-check."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Badge, Status, Verification
from tests.factories import make_badge, serve_hosted_badge

from .support import assert_error

pytestmark = pytest.mark.django_db


def test_list_shows_my_badges_with_live_status(hana, badge):
    response = hana.get("/api/v1/badges/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["results"]
    assert item["id"] == str(badge.public_id)
    assert item["name"] == "Data science basics"
    assert item["status"] == "valid" and item["status_label"] == "Verified"
    assert item["issuer"] == {"name": "Shizuoka Learning Centre", "url": "", "verified": "", "registered_name": ""}
    assert "raw_payload" not in item and "checks" not in item


def test_list_filters_by_status_issuer_and_tag(hana, user, badge):
    make_badge(user, name="Revoked one", status=Status.REVOKED, issuer_name="Other issuer")
    # Valid in the database but past its expiry date: the live status is "expired".
    make_badge(user, name="Stale", expires_on=timezone.now() - timedelta(days=1))

    def names(query: str) -> list[str]:
        return sorted(b["name"] for b in hana.get(f"/api/v1/badges/?{query}").json()["results"])

    assert names("status=revoked") == ["Revoked one"]
    assert names("status=expired") == ["Stale"]
    assert names("issuer=Other+issuer") == ["Revoked one"]
    assert names("tag=python") == ["Data science basics"]
    assert names("tag=python&status=revoked") == []
    assert names("status=&issuer=") == ["Data science basics", "Revoked one", "Stale"]


def test_list_is_paginated(hana, user):
    for n in range(25):
        make_badge(user, name=f"Badge {n}", thumbnail=False)

    first = hana.get("/api/v1/badges/").json()
    second = hana.get(first["next"]).json()

    assert first["count"] == 25 and len(first["results"]) == 20
    assert len(second["results"]) == 5 and second["next"] is None


def test_list_needs_authentication(api_client, badge):
    response = api_client.get("/api/v1/badges/")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_list_never_shows_another_learners_badges(kenji, badge):
    assert kenji.get("/api/v1/badges/").json()["count"] == 0


def test_list_refuses_an_unknown_status(hana, badge):
    error = assert_error(hana.get("/api/v1/badges/?status=shiny"), 400, "invalid")

    assert "status" in error["details"]["fields"]


def test_a_page_past_the_end_is_404(hana, badge):
    assert_error(hana.get("/api/v1/badges/?page=9"), 404, "not_found")


def test_detail_has_the_last_verifications_checks_in_the_requested_language(hana, badge):
    Verification.objects.create(badge=badge, trigger="import", status="valid", checks=badge.checks)

    english = hana.get(f"/api/v1/badges/{badge.public_id}/").json()
    japanese = hana.get(f"/api/v1/badges/{badge.public_id}/", HTTP_ACCEPT_LANGUAGE="ja").json()

    assert [c["name"] for c in english["checks"]] == ["hosted", "recipient"]
    assert english["checks"][0] == {
        "name": "hosted",
        "result": "pass",
        "message": "The issuer's copy of the badge was fetched.",
    }
    assert english["checks"][1]["message"] == "Issued to hana@example.org."
    assert japanese["checks"][1]["message"] != english["checks"][1]["message"]
    assert "hana@example.org" in japanese["checks"][1]["message"]
    assert english["last_verification"]["trigger"] == "import"
    assert english["description"].startswith("Awarded for")


def test_detail_of_another_learners_badge_is_404_like_a_missing_one(kenji, hana, badge):
    theirs = kenji.get(f"/api/v1/badges/{badge.public_id}/")
    missing = hana.get(f"/api/v1/badges/{uuid.uuid4()}/")

    assert_error(theirs, 404, "not_found")
    assert theirs.json() == missing.json()


def test_detail_needs_authentication(api_client, badge):
    assert_error(api_client.get(f"/api/v1/badges/{badge.public_id}/"), 401, "not_authenticated")


def test_a_badge_can_be_hidden_from_public_pages(hana, badge):
    response = hana.patch(f"/api/v1/badges/{badge.public_id}/", {"hidden_from_public": True}, format="json")

    assert response.status_code == 200 and response.json()["hidden_from_public"] is True
    badge.refresh_from_db()
    assert badge.hidden_from_public is True


def test_hiding_needs_a_boolean(hana, badge):
    response = hana.patch(f"/api/v1/badges/{badge.public_id}/", {"hidden_from_public": "perhaps"}, format="json")

    assert_error(response, 400, "invalid")


def test_another_learner_cannot_hide_or_remove_my_badge(kenji, badge):
    assert_error(kenji.patch(f"/api/v1/badges/{badge.public_id}/", {"hidden_from_public": True}), 404, "not_found")
    assert_error(kenji.delete(f"/api/v1/badges/{badge.public_id}/"), 404, "not_found")
    assert Badge.objects.filter(pk=badge.pk, hidden_from_public=False).exists()


def test_removing_a_badge_deletes_it_and_its_place_in_portfolios(hana, badge, portfolio):
    response = hana.delete(f"/api/v1/badges/{badge.public_id}/")

    assert response.status_code == 204
    assert not Badge.objects.filter(pk=badge.pk).exists()
    assert not portfolio.entries.exists()


def test_removing_needs_authentication(api_client, badge):
    assert_error(api_client.delete(f"/api/v1/badges/{badge.public_id}/"), 401, "not_authenticated")
    assert Badge.objects.filter(pk=badge.pk).exists()


def test_recheck_asks_the_issuer_again_and_sees_a_revocation(hana, issuer_server):
    from django.core.files.uploadedfile import SimpleUploadedFile

    baked = serve_hosted_badge(issuer_server, 1)
    created = hana.post("/api/v1/badges/import/", {"file": SimpleUploadedFile("b.png", baked)}, format="multipart")
    badge_id = created.json()["id"]
    issuer_server.serve("/a/1", {"revoked": True, "revocationReason": "Issued by mistake"}, status=410)

    response = hana.post(f"/api/v1/badges/{badge_id}/reverify/")

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["last_verification"]["trigger"] == "manual"
    assert Badge.objects.get(public_id=badge_id).status == Status.REVOKED


def test_recheck_of_another_learners_badge_is_404_and_fetches_nothing(kenji, badge, issuer_server):
    assert_error(kenji.post(f"/api/v1/badges/{badge.public_id}/reverify/"), 404, "not_found")
    assert issuer_server.hits == []


def test_recheck_needs_authentication(api_client, badge):
    assert_error(api_client.post(f"/api/v1/badges/{badge.public_id}/reverify/"), 401, "not_authenticated")
