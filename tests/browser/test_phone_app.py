"""The learner's phone in real Chromium at 390 px: installable app, offline QR codes, notices, menu."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from badges.models import Notification, Status
from tests.browser.support import assert_accessible, use_session_of
from tests.factories import make_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVED = "manabi-saved-v1"


def wait_for_service_worker(page) -> None:
    """Until the worker is active and controls this page (Lighthouse's "registers a service worker")."""
    state = page.evaluate("async () => (await navigator.serviceWorker.ready).active.state")
    assert state in ("activating", "activated")
    for _ in range(50):
        if page.evaluate("() => !!navigator.serviceWorker.controller"):
            return
        page.wait_for_timeout(100)
    page.reload()
    assert page.evaluate("() => !!navigator.serviceWorker.controller")


def saved_urls(page) -> list[str]:
    return page.evaluate(
        f"""async () => {{
            if (!(await caches.has("{SAVED}"))) return [];
            const cache = await caches.open("{SAVED}");
            return (await cache.keys()).map(r => new URL(r.url).pathname);
        }}"""
    )


def test_the_site_is_installable_manifest_icons_and_a_service_worker(page, live_server):
    page.goto(live_server.url + "/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    manifest = page.request.get(live_server.url + href)
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    data = manifest.json()
    # What Chromium's installability check (and Lighthouse) require.
    assert data["name"] and data["short_name"]
    assert data["start_url"].startswith("/") and data["display"] in ("standalone", "fullscreen", "minimal-ui")
    sizes = {}
    for icon in data["icons"]:
        body = page.request.get(live_server.url + icon["src"]).body()
        width, height = Image.open(io.BytesIO(body)).size
        assert f"{width}x{height}" == icon["sizes"]
        sizes[icon["sizes"]] = icon.get("purpose", "any")
    assert "192x192" in sizes and "512x512" in sizes and "maskable" in sizes.values()
    assert page.locator('meta[name="theme-color"]').count() == 1
    wait_for_service_worker(page)
    assert page.evaluate("async () => (await navigator.serviceWorker.getRegistration()).scope") == live_server.url + "/"


def test_a_qr_code_shown_once_still_shows_with_the_phone_offline(page, live_server, auth_client, unlisted_portfolio):
    use_session_of(page, live_server, auth_client)
    page.goto(live_server.url + "/wallet/")
    wait_for_service_worker(page)
    qr_url = f"{live_server.url}/p/{unlisted_portfolio.slug}/qr/"
    page.goto(qr_url)
    expect(page.locator("h1")).to_have_text("Admissions")
    assert_accessible(page)
    assert f"/p/{unlisted_portfolio.slug}/qr/" in saved_urls(page)

    page.context.set_offline(True)
    page.goto(qr_url)
    expect(page.locator("h1")).to_have_text("Admissions")
    expect(page.locator("img.qr-big")).to_be_visible()
    assert page.evaluate("() => document.querySelector('img.qr-big').naturalWidth") > 0
    expect(page.locator("#offline-banner")).to_be_visible()
    expect(page.locator("#offline-banner")).to_contain_text("オフライン")
    # The wallet list too.
    page.goto(live_server.url + "/wallet/")
    expect(page.locator("#offline-banner")).to_be_visible()
    page.context.set_offline(False)


def test_signing_out_leaves_nothing_private_on_the_phone(page, live_server, auth_client, unlisted_portfolio):
    use_session_of(page, live_server, auth_client)
    page.goto(live_server.url + "/wallet/")
    wait_for_service_worker(page)
    page.goto(f"{live_server.url}/p/{unlisted_portfolio.slug}/qr/")
    page.goto(live_server.url + "/wallet/")
    assert "/wallet/" in saved_urls(page)

    page.locator(".menu-toggle").click()
    with page.expect_navigation():
        page.locator("form.sign-out button").click()
    page.wait_for_load_state("networkidle")
    assert saved_urls(page) == []


def test_a_signed_out_visitor_gets_nothing_kept(page, live_server, unlisted_portfolio):
    page.goto(live_server.url + "/")
    wait_for_service_worker(page)
    page.goto(f"{live_server.url}/p/{unlisted_portfolio.slug}/qr/")
    page.goto(f"{live_server.url}/p/{unlisted_portfolio.slug}/")
    assert saved_urls(page) == []


def test_the_qr_page_goes_full_screen_keeps_the_screen_on_and_hides_the_site(page, live_server, unlisted_portfolio):
    page.goto(f"{live_server.url}/p/{unlisted_portfolio.slug}/qr/")
    assert page.locator(".site-header").count() == 0
    assert page.locator("h1").count() == 1
    page.locator("#qr-fullscreen").click()
    assert page.evaluate("() => !!document.fullscreenElement || document.body.classList.contains('qr-fallback-full')")
    expect(page.locator("#qr-fullscreen")).to_have_attribute("aria-pressed", "true")
    # The wake lock was asked for (headless Chromium may grant or refuse it).
    expect(page.locator("body")).to_have_attribute("data-wake-lock", __import__("re").compile("on|off|refused"))
    # Black on white: maximum contrast.
    colours = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.qr-full')).backgroundColor,"
        " getComputedStyle(document.querySelector('.qr-short')).color]"
    )
    assert colours == ["rgb(255, 255, 255)", "rgb(0, 0, 0)"]


def test_a_revoked_badge_is_counted_in_the_header_and_explained_on_the_notice_page(
    page, live_server, auth_client, user, artifacts
):
    badge = make_badge(
        user,
        name="Translation volunteer",
        status=Status.REVOKED,
        checks=[
            {
                "name": "revocation",
                "result": "fail",
                "template": "The issuer revoked this badge: {reason}",
                "params": {"reason": "Issued by mistake"},
                "message": "The issuer revoked this badge: Issued by mistake",
            }
        ],
    )
    from badges.services import notice_reasons

    Notification.objects.create(
        user=user, badge=badge, kind="revoked", reasons=notice_reasons(badge), created_at=timezone.now()
    )
    make_badge(user, name="Still fine", expires_on=timezone.now() + timedelta(days=200))
    use_session_of(page, live_server, auth_client)
    page.goto(live_server.url + "/wallet/")
    bell = page.locator(".notice-bell")
    expect(bell).to_be_visible()  # outside the folded menu, at phone width
    expect(bell.locator(".count")).to_have_text("1 未読")
    expect(page.locator(".site-menu")).to_be_hidden()
    assert_accessible(page)
    with page.expect_navigation():
        bell.click()
    expect(page.locator(".notice.unread")).to_have_count(1)
    expect(page.locator(".notice .reason")).to_contain_text("Issued by mistake")
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "notices-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="すべて既読にする").click()
    expect(page.locator(".notice.unread")).to_have_count(0)
    expect(page.locator(".notice-bell .count")).to_have_count(0)


def test_the_header_folds_into_a_menu_on_a_phone(page, live_server, auth_client):
    use_session_of(page, live_server, auth_client)
    page.goto(live_server.url + "/wallet/")
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 80  # one line, not three
    toggle = page.locator(".menu-toggle")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".site-menu")).to_be_visible()
    assert_accessible(page)


