"""Badges made directly in the database (tests that do not need the verifier), and real baked
badges served by the test issuer for the import tests."""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from badges.models import Badge, SourceKind, Status
from badges.openbadges.baking import bake_png

_numbers = itertools.count(1)

PASSED_CHECKS = [
    {
        "name": "hosted",
        "result": "pass",
        "message": "The issuer's copy of the badge was fetched.",
        "template": "The issuer's copy of the badge was fetched.",
        "params": {},
        "status": None,
    },
    {
        "name": "recipient",
        "result": "pass",
        "message": "Issued to hana@example.org.",
        "template": "Issued to {identity}.",
        "params": {"identity": "hana@example.org"},
        "status": None,
    },
]


def png_bytes(colour: str = "#1c5bb8", size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, format="PNG")
    return out.getvalue()


def make_badge(
    owner,
    *,
    name: str | None = None,
    issuer_name: str = "Shizuoka Learning Centre",
    issued_on: datetime | None = None,
    status: str = Status.VALID,
    checks: list | None = None,
    tags: list | None = None,
    thumbnail: bool = True,
    **fields,
) -> Badge:
    """A verified badge in ``owner``'s wallet, with a small PNG thumbnail."""
    n = next(_numbers)
    now = timezone.now()
    defaults = {
        "source_kind": SourceKind.JSON,
        "raw_payload": json.dumps({"id": f"https://issuer.example/a/{n}", "type": "Assertion"}),
        "description": f"Awarded for finishing course {n}.",
    }
    badge = Badge(
        owner=owner,
        name=name or f"Badge {n}",
        issuer_name=issuer_name,
        issued_on=issued_on or now - timedelta(days=30 + n),
        status=status,
        last_definitive_status=status if status != Status.UNREACHABLE else Status.VALID,
        last_definitive_at=now - timedelta(hours=2),
        last_checked_at=now - timedelta(hours=2),
        checks=PASSED_CHECKS if checks is None else checks,
        tags=tags or [],
        fingerprint=hashlib.sha256(f"badge-{n}".encode()).hexdigest(),
        **{**defaults, **fields},
    )
    if thumbnail:
        badge.thumbnail.save("thumb.png", ContentFile(png_bytes()), save=False)
    badge.save()
    return badge


# ---------------------------------------------------------------------------------------------
# Real badges from the test issuer (tests/support/issuer_server.py)
# ---------------------------------------------------------------------------------------------

V2 = "https://w3id.org/openbadges/v2"


def hashed_identity(email: str, salt: str = "manabi-salt") -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


def serve_hosted_badge(
    server, number: int = 1, *, recipient: str = "hana@example.org", hashed: bool = False, name: str | None = None
) -> bytes:
    """Serve an OB 2.0 hosted assertion, its badge class and issuer; return a PNG baked with it."""
    assertion_url = server.url(f"/a/{number}")
    recipient_doc = {"type": "email", "hashed": False, "identity": recipient}
    if hashed:
        recipient_doc = {"type": "email", "hashed": True, "salt": "manabi-salt", "identity": hashed_identity(recipient)}
    assertion = {
        "@context": V2,
        "type": "Assertion",
        "id": assertion_url,
        "recipient": recipient_doc,
        "badge": server.url(f"/badge-class/{number}"),
        "issuedOn": "2026-02-01T10:00:00+09:00",
        "verification": {"type": "hosted"},
    }
    image = png_bytes("#2a7a3b" if number % 2 else "#b8501c", 96)
    server.serve(f"/a/{number}", assertion)
    server.serve(
        f"/badge-class/{number}",
        {
            "@context": V2,
            "type": "BadgeClass",
            "id": server.url(f"/badge-class/{number}"),
            "name": name or f"Translation volunteer {number}",
            "description": "Translated **50 pages** for the prefecture's visitor guide.",
            "image": server.url(f"/img/{number}.png"),
            "criteria": {"narrative": "Translate at least 50 pages."},
            "issuer": server.url("/issuer"),
            "tags": ["translation"],
        },
    )
    server.serve(
        "/issuer",
        {
            "@context": V2,
            "type": "Issuer",
            "id": server.url("/issuer"),
            "name": "Prefectural Learning Centre",
            "url": server.url("/"),
            "email": "badges@learning.example",
        },
    )
    server.serve(f"/img/{number}.png", image)
    return bake_png(image, json.dumps(assertion))
