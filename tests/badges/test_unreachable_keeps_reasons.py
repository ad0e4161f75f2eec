"""While an issuer is unreachable, pages keep the last definitive verdict's checks and reasons
visible, with the unreachable attempt shown beside them, not instead of them."""

from __future__ import annotations

import pytest

from badges.models import Status
from badges.services import import_badge, reverify_badge
from tests.support.hosted import HostedBadge
from wallet.services import add_badge_to_portfolio, create_portfolio, permanent_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def revoked_then_down(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    issuer_server.serve(
        f"/assertions/{hosted.slug}", {**hosted.assertion(), "revoked": True, "revocationReason": "Plagiarised work"}
    )
    badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.REVOKED
    issuer_server.serve(f"/assertions/{hosted.slug}", {}, status=503)
    reverify_badge(badge=badge)
    assert badge.status == Status.UNREACHABLE
    return badge


def test_the_public_pages_keep_the_revocation_reason_and_show_the_failed_attempt_beside_it(
    client, user, revoked_then_down
):
    portfolio = create_portfolio(owner=user, title="Admissions", visibility="unlisted")
    add_badge_to_portfolio(portfolio=portfolio, badge=revoked_then_down)
    client.cookies["django_language"] = "en"

    for url in (
        f"/p/{portfolio.slug}/b/{revoked_then_down.public_id}/",
        f"/b/{permanent_link(badge=revoked_then_down).code}/",
    ):
        html = client.get(url).content.decode()
        assert "Plagiarised work" in html
        assert "Last complete check" in html
        assert "Latest attempt" in html and "HTTP 503" in html
        assert 'data-status="revoked"' in html


def test_the_owners_page_keeps_them_too(auth_client, revoked_then_down):
    auth_client.cookies["django_language"] = "en"
    html = auth_client.get(f"/badges/{revoked_then_down.public_id}/").content.decode()

    assert "Plagiarised work" in html and "Latest attempt" in html
