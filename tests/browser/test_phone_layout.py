"""Nothing on a learner's pages scrolls sideways on a phone, however long a DID or URL in a badge is."""

import pytest

from tests.factories import make_badge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_DID = "did:key:z6Mkejh4LbXqPYACbZZf5sk3kFL6DCnzYjnjbJFtENM3LjDX#z6Mkejh4LbXqPYACbZZf5sk3kFL6DCnzYjnjbJFtENM3LjDX"


def test_badge_page_with_long_identifiers_fits_a_phone_screen(page, live_server, client, user, artifacts):
    check = {
        "name": "signature",
        "result": "pass",
        "message": f"Signed with eddsa-rdfc-2022 by {LONG_DID}.",
        "template": "Signed with {cryptosuite} by {key}.",
        "params": {"cryptosuite": "eddsa-rdfc-2022", "key": LONG_DID},
        "status": None,
    }
    badge = make_badge(user, name="Long identifiers", checks=[check])
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/badges/{badge.public_id}/")

    assert page.get_by_text(LONG_DID.split("#")[0], exact=False).first.is_visible()
    page.screenshot(path=artifacts / "badge-page-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
