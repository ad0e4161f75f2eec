"""Parse Open Badges 0.5 / 1.0 / 1.1 / 2.0 JSON documents into typed, frozen objects.

Untrusted JSON is read once, here: assertions, badge classes, issuer profiles, cryptographic keys
and revocation lists become dataclasses, and ``build_badge`` turns them into the version-neutral
``model.ParsedBadge``. Older versions are upgraded on the way in (Unix-second and date-only
timestamps become aware UTC datetimes, 0.5 string recipients become ``Recipient`` objects, 1.0
alignment ``name``/``url`` map onto the 2.0 fields). Anything malformed raises ``BadgeFormatError``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from . import jsontext
from .errors import BadgeFormatError
from .i18n import gettext_noop as _
from .model import Alignment, BadgeFormat, Evidence, Issuer, ParsedBadge, Recipient, SpecVersion

_HASHED_IDENTITY = re.compile(r"^(sha256|md5)\$[0-9a-fA-F]+$")
_OB_CONTEXTS = {
    "w3id.org/openbadges/v1": SpecVersion.V1_1,
    "openbadgespec.org/v1/context.json": SpecVersion.V1_1,
    "w3id.org/openbadges/v2": SpecVersion.V2_0,
    "openbadgespec.org/v2/context.json": SpecVersion.V2_0,
}
# Extension contexts ride along next to the OB context; we ignore extensions rather than fetch them.
_EXTENSION_CONTEXT_PREFIXES = ("w3id.org/openbadges/extensions/", "openbadgespec.org/extensions/")
_VC_CONTEXT_MARKERS = ("www.w3.org/2018/credentials", "www.w3.org/ns/credentials", "purl.imsglobal.org/spec/ob/v3p0")


# ---------------------------------------------------------------------------------------------
# Typed documents


@dataclass(frozen=True)
class VerificationPolicy:
    """An OB 2.0 VerificationObject (or OB 1.0 ``verify``), e.g. ``VerificationPolicy(type="hosted")``.

    On an assertion it says how to verify it (``hosted``/``signed``, ``creator`` key, 1.0 ``url``);
    on an issuer profile it is the hosting policy (``allowed_origins``, ``starts_with``).
    """

    type: str = ""  # normalised: "hosted", "signed" or "" (not stated)
    url: str | None = None
    creator: str | None = None
    allowed_origins: tuple[str, ...] | None = None
    starts_with: tuple[str, ...] | None = None


@dataclass(frozen=True)
class IssuerProfile:
    """An issuer Profile with the verification-relevant fields ``model.Issuer`` leaves out."""

    id: str | None
    name: str = ""
    url: str | None = None
    email: str | None = None
    image: str | None = None
    description: str = ""
    public_keys: tuple[str, ...] = ()
    revocation_list: str | None = None
    verification: VerificationPolicy | None = None

    def to_model(self) -> Issuer:
        """The display part: ``IssuerProfile(id="https://x/i", name="X").to_model().name == "X"``."""
        return Issuer(
            id=self.id, name=self.name, url=self.url, email=self.email, image=self.image, description=self.description
        )


@dataclass(frozen=True)
class BadgeClassDocument:
    """A BadgeClass. ``issuer`` is set when embedded, ``issuer_ref`` when given by IRI."""

    id: str | None
    name: str
    description: str = ""
    image: str | None = None
    criteria_url: str | None = None
    criteria_narrative: str = ""
    issuer_ref: str | None = None
    issuer: IssuerProfile | None = None
    alignments: tuple[Alignment, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AssertionDocument:
    """An Assertion of any version 0.5–2.0, already upgraded to 2.0 field meanings."""

    spec_version: SpecVersion
    id: str | None
    recipient: Recipient
    verification: VerificationPolicy
    uid: str | None = None
    badge_ref: str | None = None
    badge: BadgeClassDocument | None = None
    issued_on: datetime | None = None
    expires_on: datetime | None = None
    image: str | None = None
    evidence: tuple[Evidence, ...] = ()
    narrative: str = ""
    revoked: bool = False
    revocation_reason: str = ""


@dataclass(frozen=True)
class CryptographicKey:
    """A CryptographicKey document: ``CryptographicKey(id=url, owner=issuer_id, public_key_pem=pem)``."""

    id: str | None
    owner: str | None
    public_key_pem: str


@dataclass(frozen=True)
class RevokedEntry:
    """One RevocationList entry; ``id`` for OB 2.0 entries, ``uid`` for legacy ones."""

    id: str | None = None
    uid: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class RevocationList:
    """An OB 2.0 RevocationList or an OB 1.x ``{uid: reason}`` map."""

    id: str | None
    entries: tuple[RevokedEntry, ...] = ()

    def find(self, *, assertion_id: str | None, uid: str | None) -> RevokedEntry | None:
        """The entry revoking this assertion, if any: ``rl.find(assertion_id=a.id, uid=a.uid)``."""
        for entry in self.entries:
            if assertion_id and entry.id == assertion_id:
                return entry
            if uid and entry.uid == uid:
                return entry
        return None


# ---------------------------------------------------------------------------------------------
# Entry points


def load_json_object(text: str | bytes, *, what: str = "badge") -> dict[str, Any]:
    """Parse JSON text that must be an object: ``load_json_object('{"a": 1}') == {"a": 1}``."""
    try:
        value = jsontext.loads(text)
    except jsontext.TooDeep as exc:
        raise BadgeFormatError(
            _("The {what} is nested more than {depth} levels deep."), what=what, depth=exc.max_depth
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadgeFormatError(_("The {what} is not valid JSON."), what=what) from exc
    if not isinstance(value, dict):
        raise BadgeFormatError(_("The {what} is not a JSON object."), what=what)
    return value


def sniff_version(doc: Mapping[str, Any], *, default: SpecVersion | None = None) -> SpecVersion:
    """Which Open Badges version a document is written in.

    ``@context`` v1 -> 1.1, v2 -> 2.0 (an inline context object counts as 2.0); no context: a string
    recipient next to an embedded badge -> 0.5, otherwise 1.0 (or ``default`` for embedded nodes).

    >>> sniff_version({"@context": "https://w3id.org/openbadges/v2"})
    <SpecVersion.V2_0: '2.0'>
    """
    context = doc.get("@context")
    if context is None:
        if default is not None:
            return default
        if isinstance(doc.get("recipient"), str) and not isinstance(doc.get("verify"), Mapping):
            return SpecVersion.V0_5
        return SpecVersion.V1_0
    entries = context if isinstance(context, list) else [context]
    found: SpecVersion | None = None
    inline = False
    for entry in entries:
        if isinstance(entry, Mapping):
            inline = True
            continue
        if not isinstance(entry, str):
            raise BadgeFormatError(_("The badge's @context is not a URL or an object."))
        key = _context_key(entry)
        if key in _OB_CONTEXTS:
            found = max(found or _OB_CONTEXTS[key], _OB_CONTEXTS[key], key=_version_order)
        elif any(marker in key for marker in _VC_CONTEXT_MARKERS):
            raise BadgeFormatError(_("This is an Open Badges 3.0 credential, not an Open Badges 2.0 badge."))
        elif not key.startswith(_EXTENSION_CONTEXT_PREFIXES) and len(entries) == 1:
            raise BadgeFormatError(_("The badge uses an unknown JSON-LD context: {context}."), context=entry)
    if found is not None:
        return found
    if inline:
        return SpecVersion.V2_0
    raise BadgeFormatError(_("The badge does not use an Open Badges JSON-LD context."))


def parse_assertion(doc: Mapping[str, Any]) -> AssertionDocument:
    """Read an assertion of any version 0.5–2.0.

    >>> doc = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://a.com/1",
    ...        "recipient": {"type": "email", "hashed": False, "identity": "nobody@example.org"},
    ...        "badge": "https://a.com/badge", "verification": {"type": "hosted"}, "issuedOn": "2016-12-31T23:59:59Z"}
    >>> parse_assertion(doc).recipient.identity
    'nobody@example.org'
    """
    version = sniff_version(doc)
    if version is SpecVersion.V0_5:
        return _parse_assertion_0_5(doc)
    if version in (SpecVersion.V1_1, SpecVersion.V2_0):
        _require_type(doc, "Assertion", version=version)
    verification = _parse_verification(doc.get("verification", doc.get("verify")))
    badge_value = doc.get("badge")
    badge_ref, badge = None, None
    if isinstance(badge_value, str) and badge_value:
        badge_ref = badge_value
    elif isinstance(badge_value, Mapping):
        badge = parse_badge_class(badge_value, parent_version=version)
    else:
        raise BadgeFormatError(_("The badge assertion does not name its badge class."))
    image = _image_url(doc.get("image"))
    if image and image.startswith("data:"):
        raise BadgeFormatError(_("An assertion's image must be a URL, not embedded data."))
    issued_on = _parse_date(doc.get("issuedOn"), field="issuedOn")
    if issued_on is None:
        raise BadgeFormatError(_("The badge assertion has no issue date."))
    uid = doc.get("uid")
    return AssertionDocument(
        spec_version=version,
        id=_opt_str(doc.get("id"), "id"),
        uid=str(uid) if isinstance(uid, (str, int)) and not isinstance(uid, bool) else None,
        recipient=_parse_recipient(doc.get("recipient")),
        verification=verification,
        badge_ref=badge_ref,
        badge=badge,
        issued_on=issued_on,
        expires_on=_parse_date(doc.get("expires"), field="expires"),
        image=image,
        evidence=_parse_evidence(doc.get("evidence")),
        narrative=_text(doc.get("narrative")),
        revoked=doc.get("revoked") is True,
        revocation_reason=_text(doc.get("revocationReason")),
    )


def parse_badge_class(
    doc: Mapping[str, Any], *, source_url: str | None = None, parent_version: SpecVersion | None = None
) -> BadgeClassDocument:
    """Read a BadgeClass; ``source_url`` stands in for the id of 1.0 documents, which have none.

    >>> parse_badge_class({"name": "Basic", "issuer": "http://a.com/issuer"}).issuer_ref
    'http://a.com/issuer'
    """
    version = sniff_version(doc, default=parent_version)
    if version is SpecVersion.V2_0:
        _require_type(doc, "BadgeClass", version=version)
    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadgeFormatError(_("The badge class has no name."))
    issuer_value = doc.get("issuer")
    issuer_ref, issuer = None, None
    if isinstance(issuer_value, str) and issuer_value:
        issuer_ref = issuer_value
    elif isinstance(issuer_value, Mapping):
        issuer = parse_issuer(issuer_value, parent_version=version)
    elif version is not SpecVersion.V0_5:
        raise BadgeFormatError(_("The badge class does not name its issuer."))
    criteria_url, narrative = _parse_criteria(doc.get("criteria"))
    return BadgeClassDocument(
        id=_opt_str(doc.get("id"), "id") or source_url,
        name=name.strip(),
        description=_text(doc.get("description")),
        image=_image_url(doc.get("image")),
        criteria_url=criteria_url,
        criteria_narrative=narrative,
        issuer_ref=issuer_ref,
        issuer=issuer,
        alignments=_parse_alignments(doc.get("alignment", doc.get("alignments"))),
        tags=tuple(t for t in _as_list(doc.get("tags")) if isinstance(t, str)),
    )


def parse_issuer(
    doc: Mapping[str, Any], *, source_url: str | None = None, parent_version: SpecVersion | None = None
) -> IssuerProfile:
    """Read an issuer Profile (0.5 ``origin`` becomes ``url``).

    >>> parse_issuer({"name": "Basic Issuer", "url": "http://a.com"}).name
    'Basic Issuer'
    """
    version = sniff_version(doc, default=parent_version)
    if version is SpecVersion.V2_0:
        _require_type(doc, "Issuer", "Profile", version=version)
    name = doc.get("name")
    if not isinstance(name, str):
        raise BadgeFormatError(_("The issuer profile has no name."))
    policy = doc.get("verification")
    return IssuerProfile(
        id=_opt_str(doc.get("id"), "id") or source_url,
        name=name.strip(),
        url=_opt_str(doc.get("url"), "url") or _opt_str(doc.get("origin"), "origin"),
        email=_opt_str(doc.get("email"), "email"),
        image=_image_url(doc.get("image")),
        description=_text(doc.get("description")),
        public_keys=tuple(_iri_list(doc.get("publicKey"))),
        revocation_list=_node_id(doc.get("revocationList")),
        verification=_parse_verification(policy) if isinstance(policy, Mapping) else None,
    )


def parse_key(doc: Mapping[str, Any], *, source_url: str | None = None) -> CryptographicKey:
    """Read a CryptographicKey document: ``parse_key(key_json).public_key_pem.startswith("-----BEGIN")``."""
    pem = doc.get("publicKeyPem")
    if not isinstance(pem, str) or "-----BEGIN" not in pem:
        raise BadgeFormatError(_("The key document has no PEM public key."))
    return CryptographicKey(
        id=_opt_str(doc.get("id"), "id") or source_url, owner=_node_id(doc.get("owner")), public_key_pem=pem
    )


def parse_revocation_list(doc: Mapping[str, Any]) -> RevocationList:
    """Read an OB 2.0 RevocationList, or an OB 1.x object mapping revoked ``uid`` to a reason.

    >>> parse_revocation_list({"abc": "Cheated"}).find(assertion_id=None, uid="abc").reason
    'Cheated'
    """
    if "revokedAssertions" not in doc and "type" not in doc and "@context" not in doc:
        entries = tuple(RevokedEntry(uid=str(k), reason=v if isinstance(v, str) else "") for k, v in doc.items())
        return RevocationList(id=None, entries=entries)
    revoked = doc.get("revokedAssertions", [])
    if not isinstance(revoked, list):
        raise BadgeFormatError(_("The revocation list's revokedAssertions is not a list."))
    parsed: list[RevokedEntry] = []
    for item in revoked:
        if isinstance(item, str):
            parsed.append(RevokedEntry(id=item))
        elif isinstance(item, Mapping):
            uid = item.get("uid")
            parsed.append(
                RevokedEntry(
                    id=_opt_str(item.get("id"), "id"),
                    uid=str(uid) if isinstance(uid, (str, int)) else None,
                    reason=_text(item.get("revocationReason")),
                )
            )
    return RevocationList(id=_opt_str(doc.get("id"), "id"), entries=tuple(parsed))


def build_badge(
    assertion: AssertionDocument,
    *,
    badge_class: BadgeClassDocument | None = None,
    issuer: IssuerProfile | None = None,
    format: BadgeFormat = BadgeFormat.HOSTED,
    raw: str = "",
) -> ParsedBadge:
    """Combine the parsed documents into the normalised ``ParsedBadge`` the wallet shows.

    For the spec's example assertion, badge class and issuer, ``.name`` is ``'Awesome Robotics Badge'``.
    """
    badge_class = badge_class or assertion.badge
    issuer = issuer or (badge_class.issuer if badge_class else None)
    return ParsedBadge(
        spec_version=assertion.spec_version,
        format=format,
        id=assertion.id or (assertion.verification.url if format is BadgeFormat.HOSTED else None),
        name=badge_class.name if badge_class else "",
        description=badge_class.description if badge_class else "",
        image=(badge_class.image if badge_class else None) or assertion.image,
        criteria_url=badge_class.criteria_url if badge_class else None,
        criteria_narrative=badge_class.criteria_narrative if badge_class else "",
        issuer=issuer.to_model() if issuer else Issuer(),
        issued_on=assertion.issued_on,
        expires_on=assertion.expires_on,
        recipients=(assertion.recipient,),
        evidence=assertion.evidence,
        alignments=badge_class.alignments if badge_class else (),
        tags=badge_class.tags if badge_class else (),
        badge_class_id=(badge_class.id if badge_class else None) or assertion.badge_ref,
        raw=raw,
    )


def parse_badge(
    text: str,
    *,
    badge_class: Mapping[str, Any] | None = None,
    issuer: Mapping[str, Any] | None = None,
    format: BadgeFormat = BadgeFormat.HOSTED,
) -> ParsedBadge:
    """Parse assertion JSON text (plus badge class / issuer documents given by IRI) into a ParsedBadge.

    For the spec's example documents, ``.issuer.name`` is ``'An Example Badge Issuer'``.
    """
    assertion = parse_assertion(load_json_object(text))
    cls = assertion.badge
    if cls is None and badge_class is not None:
        cls = parse_badge_class(badge_class, source_url=assertion.badge_ref, parent_version=assertion.spec_version)
    profile = cls.issuer if cls else None
    if profile is None and issuer is not None:
        profile = parse_issuer(issuer, source_url=cls.issuer_ref if cls else None)
    return build_badge(assertion, badge_class=cls, issuer=profile, format=format, raw=text)


def is_http_url(value: object) -> bool:
    """``is_http_url("https://example.org/a") is True``; ``urn:uuid:…`` and non-strings are False."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def hosted_pointer(doc: Mapping[str, Any]) -> str | None:
    """Where a hosted assertion says it lives, read leniently from unparsed JSON (HTTP(S) only).

    The ``id`` for OB 1.1/2.0, else the OB 1.0 ``verify.url``; None for signed badges and OB 0.5.

    >>> hosted_pointer({"verify": {"type": "hosted", "url": "http://a.com/instance"}})
    'http://a.com/instance'
    """
    verification = doc.get("verification", doc.get("verify"))
    verification = verification if isinstance(verification, Mapping) else {}
    kind = verification.get("type")
    if isinstance(kind, str) and _type_name(kind).lower() in ("signed", "signedbadge"):
        return None
    for candidate in (doc.get("id"), verification.get("url")):
        if is_http_url(candidate):
            return str(candidate).strip()
    return None


