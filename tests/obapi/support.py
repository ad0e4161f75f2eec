"""Helpers for the Open Badges API tests: an OB 3.0 client platform's side of OAuth 2.0 (registration,
PKCE, consent, tokens) and the 1EdTech JSON schemas the responses must match."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import jsonschema_rs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "obapi"
SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
READ, UPSERT = SCOPE + "credential.readonly", SCOPE + "credential.upsert"
PROFILE_READ, PROFILE_UPDATE = SCOPE + "profile.readonly", SCOPE + "profile.update"
ALL_SCOPES = " ".join([READ, UPSERT, PROFILE_READ, PROFILE_UPDATE])
REDIRECT_URI = "https://platform.example/ob/callback"


@cache
def schema_validator(name: str):
    """A validator for one of 1EdTech's JSON schemas (tests/fixtures/obapi/<name>.json)."""
    return jsonschema_rs.validator_for(json.loads((FIXTURES / f"{name}.json").read_text()))


def assert_matches(name: str, document) -> None:
    errors = [f"{e.instance_path}: {e.message}" for e in schema_validator(name).iter_errors(document)]
    assert not errors, f"not a valid {name}: {errors[:5]}"


@cache
def service_description_validator():
    """The spec's own OpenAPI document, its ServiceDescriptionDocument schema as the root."""
    openapi = json.loads((FIXTURES / "openapi.json").read_text())
    schema = {"$ref": "#/components/schemas/ServiceDescriptionDocument", "components": openapi["components"]}
    return jsonschema_rs.Draft4Validator(schema)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def registration_metadata(**overrides) -> dict:
    return {
        "client_name": "Prefectural course system",
        "client_uri": "https://platform.example/",
        "logo_uri": "",
        "tos_uri": "https://platform.example/terms",
        "policy_uri": "https://platform.example/privacy",
        "software_id": "courses-ob",
        "software_version": "2.1",
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": ALL_SCOPES,
        **overrides,
    }


def register(api_client, **overrides) -> dict:
    response = api_client.post("/oauth/register", registration_metadata(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def authorize_params(
    client_id: str,
    challenge: str | None,
    *,
    scope: str = ALL_SCOPES,
    method: str | None = "S256",
    redirect_uri: str = REDIRECT_URI,
    state: str = "st4te",
) -> dict:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "state": state,
    }
    if challenge is not None:
        params["code_challenge"] = challenge
    if method is not None:
        params["code_challenge_method"] = method
    return params


def consent(
    browser_client, params: dict, *, granted: list[str] | None = None, allow: bool = True, share_email: bool = False
):
    """The learner (a signed-in Django test client) opens the consent page and answers it."""
    page = browser_client.get("/oauth/authorize?" + urlencode(params))
    assert page.status_code == 200, page.content
    form = {
        key: params[key]
        for key in (
            "redirect_uri",
            "scope",
            "client_id",
            "state",
            "response_type",
            "code_challenge",
            "code_challenge_method",
        )
        if key in params
    }
    form["granted"] = granted if granted is not None else params["scope"].split()
    if allow:
        form["allow"] = "1"
    if share_email:
        form["share_email"] = "on"
    return browser_client.post("/oauth/authorize?" + urlencode(params), form)


def code_from(response) -> str:
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert "code" in query, response["Location"]
    return query["code"][0]


def token_request(api_client, registered: dict, **form):
    return api_client.post(
        "/oauth/token",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=basic(registered["client_id"], registered["client_secret"]),
    )
