"""A badge's permanent page, /b/<code>/: independent of any portfolio, 410 once turned off."""

import re

import pytest

from badges.models import Status
from badges.services import remove_badge
from tests.factories import make_badge
from wallet.models import BadgeLink
from wallet.services import permanent_link, reset_portfolio_link, set_portfolio_badges

pytestmark = pytest.mark.django_db


def test_a_permanent_link_is_short_unguessable_and_shows_the_badge_without_the_address(client, badge):
    link = permanent_link(badge=badge)

    response = client.get(f"/b/{link.code}/")

    assert re.fullmatch(r"[\w-]{16}", link.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data science basics" in html
    assert "hana@example.org" not in html
    assert 'name="robots" content="noindex"' in html


def test_the_same_badge_always_gets_the_same_link(badge):
    assert permanent_link(badge=badge).code == permanent_link(badge=badge).code
    assert BadgeLink.objects.count() == 1


def test_resetting_the_portfolio_link_or_removing_the_badge_from_it_never_breaks_the_permanent_link(
    client, unlisted_portfolio, badge
):
    link = permanent_link(badge=badge)

    reset_portfolio_link(portfolio=unlisted_portfolio)
    set_portfolio_badges(portfolio=unlisted_portfolio, badges=[])
    unlisted_portfolio.visibility = "private"
    unlisted_portfolio.save()

    assert client.get(f"/b/{link.code}/").status_code == 200
    assert client.get(f"/b/{link.code}/qr.png").status_code == 200


def test_a_link_turned_off_by_the_learner_answers_410_with_a_page_saying_so(client, auth_client, badge):
    link = permanent_link(badge=badge)

    auth_client.post(f"/wallet/badges/{badge.public_id}/permanent-link/", {"enabled": "0"})
    client.logout()
    response = client.get(f"/b/{link.code}/")

    assert response.status_code == 410
    assert "この リンクは" in response.content.decode() or "リンク" in response.content.decode()
    assert client.get(f"/b/{link.code}/qr.svg").status_code == 410


def test_turning_it_on_again_restores_the_same_address(client, auth_client, badge):
    link = permanent_link(badge=badge)
    auth_client.post(f"/wallet/badges/{badge.public_id}/permanent-link/", {"enabled": "0"})
    auth_client.post(f"/wallet/badges/{badge.public_id}/permanent-link/", {"enabled": "1"})

    assert client.get(f"/b/{link.code}/").status_code == 200


def test_a_badge_removed_from_the_wallet_leaves_a_410_behind(client, badge):
    link = permanent_link(badge=badge)
    remove_badge(badge=badge)

    assert client.get(f"/b/{link.code}/").status_code == 410


def test_another_learner_cannot_turn_off_my_link(client, other_user, badge):
    link = permanent_link(badge=badge)
    client.force_login(other_user)

    assert client.post(f"/wallet/badges/{badge.public_id}/permanent-link/", {"enabled": "0"}).status_code == 404
    link.refresh_from_db()
    assert link.disabled_at is None


def test_an_unknown_code_is_404(client, db):
    assert client.get("/b/not-a-real-code-xx/").status_code == 404


def test_sharing_actions_are_offered_only_for_a_badge_valid_now(client, user):
    valid = permanent_link(badge=make_badge(user, name="Good"))
    revoked = permanent_link(badge=make_badge(user, name="Bad", status=Status.REVOKED))

    assert "linkedin.com" in client.get(f"/b/{valid.code}/").content.decode()
    html = client.get(f"/b/{revoked.code}/").content.decode()
    assert "linkedin.com" not in html and "twitter.com" not in html and "line.me" not in html


def test_a_revoked_badges_description_never_calls_it_verified(client, user):
    link = permanent_link(badge=make_badge(user, name="Bad", status=Status.REVOKED))

    html = client.get(f"/b/{link.code}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    head = html.split("</head>")[0]
    assert "検証済み" not in head and "確認済み" not in head
    client.cookies["django_language"] = "en"
    head = client.get(f"/b/{link.code}/").content.decode().split("</head>")[0]
    assert "verified" not in head.lower()
    assert "Revoked" in head


def test_a_badges_qr_code_on_a_portfolio_page_holds_its_permanent_link(client, unlisted_portfolio, badge):
    from wallet.qr import make_qr

    svg = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/qr.svg").content

    link = BadgeLink.objects.get(badge=badge)
    assert svg == make_qr(f"http://127.0.0.1:8000/b/{link.code}/")
    reset_portfolio_link(portfolio=unlisted_portfolio)
    assert client.get(f"/b/{link.code}/").status_code == 200


def test_the_permanent_page_names_the_verified_issuer_identity_beside_the_declared_name(client, badge):
    badge.verified_issuer = "learning.example.jp"
    badge.save(update_fields=["verified_issuer"])

    html = client.get(f"/b/{permanent_link(badge=badge).code}/").content.decode()

    assert '<strong class="identifier">learning.example.jp</strong>' in html
    assert 'class="issuer-claim"' in html  # the name is marked as self-declared
