"""The service description document (OB 3.0 §6.3 "Service Discovery"): a profiled copy of the spec's
OpenAPI document that names this site's OAuth 2.0 endpoints and says what it supports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from . import scopes

SCOPE_DESCRIPTIONS = {
    scopes.CREDENTIAL_READ: "Permission to read AchievementCredentials for the authenticated entity.",
    scopes.CREDENTIAL_UPSERT: "Permission to create or update AchievementCredentials for the authenticated entity.",
    scopes.PROFILE_READ: "Permission to read the profile for the authenticated entity.",
    scopes.PROFILE_UPDATE: "Permission to update the profile for the authenticated entity.",
}


def _imsx_ref() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Imsx_StatusInfo"}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): {"description": f"HTTP {code}.", "content": _imsx_ref()} for code in codes}


def service_description(base: str) -> dict[str, Any]:
    """``base``: this site's origin as the client sees it (``https://manabi.example.jp``)."""

    def url(name: str) -> str:
        return base + reverse(name)

    api = base + "/ims/ob/v3p0"
    credential_schema = {"$ref": "#/components/schemas/AchievementCredential"}
    jws = {"type": "string", "pattern": r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"}

    def secured(scope: str) -> list[dict[str, list[str]]]:
        return [{"OAuth2ACG": [scope]}]

    return {
        "openapi": "3.0.1",
        "info": {
            "title": "Manabi",
            "description": "Manabi, an Open Badges wallet. Only Open Badges 3.0 credentials are exchanged through "
            "this API: badges of earlier versions in a learner's wallet are not listed by getCredentials. "
            "getCredentials' `since` returns credentials issued or added to the wallet after that time.",
            "termsOfService": settings.OBAPI_TERMS_URL,
            "version": "3.0",
            "x-imssf-image": base + static("img/logo.svg"),
            "x-imssf-privacyPolicyUrl": settings.OBAPI_PRIVACY_URL,
        },
        "servers": [{"url": api, "description": "Manabi Open Badges 3.0 API"}],
        "tags": [{"name": "OpenBadgeCredentials"}, {"name": "Discovery"}],
        "paths": {
            "/credentials": {
                "get": {
                    "tags": ["OpenBadgeCredentials"],
                    "operationId": "getCredentials",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                        {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                        {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "The learner's OB 3.0 credentials, paged (X-Total-Count, Link).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/GetOpenBadgeCredentialsResponse"}
                                }
                            },
                        },
                        **_errors(400, 401, 403, 405, 500),
                    },
                    "security": secured(scopes.CREDENTIAL_READ),
                },
                "post": {
                    "tags": ["OpenBadgeCredentials"],
                    "operationId": "upsertCredential",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": credential_schema}, "text/plain": {"schema": jws}},
                    },
                    "responses": {
                        "200": {
                            "description": "Replaced.",
                            "content": {
                                "application/json": {"schema": credential_schema},
                                "text/plain": {"schema": jws},
                            },
                        },
                        "201": {
                            "description": "Created.",
                            "content": {
                                "application/json": {"schema": credential_schema},
                                "text/plain": {"schema": jws},
                            },
                        },
                        **_errors(400, 401, 403, 405, 413, 500),
                    },
                    "security": secured(scopes.CREDENTIAL_UPSERT),
                },
            },
            "/profile": {
                "get": {
                    "tags": ["OpenBadgeCredentials"],
                    "operationId": "getProfile",
                    "responses": {
                        "200": {
                            "description": "The learner's profile.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}},
                        },
                        **_errors(400, 401, 403, 404, 405, 500),
                    },
                    "security": secured(scopes.PROFILE_READ),
                },
                "put": {
                    "tags": ["OpenBadgeCredentials"],
                    "operationId": "putProfile",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}},
                    },
                    "responses": {
                        "200": {
                            "description": "Updated.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Profile"}}},
                        },
                        **_errors(400, 401, 403, 404, 405, 500),
                    },
                    "security": secured(scopes.PROFILE_UPDATE),
                },
            },
            "/discovery": {
                "get": {
                    "tags": ["Discovery"],
                    "operationId": "getServiceDescription",
                    "responses": {"200": {"description": "This document."}},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "OAuth2ACG": {
                    "type": "oauth2",
                    "description": "OAuth 2.0 Authorization Code Grant with PKCE (S256 only); clients authenticate "
                    "with client_secret_basic. Tokens are revoked at x-manabi-revocationUrl (RFC 7009).",
                    "x-imssf-registrationUrl": url("obapi_register"),
                    "x-manabi-revocationUrl": url("obapi_revoke"),
                    "flows": {
                        "authorizationCode": {
                            "authorizationUrl": url("obapi_authorize"),
                            "tokenUrl": url("obapi_token"),
                            "refreshUrl": url("obapi_token"),
                            "scopes": SCOPE_DESCRIPTIONS,
                        }
                    },
                }
            },
            # Full definitions of these are in the specification's own OpenAPI document.
            "schemas": {
                name: {
                    "type": "object",
                    "externalDocs": {"url": "https://purl.imsglobal.org/spec/ob/v3p0/schema/openapi/ob_v3p0_oas.json"},
                }
                for name in ("AchievementCredential", "GetOpenBadgeCredentialsResponse", "Profile", "Imsx_StatusInfo")
            },
        },
    }
