"""Viewer checks in real Chromium: an employer on a public badge page re-runs the checks and compares
the address an applicant gave them, without ever seeing the address on the badge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from badges.models import Badge
from badges.services import import_badge
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADDRESS = "hana@example.org"  # the learner fixture's verified address


@pytest.fixture
def english_page(browser):
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def public_badge_url(live_server, issuer_server, user, settings):
    settings.VIEWER_CHECK_LIMITS = {"verify": (100, 100, 600), "recipient": (100, 100, 600)}
    hosted = HostedBadge(issuer_server, recipient=ADDRESS, hashed=False).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    portfolio = create_portfolio(owner=user, title="Admissions", description="")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    # Last checked an hour ago, so "Verify now" asks the issuer again.
    Badge.objects.filter(pk=badge.pk).update(last_checked_at=timezone.now() - timedelta(hours=1))
    return badge, live_server.url + f"/p/{portfolio.slug}/b/{badge.public_id}/"


def assert_address_absent(page) -> None:
    html = page.content()
    assert ADDRESS not in html and ADDRESS.split("@")[0] not in html
    assert ADDRESS not in page.locator("body").inner_text()


def test_verify_now_shows_every_check_with_the_time_it_ran(english_page, public_badge_url, issuer_server):
    badge, url = public_badge_url
    page = english_page
    page.goto(url)
    assert_address_absent(page)
    before = issuer_server.hit_count("/assertions/1")

    with page.expect_navigation():
        page.get_by_role("button", name="Verify now").click()

    assert issuer_server.hit_count("/assertions/1") == before + 1
    badge.refresh_from_db()
    assert badge.checks, "the verdict lists the checks it ran"
    checks = page.locator("ul.checks li.check")
    expect(checks).to_have_count(len(badge.checks))
    for item in checks.all():
        expect(item.locator(".check-result")).not_to_be_empty()
        expect(item.locator(".check-message")).not_to_be_empty()
    notice = page.locator(".viewer-checks .notice[role=status]")
    expect(notice).to_contain_text("Checked again just now")
    expect(notice).to_contain_text(str(timezone.localtime(badge.last_checked_at).year))
    assert_address_absent(page)


def test_the_recipient_check_says_only_matches_or_does_not_match(english_page, public_badge_url):
    _badge, url = public_badge_url
    page = english_page
    page.goto(url)

    page.get_by_label("E-mail address the person gave you").fill(ADDRESS)
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    answer = page.locator(".viewer-checks .notice[role=status]")
    expect(answer).to_have_text("Matches the recipient of this badge.")
    expect(page.get_by_label("E-mail address the person gave you")).to_have_value("")
    assert_address_absent(page)

    page.get_by_label("E-mail address the person gave you").fill("someone.else@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Compare").click()
    expect(answer).to_have_text("Does not match the recipient of this badge.")
    assert "someone.else@example.org" not in page.content()
    assert_address_absent(page)
