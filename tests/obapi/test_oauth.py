"""The OAuth 2.0 authorization server: RFC 7591 registration, authorization code + PKCE (S256 only),
client_secret_basic, refresh tokens, RFC 7009 revocation, the consent page and "connected apps"."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from oauth2_provider.models import AccessToken, Application

from obapi.models import ClientInfo, Consent
from tests.conftest import make_learner
from tests.obapi.conftest import grant
from tests.obapi.support import (
    ALL_SCOPES,
    PROFILE_READ,
    READ,
    REDIRECT_URI,
    UPSERT,
    authorize_params,
    basic,
    code_from,
    consent,
    pkce_pair,
    register,
    registration_metadata,
    token_request,
)
from tests.support.signed import plain_svg

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Registration
# ---------------------------------------------------------------------------------------------


def test_a_platform_registers_itself_and_gets_a_secret_once(platform):
    body = register(platform)

    assert body["client_id"] and body["client_secret"]
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    assert body["scope"] == ALL_SCOPES
    application = Application.objects.get(client_id=body["client_id"])
    assert application.client_type == "confidential"
    assert application.client_secret != body["client_secret"]  # stored hashed
    assert ClientInfo.objects.get(application=application).client_uri == "https://platform.example/"


@pytest.mark.parametrize(
    "overrides",
    [
        {"redirect_uris": []},
        {"redirect_uris": ["javascript:alert(1)"]},
        {"client_name": ""},
        {"token_endpoint_auth_method": "none"},
        {"grant_types": ["client_credentials"]},
        {"response_types": ["token"]},
        {"scope": "openid email"},
        {"client_uri": "ftp://platform.example/"},
        {"redirect_uris": [f"https://platform.example/{i}" for i in range(11)]},
    ],
)
def test_registration_refuses_unusable_metadata_and_creates_nothing(platform, overrides):
    response = platform.post("/oauth/register", registration_metadata(**overrides), format="json")

    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_client_metadata", "invalid_redirect_uri")
    assert not Application.objects.exists()


def test_registration_of_garbage_is_refused(platform):
    response = platform.post("/oauth/register", "not json", content_type="application/json")

    assert response.status_code == 400
    assert not Application.objects.exists()


def test_registration_is_throttled(platform, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "obapi_register": "2/hour"},
    }
    codes = [platform.post("/oauth/register", registration_metadata(), format="json").status_code for _ in range(3)]

    assert codes == [201, 201, 429]


def test_the_client_logo_is_fetched_safely_and_shown_on_the_consent_page(platform, client, user, issuer_server):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 120), "blue").save(buffer, "PNG")
    logo = issuer_server.serve("/logo.png", buffer.getvalue(), content_type="image/png")
    registered = register(platform, logo_uri=logo)
    client.force_login(user)

    page = client.get("/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], pkce_pair()[1])))

    logo_url = f"/oauth/clients/{registered['client_id']}/logo.png"
    assert logo_url in page.content.decode()
    assert client.get(logo_url)["Content-Type"] == "image/png"


def test_a_logo_on_a_private_address_is_never_fetched_and_not_shown(platform, client, user, issuer_server, settings):
    settings.BADGE_FETCH_ALLOW_HOSTS = []  # production rules: 127.0.0.1 is private
    issuer_server.serve("/logo.svg", plain_svg())
    registered = register(platform, logo_uri=issuer_server.url("/logo.svg"))
    client.force_login(user)

    page = client.get("/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], pkce_pair()[1])))

    assert issuer_server.hit_count("/logo.svg") == 0
    assert "logo.png" not in page.content.decode()
    assert "Prefectural course system" in page.content.decode()


# ---------------------------------------------------------------------------------------------
# Authorization code + PKCE
# ---------------------------------------------------------------------------------------------


def test_the_consent_page_names_the_client_and_lists_each_permission_in_japanese(client, user, registered):
    client.force_login(user)

    page = client.get("/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], pkce_pair()[1])))

    html = page.content.decode()
    assert "Prefectural course system" in html and "https://platform.example/" in html
    assert "ウォレットへのアクセスを許可しますか" in html
    assert html.count('name="granted"') == 4
    assert 'name="share_email"' in html


def test_consent_needs_a_signed_in_learner(client, registered):
    response = client.get("/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], pkce_pair()[1])))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_allowing_gives_a_code_that_the_verifier_turns_into_tokens(client, user, platform, registered):
    client.force_login(user)
    verifier, challenge = pkce_pair()
    params = authorize_params(registered["client_id"], challenge)
    answered = consent(client, params)

    query = parse_qs(urlsplit(answered["Location"]).query)
    assert answered["Location"].startswith(REDIRECT_URI)
    assert query["state"] == ["st4te"]
    tokens = token_request(
        platform,
        registered,
        grant_type="authorization_code",
        code=query["code"][0],
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    ).json()
    assert tokens["token_type"] == "Bearer" and tokens["access_token"] and tokens["refresh_token"]
    assert set(tokens["scope"].split()) == set(ALL_SCOPES.split())
    assert Consent.objects.get(user=user).scope.split() == ALL_SCOPES.split()


def test_the_learner_may_grant_fewer_permissions_than_asked(client, user, platform, registered):
    client.force_login(user)
    verifier, challenge = pkce_pair()
    params = authorize_params(registered["client_id"], challenge)
    code = code_from(consent(client, params, granted=[UPSERT]))

    tokens = token_request(
        platform,
        registered,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    ).json()

    assert tokens["scope"] == UPSERT
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert platform.get("/ims/ob/v3p0/credentials").status_code == 403


def test_denying_sends_access_denied_and_grants_nothing(client, user, registered):
    client.force_login(user)

    answered = consent(client, authorize_params(registered["client_id"], pkce_pair()[1]), allow=False)

    assert parse_qs(urlsplit(answered["Location"]).query)["error"] == ["access_denied"]
    assert not Consent.objects.exists()


def test_an_authorization_request_without_pkce_is_refused(client, user, registered):
    client.force_login(user)

    response = client.get("/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], None, method=None)))

    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]


def test_the_plain_pkce_method_is_refused(client, user, registered):
    client.force_login(user)

    response = client.get(
        "/oauth/authorize?" + urlencode(authorize_params(registered["client_id"], "x" * 43, method="plain"))
    )

    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]


def test_a_wrong_code_verifier_gets_no_token(client, user, platform, registered):
    client.force_login(user)
    _verifier, challenge = pkce_pair()
    code = code_from(consent(client, authorize_params(registered["client_id"], challenge)))

    response = token_request(
        platform,
        registered,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT_URI,
        code_verifier="w" * 50,
    )

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.filter(user=user).exists()


def test_a_redirect_uri_that_was_not_registered_is_never_redirected_to(client, user, registered):
    client.force_login(user)
    params = authorize_params(registered["client_id"], pkce_pair()[1], redirect_uri="https://evil.example/steal")

    response = client.get("/oauth/authorize?" + urlencode(params))

    assert response.status_code == 400
    assert "evil.example" not in response.get("Location", "")
    assert "このリクエストは完了できません" in response.content.decode()


def test_the_token_endpoint_needs_http_basic_client_authentication(client, user, platform, registered):
    client.force_login(user)
    verifier, challenge = pkce_pair()
    code = code_from(consent(client, authorize_params(registered["client_id"], challenge)))

    response = platform.post(
        "/oauth/token",
        urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
                "client_id": registered["client_id"],
                "client_secret": registered["client_secret"],
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_code_works_once(client, user, platform, registered):
    client.force_login(user)
    verifier, challenge = pkce_pair()
    code = code_from(consent(client, authorize_params(registered["client_id"], challenge)))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier}

    assert token_request(platform, registered, **form).status_code == 200
    assert token_request(platform, registered, **form).status_code == 400


def test_a_refresh_token_gives_new_tokens_and_is_rotated(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered)

    refreshed = token_request(platform, registered, grant_type="refresh_token", refresh_token=tokens["refresh_token"])

    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["access_token"] != tokens["access_token"] and new["refresh_token"] != tokens["refresh_token"]
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {new['access_token']}")
    assert platform.get("/ims/ob/v3p0/profile").status_code == 200


def test_revoking_a_token_rfc7009_makes_the_api_answer_401(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered)

    revoked = platform.post(
        "/oauth/revoke",
        urlencode({"token": tokens["access_token"], "token_type_hint": "access_token"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(registered["client_id"], registered["client_secret"]),
    )

    assert revoked.status_code == 200
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    response = platform.get("/ims/ob/v3p0/credentials")
    assert response.status_code == 401
    assert (
        response.json()["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == "unauthorizedrequest"
    )
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_stored_hashed(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered)

    stored = AccessToken.objects.get(user=user)
    assert tokens["access_token"] not in (stored.token or "")


# ---------------------------------------------------------------------------------------------
# Connected apps
# ---------------------------------------------------------------------------------------------


def test_connected_apps_lists_each_client_with_permissions_and_last_use(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered, scope=f"{READ} {PROFILE_READ}")
    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    platform.get("/ims/ob/v3p0/credentials")

    page = client.get("/connected-apps/")

    html = page.content.decode()
    assert "Prefectural course system" in html
    assert "Open Badges 3.0 の認定証を読む" in html and "プロフィールを読む" in html
    assert "追加または更新" not in html  # not granted, not listed
    assert Consent.objects.get(user=user).last_used_at is not None


def test_revoking_a_connected_app_cuts_its_access_at_once(client, user, platform, registered):
    client.force_login(user)
    tokens = grant(client, platform, registered)
    consent_row = Consent.objects.get(user=user)

    client.post("/connected-apps/", {"revoke": consent_row.pk})

    platform.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert platform.get("/ims/ob/v3p0/credentials").status_code == 401
    platform.credentials()
    refreshed = token_request(platform, registered, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
    assert refreshed.status_code == 400
    assert not Consent.objects.exists()


def test_another_learner_cannot_revoke_hanas_apps(client, user, platform, registered):
    client.force_login(user)
    grant(client, platform, registered)
    consent_row = Consent.objects.get(user=user)
    client.force_login(make_learner("kenji@example.org"))

    response = client.post("/connected-apps/", {"revoke": consent_row.pk})

    assert response.status_code == 404
    assert Consent.objects.filter(pk=consent_row.pk).exists()


def test_connected_apps_page_has_a_fixed_number_of_queries(client, user, platform, django_assert_max_num_queries):
    client.force_login(user)
    for index in range(3):
        grant(client, platform, register(platform, client_name=f"App {index}"))

    with django_assert_max_num_queries(8):
        client.get("/connected-apps/")
