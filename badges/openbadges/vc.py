"""Reading W3C Verifiable Credentials: the shared layer below ``ob3`` and its proof suites.

Plain readers with no verification in them: decode a compact JWS, read a credential out of JSON
or a VC-JWT (shape-checked), its dates, issuer and first subject, and display strings from plain
or language-mapped values. ``data_integrity``, ``vc_jwt`` and ``ob3`` all build on this module;
it imports none of them.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from . import jsontext
from .errors import BadgeFormatError
from .i18n import gettext_noop as _

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
_JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf")


@dataclass(frozen=True)
class CompactJws:
    """A decoded (not yet verified) compact JWS."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode_compact_jws(token: str) -> CompactJws:
    """Split and decode ``header.payload.signature``; ``BadgeFormatError`` if it is not a JWS of JSON.

    >>> decode_compact_jws("eyJhbGciOiJFZERTQSJ9.e30.c2ln").header["alg"]
    'EdDSA'
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise BadgeFormatError(_("The token is not a compact JWS (three dot-separated parts)."))
    try:
        header = jsontext.loads(_b64url_decode(parts[0]))
        payload = jsontext.loads(_b64url_decode(parts[1]))
        signature = _b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadgeFormatError(_("The token's parts are not base64url-encoded JSON.")) from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise BadgeFormatError(_("The token's header or payload is not a JSON object."))
    return CompactJws(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def read_date(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string (naive means UTC); None for None.

    >>> read_date("2010-01-01T00:00:00Z")
    datetime.datetime(2010, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadgeFormatError(_("{value} is not a date."), value=str(value)[:40])
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadgeFormatError(_("{value} is not a date."), value=value[:40]) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def display_text(value: Any) -> str:
    """A display string from a plain or language-mapped value."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("@value") or next((v for v in value.values() if isinstance(v, str)), ""))
    if isinstance(value, list) and value:
        return display_text(value[0])
    return ""


def iri_of(value: Any) -> str | None:
    """An IRI given either as a string or as an object's ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def issuer_id(credential: dict[str, Any]) -> str | None:
    """``issuer`` as a bare id or ``issuer.id``. ``issuer_id({"issuer": "did:key:z6Mk…"}) == "did:key:z6Mk…"``."""
    return iri_of(credential.get("issuer"))


def first_subject(credential: dict[str, Any]) -> dict[str, Any]:
    subjects = [s for s in as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
    return subjects[0] if subjects else {}


def read_credential(payload: str) -> tuple[dict[str, Any], CompactJws | None]:
    """The credential in a JSON or VC-JWT payload, plus the decoded JWS for a JWT.

    >>> text = '''{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
    ...           "issuer": "did:example:issuer", "credentialSubject": {"id": "did:example:learner"}}'''
    >>> read_credential(text)[1] is None
    True
    """
    text = payload.strip().lstrip("\ufeff")
    jws: CompactJws | None = None
    if text.startswith("{"):
        try:
            credential = jsontext.loads(text)
        except jsontext.TooDeep as exc:
            raise BadgeFormatError(
                _("The {what} is nested more than {depth} levels deep."), what=_("credential"), depth=exc.max_depth
            ) from exc
        except ValueError as exc:
            raise BadgeFormatError(_("The credential is not valid JSON.")) from exc
    else:
        jws = decode_compact_jws(text)
        vc = jws.payload.get("vc")
        # VCDM 1.1 JWTs carry the credential in ``vc``; VCDM 2 ones are the credential plus claims.
        source = vc if isinstance(vc, dict) else jws.payload
        credential = {k: v for k, v in source.items() if k not in _JWT_CLAIMS or isinstance(vc, dict)}
    if not isinstance(credential, dict):
        raise BadgeFormatError(_("The credential is not a JSON object."))
    _check_shape(credential)
    return credential, jws


def _check_shape(credential: dict[str, Any]) -> None:
    contexts = as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        raise BadgeFormatError(_("The credential's first @context is not the W3C Verifiable Credentials context."))
    types = [t for t in as_list(credential.get("type")) if isinstance(t, str)]
    if "VerifiableCredential" not in types:
        raise BadgeFormatError(_("The credential's type does not include VerifiableCredential."))
    if not issuer_id(credential):
        raise BadgeFormatError(_("The credential has no issuer id."))
    if not first_subject(credential):
        raise BadgeFormatError(_("The credential has no credentialSubject."))
    cid = credential.get("id")
    if cid is not None and (not isinstance(cid, str) or not urlsplit(cid).scheme):
        raise BadgeFormatError(_("The credential id {id} is not a URL or URN."), id=str(cid)[:100])


def from_seconds(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def validity_window(
    credential: dict[str, Any], claims: dict[str, Any] | None
) -> tuple[datetime | None, datetime | None]:
    """(valid from, valid until) from VCDM 2, VCDM 1.1, else the JWT ``nbf`` / ``exp``."""
    claims = claims or {}
    starts = read_date(credential.get("validFrom") or credential.get("issuanceDate")) or from_seconds(claims.get("nbf"))
    ends = read_date(credential.get("validUntil") or credential.get("expirationDate")) or from_seconds(
        claims.get("exp")
    )
    return starts, ends
