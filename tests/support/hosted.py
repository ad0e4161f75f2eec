"""Build a real hosted Open Badges 2.0 issuer on an IssuerServer: assertion, badge class, issuer, image.

badge = HostedBadge(issuer_server, recipient="hana@example.org").publish()
png = badge.baked_png()          # what a learner downloads from the issuer
badge.revoke()                   # the issuer revokes it (HTTP 410 from now on)
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from PIL import Image

from badges.openbadges.baking import bake_png
from tests.support.issuer_server import IssuerServer

OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def plain_png(color: tuple[int, int, int] = (28, 91, 184), size: int = 64) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buffer, format="PNG")
    return buffer.getvalue()


def hashed_email(email: str, salt: str = "") -> str:
    return "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()


@dataclass
class HostedBadge:
    server: IssuerServer
    recipient: str = "hana@example.org"
    slug: str = "1"
    name: str = "Data Science Basics"
    class_slug: str = "data-science"
    issued_on: datetime = field(default_factory=lambda: datetime(2026, 1, 15, 9, 0, tzinfo=UTC))
    expires: datetime | None = None
    salt: str = ""
    hashed: bool = True

    @property
    def assertion_url(self) -> str:
        return self.server.url(f"/assertions/{self.slug}")

    @property
    def badge_class_url(self) -> str:
        return self.server.url(f"/badges/{self.class_slug}")

    @property
    def issuer_url(self) -> str:
        return self.server.url("/issuer")

    def assertion(self) -> dict:
        identity = hashed_email(self.recipient, self.salt) if self.hashed else self.recipient
        recipient = {"type": "email", "hashed": self.hashed, "identity": identity}
        if self.salt:
            recipient["salt"] = self.salt
        doc = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": self.assertion_url,
            "recipient": recipient,
            "badge": self.badge_class_url,
            "verification": {"type": "hosted"},
            "issuedOn": self.issued_on.isoformat(),
        }
        if self.expires:
            doc["expires"] = self.expires.isoformat()
        return doc

    def publish(self) -> HostedBadge:
        self.server.serve(f"/assertions/{self.slug}", self.assertion())
        self.server.serve(
            f"/badges/{self.class_slug}",
            {
                "@context": OB2_CONTEXT,
                "type": "BadgeClass",
                "id": self.badge_class_url,
                "name": self.name,
                "description": "Learners **explore** data with Python.",
                "image": self.server.url(f"/images/{self.class_slug}.png"),
                "criteria": {"narrative": "Complete all six workshops."},
                "issuer": self.issuer_url,
                "tags": ["python", "data"],
            },
        )
        self.server.serve(
            "/issuer",
            {
                "@context": OB2_CONTEXT,
                "type": "Issuer",
                "id": self.issuer_url,
                "name": "Prefectural Learning Centre",
                "url": self.server.url("/"),
                "email": "badges@learning.example",
            },
        )
        self.server.serve(f"/images/{self.class_slug}.png", plain_png(), content_type="image/png")
        return self

    def baked_png(self) -> bytes:
        return bake_png(plain_png(), json.dumps(self.assertion()))

    def revoke(self, reason: str = "Issued by mistake") -> None:
        self.server.serve(f"/assertions/{self.slug}", {"revoked": True, "revocationReason": reason}, status=410)
