"""Does a badge's recipient match one of the learner's verified identities?

Hashed identities are ``<alg>$<hex>`` where hex = alg(identity + salt); the hex may be in either
case. OB 3.0 names its identity types differently (``emailAddress``), so types are normalised.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from .model import Identity, Recipient

_TYPE_ALIASES = {
    "email": "email",
    "emailaddress": "email",
    "url": "url",
    "telephone": "telephone",
    "phone": "telephone",
    "id": "id",
    "did": "id",
}
_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}


def normalise_type(identity_type: str) -> str:
    """``normalise_type("emailAddress") == "email"``; unknown types pass through lower-cased."""
    key = (identity_type or "").strip().lower()
    return _TYPE_ALIASES.get(key, key)


def _candidates(identity: Identity) -> list[str]:
    # The spec does not normalise emails; learners type them in any case, so try both.
    values = [identity.value]
    if identity.value.lower() != identity.value:
        values.append(identity.value.lower())
    return values


def recipient_matches(recipient: Recipient, identity: Identity) -> bool:
    """``recipient_matches(Recipient("email", "a@x.org"), Identity("email", "a@x.org")) is True``."""
    rtype, itype = normalise_type(recipient.type), normalise_type(identity.type)
    # OB 3.0 credentialSubject.id is often a DID or URL; OB 0.5 had no type at all.
    if rtype not in ("id", "") and itype not in ("id",) and rtype != itype:
        return False
    if not recipient.hashed:
        return any(recipient.identity.strip() == value.strip() for value in _candidates(identity)) or (
            rtype == "email" and recipient.identity.strip().lower() == identity.value.strip().lower()
        )
    algorithm, _, expected = recipient.identity.partition("$")
    hasher = _HASHES.get(algorithm.lower())
    if hasher is None or not expected:
        return False
    for value in _candidates(identity):
        digest = hasher((value + (recipient.salt or "")).encode()).hexdigest()
        if hmac.compare_digest(digest, expected.lower()):
            return True
    return False


def find_match(recipients: Iterable[Recipient], identities: Iterable[Identity]) -> Identity | None:
    """The first of ``identities`` that any of ``recipients`` names, or None."""
    identities = list(identities)
    for recipient in recipients:
        for identity in identities:
            if recipient_matches(recipient, identity):
                return identity
    return None
