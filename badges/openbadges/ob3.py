"""Open Badges 3.0: parse a credential (JSON with embedded proofs, or a compact VC-JWT) and verify it.

``verify_ob3`` runs the named checks in order: format, contexts, signature, key, recipient,
revocation, expiry, validity. Proofs: Data Integrity (``eddsa-rdfc-2022``, legacy ``eddsa-2022``)
and ``Ed25519Signature2020``; VC-JWT with RS256 / ES256 / EdDSA. Keys come from did:key, did:web
or HTTPS documents and must be bound to ``issuer.id``. Decision on a VC-JWT that carries only a
``jwk`` header: the signature is checked with it, but the ``key`` check is SKIPPED with "issuer
not confirmed" (doc §9 "Verified – issuer not recognised": informational, headline stays valid).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from . import jsonld, status
from .dids import PublicKey, ResolvedKey, key_from_jwk, resolve_key
from .errors import BadgeFormatError, FetchError, OpenBadgesError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .model import (
    Alignment,
    BadgeFormat,
    Evidence,
    Identity,
    Issuer,
    ParsedBadge,
    Recipient,
    SourceKind,
    SpecVersion,
)
from .recipient import find_match
from .result import Check, CheckResult, Status, VerificationResult

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential", "EndorsementCredential")
JWS_ALGORITHMS = ("RS256", "ES256", "EdDSA")  # pinned: never "none" or HMAC
_JWT_CLAIMS = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "cnf")
_CLOCK_SKEW = timedelta(minutes=5)
_DI_SUITES = ("eddsa-rdfc-2022", "eddsa-2022")


# ---------------------------------------------------------------------------------------------
# Parsing


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

    >>> decode_compact_jws(token).header["alg"]
    'EdDSA'
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise BadgeFormatError(_("The token is not a compact JWS (three dot-separated parts)."))
    try:
        header = json.loads(_b64url_decode(parts[0]))
        payload = json.loads(_b64url_decode(parts[1]))
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


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    """A display string from a plain or language-mapped value."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("@value") or next((v for v in value.values() if isinstance(v, str)), ""))
    if isinstance(value, list) and value:
        return _text(value[0])
    return ""


