"""QR codes for public pages, and the printable A4 portfolio with its dated snapshot."""

import re

import pytest

from badges.models import Status
from tests.factories import make_badge
from wallet.models import PrintSnapshot
from wallet.qr import make_qr
from wallet.services import add_badge_to_portfolio

pytestmark = pytest.mark.django_db


def test_qr_helper_returns_svg_or_png_bytes():
    assert b"<svg" in make_qr("https://manabi.example/p/abc/")
    png = make_qr("https://manabi.example/p/abc/", kind="png", size=300)
    assert png.startswith(b"\x89PNG")


def test_portfolio_and_badge_qr_codes_download_as_svg_and_png(client, unlisted_portfolio, badge):
    base = f"/p/{unlisted_portfolio.slug}"

    svg = client.get(f"{base}/qr.svg?download=1")
    png = client.get(f"{base}/b/{badge.public_id}/qr.png?download=1")

    assert svg["Content-Type"] == "image/svg+xml"
    assert svg["Content-Disposition"] == 'attachment; filename="manabi-qr.svg"'
    assert png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")


def test_qr_codes_of_private_portfolios_are_404(client, portfolio):
    assert client.get(f"/p/{portfolio.slug}/qr.svg").status_code == 404


def test_show_qr_page_is_large_with_the_short_link_under_it(client, unlisted_portfolio):
    html = client.get(f"/p/{unlisted_portfolio.slug}/qr/").content.decode()

    # The code is inside the page itself, so a saved copy shows it with no connection.
    assert 'class="qr-big" src="data:image/svg+xml;base64,' in html
    assert f"127.0.0.1:8000/p/{unlisted_portfolio.slug}/" in html
    assert '<h1 class="qr-title">Admissions</h1>' in html
    # Nothing but the code: no site header, menu or language form.
    assert "site-header" not in html and "lang-switch" not in html


def test_printing_records_a_snapshot_and_shows_one_qr_per_badge_plus_one(auth_client, user, unlisted_portfolio, badge):
    revoked = make_badge(user, name="Revoked", status=Status.REVOKED)
    add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=revoked)

    response = auth_client.post(f"/wallet/portfolios/{unlisted_portfolio.pk}/print/", follow=True)

    snapshot = PrintSnapshot.objects.get(portfolio=unlisted_portfolio)
    assert snapshot.statuses == {str(badge.public_id): "valid", str(revoked.public_id): "revoked"}
    html = response.content.decode()
    assert len(re.findall(r'class="qr-print"', html)) == 3
    assert html.count('data-qr="badge"') == 2 and html.count('data-qr="portfolio"') == 1
    first = response.context["rows"][0]
    assert first["url"] == (
        f"http://127.0.0.1:8000/p/{unlisted_portfolio.slug}/b/{badge.public_id}/?printed={snapshot.public_id}"
    )
    assert f"127.0.0.1:8000/p/{unlisted_portfolio.slug}/b/{badge.public_id}/</figcaption>" in html
    assert "Hana" in html and "hana@example.org" not in html


def test_scanned_printout_shows_status_as_printed_next_to_status_now(client, unlisted_portfolio, badge):
    snapshot = PrintSnapshot.objects.create(portfolio=unlisted_portfolio, statuses={str(badge.public_id): "valid"})
    badge.status = badge.last_definitive_status = Status.REVOKED
    badge.save()

    html = client.get(
        f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/?printed={snapshot.public_id}"
    ).content.decode()

    assert "As printed on" in html
    assert 'class="pill pill-ok">Verified</span>' in html
    assert "Status now" in html and 'data-status="revoked"' in html


def test_snapshot_of_another_portfolio_is_ignored(client, user, unlisted_portfolio, badge):
    other = PrintSnapshot.objects.create(portfolio=unlisted_portfolio, statuses={})
    other.portfolio = type(unlisted_portfolio).objects.create(owner=user, title="Other")
    other.save()

    html = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/?printed={other.public_id}").content.decode()

    assert "As printed on" not in html


@pytest.mark.parametrize("who", ["other_user", "anonymous"])
def test_printout_is_404_for_others(client, other_user, portfolio, who):
    snapshot = PrintSnapshot.objects.create(portfolio=portfolio, statuses={})
    if who == "other_user":
        client.force_login(other_user)

    assert client.get(f"/wallet/portfolios/{portfolio.pk}/print/{snapshot.public_id}/").status_code == 404
