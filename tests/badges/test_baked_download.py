"""The "Download" button gives a baked image carrying the authoritative copy, for every way a badge came in."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.openbadges.baking import bake_png, extract
from badges.openbadges.verification import verify
from badges.services import badge_fetcher, import_badge
from tests.support.hosted import HostedBadge, plain_png
from wallet.services import permanent_link

pytestmark = pytest.mark.django_db


def download(client, badge) -> bytes:
    response = client.get(f"/b/{permanent_link(badge=badge).code}/download")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def test_a_badge_imported_by_url_downloads_as_a_png_baked_with_the_issuers_copy(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)

    png = download(client, badge)

    assert png.startswith(b"\x89PNG")
    assert json.loads(extract(png).payload)["id"] == hosted.assertion_url
    # …and it verifies elsewhere: our own verifier, from the downloaded bytes alone.
    from django.utils import timezone

    from badges.services import identities_of

    result = verify(png, fetch=badge_fetcher(), now=timezone.now(), identities=identities_of(user))
    assert result.status == "valid"


def test_pasted_json_downloads_baked_too(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, payload=json.dumps(hosted.assertion()))

    png = download(client, badge)

    assert json.loads(extract(png).payload)["id"] == hosted.assertion_url


def test_a_baked_upload_whose_embedded_copy_differs_downloads_with_the_hosted_copy(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    stale = {**hosted.assertion(), "evidence": "https://example.org/an-old-copy"}
    original = bake_png(plain_png(), json.dumps(stale))
    badge = import_badge(owner=user, upload=SimpleUploadedFile("b.png", original, content_type="image/png"))

    png = download(client, badge)

    assert png != original
    assert json.loads(extract(png).payload) == json.loads(badge.raw_payload)
    assert "evidence" not in json.loads(extract(png).payload)


def test_a_baked_upload_carrying_the_issuers_copy_downloads_unchanged(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    original = bake_png(plain_png(), hosted.server.url(f"/assertions/{hosted.slug}"))  # baked URL: points to it
    badge = import_badge(owner=user, upload=SimpleUploadedFile("b.png", original, content_type="image/png"))

    assert download(client, badge) == original


def test_the_owner_keeps_the_original_and_may_download_the_baked_one(auth_client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)

    original = auth_client.get(f"/badges/{badge.public_id}/download/")
    baked = auth_client.get(f"/badges/{badge.public_id}/download/?baked=1")

    assert not original.content.startswith(b"\x89PNG")
    assert baked.content.startswith(b"\x89PNG")
