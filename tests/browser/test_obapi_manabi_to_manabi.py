"""Manabi ↔ Manabi: two instances on 127.0.0.1 (this test's live server and a second Manabi process
with its own database). Hana, signed in on the first, connects the second in Chromium (discovery,
dynamic registration, consent there, code + PKCE back here), and her credentials arrive verified."""

from __future__ import annotations

import pytest

from badges.models import Badge
from obapi.models import Connection
from obapi.tasks import pull_connection_task
from tests.conftest import DEMO_PASSWORD
from tests.support.manabi_instance import ManabiInstance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs inside the other Manabi: Hana's account there, with three OB 3.0 credentials issued to her
# address by a fresh did:key issuer, each imported through that instance's own pipeline.
SEED = """
from badges.openbadges import signing
from badges.services import import_badge
from tests.conftest import make_learner
from tests.support.hosted import hashed_email

hana = make_learner("hana@example.org", display_name="Hana at school")
key, did = signing.generate_ed25519_did_key()
for name in ("Robotics club", "Volunteer week", "English debate"):
    credential = signing.build_credential(
        issuer=did,
        issuer_name="Shizuoka High School",
        achievement_name=name,
        identifiers=[{"identityType": "emailAddress", "hashed": True, "identityHash": hashed_email("hana@example.org")}],
    )
    signed = signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
    import json
    assert import_badge(owner=hana, payload=json.dumps(signed)).status == "valid"
print("seeded")
"""


@pytest.fixture
def other_manabi(tmp_path):
    with ManabiInstance(tmp_path / "other") as instance:
        assert "seeded" in instance.run_python(SEED)
        yield instance


def test_a_learner_connects_another_manabi_and_its_credentials_arrive_verified(
    page, live_server, other_manabi, user, settings, artifacts
):
    settings.BADGE_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    here = live_server.url

    page.goto(here + "/accounts/login/")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")

    # Connect: Manabi fetches the other's discovery document, registers, and sends Hana there.
    page.goto(here + "/connections/")
    page.fill("#id_address", other_manabi.url)
    page.click("#connect-form button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(other_manabi.url + "/accounts/login/"))

    # At the other Manabi: sign in and allow reading.
    page.fill('input[name="login"]', "hana@example.org")
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    assert page.locator("#client-name").inner_text() == "Manabi"
    page.screenshot(path=str(artifacts / "obapi-manabi-to-manabi-consent.png"), full_page=True)
    with page.expect_navigation(url=lambda url: url.startswith(here + "/connections/")):
        page.click("#allow")

    connection = Connection.objects.get(owner=user)
    assert connection.state == Connection.State.ACTIVE
    assert connection.endpoints["api"] == other_manabi.url + "/ims/ob/v3p0"

    # The pull (what the worker runs, on demand or from beat).
    assert pull_connection_task(connection.pk) == "imported 3"

    badges = Badge.objects.filter(owner=user)
    assert sorted(badges.values_list("name", flat=True)) == ["English debate", "Robotics club", "Volunteer week"]
    assert set(badges.values_list("status", flat=True)) == {"valid"}
    page.goto(here + "/connections/")
    assert "3" in page.locator(".connections").inner_text()
    page.goto(here + "/wallet/")
    assert "Robotics club" in page.content()
