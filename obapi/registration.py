"""RFC 7591 dynamic client registration for the OB 3.0 API, onto django-oauth-toolkit's Application.

Open registration (the OB 3.0 flow has no prior relationship between platform and host), so every
limit is enforced here: confidential clients only, authorization code + refresh token only, up to
10 redirect URIs, only the four OB scopes. The client's logo is fetched once, through the SSRF-safe
fetcher, and kept as a small PNG; if that fails the consent page simply shows no logo.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from oauth2_provider.models import get_application_model

from badges.fetch import fetcher_from_settings
from badges.openbadges import images
from badges.openbadges.errors import OpenBadgesError

from . import scopes
from .models import ClientInfo

TEXT_FIELDS = {"client_name": 200, "software_id": 255, "software_version": 100}
URL_FIELDS = ("client_uri", "logo_uri", "tos_uri", "policy_uri")


def _error(code: str, description: str) -> tuple[dict[str, str], int]:
    return {"error": code, "error_description": description}, 400


def register_client(data: Any) -> tuple[dict[str, Any], int]:
    """Register a client from its metadata; returns (RFC 7591 response body, HTTP status)."""
    if not isinstance(data, dict):
        return _error("invalid_client_metadata", "The body must be a JSON object.")
    for name, limit in TEXT_FIELDS.items():
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > limit:
            return _error("invalid_client_metadata", f"{name} must be text of at most {limit} characters.")
    if not data.get("client_name", "").strip():
        return _error("invalid_client_metadata", "client_name is required.")
    for name in URL_FIELDS:
        value = data.get(name, "")
        if not isinstance(value, str) or len(value) > 2000 or (value and not value.startswith(("https://", "http://"))):
            return _error("invalid_client_metadata", f"{name} must be an https URL.")
    redirect_uris = data.get("redirect_uris")
    if (
        not isinstance(redirect_uris, list)
        or not 1 <= len(redirect_uris) <= 10
        or not all(isinstance(uri, str) and len(uri) <= 2000 for uri in redirect_uris)
    ):
        return _error("invalid_redirect_uri", "redirect_uris must list 1 to 10 URLs.")
    if data.get("token_endpoint_auth_method", "client_secret_basic") != "client_secret_basic":
        return _error("invalid_client_metadata", "token_endpoint_auth_method must be client_secret_basic.")
    grant_types = data.get("grant_types", ["authorization_code", "refresh_token"])
    if not isinstance(grant_types, list) or not set(grant_types) <= {"authorization_code", "refresh_token"}:
        return _error("invalid_client_metadata", "grant_types may only be authorization_code and refresh_token.")
    if data.get("response_types", ["code"]) != ["code"]:
        return _error("invalid_client_metadata", 'response_types must be ["code"].')
    requested_scope = data.get("scope", " ".join(scopes.ALL))
    if not isinstance(requested_scope, str) or not scopes.known_only(requested_scope):
        return _error("invalid_client_metadata", "scope must name at least one Open Badges 3.0 scope.")

    Application = get_application_model()
    application = Application(
        name=data["client_name"].strip(),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirect_uris),
        skip_authorization=False,
    )
    raw_secret = application.client_secret  # hashed on save; the client sees it only now
    try:
        application.full_clean()
    except ValidationError as exc:
        return _error(
            "invalid_redirect_uri" if "redirect_uris" in exc.message_dict else "invalid_client_metadata",
            "; ".join(exc.messages),
        )
    with transaction.atomic():
        application.save()
        info = ClientInfo.objects.create(
            application=application,
            client_uri=data.get("client_uri", ""),
            logo_uri=data.get("logo_uri", ""),
            tos_uri=data.get("tos_uri", ""),
            policy_uri=data.get("policy_uri", ""),
            software_id=data.get("software_id", ""),
            software_version=data.get("software_version", ""),
        )
    if info.logo_uri:
        _store_logo(info)
    granted = " ".join(scopes.known_only(requested_scope))
    body = {
        "client_id": application.client_id,
        "client_secret": raw_secret,
        "client_id_issued_at": int(time.time()),
        "client_secret_expires_at": 0,
        "client_name": application.name,
        "redirect_uris": redirect_uris,
        "token_endpoint_auth_method": "client_secret_basic",
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "scope": granted,
        **{name: data[name] for name in (*URL_FIELDS, "software_id", "software_version") if data.get(name)},
    }
    return body, 201


def _store_logo(info: ClientInfo) -> None:
    try:
        fetched = fetcher_from_settings()(info.logo_uri, kind="image")
        png = images.make_thumbnail(fetched.body, size=96)
    except OpenBadgesError:
        return
    if png:
        ClientInfo.objects.filter(pk=info.pk).update(logo_png=png)
