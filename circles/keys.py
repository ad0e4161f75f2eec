"""How circles and the directory name "the same badge class" and "the same issuer" across learners.

A badge class is its id when the badge says one (OB 2.0 BadgeClass URL, OB 3.0 achievement id),
else its issuer plus its name. Keys are hashes: fixed length, indexable, and safe in URLs.
"""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import urlsplit


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def class_key_of(*, badge_class_id: str, issuer_id: str, issuer_name: str, name: str) -> str:
    if badge_class_id:
        return _digest("class|" + badge_class_id)
    return _digest("named|" + (issuer_id or issuer_name) + "|" + name)


def issuer_key_of(*, issuer_id: str, issuer_name: str) -> str:
    return _digest("issuer|" + (issuer_id or issuer_name))


def badge_class_key(badge) -> str:
    return class_key_of(
        badge_class_id=badge.badge_class_id, issuer_id=badge.issuer_id, issuer_name=badge.issuer_name, name=badge.name
    )


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def normalise_for_search(text: str) -> str:
    """NFKC (full-width ↔ half-width, so "ＰＹＴＨＯＮ" finds "Python") and case-folded."""
    return unicodedata.normalize("NFKC", text or "").casefold()


def lookup_text(value: str) -> str:
    """An id from a URL, safe to look up: anything with a control character (a NUL would be an error
    in PostgreSQL) or longer than any of our ids is simply not found."""
    from django.http import Http404

    if not value or len(value) > 64 or any(ch < " " for ch in value):
        raise Http404
    return value
