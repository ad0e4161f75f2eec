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
