"""Sign-in with Google, Apple, LINE and university SAML: each only when configured, and an address
the provider does not vouch for never matches a badge until the learner confirms it.

The provider's servers are a stand-in on 127.0.0.1 (tests/support/identity_provider.py): the
provider classes are pointed at it, and allauth talks to it over real HTTP.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from accounts.models import User
from badges.services import identities_of
from tests.support.identity_provider import StandInIdentityProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp():
    with StandInIdentityProvider() as provider:
        yield provider


def start_login(client, provider: str) -> str:
    """Press "sign in with …": returns the state the provider must send back."""
    response = client.post(f"/accounts/{provider}/login/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    return query["state"][0]


def configure_google(settings, monkeypatch, idp):
    from allauth.socialaccount.providers.google import views

    settings.SOCIALACCOUNT_PROVIDERS = {
        "google": {
            "APPS": [{"client_id": "manabi-test-client", "secret": "test-secret"}],
            "SCOPE": ["openid", "profile", "email"],
            "OAUTH_PKCE_ENABLED": True,
        }
    }
    monkeypatch.setattr(views.GoogleOAuth2Adapter, "access_token_url", idp.url + "/token")
    monkeypatch.setattr(views.GoogleOAuth2Adapter, "authorize_url", idp.url + "/authorize")
    idp.issuer, idp.audience = views.ID_TOKEN_ISSUER, "manabi-test-client"


def google_sign_in(client, idp, **claims):
    idp.claims = {"sub": "google-123", "given_name": "Hana", "family_name": "Sato", **claims}
    state = start_login(client, "google")
    return client.get("/accounts/google/login/callback/", {"code": "auth-code", "state": state})


def test_no_provider_is_offered_without_configuration(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    html = client.get("/accounts/login/").content.decode()
    for provider in ("google", "apple", "line", "saml"):
        assert f"/accounts/{provider}/login/" not in html


def test_a_configured_provider_is_offered_on_the_sign_in_page(client, settings, monkeypatch, idp):
    configure_google(settings, monkeypatch, idp)
    html = client.get("/accounts/login/").content.decode()
    assert "/accounts/google/login/" in html
    assert "/accounts/line/login/" not in html


def test_google_sign_in_with_a_verified_address_creates_a_learner_whose_badges_match(
    client, settings, monkeypatch, idp
):
    configure_google(settings, monkeypatch, idp)

    response = google_sign_in(client, idp, email="hana@school.example", email_verified=True)

    assert response.status_code == 302 and response["Location"] == "/wallet/"
    user = User.objects.get(email="hana@school.example")
    assert user.display_name == "Hana Sato"
    assert SocialAccount.objects.get(user=user).provider == "google"
    assert [i.value for i in identities_of(user)] == ["hana@school.example"]
    # The code was exchanged at the stand-in with the PKCE verifier and the client's secret.
    token_request = dict(idp.requests)["/token"]
    assert token_request["code"] == "auth-code" and token_request["code_verifier"]


def test_an_unverified_google_address_matches_no_badge_until_confirmed(client, settings, monkeypatch, idp):
    configure_google(settings, monkeypatch, idp)

    response = google_sign_in(client, idp, email="someone@university.example", email_verified=False)

    user = User.objects.get(email="someone@university.example")
    assert not EmailAddress.objects.get(user=user).verified
    assert identities_of(user) == []  # a badge issued to it is not theirs (yet)
    assert "/accounts/confirm-email/" in response["Location"]


def test_a_social_sign_in_never_takes_over_an_existing_account_by_email(client, settings, monkeypatch, idp, user):
    configure_google(settings, monkeypatch, idp)

    google_sign_in(client, idp, email=user.email, email_verified=False)

    assert not SocialAccount.objects.filter(user=user).exists()
    assert "_auth_user_id" not in client.session or client.session["_auth_user_id"] != str(user.pk)


def test_line_sign_in_address_is_kept_unverified(client, settings, monkeypatch, idp):
    from allauth.socialaccount.providers.line import views

    settings.SOCIALACCOUNT_PROVIDERS = {
        "line": {
            "APPS": [{"client_id": "1650000000", "secret": "line-secret"}],
            "SCOPE": ["profile", "openid", "email"],
        }
    }
    monkeypatch.setattr(views.LineOAuth2Adapter, "access_token_url", idp.url + "/token")
    monkeypatch.setattr(views.LineOAuth2Adapter, "authorize_url", idp.url + "/authorize")
    monkeypatch.setattr(views.LineOAuth2Adapter, "id_token_url", idp.url + "/verify")
    idp.issuer, idp.audience = "https://access.line.me", "1650000000"
    idp.claims = {"sub": "U1234", "name": "はな", "email": "hana@line.example"}

    state = start_login(client, "line")
    client.get("/accounts/line/login/callback/", {"code": "line-code", "state": state})

    user = User.objects.get(email="hana@line.example")
    assert SocialAccount.objects.get(user=user).provider == "line"
    assert identities_of(user) == []  # LINE does not vouch for the address: confirm it first
    assert dict(idp.requests)["/verify"]["id_token"]


def test_apple_sign_in_checks_the_id_token_signature_against_the_providers_keys(client, settings, monkeypatch, idp):
    from allauth.socialaccount.providers.apple import views

    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "apple": {
            "APPS": [
                {
                    "client_id": "jp.manabi.web",
                    "secret": "KEYID12345",
                    "key": "TEAMID1234",
                    "settings": {"certificate_key": pem},
                }
            ]
        }
    }
    monkeypatch.setattr(views.AppleOAuth2Adapter, "access_token_url", idp.url + "/token")
    monkeypatch.setattr(views.AppleOAuth2Adapter, "authorize_url", idp.url + "/authorize")
    monkeypatch.setattr(views.AppleOAuth2Adapter, "public_key_url", idp.url + "/keys")
    idp.issuer, idp.audience = "https://appleid.apple.com", "jp.manabi.web"
    idp.claims = {"sub": "apple-001", "email": "hana@privaterelay.appleid.com", "email_verified": "true"}

    state = start_login(client, "apple")
    # Apple answers with a form POST to the callback, which hands over to the finishing step.
    posted = client.post("/accounts/apple/login/callback/", {"code": "apple-code", "state": state})
    client.get(posted["Location"])

    user = User.objects.get(email="hana@privaterelay.appleid.com")
    assert SocialAccount.objects.get(user=user).provider == "apple"
    assert "/keys" in [path for path, _ in idp.requests]
    # The client secret Apple receives is a JWT signed with the team's key.
    assert dict(idp.requests)["/token"]["client_secret"].count(".") == 2


def test_university_saml_is_offered_only_when_its_identity_provider_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "saml": {
            "APPS": [
                {
                    "name": "Example University",
                    "provider_id": "https://idp.example-u.ac.jp/idp/shibboleth",
                    "client_id": "example-u",
                    "settings": {
                        "attribute_mapping": {"uid": "uid", "email": "mail"},
                        "idp": {
                            "entity_id": "https://idp.example-u.ac.jp/idp/shibboleth",
                            "sso_url": "https://idp.example-u.ac.jp/idp/profile/SAML2/Redirect/SSO",
                            "x509cert": "",
                        },
                    },
                }
            ]
        }
    }
    html = client.get("/accounts/login/").content.decode()
    assert "Example University" in html
    metadata = client.get("/accounts/saml/example-u/metadata/", SERVER_NAME="localhost")
    assert metadata.status_code == 200
    assert b"EntityDescriptor" in metadata.content


# --- university single sign-on (SAML), against a stand-in identity provider -----------------------

SAML_ORG = "example-u"
IDP_ENTITY = "https://idp.example-u.ac.jp/idp/shibboleth"


@pytest.fixture
def saml_idp(settings, monkeypatch):
    """Configure SAML from the environment, as an operator would, with a fresh IdP key and cert."""
    from tests.support.saml_idp import StandInSamlIdp

    idp = StandInSamlIdp(IDP_ENTITY)
    monkeypatch.setenv("SAML_IDP_ENTITY_ID", IDP_ENTITY)
    monkeypatch.setenv("SAML_IDP_SSO_URL", "https://idp.example-u.ac.jp/idp/profile/SAML2/Redirect/SSO")
    monkeypatch.setenv("SAML_IDP_X509CERT", idp.cert_pem)
    monkeypatch.setenv("SAML_ORGANIZATION", SAML_ORG)
    monkeypatch.setenv("SAML_NAME", "Example University")
    from config.settings import social_providers

    settings.SOCIALACCOUNT_PROVIDERS = social_providers()
    return idp


def saml_sign_in(client, idp, **attributes):
    start = client.post(f"/accounts/saml/{SAML_ORG}/login/", HTTP_HOST="localhost")
    assert start.status_code == 302 and start["Location"].startswith("https://idp.example-u.ac.jp/")
    request_id = idp.request_id(start["Location"])
    acs = f"http://localhost/accounts/saml/{SAML_ORG}/acs/"
    response = idp.response(
        request_id=request_id,
        acs_url=acs,
        audience=f"http://localhost/accounts/saml/{SAML_ORG}/metadata/",
        attributes=attributes,
    )
    posted = client.post(acs, {"SAMLResponse": response}, HTTP_HOST="localhost")
    return client.get(posted["Location"], HTTP_HOST="localhost")


def test_university_sign_in_creates_a_learner_whose_address_waits_for_confirmation(client, saml_idp):
    page = client.get("/accounts/login/").content.decode()
    assert "Example University" in page

    response = saml_sign_in(
        client,
        saml_idp,
        **{
            "urn:oid:1.3.6.1.4.1.5923.1.1.1.6": "s2612345@example-u.ac.jp",
            "urn:oid:0.9.2342.19200300.100.1.3": "hana.sato@example-u.ac.jp",
            "urn:oid:2.5.4.42": "Hana",
            "urn:oid:2.5.4.4": "Sato",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="hana.sato@example-u.ac.jp")
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (IDP_ENTITY, "s2612345@example-u.ac.jp")
    assert user.display_name == "Hana Sato"
    # Universities do not say whether the address was checked: confirm before any badge matches.
    assert identities_of(user) == []


def test_a_saml_response_signed_by_another_key_signs_nobody_in(client, saml_idp):
    from tests.support.saml_idp import StandInSamlIdp

    impostor = StandInSamlIdp(IDP_ENTITY)
    start = client.post(f"/accounts/saml/{SAML_ORG}/login/", HTTP_HOST="localhost")
    acs = f"http://localhost/accounts/saml/{SAML_ORG}/acs/"
    forged = impostor.response(
        request_id=saml_idp.request_id(start["Location"]),
        acs_url=acs,
        audience=f"http://localhost/accounts/saml/{SAML_ORG}/metadata/",
        attributes={"urn:oid:0.9.2342.19200300.100.1.3": "mallory@example-u.ac.jp"},
    )
    posted = client.post(acs, {"SAMLResponse": forged}, HTTP_HOST="localhost")
    client.get(posted["Location"], HTTP_HOST="localhost")

    assert not User.objects.filter(email="mallory@example-u.ac.jp").exists()
