"""Attendance badges: an OB 3.0 credential signed with the site's own did:key, for a member who
checked in at an event, imported into their wallet through the ordinary import (so our own verifier
checks the signature and the recipient exactly as for any other badge).

The key is derived from CIRCLES_ISSUER_KEY_SECRET (an environment secret; DJANGO_SECRET_KEY when
unset), so every worker signs with the same key and nothing secret is stored in the database.
did:key needs no hosting: the public key is the identifier itself.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from badges.openbadges.dids import encode_ed25519_multikey
from badges.openbadges.signing import build_credential, did_key_method, sign_data_integrity
from badges.services import ImportRefused, import_badge

from .models import Rsvp
from .services import CircleRefused


def site_key() -> tuple[ed25519.Ed25519PrivateKey, str]:
    """The site's signing key and its did:key (stable for a given secret)."""
    secret = (settings.CIRCLES_ISSUER_KEY_SECRET or settings.SECRET_KEY).encode()
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"manabi circles attendance did:key").derive(
        secret
    )
    private_key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    return private_key, "did:key:" + encode_ed25519_multikey(private_key.public_key())


def site_did() -> str:
    return site_key()[1]


def attendance_credential(*, rsvp: Rsvp, email: str, now: datetime) -> dict:
    """The signed credential for one checked-in member, recipient named by a salted e-mail hash
    (the credential itself never carries the address)."""
    event = rsvp.event
    private_key, did = site_key()
    salt = secrets.token_hex(8)
    when = date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")
    credential = build_credential(
        issuer=did,
        issuer_name=f"{event.organiser.organisation_name} (Manabi)",
        subject_id=None,
        identifiers=[
            {
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
                "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
            }
        ],
        # The event's id keeps one achievement per event, whatever its title.
        achievement_name=_("Attended: %(title)s (%(date)s)") % {"title": event.title, "date": when},
        achievement_description=_("Took part in “%(title)s”, a meet-up of the circle “%(circle)s”.")
        % {"title": event.title, "circle": event.circle.name},
        criteria_narrative=_("Checked in at the event with the venue's QR code."),
        valid_from=now,
    )
    return sign_data_integrity(
        credential, private_key=private_key, verification_method=did_key_method(did), created=now
    )


def issue_attendance_badge(*, rsvp: Rsvp, now: datetime | None = None) -> None:
    """Sign, then import into the member's wallet. Idempotent: an RSVP gets one badge."""
    now = now or timezone.now()
    if rsvp.attendance_badge_id is not None or rsvp.checked_in_at is None:
        return
    user = rsvp.membership.user
    emails = user.verified_emails()
    if not emails:
        raise CircleRefused("no_verified_email", _("Confirm an e-mail address first: the badge is issued to it."))
    signed = attendance_credential(rsvp=rsvp, email=emails[0], now=now)
    try:
        badge = import_badge(owner=user, payload=json.dumps(signed, ensure_ascii=False), now=now)
    except ImportRefused as refused:
        raise CircleRefused("attendance_badge_failed", refused.message) from refused
    rsvp.attendance_badge = badge
    rsvp.save(update_fields=["attendance_badge"])


def issue_to_checked_in(*, event, now: datetime | None = None) -> int:
    """The organiser's button: a badge for everyone checked in who has none yet."""
    issued = 0
    for answer in event.rsvps.filter(checked_in_at__isnull=False, attendance_badge__isnull=True).select_related(
        "membership__user", "event__organiser", "event__circle"
    )[: settings.CIRCLES_MAX_EVENT_CAPACITY]:
        try:
            issue_attendance_badge(rsvp=answer, now=now)
        except CircleRefused:
            continue
        issued += 1
    return issued