def _ref(value: Any) -> str | None:
    """An IRI given either as a string or as an object's ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def issuer_id(credential: dict[str, Any]) -> str | None:
    """``issuer`` as a bare id or ``issuer.id``. ``issuer_id({"issuer": "did:key:z6Mk…"}) == "did:key:z6Mk…"``."""
    return _ref(credential.get("issuer"))


def _subject(credential: dict[str, Any]) -> dict[str, Any]:
    subjects = [s for s in _as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
    return subjects[0] if subjects else {}


def read_credential(payload: str) -> tuple[dict[str, Any], CompactJws | None]:
    """The credential in a JSON or VC-JWT payload, plus the decoded JWS for a JWT.

    >>> read_credential('{"@context": [...], "type": ["VerifiableCredential", "OpenBadgeCredential"], ...}')[1] is None
    True
    """
    text = payload.strip().lstrip("\ufeff")
    jws: CompactJws | None = None
    if text.startswith("{"):
        try:
            credential = json.loads(text)
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
    contexts = _as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC_V2, VC_V1):
        raise BadgeFormatError(_("The credential's first @context is not the W3C Verifiable Credentials context."))
    types = [t for t in _as_list(credential.get("type")) if isinstance(t, str)]
    if "VerifiableCredential" not in types:
        raise BadgeFormatError(_("The credential's type does not include VerifiableCredential."))
    if not issuer_id(credential):
        raise BadgeFormatError(_("The credential has no issuer id."))
    if not _subject(credential):
        raise BadgeFormatError(_("The credential has no credentialSubject."))
    cid = credential.get("id")
    if cid is not None and (not isinstance(cid, str) or not urlsplit(cid).scheme):
        raise BadgeFormatError(_("The credential id {id} is not a URL or URN."), id=str(cid)[:100])


def _seconds(value: Any) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, tz=UTC)


def _dates(credential: dict[str, Any], claims: dict[str, Any] | None) -> tuple[datetime | None, datetime | None]:
    """(valid from, valid until) from VCDM 2, VCDM 1.1, else the JWT ``nbf`` / ``exp``."""
    claims = claims or {}
    starts = read_date(credential.get("validFrom") or credential.get("issuanceDate")) or _seconds(claims.get("nbf"))
    ends = read_date(credential.get("validUntil") or credential.get("expirationDate")) or _seconds(claims.get("exp"))
    return starts, ends


def parse_credential(credential: dict[str, Any], *, raw: str, jws: CompactJws | None = None) -> ParsedBadge:
    """The display model of an OB 3.0 credential (already shape-checked by ``read_credential``).

    >>> parse_credential(*read_credential(text)[:1], raw=text).name
    'Teamwork'
    """
    subject = _subject(credential)
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer_value = credential.get("issuer")
    profile = issuer_value if isinstance(issuer_value, dict) else {}
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}
    starts, ends = _dates(credential, jws.payload if jws else None)
    issued = starts or read_date(credential.get("awardedDate"))
    recipients: list[Recipient] = []
    if isinstance(subject.get("id"), str):
        recipients.append(Recipient("id", subject["id"]))
    for item in _as_list(subject.get("identifier")):
        if isinstance(item, dict) and isinstance(item.get("identityHash"), str):
            recipients.append(
                Recipient(
                    type=str(item.get("identityType") or ""),
                    identity=item["identityHash"],
                    hashed=item.get("hashed") is True,
                    salt=item["salt"] if isinstance(item.get("salt"), str) else None,
                )
            )
    evidence = tuple(
        Evidence(
            id=_ref(e),
            name=_text(e.get("name")),
            description=_text(e.get("description")),
            narrative=_text(e.get("narrative")),
        )
        for e in _as_list(credential.get("evidence"))
        if isinstance(e, dict)
    )
    alignments = tuple(
        Alignment(
            name=_text(a.get("targetName")),
            url=_ref(a.get("targetUrl")),
            description=_text(a.get("targetDescription")),
            framework=_text(a.get("targetFramework")),
            code=_text(a.get("targetCode")),
        )
        for a in _as_list(achievement.get("alignment"))
        if isinstance(a, dict)
    )
    return ParsedBadge(
        spec_version=SpecVersion.V3_0,
        format=BadgeFormat.VC_JWT if jws else BadgeFormat.DATA_INTEGRITY,
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        name=_text(achievement.get("name")) or _text(credential.get("name")),
        description=_text(achievement.get("description")) or _text(credential.get("description")),
        image=_ref(achievement.get("image")) or _ref(credential.get("image")),
        criteria_url=_ref(criteria),
        criteria_narrative=_text(criteria.get("narrative")),
        issuer=Issuer(
            id=issuer_id(credential),
            name=_text(profile.get("name")),
            url=_ref(profile.get("url")),
            email=profile.get("email") if isinstance(profile.get("email"), str) else None,
            image=_ref(profile.get("image")),
            description=_text(profile.get("description")),
        ),
        issued_on=issued,
        expires_on=ends,
        recipients=tuple(recipients),
        evidence=evidence,
        alignments=alignments,
        tags=tuple(t for t in _as_list(achievement.get("tag")) if isinstance(t, str)),
        badge_class_id=_ref(achievement),
        raw=raw,
    )


# ---------------------------------------------------------------------------------------------
# Proofs and keys


class _Rank(IntEnum):
    """How far a proof got; the best one is reported (a lower value is better)."""

    VERIFIED = 0
    UNBOUND = 1  # signature fine, key not the issuer's
    UNREACHABLE = 2
    UNSUPPORTED = 3
    INVALID = 4


@dataclass(frozen=True)
class _Attempt:
    rank: _Rank
    signature: Check
    key: Check


def _failed(rank: _Rank, template: str, params: dict[str, Any]) -> _Attempt:
    status_for = {_Rank.UNREACHABLE: Status.UNREACHABLE, _Rank.UNSUPPORTED: Status.UNSUPPORTED}
    implied = status_for.get(rank, Status.INVALID)
    result = CheckResult.ERROR if rank in status_for else CheckResult.FAIL
    signature = Check("signature", result, template, params, status=implied)
    key = Check("key", CheckResult.SKIPPED, _("Not checked: the signature could not be verified."))
    if rank is _Rank.UNREACHABLE:
        key = Check("key", CheckResult.ERROR, template, params, status=Status.UNREACHABLE)
    return _Attempt(rank, signature, key)


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _binding(key: ResolvedKey, issuer: str | None) -> Check:
    """The ``key`` check: is this key the issuer's, and may it sign credentials?"""
    params = {"key": key.id, "issuer": issuer or "?", "controller": key.controller or "?"}
    if key.id.startswith("did:key:"):
        if key.controller == issuer:
            return Check("key", CheckResult.PASS, _("The key is the issuer's own did:key {issuer}."), params)
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} does not belong to the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if key.controller is None:
        # A bare JWK / JWKS names no controller: accept it only from the issuer's own origin.
        if issuer and _origin(key.id) == _origin(issuer) and _origin(issuer)[0] == "https":
            return Check("key", CheckResult.PASS, _("The key {key} is published on the issuer's site."), params)
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} is not published by the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if key.controller != issuer:
        return Check(
            "key",
            CheckResult.FAIL,
            _("The key {key} is controlled by {controller}, not by the issuer {issuer}."),
            params,
            status=Status.INVALID,
        )
    if not key.authorized:
        return Check(
            "key",
            CheckResult.FAIL,
            _("The issuer {issuer} does not list the key {key} for signing credentials (assertionMethod)."),
            params,
            status=Status.INVALID,
        )
    return Check(
        "key", CheckResult.PASS, _("The key {key} is listed by the issuer {issuer} for signing credentials."), params
    )


