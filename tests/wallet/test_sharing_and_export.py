"""LinkedIn and social sharing links, and the wallet's part of the account export."""

import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from accounts.services import delete_account
from wallet.services import create_share_link, linkedin_add_url

pytestmark = pytest.mark.django_db


def test_linkedin_add_to_profile_is_prefilled(user):
    from .factories import make_badge

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


def test_account_export_includes_badges_and_portfolios(auth_client, portfolio, badge):
    create_share_link(portfolio=portfolio, name="A company")

    response = auth_client.get("/accounts/export/")

    data = json.loads(b"".join(response.streaming_content) if response.streaming else response.content)
    assert [b["name"] for b in data["badges"]] == ["Data science basics"]
    assert data["portfolios"][0]["title"] == "Admissions"
    assert data["portfolios"][0]["badges"] == [str(badge.public_id)]
    assert data["portfolios"][0]["share_links"][0]["name"] == "A company"


def test_deleting_the_account_removes_badge_files(user, badge):
    thumbnail = badge.thumbnail.path

    delete_account(user=user)

    import os

    assert not os.path.exists(thumbnail)
