"""Comprehensive Learner Record 2.0 (``ClrCredential``): a signed record holding many achievements.

The record is verified as a credential by ``ob3``; the Open Badges it contains
(``credentialSubject.verifiableCredential``, JSON or VC-JWT) are each verified on their own and
listed with their own verdicts. At most ``MAX_CONTAINED`` are checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .result import Check, Status

CLR_TYPE = "ClrCredential"
MAX_CONTAINED = 50


@dataclass(frozen=True)
class Contained:
    """One credential inside a CLR, as checked."""

    name: str
    issuer: str
    status: Status
    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        return self.status is Status.VALID

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "status": str(self.status),
            "verified": self.verified,
            "checks": [c.as_dict() for c in self.checks],
        }


def is_clr(credential: dict[str, Any]) -> bool:
    types = credential.get("type")
    return CLR_TYPE in (types if isinstance(types, list) else [types])


def contained_payloads(credential: dict[str, Any]) -> list[str]:
    """The credentials a CLR holds, as payloads ``ob3`` can verify (JSON text or compact JWT)."""
    subjects = credential.get("credentialSubject")
    subject = (subjects[0] if subjects else {}) if isinstance(subjects, list) else subjects
    if not isinstance(subject, dict):
        return []
    items = subject.get("verifiableCredential")
    payloads = []
    for item in items if isinstance(items, list) else [items]:
        if isinstance(item, dict):
            payloads.append(json.dumps(item))
        elif isinstance(item, str):
            payloads.append(item)
    return payloads[:MAX_CONTAINED]
