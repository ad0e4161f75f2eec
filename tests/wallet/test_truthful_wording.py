"""Every sentence about status that leaves the site says no more than the checks showed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Status
from tests.factories import make_badge
from wallet.services import add_badge_to_portfolio
from wallet.wording import preview_subtitle

pytestmark = pytest.mark.django_db

VERIFIED_WORDS = ("確認済み", "検証済み", "verified", "Verified")


def head_of(response) -> str:
    return response.content.decode().split("</head>", 1)[0]


def descriptions(head: str) -> list[str]:
    return re.findall(
        r'<meta (?:name|property)="(?:description|og:description|twitter:description)" content="([^"]*)"', head
    )


def not_valid_badges(user):
    revoked = make_badge(user, name="Revoked one", status=Status.REVOKED)
    expired = make_badge(user, name="Expired one", status=Status.VALID, expires_on=timezone.now() - timedelta(days=1))
    return revoked, expired


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_portfolio_preview_with_only_revoked_and_expired_badges_never_says_verified(
    client, user, unlisted_portfolio, badge, language
):
    unlisted_portfolio.entries.all().delete()
    for other in not_valid_badges(user):
        add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=other)
    client.cookies["django_language"] = language

    found = descriptions(head_of(client.get(f"/p/{unlisted_portfolio.slug}/")))

    assert len(found) == 3
    for text in found:
        assert not any(word in text for word in VERIFIED_WORDS), text


def test_a_mixed_portfolio_says_how_many_are_verified_today(client, user, unlisted_portfolio, badge):
    for other in not_valid_badges(user):
        add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=other)
    client.cookies["django_language"] = "en"

    found = descriptions(head_of(client.get(f"/p/{unlisted_portfolio.slug}/")))

    assert "Hana · 3 badges, 1 verified today" in found


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_revoked_badges_public_page_never_calls_it_verified_and_offers_no_sharing(
    client, user, unlisted_portfolio, language
):
    revoked = make_badge(user, name="Revoked one", status=Status.REVOKED)
    add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=revoked)
    client.cookies["django_language"] = language

    response = client.get(f"/p/{unlisted_portfolio.slug}/b/{revoked.public_id}/")

    for text in descriptions(head_of(response)):
        assert not any(word in text for word in VERIFIED_WORDS), text
    html = response.content.decode()
    for network in ("linkedin.com", "twitter.com", "facebook.com", "line.me"):
        assert network not in html


def test_a_valid_badges_public_page_offers_sharing_and_says_when_it_was_verified(client, unlisted_portfolio, badge):
    client.cookies["django_language"] = "en"
    response = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/")

    assert any("verified with its issuer on" in text for text in descriptions(head_of(response)))
    assert "linkedin.com" in response.content.decode()


def test_the_preview_picture_of_a_revoked_badge_names_its_status(user):
    from django.utils import translation

    revoked = make_badge(user, status=Status.REVOKED)
    with translation.override("en"):
        assert preview_subtitle(revoked).endswith("Revoked")


def test_the_portfolio_editor_shows_each_badges_status_and_warns_about_not_valid_ones(
    auth_client, user, portfolio, badge
):
    revoked = make_badge(user, name="Revoked one", status=Status.REVOKED)
    portfolio.visibility = "unlisted"
    portfolio.save()

    html = auth_client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()

    assert 'class="warn-not-valid"' in html or "warn-not-valid" in html  # next to the revoked one in the chooser
    add_badge_to_portfolio(portfolio=portfolio, badge=revoked)
    html = auth_client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()
    assert 'data-warn="not-valid"' in html
    assert html.count('data-status="revoked"') >= 2 and 'data-status="valid"' in html
