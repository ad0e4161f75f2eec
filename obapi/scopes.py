"""The four Open Badges 3.0 API scopes (OB 3.0 §6.1) and what each one lets a client do."""

from __future__ import annotations

PREFIX = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
CREDENTIAL_READ = PREFIX + "credential.readonly"
CREDENTIAL_UPSERT = PREFIX + "credential.upsert"
PROFILE_READ = PREFIX + "profile.readonly"
PROFILE_UPDATE = PREFIX + "profile.update"
ALL = (CREDENTIAL_READ, CREDENTIAL_UPSERT, PROFILE_READ, PROFILE_UPDATE)

# What Manabi asks for when it connects to another host: read only.
PULL = (CREDENTIAL_READ, PROFILE_READ)


def split(scope: str) -> list[str]:
    return [item for item in (scope or "").split() if item]


def known_only(scope: str) -> list[str]:
    """The OB scopes in ``scope`` (space-separated), in the order of ``ALL``, without duplicates."""
    requested = set(split(scope))
    return [item for item in ALL if item in requested]