def _resolve(key_id: str, *, fetch: Fetch, documents: dict[str, str]) -> ResolvedKey | _Attempt:
    params = {"key": key_id[:200]}
    if not urlsplit(key_id).scheme:
        return _failed(_Rank.INVALID, _("The verification method {key} is not a URL or DID."), params)
    try:
        return resolve_key(key_id, fetch=fetch, documents=documents)
    except FetchError as error:
        return _failed(
            _Rank.UNREACHABLE, _("Could not fetch the key {key}: {reason}"), {**params, "reason": error.as_message()}
        )
    except UnsupportedError as error:
        return _failed(_Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return _failed(_Rank.INVALID, error.template, {**params, **error.params})


class _Canonizer:
    """Canonicalises the unsigned document once, however many proofs it carries."""

    def __init__(self, unsigned: dict[str, Any]) -> None:
        self.unsigned = unsigned
        self._hash: bytes | None = None

    def document_hash(self) -> bytes:
        if self._hash is None:
            self._hash = hashlib.sha256(jsonld.canonize(self.unsigned).encode()).digest()
        return self._hash

    def proof_hash(self, options: dict[str, Any]) -> bytes:
        return hashlib.sha256(jsonld.canonize(options).encode()).digest()


def data_integrity_hash(unsigned: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """The 64 bytes eddsa-rdfc-2022 / Ed25519Signature2020 sign: sha256(proof options) ‖ sha256(document).

    ``proof_options`` is the proof without ``proofValue``; it gets the document's ``@context``.

    >>> len(data_integrity_hash(credential_without_proof, proof_without_value))
    64
    """
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = unsigned.get("@context")
    canonizer = _Canonizer(unsigned)
    return canonizer.proof_hash(options) + canonizer.document_hash()


def _describe_proof(proof: dict[str, Any]) -> str:
    return str(proof.get("cryptosuite") or proof.get("type") or "?")


def _verify_proof(
    proof: dict[str, Any],
    canonizer: _Canonizer,
    issuer: str | None,
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
) -> _Attempt:
    ptype, suite = proof.get("type"), proof.get("cryptosuite")
    params: dict[str, Any] = {"cryptosuite": _describe_proof(proof)}
    if not ((ptype == "DataIntegrityProof" and suite in _DI_SUITES) or ptype == "Ed25519Signature2020"):
        return _failed(_Rank.UNSUPPORTED, _("The proof type {cryptosuite} is not supported."), params)
    if proof.get("proofPurpose") != "assertionMethod":
        return _failed(_Rank.INVALID, _("The {cryptosuite} proof is not for assertionMethod."), params)
    method = proof.get("verificationMethod")
    method = _ref(method)
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or not value.startswith("z"):
        return _failed(
            _Rank.INVALID, _("The {cryptosuite} proof lacks a verificationMethod or a base58btc proofValue."), params
        )
    if not urlsplit(method).scheme:
        return _failed(
            _Rank.INVALID, _("The verification method {key} is not a URL or DID."), {**params, "key": method[:200]}
        )
    try:
        signature = base58.b58decode(value[1:])
        expires = read_date(proof.get("expires"))
    except (ValueError, BadgeFormatError):
        return _failed(_Rank.INVALID, _("The {cryptosuite} proof is malformed."), params)
    if expires is not None and expires < now:
        return _failed(
            _Rank.INVALID, _("The {cryptosuite} proof expired on {date}."), {**params, "date": expires.isoformat()}
        )
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = canonizer.unsigned.get("@context")
    try:
        undefined = jsonld.undefined_terms(options)
        if undefined:
            return _failed(
                _Rank.INVALID,
                _("The {cryptosuite} proof uses undefined terms: {terms}."),
                {**params, "terms": ", ".join(undefined)},
            )
        message = canonizer.proof_hash(options) + canonizer.document_hash()
    except UnsupportedError as error:
        return _failed(_Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return _failed(_Rank.INVALID, error.template, {**params, **error.params})
    resolved = _resolve(method, fetch=fetch, documents=documents)
    if isinstance(resolved, _Attempt):
        return resolved
    params["key"] = method
    if not isinstance(resolved.public_key, ed25519.Ed25519PublicKey):
        return _failed(_Rank.INVALID, _("The key {key} is not an Ed25519 key, as {cryptosuite} requires."), params)
    try:
        resolved.public_key.verify(signature, message)
    except InvalidSignature:
        return _failed(
            _Rank.INVALID,
            _("The {cryptosuite} signature does not match: the credential was altered or signed with another key."),
            params,
        )
    signed = Check("signature", CheckResult.PASS, _("Signed with {cryptosuite} by {key}."), params)
    key = _binding(resolved, issuer)
    return _Attempt(_Rank.VERIFIED if key.result is CheckResult.PASS else _Rank.UNBOUND, signed, key)


def verify_embedded_proofs(
    credential: dict[str, Any], *, fetch: Fetch, now: datetime, documents: dict[str, str]
) -> tuple[Check, Check]:
    """The ``signature`` and ``key`` checks for a credential's embedded proof(s); any valid one suffices.

    >>> verify_embedded_proofs(credential, fetch=DictFetch(), now=now, documents={})[0].result
    <CheckResult.PASS: 'pass'>
    """
    proofs = [p for p in _as_list(credential.get("proof")) if isinstance(p, dict)]
    if not proofs:
        failed = _failed(_Rank.INVALID, _("The credential carries no proof: it is not signed."), {})
        return failed.signature, failed.key
    canonizer = _Canonizer({k: v for k, v in credential.items() if k != "proof"})
    issuer = issuer_id(credential)
    attempts: list[_Attempt] = []
    for proof in proofs:
        attempts.append(_verify_proof(proof, canonizer, issuer, fetch=fetch, now=now, documents=documents))
        if attempts[-1].rank is _Rank.VERIFIED:
            break
    best = min(attempts, key=lambda a: a.rank)
    if best.rank is _Rank.VERIFIED and len(proofs) > 1:
        others = [_describe_proof(p) for p, a in zip(proofs, attempts, strict=False) if a is not best]
        params = {**best.signature.params, "count": len(proofs), "others": ", ".join(others)}
        message = (
            _("Signed with {cryptosuite} by {key} (1 of {count} proofs). Other proofs not needed: {others}.")
            if others
            else _("Signed with {cryptosuite} by {key} (1 of {count} proofs).")
        )
        signed = Check("signature", CheckResult.PASS, message, params)
        return signed, best.key
    return best.signature, best.key


def _jws_signature_ok(jws: CompactJws, key: PublicKey) -> bool:
    alg = jws.header.get("alg")
    try:
        if alg == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(jws.signature, jws.signing_input)
        elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(jws.signature, jws.signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey) and len(jws.signature) == 64:
            der = encode_dss_signature(
                int.from_bytes(jws.signature[:32], "big"), int.from_bytes(jws.signature[32:], "big")
            )
            key.verify(der, jws.signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_jws(jws: CompactJws, issuer: str | None, *, fetch: Fetch, documents: dict[str, str]) -> tuple[Check, Check]:
    """The ``signature`` and ``key`` checks for a VC-JWT.

    >>> verify_jws(decode_compact_jws(token), "did:key:z6Mk…", fetch=DictFetch(), documents={})[1].result
    <CheckResult.PASS: 'pass'>
    """
    alg = jws.header.get("alg")
    params: dict[str, Any] = {"alg": str(alg)}
    if alg not in JWS_ALGORITHMS:
        failed = _failed(
            _Rank.INVALID, _("The token's algorithm {alg} is not accepted (RS256, ES256 or EdDSA only)."), params
        )
        return failed.signature, failed.key
    if "crit" in jws.header or jws.header.get("b64") is False:
        failed = _failed(_Rank.UNSUPPORTED, _("The token uses JWS extensions we cannot check."), params)
        return failed.signature, failed.key
    kid, jwk = jws.header.get("kid"), jws.header.get("jwk")
    resolved: ResolvedKey | None = None
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and issuer:
            kid = issuer + kid
        outcome = _resolve(kid, fetch=fetch, documents=documents)
        if isinstance(outcome, _Attempt):
            return outcome.signature, outcome.key
        resolved = outcome
        public_key = resolved.public_key
        params["key"] = kid
    elif isinstance(jwk, dict):
        try:
            public_key = key_from_jwk(jwk)
        except OpenBadgesError as error:
            rank = _Rank.UNSUPPORTED if isinstance(error, UnsupportedError) else _Rank.INVALID
            failed = _failed(rank, error.template, {**params, **error.params})
            return failed.signature, failed.key
        params["key"] = _("the key embedded in the token")
    else:
        failed = _failed(
            _Rank.INVALID,
            _("The token names no key (no kid or jwk header), so its signature cannot be checked."),
            params,
        )
        return failed.signature, failed.key
    if not _jws_signature_ok(jws, public_key):
        failed = _failed(
            _Rank.INVALID,
            _("The {alg} token signature does not match: the credential was altered or signed with another key."),
            params,
        )
        return failed.signature, failed.key
    signed = Check("signature", CheckResult.PASS, _("Signed as a VC-JWT ({alg}) by {key}."), params)
    if resolved is None:
        return signed, Check(
            "key",
            CheckResult.SKIPPED,
            _("Issuer not confirmed: the token carries its own key, which anyone could have made."),
            params,
        )
    return signed, _binding(resolved, issuer)


def _claim_problems(jws: CompactJws, credential: dict[str, Any]) -> list[Check]:
    """JWT claims that contradict the credential (each one is a format failure)."""
    claims = jws.payload
    found: list[tuple[str, Any, Any]] = []
    if "iss" in claims and claims["iss"] != issuer_id(credential):
        found.append(("iss", claims["iss"], issuer_id(credential)))
    if "jti" in claims and credential.get("id") is not None and claims["jti"] != credential.get("id"):
        found.append(("jti", claims["jti"], credential.get("id")))
    subject_id = _subject(credential).get("id")
    if "sub" in claims and subject_id is not None and claims["sub"] != subject_id:
        found.append(("sub", claims["sub"], subject_id))
    v1 = _as_list(credential.get("@context"))[0] == VC_V1
    starts = ("issuanceDate", "validFrom") if v1 else ("validFrom", "issuanceDate")
    ends = ("expirationDate", "validUntil") if v1 else ("validUntil", "expirationDate")
    for claim, names in (("nbf", starts), ("exp", ends)):
        stated = next((credential[n] for n in names if credential.get(n)), None)
        when = _seconds(claims.get(claim))
        if when is not None and stated is not None:
            try:
                differs = abs((read_date(stated) - when).total_seconds()) >= 1  # type: ignore[operator]
            except BadgeFormatError:
                differs = True
            if differs:
                found.append((claim, claims[claim], stated))
    return [
        Check(
            "format",
            CheckResult.FAIL,
            _("The token's {claim} claim ({claim_value}) contradicts the credential ({value})."),
            {"claim": c, "claim_value": str(a), "value": str(b)},
            status=Status.INVALID,
        )
        for c, a, b in found
    ]


# ---------------------------------------------------------------------------------------------
# The checks


def _contexts_check(credential: dict[str, Any], *, is_jwt: bool) -> Check:
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    missing = jsonld.unknown_contexts(unsigned)
    if missing:
        return Check(
            "contexts",
            CheckResult.ERROR,
            _("The JSON-LD context {url} is not one we know, so the credential cannot be checked."),
            {"url": missing[0]},
            status=Status.UNSUPPORTED,
        )
    try:
        undefined = jsonld.undefined_terms(unsigned)
    except OpenBadgesError as error:
        return Check("contexts", CheckResult.FAIL, error.template, dict(error.params), status=Status.INVALID)
    count = len(_as_list(credential.get("@context")))
    if not undefined:
        return Check(
            "contexts",
            CheckResult.PASS,
            _("All {count} JSON-LD contexts are bundled and define every term used."),
            {"count": count},
        )
    terms = ", ".join(undefined[:10])
    if is_jwt:
        # A JWS signs the bytes, so undefined terms are still covered by the signature.
        return Check(
            "contexts",
            CheckResult.SKIPPED,
            _("Terms not defined by the credential's contexts: {terms} (signed in the token)."),
            {"terms": terms},
        )
    return Check(
        "contexts",
        CheckResult.FAIL,
        _(
            "The credential uses terms its JSON-LD contexts do not define ({terms}); they would not be covered by the signature."
        ),
        {"terms": terms},
        status=Status.INVALID,
    )


def _recipient_check(badge: ParsedBadge, identities: Sequence[Identity]) -> Check:
    if not identities:
        return Check("recipient", CheckResult.SKIPPED, _("No identity to compare the recipient with."))
    match = find_match(badge.recipients, identities)
    if match is None:
        return Check(
            "recipient",
            CheckResult.FAIL,
            _("This credential was not issued to any of your verified identities."),
            status=Status.RECIPIENT_MISMATCH,
        )
    return Check("recipient", CheckResult.PASS, _("Issued to {identity}."), {"identity": match.value})


def _date_checks(starts: datetime | None, ends: datetime | None, now: datetime) -> list[Check]:
    if ends is None:
        expiry = Check("expiry", CheckResult.PASS, _("The credential does not expire."))
    elif ends < now:
        expiry = Check(
            "expiry", CheckResult.FAIL, _("Expired on {date}."), {"date": ends.isoformat()}, status=Status.EXPIRED
        )
    else:
        expiry = Check("expiry", CheckResult.PASS, _("Valid until {date}."), {"date": ends.isoformat()})
    if starts is not None and ends is not None and ends < starts:
        validity = Check(
            "validity",
            CheckResult.FAIL,
            _("The credential expires ({end}) before it becomes valid ({start})."),
            {"start": starts.isoformat(), "end": ends.isoformat()},
            status=Status.INVALID,
        )
    elif starts is not None and starts > now + _CLOCK_SKEW:
        validity = Check(
            "validity",
            CheckResult.FAIL,
            _("Not valid until {date}."),
            {"date": starts.isoformat()},
            status=Status.NOT_YET_VALID,
        )
    elif starts is not None:
        validity = Check("validity", CheckResult.PASS, _("Valid since {date}."), {"date": starts.isoformat()})
    else:
        validity = Check("validity", CheckResult.PASS, _("The credential states no start date."))
    return [expiry, validity]


class VerifiedListMemo:
    """Status lists whose proof already verified, by the hash of their exact content.

    Thousands of badges share one status list, and canonicalising its proof costs tens of
    milliseconds each time. A list body that verified within ``ttl`` seconds is taken as verified
    again; any change to the list gives another hash. The TTL bounds how long a rotated did:web
    key could go unnoticed (documents themselves are cached for longer by the fetcher).
    """

    def __init__(self, *, ttl: float = 600.0, size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._verified: dict[str, float] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(listed: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(listed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def seen(self, key: str) -> bool:
        with self._lock:
            verified_at = self._verified.get(key)
            return verified_at is not None and time.monotonic() - verified_at < self.ttl

    def remember(self, key: str) -> None:
        with self._lock:
            if len(self._verified) >= self.size:
                self._verified.pop(next(iter(self._verified)))
            self._verified[key] = time.monotonic()

    def clear(self) -> None:
        with self._lock:
            self._verified.clear()


VERIFIED_LISTS = VerifiedListMemo()


def _list_verifier(*, fetch: Fetch, now: datetime, documents: dict[str, str]) -> status.ListVerifier:
    def verify_list(listed: dict[str, Any]) -> str | None:
        key = VERIFIED_LISTS.key(listed)
        if VERIFIED_LISTS.seen(key):
            return None
        signature, proof_key = verify_embedded_proofs(listed, fetch=fetch, now=now, documents=documents)
        for check in (signature, proof_key):
            if check.result is not CheckResult.PASS:
                return check.text
        VERIFIED_LISTS.remember(key)
        return None

    return verify_list


def verify_ob3(
    payload: str,
    *,
    fetch: Fetch,
    now: datetime,
    identities: Sequence[Identity] = (),
    source_kind: SourceKind | None = None,
) -> VerificationResult:
    """Verify an OB 3.0 credential given as JSON text or a compact VC-JWT. Never raises for bad input.

    >>> verify_ob3(signed_json, fetch=DictFetch(), now=datetime(2026, 6, 1, tzinfo=UTC)).status
    <Status.VALID: 'valid'>
    """
    documents: dict[str, str] = {}
    try:
        credential, jws = read_credential(payload)
        badge = parse_credential(credential, raw=payload, jws=jws)
        starts, ends = _dates(credential, jws.payload if jws else None)
    except OpenBadgesError as error:
        implied = Status.UNSUPPORTED if isinstance(error, UnsupportedError) else Status.INVALID
        check = Check("format", CheckResult.FAIL, error.template, dict(error.params), status=implied)
        return VerificationResult.from_checks(
            [check], source_kind=source_kind, payload=payload, errors=(error.message,)
        )

    vcdm = "VCDM 2.0" if _as_list(credential.get("@context"))[0] == VC_V2 else "VCDM 1.1"
    checks: list[Check] = _claim_problems(jws, credential) if jws else []
    types = [t for t in _as_list(credential.get("type")) if isinstance(t, str)]
    if not any(t in BADGE_TYPES for t in types):
        # Still check proof and status: "forged" or "revoked" says more than "not a badge".
        checks.append(
            Check(
                "format",
                CheckResult.FAIL,
                _(
                    "This Verifiable Credential is not an Open Badge (type {types}); its proof and status were still checked."
                ),
                {"types": ", ".join(types)},
                status=Status.UNSUPPORTED,
            )
        )
    if not checks:
        shape = _("VC-JWT") if jws else _("embedded proof")
        checks.append(
            Check(
                "format",
                CheckResult.PASS,
                _("An Open Badges 3.0 credential ({vcdm}, {shape})."),
                {"vcdm": vcdm, "shape": shape},
            )
        )
    checks.append(_contexts_check(credential, is_jwt=jws is not None))
    if jws:
        signature, key = verify_jws(jws, issuer_id(credential), fetch=fetch, documents=documents)
    else:
        signature, key = verify_embedded_proofs(credential, fetch=fetch, now=now, documents=documents)
    checks += [signature, key, _recipient_check(badge, identities)]
    if signature.result is CheckResult.FAIL:
        # A forged credential's status URL is the forger's: do not fetch it.
        checks.append(Check("revocation", CheckResult.SKIPPED, _("Not checked: the signature did not verify.")))
    else:
        checks.append(
            status.check_status(
                credential,
                fetch=fetch,
                now=now,
                documents=documents,
                verify_list=_list_verifier(fetch=fetch, now=now, documents=documents),
                read_date=read_date,
            )
        )
    checks += _date_checks(starts, ends, now)
    return VerificationResult.from_checks(
        checks, badge=badge, source_kind=source_kind, payload=payload, documents=documents
    )
