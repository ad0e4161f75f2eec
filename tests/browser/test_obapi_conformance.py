"""An issuer's platform pushes a badge into Manabi through the Open Badges 3.0 API, end to end:
a live server, a real HTTP client as the platform, and the learner's consent given in real Chromium.

discovery → registration → authorization (consent in the browser) → token with PKCE → upsert a freshly
signed OB 3.0 credential (201) → the same again (200, unchanged) → getCredentials paged with headers →
profile → token revoked → 401.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import urllib3

from badges.models import Badge
from tests.conftest import DEMO_PASSWORD
from tests.obapi.support import ALL_SCOPES, assert_matches, pkce_pair, service_description_validator
from tests.support.signed import DidKeyIssuer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Platform:
    """The issuer's platform: plain HTTP, nothing Django."""

    def __init__(self) -> None:
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.token = ""

    def get(self, url: str, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.http.request("GET", url, headers=headers)

    def post(self, url: str, body: bytes | str, content_type: str, **headers):
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        data = body.encode() if isinstance(body, str) else body
        return self.http.request("POST", url, body=data, headers={"Content-Type": content_type, **headers})

    def form(self, url: str, fields: dict, *, client_id: str, secret: str):
        basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return self.http.request(
            "POST",
            url,
            body=urlencode(fields).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
        )


def test_a_platform_pushes_a_badge_with_the_learners_consent(page, live_server, issuer_server, user, artifacts):
    platform = Platform()
    callback = issuer_server.serve("/ob/callback", "<html><body>Thanks</body></html>", content_type="text/html")
    issuer = DidKeyIssuer(issuer_server).publish()

    # 1. Discovery, checked against 1EdTech's ServiceDescriptionDocument.
    discovery = json.loads(platform.get(live_server.url + "/ims/ob/v3p0/discovery").data)
    assert not list(service_description_validator().iter_errors(discovery))
    oauth = discovery["components"]["securitySchemes"]["OAuth2ACG"]
    flow = oauth["flows"]["authorizationCode"]
    api = discovery["servers"][0]["url"]

    # 2. Dynamic client registration (RFC 7591).
    metadata = {
        "client_name": "Shizuoka Course Platform",
        "client_uri": "https://courses.example.jp/",
        "redirect_uris": [callback],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": ALL_SCOPES,
    }
    registered = platform.post(oauth["x-imssf-registrationUrl"], json.dumps(metadata), "application/json")
    assert registered.status == 201
    client = json.loads(registered.data)

    # 3. The learner signs in and consents in Chromium.
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client["client_id"],
            "redirect_uri": callback,
            "scope": ALL_SCOPES,
            "state": "abc123",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page.goto(f"{flow['authorizationUrl']}?{query}")
    page.fill('input[name="login"]', user.email)
    page.fill('input[name="password"]', DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator('input[name="password"]').press("Enter")
    assert page.locator("#client-name").inner_text() == "Shizuoka Course Platform"
    assert page.locator("h1").inner_text() == "ウォレットへのアクセスを許可しますか？"
    assert page.locator('input[name="granted"]').count() == 4
    page.screenshot(path=str(artifacts / "obapi-consent.png"), full_page=True)
    with page.expect_navigation(url=lambda url: url.startswith(callback)):
        page.click("#allow")
    returned = parse_qs(urlsplit(page.url).query)
    assert returned["state"] == ["abc123"]

    # 4. Code + PKCE verifier for tokens, client authenticated with HTTP Basic.
    tokens = platform.form(
        flow["tokenUrl"],
        {
            "grant_type": "authorization_code",
            "code": returned["code"][0],
            "redirect_uri": callback,
            "code_verifier": verifier,
        },
        client_id=client["client_id"],
        secret=client["client_secret"],
    )
    assert tokens.status == 200
    tokens = json.loads(tokens.data)
    platform.token = tokens["access_token"]

    # 5. Upsert a freshly signed credential (with a live status list): 201, echoed byte for byte.
    signed = json.loads(issuer.data_integrity(index=3))
    signed["proof"] = [signed["proof"]]
    text = json.dumps(signed, indent=2)
    created = platform.post(api + "/credentials", text, "application/json")
    assert created.status == 201, created.data
    assert created.data == text.encode()
    assert Badge.objects.get(owner=user).status == "valid"

    # 6. The same again: 200, nothing changed.
    again = platform.post(api + "/credentials", text, "application/json")
    assert again.status == 200
    assert again.data == text.encode()
    assert Badge.objects.filter(owner=user).count() == 1

    # 7. Two more, then read them back two at a time.
    for index in (4, 5):
        assert platform.post(api + "/credentials", issuer.data_integrity(index=index), "application/json").status == 201
    first_page = platform.get(api + "/credentials?limit=2")
    assert first_page.status == 200
    assert first_page.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in first_page.headers["Link"] and 'rel="last"' in first_page.headers["Link"]
    assert_matches("getopenbadgecredentialsresponse", json.loads(first_page.data))
    next_url = [p.split(";")[0].strip("<> ") for p in first_page.headers["Link"].split(",") if 'rel="next"' in p][0]
    second_page = json.loads(platform.get(next_url).data)
    assert len(second_page["credential"]) == 1
    assert json.loads(first_page.data)["credential"][0]["id"] == signed["id"]

    # 8. Profile.
    profile = platform.get(api + "/profile")
    assert profile.status == 200
    assert_matches("profile", json.loads(profile.data))

    # 9. Revoked (RFC 7009): the token no longer works.
    revoked = platform.form(
        oauth["x-manabi-revocationUrl"],
        {"token": tokens["access_token"], "token_type_hint": "access_token"},
        client_id=client["client_id"],
        secret=client["client_secret"],
    )
    assert revoked.status == 200
    refused = platform.get(api + "/credentials")
    assert refused.status == 401
    assert_matches("imsx_statusinfo", json.loads(refused.data))

    # The learner sees the platform under "connected apps".
    page.goto(live_server.url + "/connected-apps/")
    assert "Shizuoka Course Platform" in page.content()
