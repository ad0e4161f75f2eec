"""The learner's whole journey in real headless Chromium: import, arrange, share, print."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.factories import serve_hosted_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every QR code on the printout is a PNG of exactly this many pixels (wallet.views._qr_data_uri), so
# the PDF can be checked without a PDF library: each one is an image object of this width.
QR_PIXELS = 292


def test_import_arrange_share_and_print_a_portfolio(browser, page, live_server, issuer_server, user, artifacts):
    first = serve_hosted_badge(issuer_server, 1, name="Translation volunteer")
    second = serve_hosted_badge(issuer_server, 2, hashed=True, name="Data science basics")

    # Sign in.
    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    assert page.url.endswith("/wallet/")

    # Import two baked badges at once: wallet.js sends them one by one and lists each result.
    page.goto(live_server.url + "/wallet/import/")
    page.set_input_files(
        "#id_files",
        [
            {"name": "translation.png", "mimeType": "image/png", "buffer": first},
            {"name": "data.png", "mimeType": "image/png", "buffer": second},
        ],
    )
    page.locator("#import-form button[type=submit]").click()
    # Results arrive without a reload (the page's strict CSP forbids eval, so no wait_for_function).
    expect(page.locator("#import-results .result-ok")).to_have_count(2)
    assert page.url.endswith("/wallet/import/")  # no reload

    # Create a portfolio and choose both badges.
    page.goto(live_server.url + "/wallet/portfolios/")
    page.fill("#id_title", "Admissions")
    with page.expect_navigation():
        page.locator("form.stack button[type=submit]").click()
    # A new portfolio opens its "Choose badges" section already.
    assert page.locator("#order details").get_attribute("open") is not None
    for checkbox in page.locator('input[name="badges"]').all():
        checkbox.check()
    with page.expect_navigation():
        page.locator("#order details button[type=submit]").click()
    names = page.locator(".entry-name").all_inner_texts()
    assert sorted(names) == ["Data science basics", "Translation volunteer"]

    # Order: move the last badge up with the keyboard-accessible button.
    with page.expect_navigation():
        page.locator(".entry").nth(1).locator('button[value="up"]').click()
    assert page.locator(".entry-name").all_inner_texts() == [names[1], names[0]]

    # Make it unlisted.
    page.check('input[name="visibility"][value="unlisted"]')
    with page.expect_navigation():
        page.locator("#settings-title ~ form button[type=submit]").click()
    public_path = re.sub(r"^https?://[^/]+", "", page.locator("a.public-link").get_attribute("href"))
    assert re.fullmatch(r"/p/[\w-]{20,}/", public_path)

    # Print: A4 PDF with one QR per badge plus one for the portfolio.
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("A4")).click()
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "wallet-print.png", full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "wallet-portfolio-print.pdf").write_bytes(pdf)
    qr_images = re.findall(rb"/Subtype\s*/Image[^>]*?/Width\s+%d\b" % QR_PIXELS, pdf)
    qr_images += re.findall(rb"/Width\s+%d\b[^>]*?/Subtype\s*/Image" % QR_PIXELS, pdf)
    assert len(qr_images) == 3

    # The public page, logged out, at phone and desktop widths.
    visitor = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844}, accept_downloads=True)
    public = visitor.new_page()
    public.goto(live_server.url + public_path)
    assert public.get_by_role("heading", level=1).inner_text() == "Admissions"
    assert public.locator(".badge-card .badge-name").all_inner_texts() == [names[1], names[0]]
    assert public.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    assert "hana@example.org" not in public.content()
    public.screenshot(path=artifacts / "wallet-public-phone.png", full_page=True)
    public.set_viewport_size({"width": 1280, "height": 900})
    public.screenshot(path=artifacts / "wallet-public-desktop.png", full_page=True)

    # Download the QR code as SVG.
    with public.expect_download() as download_info:
        public.get_by_role("link", name="QR code (SVG)").click()
    download = download_info.value
    assert download.suggested_filename == "manabi-qr.svg"
    svg = open(download.path(), "rb").read()
    assert b"<svg" in svg
    visitor.close()
