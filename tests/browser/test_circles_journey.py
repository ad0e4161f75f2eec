"""Journey 7 at phone width, in real headless Chromium: a holder joins the circle from the badge page,
RSVPs to a meet-up, checks in by scanning the venue's QR code, and finds the attendance badge in the
wallet, verified."""

from __future__ import annotations

import pytest
import zxingcpp
from django.utils import translation
from PIL import Image
from playwright.sync_api import expect

from badges.models import Badge, Status
from circles.attendance import site_did
from tests.circles.factories import holder_badge, join, make_event, make_organiser, new_holder
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill('input[name="login"]', email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")


def test_join_rsvp_check_in_by_qr_and_find_the_attendance_badge(browser, page, live_server, user, settings, artifacts):
    settings.SITE_URL = live_server.url  # the QR code must point at this test server
    badge = holder_badge(user)
    for _ in range(4):  # four holders already joined: Hana is the fifth, and the circle opens
        other, other_badge = new_holder()
        circle = join(other, other_badge).circle
    organiser = make_organiser()
    event = make_event(circle, organiser, attendance_badge=True)

    # The badge page offers the circle; the consent screen states its purpose.
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/badges/{badge.public_id}/")
    with page.expect_navigation():
        page.locator("a.join-circle").first.click()
    expect(page.locator(".circle-purpose")).to_contain_text("Translation volunteer")
    page.fill('input[name="nickname"]', "はな")
    page.check('input[name="consent"]')
    with page.expect_navigation():
        page.get_by_role("button", name="同意して参加").click()
    assert page.url.endswith(f"/circles/c/{circle.slug}/")
    assert "hana@example.org" not in page.content()

    # RSVP to the meet-up.
    with page.expect_navigation():
        page.get_by_role("link", name="Autumn meet-up").click()
    with page.expect_navigation():
        page.locator("button.rsvp-going").click()
    expect(page.locator(".rsvp-state")).to_contain_text("参加予定です")
    page.screenshot(path=artifacts / "circles-event-phone.png", full_page=True)

    # At the venue: the organiser's screen shows the check-in QR code.
    venue = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 900})
    screen = venue.new_page()
    sign_in(screen, live_server.url, organiser.user.email)
    screen.goto(f"{live_server.url}/circles/c/{circle.slug}/events/{event.pk}/qr/")
    qr_png = artifacts / "circles-checkin-qr.png"
    screen.locator("img.checkin-qr").screenshot(path=qr_png)
    venue.close()
    [decoded] = zxingcpp.read_barcodes(Image.open(qr_png))
    assert decoded.text == f"{live_server.url}/circles/checkin/{event.checkin_token}/"

    # Hana's phone opens the scanned link and checks in.
    page.goto(decoded.text)
    with page.expect_navigation():
        page.locator("button.checkin-button").click()

    attendance = Badge.objects.get(owner=user, issuer_id=site_did())
    assert attendance.status == Status.VALID
    assert page.url.endswith(f"/badges/{attendance.public_id}/")
    expect(page.locator(".messages")).to_contain_text("参加バッジがウォレットに追加されました")
    with translation.override("ja"):
        expect(page.locator(".pill")).to_contain_text(str(Status.VALID.label))
    page.goto(live_server.url + "/wallet/")
    expect(page.locator(".badge-name", has_text="Autumn meet-up")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=artifacts / "circles-wallet-phone.png", full_page=True)
