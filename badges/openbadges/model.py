"""One normalised model for every Open Badges version (0.5, 1.0, 1.1, 2.0, 3.0).

Parsers in ``documents.py`` (1.x/2.0) and ``ob3.py`` (3.0) build these; everything after the
parsing edge reads attributes, never raw ``dict.get`` chains. ``raw`` keeps the payload verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class SpecVersion(StrEnum):
    V0_5 = "0.5"
    V1_0 = "1.0"
    V1_1 = "1.1"
    V2_0 = "2.0"
    V3_0 = "3.0"


class BadgeFormat(StrEnum):
    """How the badge proves itself."""

    HOSTED = "hosted"  # OB 0.5–2.0: the copy at the issuer's URL is authoritative
    SIGNED = "signed"  # OB 1.x/2.0: compact JWS, RS256, key from the issuer profile
    DATA_INTEGRITY = "data_integrity"  # OB 3.0 embedded proof (eddsa-rdfc-2022, Ed25519Signature2020)
    VC_JWT = "vc_jwt"  # OB 3.0 as a compact JWS/JWT


class SourceKind(StrEnum):
    """What the learner handed us."""

    PNG = "png"
    SVG = "svg"
    JSON = "json"
    JWT = "jwt"
    URL = "url"


@dataclass(frozen=True)
class Identity:
    """A recipient identity a learner has proven, e.g. ``Identity("email", "ann@example.org")``."""

    type: str  # "email", "url", "telephone", "did" / "id"
    value: str


@dataclass(frozen=True)
class Recipient:
    """How the badge names its recipient. ``identity`` is plain or ``sha256$…``/``md5$…``."""

    type: str  # "email", "url", "telephone", "id", or OB 3.0 identityType ("emailAddress", …)
    identity: str
    hashed: bool = False
    salt: str | None = None


@dataclass(frozen=True)
class Issuer:
    id: str | None = None
    name: str = ""
    url: str | None = None
    email: str | None = None
    image: str | None = None
    description: str = ""


@dataclass(frozen=True)
class Alignment:
    name: str = ""
    url: str | None = None
    description: str = ""
    framework: str = ""
    code: str = ""


@dataclass(frozen=True)
class Evidence:
    id: str | None = None
    name: str = ""
    description: str = ""
    narrative: str = ""


@dataclass(frozen=True)
class ParsedBadge:
    """Everything a page shows about a badge, whatever its version."""

    spec_version: SpecVersion
    format: BadgeFormat
    id: str | None
    name: str
    description: str = ""
    image: str | None = None  # URL or data: URI of the badge image
    criteria_url: str | None = None
    criteria_narrative: str = ""
    issuer: Issuer = field(default_factory=Issuer)
    issued_on: datetime | None = None  # issuedOn / validFrom / issuanceDate / nbf
    expires_on: datetime | None = None  # expires / validUntil / expirationDate / exp
    recipients: tuple[Recipient, ...] = ()  # OB 3.0: credentialSubject.id and identifier[]
    evidence: tuple[Evidence, ...] = ()
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()
    badge_class_id: str | None = None  # OB 2.0 BadgeClass id / OB 3.0 achievement id
    raw: str = ""  # the payload exactly as received (JSON text or compact JWS)