def declared_id(doc: Mapping[str, Any]) -> str | None:
    """The ``id`` a document says it has, if it is a string: ``declared_id({"id": "x"}) == "x"``."""
    value = doc.get("id")
    return value if isinstance(value, str) and value else None


# ---------------------------------------------------------------------------------------------
# Helpers


def _parse_assertion_0_5(doc: Mapping[str, Any]) -> AssertionDocument:
    recipient = doc.get("recipient")
    if not isinstance(recipient, str) or not recipient:
        raise BadgeFormatError(_("The badge assertion has no recipient."))
    salt = doc.get("salt")
    badge = doc.get("badge")
    if not isinstance(badge, Mapping):
        raise BadgeFormatError(_("An Open Badges 0.5 assertion must embed its badge."))
    return AssertionDocument(
        spec_version=SpecVersion.V0_5,
        id=None,
        # 0.5 had no "hashed" flag: a hashed value is the only one with "alg$" in it.
        recipient=Recipient(
            type="email", identity=recipient, hashed="$" in recipient, salt=salt if isinstance(salt, str) else None
        ),
        verification=VerificationPolicy(type="hosted"),
        badge=parse_badge_class(badge, parent_version=SpecVersion.V0_5),
        issued_on=_parse_date(doc.get("issued_on"), field="issued_on"),
        expires_on=_parse_date(doc.get("expires"), field="expires"),
        evidence=_parse_evidence(doc.get("evidence")),
    )


