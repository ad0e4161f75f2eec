"""Does a badge file name its recipient in clear? (Then it must not be handed to strangers.)

An OB 1.x/2.0 assertion may carry ``recipient: {"hashed": false, "identity": "ann@example.org"}``
(or a 0.5 plain string); an OB 3.0 credential ``identifier: [{"hashed": false, …}]`` or a
``mailto:`` subject id. Anything we cannot read counts as "may name them": fail closed.

    >>> names_recipient_in_clear(b'{"recipient": {"type": "email", "hashed": true, "identity": "sha256$ab"}}')
    False
    >>> names_recipient_in_clear('{"recipient": {"type": "email", "hashed": false, "identity": "a@b.example"}}')
    True
"""

from __future__ import annotations

from typing import Any

from . import baking, jsontext
from .errors import OpenBadgesError

_HASH_PREFIXES = ("sha256$", "md5$")


def names_recipient_in_clear(data: bytes | str) -> bool:
    """True if the badge file or payload ``data`` shows a recipient identity unhashed."""
    try:
        payload = baking.extract(data).payload
    except OpenBadgesError:
        return True
    text = payload.strip()
    if baking.looks_like_url(text):
        return False  # only a pointer to the hosted assertion
    try:
        document = baking.decode_jws_payload_unverified(text) if baking.is_compact_jws(text) else jsontext.loads(text)
    except (OpenBadgesError, ValueError):
        return True
    if not isinstance(document, dict):
        return True
    return _ob2_in_clear(document) or _ob3_in_clear(document)


def _ob2_in_clear(document: dict[str, Any]) -> bool:
    recipient = document.get("recipient")
    if recipient is None:
        return False
    if isinstance(recipient, str):  # OB 0.5: the identity itself, or its hash
        return not recipient.lower().startswith(_HASH_PREFIXES)
    if isinstance(recipient, dict):
        return _identity_in_clear(recipient)
    return True


def _identity_in_clear(identity: dict[str, Any]) -> bool:
    value = identity.get("identity") or identity.get("identityHash") or ""
    if not value:
        return False
    hashed = identity.get("hashed")
    return not (hashed is True or str(hashed).lower() == "true") or not str(value).lower().startswith(_HASH_PREFIXES)


def _ob3_in_clear(document: dict[str, Any]) -> bool:
    vc = document.get("vc")
    credential = vc if isinstance(vc, dict) else document
    subjects = credential.get("credentialSubject")
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if not isinstance(subject, dict):
            continue
        if str(subject.get("id", "")).lower().startswith("mailto:") or subject.get("email"):
            return True
        identifiers = subject.get("identifier")
        for identifier in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(identifier, dict) and _identity_in_clear(identifier):
                return True
    return False
