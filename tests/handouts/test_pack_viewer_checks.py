"""Viewer checks on a submission pack's badge page, /k/<token>/<n>/: beside "as submitted", the reader
re-runs the badge's checks now and compares the applicant's address, learning only match / no match."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Badge
from badges.services import import_badge, remove_badge
from handouts.services import create_pack
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = pytest.mark.django_db

ADDRESS = "hana@example.org"


@pytest.fixture
def limits(settings):
    settings.VIEWER_CHECK_LIMITS = {"verify": (3, 5, 600), "recipient": (3, 5, 600)}


def pack_item(user, issuer_server) -> tuple[Badge, str]:
    hosted = HostedBadge(issuer_server, recipient=ADDRESS, hashed=False).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    portfolio = create_portfolio(owner=user, title="Admissions", description="")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    pack = create_pack(portfolio=portfolio, audience="A大学", note="")
    return badge, f"/k/{pack.token}/1/"


def test_the_pack_badge_page_offers_both_viewer_checks(client, user, issuer_server, limits):
    _badge, page = pack_item(user, issuer_server)
    html = client.get(page).content.decode()
    assert f'action="{page}verify-now"' in html
    assert f'action="{page}recipient-check"' in html
    assert ADDRESS not in html


def test_verify_now_on_a_pack_badge_asks_the_issuer_again(client, user, issuer_server, limits):
    badge, page = pack_item(user, issuer_server)
    Badge.objects.filter(pk=badge.pk).update(last_checked_at=timezone.now() - timedelta(hours=1))
    before = issuer_server.hit_count("/assertions/1")

    response = client.post(page + "verify-now")

    assert response.status_code == 200
    assert issuer_server.hit_count("/assertions/1") == before + 1
    assert ADDRESS not in response.content.decode()
    badge.refresh_from_db()
    assert timezone.now() - badge.last_checked_at < timedelta(seconds=30)


def test_the_recipient_check_on_a_pack_badge_answers_only_match_or_no_match(client, user, issuer_server, limits):
    _badge, page = pack_item(user, issuer_server)

    right = client.post(page + "recipient-check", {"email": ADDRESS}, HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.post(page + "recipient-check", {"email": "kenji@example.org"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "Matches the recipient of this badge." in right.content.decode()
    assert "Does not match the recipient of this badge." in wrong.content.decode()
    for response in (right, wrong):
        assert response.status_code == 200
        assert ADDRESS not in response.content.decode()


def test_viewer_checks_on_a_pack_badge_are_rate_limited(client, user, issuer_server, limits):
    _badge, page = pack_item(user, issuer_server)
    codes = [client.post(page + "recipient-check", {"email": "x@example.org"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_a_badge_removed_after_submission_has_no_viewer_checks(client, user, issuer_server, limits):
    badge, page = pack_item(user, issuer_server)
    remove_badge(badge=badge)
    assert 'recipient-check"' not in client.get(page).content.decode()
    assert client.post(page + "verify-now").status_code == 404