def _parse_recipient(value: object) -> Recipient:
    if not isinstance(value, Mapping):
        raise BadgeFormatError(_("The badge's recipient must be an identity object."))
    identity = value.get("identity")
    if not isinstance(identity, str) or not identity.strip():
        raise BadgeFormatError(_("The badge's recipient has no identity."))
    rtype = value.get("type", "email")
    if not isinstance(rtype, str) or not rtype:
        raise BadgeFormatError(_("The badge's recipient has no identity type."))
    hashed = value.get("hashed")
    looks_hashed = bool(_HASHED_IDENTITY.match(identity.strip()))
    if isinstance(hashed, str):
        hashed = hashed.strip().lower() == "true"
    if hashed is None:
        hashed = looks_hashed
    if hashed is True and not looks_hashed:
        raise BadgeFormatError(_("The recipient is marked as hashed but is not a sha256$ or md5$ hash."))
    salt = value.get("salt")
    return Recipient(
        type=rtype, identity=identity.strip(), hashed=bool(hashed), salt=salt if isinstance(salt, str) else None
    )


def _parse_verification(value: object) -> VerificationPolicy:
    if value is None:
        return VerificationPolicy()
    if not isinstance(value, Mapping):
        raise BadgeFormatError(_("The badge's verification property is not an object."))
    raw_type = value.get("type", "")
    kind = _type_name(raw_type if isinstance(raw_type, str) else "").lower()
    kind = {"hostedbadge": "hosted", "signedbadge": "signed"}.get(kind, kind)
    if kind not in ("", "hosted", "signed"):
        raise BadgeFormatError(_("Unknown verification type {type}."), type=raw_type)
    allowed = value.get("allowedOrigins")
    starts = value.get("startsWith")
    return VerificationPolicy(
        type=kind,
        url=_opt_str(value.get("url"), "url"),
        creator=_node_id(value.get("creator")),
        allowed_origins=tuple(str(v) for v in _as_list(allowed)) if allowed is not None else None,
        starts_with=tuple(str(v) for v in _as_list(starts)) if starts is not None else None,
    )