def test_breaking_a_link_is_styled_as_destructive_and_asks_first(page, live_server, auth_client, user, portfolio):
    from wallet.models import Portfolio

    make_badge_pair = [make_badge(user, name=f"Extra {n}") for n in range(2)]
    from wallet.services import add_badge_to_portfolio

    for extra in make_badge_pair:
        add_badge_to_portfolio(portfolio=portfolio, badge=extra)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    slug = portfolio.slug
    use_session_of(page, live_server, auth_client)
    page.goto(f"{live_server.url}/wallet/portfolios/{portfolio.pk}/")
    assert_accessible(page)

    reset = page.locator("button", has_text="リンクを作り直す")
    colours = reset.evaluate("b => [getComputedStyle(b).color, getComputedStyle(b).backgroundColor]")
    assert colours == ["rgb(164, 22, 26)", "rgb(255, 255, 255)"]  # red outline, never solid blue

    page.once("dialog", lambda dialog: dialog.dismiss())
    reset.click()
    page.wait_for_timeout(300)
    portfolio.refresh_from_db()
    assert portfolio.slug == slug  # said no: nothing changed

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        reset.click()
    portfolio.refresh_from_db()
    assert portfolio.slug != slug

    # The first "Up" cannot be used, and looks it.
    up = page.locator('button[name="direction"][value="up"]').first
    assert up.is_disabled()
    assert up.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(228, 231, 235)"


def test_every_tap_target_on_the_sign_in_page_is_at_least_24px(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    assert_accessible(page)  # includes axe's target-size rule (WCAG 2.2 AA)
    box = page.locator('a[href$="/password/reset/"]').bounding_box()
    assert box["height"] >= 24
    assert page.title().endswith(" | Manabi")
