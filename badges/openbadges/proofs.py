"""What every proof suite reports: how far a proof got, and whether its key is the issuer's.

A suite (``data_integrity``, ``vc_jwt``) turns one proof into an ``Attempt``: the ``signature``
and ``key`` checks plus a rank, so that of several proofs the best one is reported. Resolving a
verificationMethod / ``kid`` and the binding rule (the key must be the issuer's) live here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

from .dids import ResolvedKey, resolve_key
from .errors import BadgeFormatError, FetchError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .result import Check, CheckResult, Status


class Rank(IntEnum):
    """How far a proof got; the best one is reported (a lower value is better)."""

    VERIFIED = 0
    UNBOUND = 1  # signature fine, key not the issuer's
    UNREACHABLE = 2
    UNSUPPORTED = 3
    INVALID = 4


@dataclass(frozen=True)
class Attempt:
    rank: Rank
    signature: Check
    key: Check


def failed_attempt(rank: Rank, template: str, params: dict[str, Any]) -> Attempt:
    status_for = {Rank.UNREACHABLE: Status.UNREACHABLE, Rank.UNSUPPORTED: Status.UNSUPPORTED}
    implied = status_for.get(rank, Status.INVALID)
    result = CheckResult.ERROR if rank in status_for else CheckResult.FAIL
    signature = Check("signature", result, template, params, status=implied)
    key = Check("key", CheckResult.SKIPPED, _("Not checked: the signature could not be verified."))
    if rank is Rank.UNREACHABLE:
        key = Check("key", CheckResult.ERROR, template, params, status=Status.UNREACHABLE)
    return Attempt(rank, signature, key)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def key_binding(key: ResolvedKey, issuer: str | None) -> Check:
    """The ``key`` check: is this key the issuer's, and may it sign credentials?"""
    params = {"key": key.id, "issuer": issuer or "?", "controller": key.controller or "?"}
    if key.id.startswith("did:key:"):
        if key.controller == issuer:
            return Check("key", CheckResult.PASS, _("The key is the issuer's own did:key {issuer}."), params)
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} does not belong to the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if key.controller is None:
        # A bare JWK / JWKS names no controller: accept it only from the issuer's own origin (resolution
        # already refused plain http except on allow-listed test hosts).
        if issuer and _origin(key.id) == _origin(issuer) and _origin(issuer)[0] in ("https", "http"):
            return Check("key", CheckResult.PASS, _("The key {key} is published on the issuer's site."), params)
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} is not published by the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if key.controller != issuer:
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} is controlled by {controller}, not by the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if key.authorized is None:
        return Check(
            "key",
            CheckResult.ERROR,
            _("Could not fetch the issuer's document to confirm it lists the key {key}."),
            params,
            status=Status.UNREACHABLE,
        )
    if not key.authorized:
        return Check(
            "key",
            CheckResult.FAIL,
            _("The issuer {issuer} does not list the key {key} for signing credentials (assertionMethod)."),
            params,
            status=Status.INVALID,
        )
    return Check(
        "key", CheckResult.PASS, _("The key {key} is listed by the issuer {issuer} for signing credentials."), params
    )


def resolve_method(key_id: str, *, fetch: Fetch, documents: dict[str, str]) -> ResolvedKey | Attempt:
    params = {"key": key_id[:200]}
    if not urlsplit(key_id).scheme:
        return failed_attempt(Rank.INVALID, _("The verification method {key} is not a URL or DID."), params)
    try:
        return resolve_key(key_id, fetch=fetch, documents=documents)
    except FetchError as error:
        return failed_attempt(
            Rank.UNREACHABLE, _("Could not fetch the key {key}: {reason}"), {**params, "reason": error.as_message()}
        )
    except UnsupportedError as error:
        return failed_attempt(Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return failed_attempt(Rank.INVALID, error.template, {**params, **error.params})
