"""Second factors in real Chromium: an authenticator app (TOTP) and a passkey (virtual authenticator)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_accessible, sign_in
from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def totp_code(secret: str, *, at: float | None = None, period: int = 30) -> str:
    """RFC 6238 with SHA-1 and six digits, what every authenticator app computes."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // period)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def confirm_password_if_asked(page) -> None:
    """Turning on a second factor asks for the password again (allauth's reauthentication)."""
    if "/accounts/reauthenticate/" in page.url:
        assert_accessible(page)
        page.fill('input[name="password"]', DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator('input[name="password"]').press("Enter")


def sign_out(page, live_server) -> None:
    page.goto(live_server.url + "/accounts/profile/")
    page.locator(".menu-toggle").click()  # a phone: the header's links are behind the menu
    with page.expect_navigation():
        page.locator("form.sign-out button").click()


def test_learner_turns_on_an_authenticator_app_and_then_needs_its_code_to_sign_in(page, live_server, user, settings):
    # A code from the neighbouring 30-second window is accepted, so the test never waits for the clock.
    settings.MFA_TOTP_TOLERANCE = 1
    sign_in(page, live_server, user.email)
    page.goto(live_server.url + "/accounts/profile/")
    with page.expect_navigation():
        page.locator('a[href="/accounts/2fa/"]').click()
    assert_accessible(page)

    page.goto(live_server.url + "/accounts/2fa/totp/activate/")
    confirm_password_if_asked(page)
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.fill('input[name="code"]', totp_code(secret))
    with page.expect_navigation():
        page.locator('form button[type="submit"]').last.click()
    from allauth.mfa.models import Authenticator

    kinds = set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    assert Authenticator.Type.TOTP in kinds

    sign_out(page, live_server)
    sign_in(page, live_server, user.email)
    # The password alone is not enough any more.
    assert "/accounts/2fa/authenticate/" in page.url
    assert_accessible(page)
    page.fill('input[name="code"]', "000000" if totp_code(secret) != "000000" else "111111")
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    assert "/accounts/2fa/authenticate/" in page.url  # a wrong code is refused

    page.fill('input[name="code"]', totp_code(secret, at=time.time() + 30))
    with page.expect_navigation():
        page.locator('input[name="code"]').press("Enter")
    assert page.url.endswith("/wallet/")


def test_learner_adds_a_passkey_and_signs_in_with_it_alone(page, live_server, user):
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    sign_in(page, live_server, user.email)
    page.goto(live_server.url + "/accounts/2fa/webauthn/add/")
    confirm_password_if_asked(page)
    assert_accessible(page)
    page.fill('input[name="name"]', "My phone")
    page.check('input[name="passwordless"]')
    with page.expect_navigation():
        page.locator("#mfa_webauthn_add").click()
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).count() == 1

    sign_out(page, live_server)
    page.goto(live_server.url + "/accounts/login/")
    with page.expect_navigation():
        page.locator("#passkey_login").click()
    expect(page).to_have_url(live_server.url + "/wallet/")
