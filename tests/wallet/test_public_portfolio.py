"""Public pages anyone may open: /p/<slug>/ and /p/<slug>/b/<badge public_id>/.

These paths are printed in QR codes on paper: they are pinned here as literal strings.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Status
from tests.factories import PASSED_CHECKS, make_badge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db


def test_public_paths_are_a_permanent_contract(client, unlisted_portfolio, badge):
    slug = unlisted_portfolio.slug

    assert client.get(f"/p/{slug}/").status_code == 200
    assert client.get(f"/p/{slug}/b/{badge.public_id}/").status_code == 200
    assert client.get(f"/p/{slug}/qr.svg").status_code == 200
    assert client.get(f"/p/{slug}/qr.png").status_code == 200
    assert client.get(f"/p/{slug}/b/{badge.public_id}/qr.svg").status_code == 200
    assert client.get(f"/p/{slug}/preview.png").status_code == 200


def test_private_portfolio_is_404_to_everyone_by_its_link(client, portfolio, badge, other_user):
    assert client.get(f"/p/{portfolio.slug}/").status_code == 404
    assert client.get(f"/p/{portfolio.slug}/b/{badge.public_id}/").status_code == 404
    client.force_login(other_user)
    assert client.get(f"/p/{portfolio.slug}/").status_code == 404


def test_shows_display_name_and_intro_never_the_email(client, unlisted_portfolio, badge):
    html = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()
    badge_html = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").content.decode()

    assert "Hana" in html
    assert "For my AO application." in html
    for page in (html, badge_html):
        assert "hana@example.org" not in page
        assert "example.org" not in page


def test_unlisted_pages_carry_noindex_and_public_ones_do_not(client, unlisted_portfolio, badge):
    noindex = '<meta name="robots" content="noindex">'
    assert noindex in client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()
    assert noindex in client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").content.decode()

    unlisted_portfolio.visibility = Portfolio.Visibility.PUBLIC
    unlisted_portfolio.save()
    assert noindex not in client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()


def test_link_preview_tags_point_at_a_generated_image(client, unlisted_portfolio):
    client.cookies["django_language"] = "en"
    html = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()

    assert '<meta property="og:title" content="Admissions">' in html
    assert '<meta property="og:description" content="Hana · 1 badge, 1 verified today">' in html
    assert f'<meta property="og:image" content="http://127.0.0.1:8000/p/{unlisted_portfolio.slug}/preview.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    preview = client.get(f"/p/{unlisted_portfolio.slug}/preview.png")
    assert preview["Content-Type"] == "image/png"
    assert preview.content.startswith(b"\x89PNG")


def test_revoked_and_expired_badges_are_shown_as_such(client, user, unlisted_portfolio):
    revoked = make_badge(user, name="Revoked one", status=Status.REVOKED)
    expired = make_badge(user, name="Expired one", expires_on=timezone.now() - timedelta(days=2))
    for b in (revoked, expired):
        add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=b)

    html = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()

    assert 'data-status="revoked"' in html
    assert 'data-status="expired"' in html
    assert html.count('data-status="valid"') == 1  # only the genuinely valid one


def test_hidden_badges_are_left_out_and_their_page_is_404(client, unlisted_portfolio, badge):
    badge.hidden_from_public = True
    badge.save()

    html = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()

    assert "Data science basics" not in html
    assert client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").status_code == 404


def test_badge_outside_the_portfolio_is_404_there(client, user, unlisted_portfolio):
    elsewhere = make_badge(user)

    assert client.get(f"/p/{unlisted_portfolio.slug}/b/{elsewhere.public_id}/").status_code == 404


def test_verified_on_date_is_in_the_viewers_language(client, unlisted_portfolio, badge):
    badge.last_definitive_at = timezone.make_aware(timezone.datetime(2026, 3, 4, 12))
    badge.save()

    english = client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()
    japanese = client.get(f"/p/{unlisted_portfolio.slug}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()

    assert "Verified on March 4, 2026" in english
    assert "2026年3月4日" in japanese


def test_public_badge_page_shows_evidence_checks_and_download(client, unlisted_portfolio, badge):
    badge.checks = PASSED_CHECKS
    badge.save()

    response = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/")
    html = response.content.decode()

    assert "Data science basics" in html
    assert "The badge was issued to this learner (their address is kept private)." in html
    assert f'href="/p/{unlisted_portfolio.slug}/b/{badge.public_id}/download"' in html
    download = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/download")
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("count", [1, 10, 50])
def test_public_portfolio_runs_a_fixed_number_of_queries(client, user, count, django_assert_num_queries):
    portfolio = create_portfolio(owner=user, title="Many", visibility=Portfolio.Visibility.UNLISTED)
    for _ in range(count):
        add_badge_to_portfolio(portfolio=portfolio, badge=make_badge(user, thumbnail=False))

    # the portfolio with its owner, the badges in order
    with django_assert_num_queries(2):
        response = client.get(f"/p/{portfolio.slug}/")

    assert len(response.context["badges"]) == count


def test_public_badge_page_runs_a_fixed_number_of_queries(client, unlisted_portfolio, badge, django_assert_num_queries):
    # the portfolio, the badge, a reflection the learner chose to show
    with django_assert_num_queries(3):
        client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/")


def test_a_status_change_shows_at_once(client, unlisted_portfolio, badge):
    assert 'data-status="valid"' in client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()

    badge.status = badge.last_definitive_status = Status.REVOKED
    badge.save()

    assert 'data-status="revoked"' in client.get(f"/p/{unlisted_portfolio.slug}/").content.decode()


def test_public_download_never_carries_the_learners_email_address(client, auth_client, unlisted_portfolio, badge):
    # An unhashed recipient: the issuer's copy names Hana's address in clear.
    badge.raw_payload = json.dumps(
        {
            "@context": "https://w3id.org/openbadges/v2",
            "id": "https://issuer.example/a/1",
            "type": "Assertion",
            "recipient": {"type": "email", "hashed": False, "identity": "hana@example.org"},
        }
    )
    badge.format = "hosted"
    badge.badge_id = "https://issuer.example/a/1"
    badge.save()
    page = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").content.decode()
    download = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/download")

    assert download.status_code == 404
    assert b"hana@example.org" not in download.content
    assert "/download" not in page
    assert 'href="https://issuer.example/a/1"' in page  # the issuer's own copy instead
    # The owner still downloads everything.
    own = auth_client.get(f"/badges/{badge.public_id}/download/")
    assert own.status_code == 200 and b"hana@example.org" in b"".join(
        own.streaming_content if own.streaming else [own.content]
    )


def test_public_download_of_a_hashed_recipient_badge_is_offered(client, unlisted_portfolio, badge):
    badge.raw_payload = json.dumps(
        {
            "id": "https://issuer.example/a/2",
            "recipient": {"type": "email", "hashed": True, "salt": "s", "identity": "sha256$" + "ab" * 32},
        }
    )
    badge.save()
    assert client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/download").status_code == 200
