"""Verification results: an ordered list of named checks, and the one headline derived from them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .i18n import format_message, serialise_params
from .model import ParsedBadge, SourceKind


class CheckResult(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIPPED = "skipped"
    ERROR = "error"  # could not be run now (network), says nothing about the badge


class Status(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    INVALID = "invalid"
    RECIPIENT_MISMATCH = "recipient_mismatch"
    UNREACHABLE = "unreachable"
    UNSUPPORTED = "unsupported"


# Stable check names, in the order they usually run. Pages translate them via CHECK_LABELS on the
# Django side; the API exposes the names as they are.
CHECK_NAMES = (
    "format",  # payload well-formed and of a known shape
    "hosted",  # hosted assertion re-fetched from its id (authoritative copy)
    "documents",  # badge class / issuer profile reachable and consistent
    "origin",  # OB 2.0 hosted verification policy (allowedOrigins / startsWith)
    "contexts",  # OB 3.0: every JSON-LD context bundled, no undefined terms
    "schema",  # OB 3.0: credentialSchema validated against the bundled JSON Schema
    "signature",  # JWS / Data Integrity proof verifies
    "key",  # signing key bound to the issuer
    "recipient",  # issued to one of the learner's identities
    "revocation",  # not revoked / suspended
    "expiry",  # not expired
    "validity",  # already valid (issued date / validFrom not in the future; expires after issued)
)


@dataclass(frozen=True)
class Check:
    """One check's outcome. ``message`` is an English template filled from ``params``.

    ``status`` is the headline this check implies when it does not pass (e.g. ``revoked`` for a
    revocation failure, ``unreachable`` for a network error, ``invalid`` for a bad signature).
    """

    name: str
    result: CheckResult
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    status: Status | None = None

    @property
    def text(self) -> str:
        return format_message(self.message, self.params)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "result": str(self.result),
            "message": self.text,
            "template": self.message,
            "params": serialise_params(self.params),
            "status": str(self.status) if self.status else None,
        }


# Which headline wins when several checks fail. A bad signature makes every other claim in the
# badge untrustworthy, so "invalid" leads; revoked wins over expired (both stay listed); a
# definitive verdict (expired) wins over "could not check" (unreachable).
STATUS_PRECEDENCE = (
    Status.INVALID,
    Status.REVOKED,
    Status.SUSPENDED,
    Status.RECIPIENT_MISMATCH,
    Status.EXPIRED,
    Status.NOT_YET_VALID,
    Status.UNREACHABLE,
    Status.UNSUPPORTED,
)


def derive_status(checks: list[Check] | tuple[Check, ...]) -> Status:
    """The headline for a list of checks: ``valid`` only if nothing failed or errored.

    >>> derive_status([Check("signature", CheckResult.PASS, "ok")])
    <Status.VALID: 'valid'>
    """
    implied = {c.status for c in checks if c.result in (CheckResult.FAIL, CheckResult.ERROR)}
    for status in STATUS_PRECEDENCE:
        if status in implied:
            return status
    if any(c.result in (CheckResult.FAIL, CheckResult.ERROR) for c in checks):
        # A failing check that forgot to say what it implies must never read as valid.
        return Status.INVALID
    return Status.VALID


@dataclass(frozen=True)
class VerificationResult:
    """What ``verify()`` returns. ``badge`` is None only when the payload could not be parsed."""

    status: Status
    checks: tuple[Check, ...]
    badge: ParsedBadge | None = None
    source_kind: SourceKind | None = None
    # The authoritative payload: for hosted badges the copy fetched from the issuer, not the
    # (possibly forged) baked or pasted one. This is what the wallet stores and shows.
    payload: str = ""
    # Documents fetched while verifying (url -> body text), kept as evidence of why a verdict changed.
    documents: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()
    # Third parties vouching for the badge (``endorsements.Endorsement``); never part of the headline.
    endorsements: tuple[Any, ...] = ()
    # A CLR's own credentials, each verified (``clr.Contained``); never part of the headline.
    contained: tuple[Any, ...] = ()

    @classmethod
    def from_checks(cls, checks: list[Check], **kwargs: Any) -> VerificationResult:
        return cls(status=derive_status(checks), checks=tuple(checks), **kwargs)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)
