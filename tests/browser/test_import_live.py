"""A background import in real Chromium: the page answers at once and the item updates itself."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from badges.imports import run_pending_import
from tests.conftest import DEMO_PASSWORD
from tests.factories import serve_hosted_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_pending_import_turns_into_the_badge_without_a_reload(
    page, live_server, issuer_server, user, settings, monkeypatch
):
    settings.BADGE_IMPORTS_IN_BACKGROUND = True
    queued: list[int] = []
    # This test plays the worker: the queue is a list, the task is run from here.
    monkeypatch.setattr("badges.imports._enqueue", queued.append)
    png = serve_hosted_badge(issuer_server, 1, name="Translation volunteer")

    page.goto(live_server.url + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    page.goto(live_server.url + "/wallet/import/")
    page.set_input_files("#id_files", [{"name": "translation.png", "mimeType": "image/png", "buffer": png}])
    page.locator("#import-form button[type=submit]").click()

    expect(page.locator("#import-results .result-pending")).to_have_count(1)
    assert queued, "the import was handed to the worker"
    run_pending_import(queued[0])

    expect(page.locator("#import-results .result-ok")).to_have_count(1)
    expect(page.locator("#import-results .result-ok")).to_contain_text("Translation volunteer")
    assert page.url.endswith("/wallet/import/")  # no reload