def _parse_date(value: object, *, field: str) -> datetime | None:
    """Upgrade any OB date (ISO 8601, date only, Unix seconds as number or digits) to aware UTC."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=UTC)
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{9,11}", text):
                return datetime.fromtimestamp(int(text), tz=UTC)
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                day = date.fromisoformat(text)
                return datetime(day.year, day.month, day.day, tzinfo=UTC)
            parsed = datetime.fromisoformat(text)
            # A zone-less time is ambiguous; the older specs meant UTC.
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise BadgeFormatError(
            _("The badge's {field} date {value} is not a valid date."), field=field, value=value
        ) from exc
    raise BadgeFormatError(_("The badge's {field} date {value} is not a valid date."), field=field, value=value)


def _parse_criteria(value: object) -> tuple[str | None, str]:
    if isinstance(value, str):
        return value, ""
    if isinstance(value, Mapping):
        return _opt_str(value.get("id"), "criteria"), _text(value.get("narrative"))
    return None, ""


def _parse_alignments(value: object) -> tuple[Alignment, ...]:
    result = []
    for item in _as_list(value):
        if not isinstance(item, Mapping):
            continue
        result.append(
            Alignment(
                name=_text(item.get("targetName", item.get("name"))),
                url=_opt_str(item.get("targetUrl", item.get("url")), "alignment"),
                description=_text(item.get("targetDescription", item.get("description"))),
                framework=_text(item.get("targetFramework")),
                code=_text(item.get("targetCode")),
            )
        )
    return tuple(result)


def _parse_evidence(value: object) -> tuple[Evidence, ...]:
    result = []
    for item in _as_list(value):
        if isinstance(item, str) and item:
            result.append(Evidence(id=item))
        elif isinstance(item, Mapping):
            result.append(
                Evidence(
                    id=_opt_str(item.get("id"), "evidence"),
                    name=_text(item.get("name")),
                    description=_text(item.get("description")),
                    narrative=_text(item.get("narrative")),
                )
            )
    return tuple(result)


def _require_type(doc: Mapping[str, Any], *expected: str, version: SpecVersion) -> None:
    types = [_type_name(t) for t in _as_list(doc.get("type")) if isinstance(t, str)]
    if not any(t in expected for t in types):
        raise BadgeFormatError(
            _("This Open Badges {version} document is not of type {expected}."), version=version, expected=expected[0]
        )


def _type_name(value: str) -> str:
    # Types may come as compact IRIs ("obi:Assertion") or full IRIs (".../openbadges#Assertion").
    return re.split(r"[#:/]", value)[-1] if value else ""


def _context_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return (parts.netloc + parts.path).lower().rstrip("/")


def _version_order(version: SpecVersion) -> float:
    return float(version.value)


def _image_url(value: object) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        return _opt_str(value.get("id"), "image")
    return None


def _node_id(value: object) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, Mapping):
        return _opt_str(value.get("id"), "id")
    return None


def _iri_list(value: object) -> list[str]:
    return [iri for iri in (_node_id(v) for v in _as_list(value)) if iri]


def _as_list(value: object) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _opt_str(value: object, field: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadgeFormatError(_("The badge's {field} must be a string."), field=field)
    return value


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
