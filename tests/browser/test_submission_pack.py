"""A submission pack in real Chromium: printed, the portfolio link reset, the printed QR code
scanned months later: the reader sees the badge "as submitted" beside its status now."""

from __future__ import annotations

import base64
import io

import pytest
import zxingcpp
from PIL import Image

from badges.models import Badge, Status
from tests.factories import make_badge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def decode_qr(data_uri: str) -> str:
    png = base64.b64decode(data_uri.split(",", 1)[1])
    (result,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return result.text


def sign_in(page, live_server, user):
    from tests.conftest import DEMO_PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")


def test_a_printed_pack_qr_still_opens_as_submitted_and_now_after_the_portfolio_link_is_reset(
    browser, page, live_server, user, settings, artifacts
):
    settings.SITE_URL = live_server.url
    badge = make_badge(user, name="Translation volunteer")
    portfolio = create_portfolio(owner=user, title="Admissions", visibility=Portfolio.Visibility.UNLISTED)
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    sign_in(page, live_server, user)

    # Make the pack for one reader and print it.
    page.goto(f"{live_server.url}/wallet/portfolios/{portfolio.pk}/")
    page.fill("#id_audience", "A大学 総合型選抜")
    page.fill("#id_note", "Badge 1 is my volunteering.")
    with page.expect_navigation():
        page.get_by_role("button", name="A4").click()
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "pack-print.png", full_page=True)
    (artifacts / "pack-print.pdf").write_bytes(page.pdf(format="A4", print_background=True))
    badge_qr = page.locator(".print-badge img.qr-print").first.get_attribute("src")
    scanned = decode_qr(badge_qr)
    assert scanned.startswith(live_server.url + "/k/")

    # Later: the learner resets the portfolio's link, and the issuer revokes the badge.
    page.emulate_media(media="screen")
    page.goto(f"{live_server.url}/wallet/portfolios/{portfolio.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())  # "Make a new link?" is asked first
    with page.expect_navigation():
        page.get_by_role("button", name="リンクを作り直す").click()
    old_slug = portfolio.slug
    portfolio.refresh_from_db()
    assert portfolio.slug != old_slug
    Badge.objects.filter(pk=badge.pk).update(status=Status.REVOKED, last_definitive_status=Status.REVOKED)

    # The officer scans the printed code on a phone, without an account.
    reader = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    officer = reader.new_page()
    response = officer.goto(scanned)
    assert response.status == 200
    assert officer.get_by_role("heading", level=1).inner_text() == "Translation volunteer"
    submitted = officer.locator(".status-submitted")
    now = officer.locator(".status-compare .status-now")
    assert "As submitted on" in submitted.inner_text()
    assert submitted.locator(".pill").get_attribute("data-status") == "valid"
    assert "Status now" in now.inner_text()
    assert now.locator(".pill").first.get_attribute("data-status") == "revoked"
    assert "hana@example.org" not in officer.content()
    officer.screenshot(path=artifacts / "pack-reader-phone.png", full_page=True)
    reader.close()
