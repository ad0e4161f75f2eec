"""LinkedIn and social sharing links, and the wallet's part of the account export (a zip)."""

import hashlib
import io
import json
import zipfile
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import delete_account
from badges.models import Badge
from badges.openbadges.baking import bake_svg
from tests.factories import make_badge, serve_hosted_badge
from wallet.services import create_share_link, linkedin_add_url

pytestmark = pytest.mark.django_db


def test_linkedin_add_to_profile_is_prefilled(user):
    from tests.factories import make_badge

    badge = make_badge(
        user,
        name="Data science basics",
        issuer_name="Tech School",
        issued_on=timezone.make_aware(datetime(2026, 4, 10, 12)),
    )

    url = linkedin_add_url(badge=badge, cert_url="https://manabi.example/p/abc/b/1/")

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/profile/add"
    assert query == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Data science basics",
        "organizationName": "Tech School",
        "issueYear": "2026",
        "issueMonth": "4",
        "certUrl": "https://manabi.example/p/abc/b/1/",
        "certId": str(badge.public_id),
    }


def test_badge_page_offers_linkedin_once_the_badge_is_in_a_shared_portfolio(auth_client, portfolio, badge):
    assert "linkedin.com/profile/add" not in auth_client.get(f"/badges/{badge.public_id}/").content.decode()

    portfolio.visibility = "unlisted"
    portfolio.save()

    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()
    assert "https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME" in html
    # certUrl is the badge's permanent link, which resetting the portfolio link never breaks.
    assert "certUrl=http%3A%2F%2F127.0.0.1%3A8000%2Fb%2F" in html


def test_the_learner_can_share_a_badge_without_any_portfolio_and_linkedin_is_offered_only_while_valid(
    auth_client, user, badge
):
    from badges.models import Badge, Status

    auth_client.post(f"/wallet/badges/{badge.public_id}/permanent-link/", {"enabled": "1"})
    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()
    assert "linkedin.com/profile/add" in html and 'class="permanent-link"' in html

    Badge.objects.filter(pk=badge.pk).update(status=Status.REVOKED, last_definitive_status=Status.REVOKED)
    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()
    assert "linkedin.com/profile/add" not in html


def test_public_page_has_share_links_for_each_network_and_copy(client, unlisted_portfolio):
    html = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()

    for network in (
        "linkedin.com/sharing/share-offsite",
        "twitter.com/intent/tweet",
        "facebook.com/sharer",
        "social-plugins.line.me/lineit/share",
    ):
        assert network in html
    assert "data-copy=" in html and "data-native-share" in html


def download_export(client) -> tuple[zipfile.ZipFile, dict]:
    response = client.get("/accounts/export/")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return archive, json.loads(archive.read("account.json"))


def test_account_export_includes_badges_and_portfolios(auth_client, portfolio, badge):
    create_share_link(portfolio=portfolio, name="A company")

    _, data = download_export(auth_client)

    assert [b["name"] for b in data["badges"]] == ["Data science basics"]
    assert data["portfolios"][0]["title"] == "Admissions"
    assert data["portfolios"][0]["badges"] == [str(badge.public_id)]
    assert data["portfolios"][0]["share_links"][0]["name"] == "A company"


def test_export_zip_holds_every_original_file_byte_for_byte(auth_client, user, issuer_server):
    png = serve_hosted_badge(issuer_server, 1, name="Translation volunteer")
    serve_hosted_badge(issuer_server, 2, name="データ分析 入門")
    svg = bake_svg(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>', issuer_server.routes["/a/2"].body.decode()
    )
    serve_hosted_badge(issuer_server, 3, name="Pasted")
    pasted = issuer_server.routes["/a/3"].body.decode()
    auth_client.post("/wallet/import/", {"files": [SimpleUploadedFile("one.png", png)]})
    auth_client.post("/wallet/import/", {"files": [SimpleUploadedFile("two.svg", svg)]})
    auth_client.post("/wallet/import/", {"payload": pasted})
    badges = list(Badge.objects.owned_by(user).order_by("created_at"))

    archive, data = download_export(auth_client)

    assert sorted(archive.namelist()) == [
        "account.json",
        "badges/1-translation-volunteer.png",
        "badges/2-データ分析-入門.svg",
        "badges/3-pasted.json",
    ]
    assert archive.read("badges/1-translation-volunteer.png") == png
    assert archive.read("badges/2-データ分析-入門.svg") == svg
    assert archive.read("badges/3-pasted.json") == pasted.encode()
    assert [f["badge"] for f in data["files"]] == [str(b.public_id) for b in badges]
    assert data["missing_files"] == []
    assert {b["original_sha256"] for b in data["badges"]} == {
        hashlib.sha256(archive.read(f["path"])).hexdigest() for f in data["files"]
    }


def test_export_zip_skips_a_missing_file_and_says_so(auth_client, user):
    make_badge(user, name="Kept", original_file=ContentFile(b'{"kept": true}', name="kept.json"))
    # A badge whose stored file was lost (a failed restore, say) must not stop the export.
    lost = make_badge(user, name="Lost", original_file=ContentFile(b"{}", name="lost.json"))
    lost.original_file.storage.delete(lost.original_file.name)

    archive, data = download_export(auth_client)

    assert archive.namelist() == ["badges/1-kept.json", "account.json"]
    assert archive.read("badges/1-kept.json") == b'{"kept": true}'
    assert data["missing_files"] == [{"path": "badges/2-lost.json", "badge": str(lost.public_id)}]
    assert [b["name"] for b in data["badges"]] == ["Kept", "Lost"]


def test_export_never_holds_another_learners_badges(auth_client, user, other_user):
    make_badge(user, name="Mine", original_file=ContentFile(b"mine", name="mine.json"))
    make_badge(other_user, name="Kenji's badge", original_file=ContentFile(b"kenji's", name="kenji.json"))

    archive, data = download_export(auth_client)

    assert [b["name"] for b in data["badges"]] == ["Mine"]
    assert archive.namelist() == ["badges/1-mine.json", "account.json"]
    assert all(b"kenji" not in archive.read(name).lower() for name in archive.namelist())


def test_export_needs_sign_in(client, user, badge):
    response = client.get("/accounts/export/")

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_deleting_the_account_removes_badge_files(user, badge):
    thumbnail = badge.thumbnail.path

    delete_account(user=user)

    import os

    assert not os.path.exists(thumbnail)
