"""Personal access tokens: create, revoke, and find the one a request presents.

A token is "mnb_" + 43 random URL-safe characters. Only its SHA-256 is stored, so a database
leak does not leak working tokens; SHA-256 without a salt is enough because the secret is random
(nothing to brute-force), and it lets authentication look a token up with one indexed query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from .models import PersonalAccessToken, User

TOKEN_PREFIX = "mnb_"
# Writing last_used_at on every request would turn each API read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Make a token for ``user``; returns the row and the raw token (to show once, never again)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken.objects.create(user=user, name=name, key_hash=hash_token(raw), prefix=raw[:8])
    return token, raw


def revoke_token(*, token: PersonalAccessToken) -> None:
    """The token stops working at once (its row is gone, so its hash matches nothing)."""
    token.delete()


def find_token(raw: str) -> PersonalAccessToken | None:
    """The live token for ``raw`` (with its user), or None. Records when it was last used."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = PersonalAccessToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
