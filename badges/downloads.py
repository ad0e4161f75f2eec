"""Which badge files may be handed to anyone holding a public link.

The owner downloads everything. A viewer of a public page gets the original only when it does not
name the recipient in clear: an unhashed recipient is the learner's e-mail address, which the site
promises never to show publicly.
"""

from __future__ import annotations

from badges.openbadges.privacy import names_recipient_in_clear

from .files import baked_badge_bytes
from .models import Badge, SourceKind


def downloadable_bytes(badge: Badge) -> bytes:
    """Exactly what the public download serves (``badges.files.baked_download_response``): the
    badge baked with its authoritative copy, else the original."""
    baked = baked_badge_bytes(badge)
    if baked is not None:
        return baked[0]
    if badge.original_file and badge.source_kind in (SourceKind.PNG, SourceKind.SVG):
        with badge.original_file.open("rb") as handle:
            return handle.read()
    return badge.raw_payload.encode()


def public_download_allowed(badge: Badge) -> bool:
    try:
        data = downloadable_bytes(badge)
    except OSError:
        return False
    return bool(data) and not names_recipient_in_clear(data)


def hosted_copy_url(badge: Badge) -> str:
    """The issuer's own copy of a hosted badge, to link to instead of a download ("" if none)."""
    if badge.format == "hosted" and badge.badge_id.startswith(("https://", "http://")):
        return badge.badge_id
    return ""
