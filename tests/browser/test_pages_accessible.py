"""axe-core finds no WCAG 2.2 A/AA violations on the pages the phone work touched (390 px wide)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from growth.models import Reflection
from tests.browser.support import assert_accessible, use_session_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_learners_pages_have_no_accessibility_violations(page, live_server, auth_client, user, unlisted_portfolio):
    badge = unlisted_portfolio.entries.first().badge
    Reflection.objects.create(badge=badge, did="Translated a guide", learned="Terms", public=True)
    use_session_of(page, live_server, auth_client)
    year = timezone.localdate().year
    for path in [
        "/",
        "/wallet/",
        "/notices/",
        "/growth/",
        f"/growth/{year}/",
        f"/growth/reflections/{badge.public_id}/",
        f"/badges/{badge.public_id}/",
        "/accounts/profile/",
        "/offline/",
    ]:
        page.goto(live_server.url + path)
        assert page.title().endswith(" | Manabi"), path
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


def test_public_and_error_pages_have_no_accessibility_violations(page, live_server, unlisted_portfolio, settings):
    badge = unlisted_portfolio.entries.first().badge
    Reflection.objects.create(badge=badge, did="Translated a guide", public=True)
    from badges.notifications import frequency_token

    for path in [
        f"/p/{unlisted_portfolio.slug}/",
        f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/",
        f"/p/{unlisted_portfolio.slug}/qr/",
        f"/notices/email/{frequency_token(unlisted_portfolio.owner)}/",
        "/accounts/login/",
        "/accounts/signup/",
    ]:
        page.goto(live_server.url + path)
        assert page.title().endswith(" | Manabi"), path
        assert_accessible(page)
    settings.DEBUG = False
    for language in ("ja", "en"):
        page.context.set_extra_http_headers({"Accept-Language": language})
        page.goto(live_server.url + "/no-such-page/")
        assert page.evaluate("() => document.documentElement.lang") == language
        assert_accessible(page)
