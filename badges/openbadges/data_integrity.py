"""Data Integrity proofs embedded in a credential.

Suites: ``eddsa-rdfc-2022`` (and its early name ``eddsa-2022``), ``Ed25519Signature2020``,
``eddsa-jcs-2022``, ``ecdsa-rdfc-2019`` and ``ecdsa-jcs-2019`` (P-256 / P-384), and
``ecdsa-sd-2023`` (base and derived proofs, in ``ecdsa_sd``). For the RDFC suites the signed
message is hash(canonical proof options) ‖ hash(canonical document), both canonicalised with
RDFC-1.0 over the bundled JSON-LD contexts; the JCS suites hash RFC 8785 JSON instead. The hash
is SHA-256, or SHA-384 for P-384 keys. Any one valid proof suffices; the best attempt is
reported when none verifies. Unknown suites stay ``unsupported``, named.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from . import ecdsa, ecdsa_sd, jsonld, proof_shapes
from .dids import PublicKey
from .errors import BadgeFormatError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .proofs import Attempt, Rank, failed_attempt, key_binding, resolve_method
from .result import Check, CheckResult
from .vc import as_list, iri_of, issuer_id, read_date


@dataclass(frozen=True)
class Suite:
    """How a cryptosuite turns a document into signed bytes, and which keys it takes."""

    name: str
    canonicalization: str  # "rdfc" (RDFC-1.0 N-Quads), "jcs" (RFC 8785 JSON), "sd" (ecdsa-sd-2023)
    key_kind: str  # "ed25519" or "ecdsa"


SUITES = {
    "Ed25519Signature2020": Suite("Ed25519Signature2020", "rdfc", "ed25519"),
    "eddsa-rdfc-2022": Suite("eddsa-rdfc-2022", "rdfc", "ed25519"),
    "eddsa-2022": Suite("eddsa-2022", "rdfc", "ed25519"),  # early name of eddsa-rdfc-2022
    "eddsa-jcs-2022": Suite("eddsa-jcs-2022", "jcs", "ed25519"),
    "ecdsa-rdfc-2019": Suite("ecdsa-rdfc-2019", "rdfc", "ecdsa"),
    "ecdsa-jcs-2019": Suite("ecdsa-jcs-2019", "jcs", "ecdsa"),
    "ecdsa-sd-2023": Suite("ecdsa-sd-2023", "sd", "ecdsa"),
}
DI_SUITES = tuple(name for name in SUITES if name != "Ed25519Signature2020")


def suite_of(proof: dict[str, Any]) -> Suite | None:
    """The suite a proof names: ``DataIntegrityProof`` + ``cryptosuite``, or the legacy ``Ed25519Signature2020``."""
    if proof.get("type") == "Ed25519Signature2020":
        return SUITES["Ed25519Signature2020"]
    if proof.get("type") == "DataIntegrityProof" and isinstance(proof.get("cryptosuite"), str):
        return SUITES.get(proof["cryptosuite"]) if proof["cryptosuite"] != "Ed25519Signature2020" else None
    return None


class _Canonizer:
    """Canonicalises the unsigned document once, however many proofs it carries (from the same
    JSON-LD expansion as the context check, when the caller passes its ``jsonld.Analysis``; the
    proof options likewise from the expansion of their undefined-term check, or from their shape's
    template: ``proof_shapes``)."""

    def __init__(self, unsigned: dict[str, Any], analysis: jsonld.Analysis | None = None) -> None:
        self.unsigned = unsigned
        self.analysis = analysis if analysis is not None else jsonld.Analysis(unsigned)
        self.options_form: jsonld.Analysis | None = None
        self._hash: bytes | None = None

    def document_canon(self) -> str:
        return self.analysis.canonize()

    def document_hash(self) -> bytes:
        if self._hash is None:
            self._hash = hashlib.sha256(self.document_canon().encode()).digest()
        return self._hash

    def options_canon(self, options: dict[str, Any]) -> str:
        form = self.options_form
        if form is None or form.document != options:
            form = jsonld.Analysis(options)
        return form.canonize()

    def proof_hash(self, options: dict[str, Any]) -> bytes:
        return hashlib.sha256(self.options_canon(options).encode()).digest()


def data_integrity_hash(unsigned: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """The 64 bytes eddsa-rdfc-2022 / Ed25519Signature2020 sign: sha256(proof options) ‖ sha256(document).

    ``proof_options`` is the proof without ``proofValue``; it gets the document's ``@context``.

    >>> len(data_integrity_hash({"@context": {"@vocab": "https://example.org/"}, "name": "x"}, {"type": "Proof"}))
    64
    """
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    options["@context"] = unsigned.get("@context")
    canonizer = _Canonizer(unsigned)
    return canonizer.proof_hash(options) + canonizer.document_hash()


def jcs_hash_data(unsigned: dict[str, Any], proof_options: dict[str, Any], *, hash_name: str = "sha256") -> bytes:
    """What the ``*-jcs-*`` suites sign: hash(JCS(proof options)) ‖ hash(JCS(document)), RFC 8785 canonical JSON.

    >>> len(jcs_hash_data({"name": "x"}, {"type": "DataIntegrityProof"}))
    64
    """
    options = {k: v for k, v in proof_options.items() if k != "proofValue"}
    return _digest(hash_name, rfc8785.dumps(options)) + _digest(hash_name, rfc8785.dumps(unsigned))


def _digest(hash_name: str, data: bytes) -> bytes:
    return hashlib.new(hash_name, data).digest()


def _describe_proof(proof: dict[str, Any]) -> str:
    return str(proof.get("cryptosuite") or proof.get("type") or "?")


class VerifiedProofMemo:
    """Proofs that verified, remembered by everything their verdict depends on, so that a daily
    re-check of an unchanged credential needs no new canonicalisation.

    The rule: a proof is taken as verified again only if the credential's bytes (as parsed JSON,
    without its proofs), the proof itself and the public key its verification method resolves to
    *now* are all exactly those of a check that verified, within ``ttl`` of the caller's ``now``.
    The key is resolved afresh every time (from the issuer's current key document), so a rotated or
    withdrawn key is caught; any change to the stored copy gives another content key, so a tampered
    copy is verified in full (and fails). Status, expiry and recipient are checked every time by
    the caller, never remembered.
    """

    def __init__(self, *, ttl: timedelta = timedelta(days=2), size: int = 4096) -> None:
        self.ttl, self.size = ttl, size
        self._verified: OrderedDict[str, tuple[bytes, datetime]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def content_key(unsigned: dict[str, Any], proof: dict[str, Any]) -> str:
        text = json.dumps([unsigned, proof], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def public_key(self, content: str, *, now: datetime) -> bytes | None:
        with self._lock:
            entry = self._verified.get(content)
        if entry is None or not (entry[1] <= now < entry[1] + self.ttl):
            return None
        return entry[0]

    def remember(self, content: str, public_key: bytes, *, now: datetime) -> None:
        with self._lock:
            self._verified[content] = (public_key, now)
            self._verified.move_to_end(content)
            while len(self._verified) > self.size:
                self._verified.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._verified.clear()


VERIFIED_PROOFS = VerifiedProofMemo()


def _key_bytes(public_key: Any) -> bytes | None:
    try:
        return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    except (AttributeError, TypeError, ValueError):
        return None


def _verify_proof(
    proof: dict[str, Any],
    canonizer: _Canonizer,
    issuer: str | None,
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
) -> Attempt:
    params: dict[str, Any] = {"cryptosuite": _describe_proof(proof)}
    suite = suite_of(proof)
    if suite is None:
        return failed_attempt(Rank.UNSUPPORTED, _("The proof type {cryptosuite} is not supported."), params)
    if proof.get("proofPurpose") != "assertionMethod":
        return failed_attempt(Rank.INVALID, _("The {cryptosuite} proof is not for assertionMethod."), params)
    method = iri_of(proof.get("verificationMethod"))
    value = proof.get("proofValue")
    multibase = "u" if suite.canonicalization == "sd" else "z"
    if not isinstance(method, str) or not isinstance(value, str) or not value.startswith(multibase):
        return failed_attempt(
            Rank.INVALID, _("The {cryptosuite} proof lacks a verificationMethod or a multibase proofValue."), params
        )
    if not urlsplit(method).scheme:
        return failed_attempt(
            Rank.INVALID, _("The verification method {key} is not a URL or DID."), {**params, "key": method[:200]}
        )
    try:
        signature = b"" if suite.canonicalization == "sd" else base58.b58decode(value[1:])
        expires = read_date(proof.get("expires"))
    except (ValueError, BadgeFormatError):
        return failed_attempt(Rank.INVALID, _("The {cryptosuite} proof is malformed."), params)
    if expires is not None and expires < now:
        return failed_attempt(
            Rank.INVALID, _("The {cryptosuite} proof expired on {date}."), {**params, "date": expires.isoformat()}
        )
    content = VERIFIED_PROOFS.content_key(canonizer.unsigned, proof)
    remembered = VERIFIED_PROOFS.public_key(content, now=now)
    if remembered is not None:
        # Verified before, byte for byte: only the key is looked up again (it may have rotated).
        resolved = resolve_method(method, fetch=fetch, documents=documents)
        if not isinstance(resolved, Attempt) and _key_bytes(resolved.public_key) == remembered:
            params["key"] = method
            signed = Check("signature", CheckResult.PASS, _("Signed with {cryptosuite} by {key}."), params)
            key = key_binding(resolved, issuer)
            return Attempt(Rank.VERIFIED if key.result is CheckResult.PASS else Rank.UNBOUND, signed, key)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        if suite.canonicalization == "rdfc":
            options["@context"] = canonizer.unsigned.get("@context")
            # Expanded once for this check and the hash, or answered by its shape's template.
            canonizer.options_form = proof_shapes.analyse(options)
            undefined = canonizer.options_form.undefined_terms()
            if undefined:
                return failed_attempt(
                    Rank.INVALID,
                    _("The {cryptosuite} proof uses undefined terms: {terms}."),
                    {**params, "terms": ", ".join(undefined)},
                )
            canonizer.document_canon()
        elif suite.canonicalization == "jcs" and not _jcs_contexts_agree(options, canonizer.unsigned):
            return failed_attempt(
                Rank.INVALID, _("The {cryptosuite} proof's @context does not match the credential's."), params
            )
    except UnsupportedError as error:
        return failed_attempt(Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return failed_attempt(Rank.INVALID, error.template, {**params, **error.params})
    resolved = resolve_method(method, fetch=fetch, documents=documents)
    if isinstance(resolved, Attempt):
        return resolved
    params["key"] = method
    public_key = resolved.public_key
    if suite.key_kind == "ed25519" and not isinstance(public_key, ed25519.Ed25519PublicKey):
        return failed_attempt(
            Rank.INVALID, _("The key {key} is not an Ed25519 key, as {cryptosuite} requires."), params
        )
    if suite.key_kind == "ecdsa" and not (
        isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name in ecdsa.CURVES
    ):
        return failed_attempt(
            Rank.INVALID, _("The key {key} is not a P-256 or P-384 key, as {cryptosuite} requires."), params
        )
    try:
        verified = _signature_verifies(suite, public_key, signature, value, options, canonizer)
    except UnsupportedError as error:
        return failed_attempt(Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return failed_attempt(Rank.INVALID, error.template, {**params, **error.params})
    if not verified:
        return failed_attempt(
            Rank.INVALID,
            _("The {cryptosuite} signature does not match: the credential was altered or signed with another key."),
            params,
        )
    remembered_key = _key_bytes(public_key)
    if remembered_key is not None:
        VERIFIED_PROOFS.remember(content, remembered_key, now=now)
    signed = Check("signature", CheckResult.PASS, _("Signed with {cryptosuite} by {key}."), params)
    key = key_binding(resolved, issuer)
    return Attempt(Rank.VERIFIED if key.result is CheckResult.PASS else Rank.UNBOUND, signed, key)


def _jcs_contexts_agree(options: dict[str, Any], unsigned: dict[str, Any]) -> bool:
    """A JCS proof that states an ``@context`` must state the document's, in order (as a prefix)."""
    if "@context" not in options:
        return True
    stated, document = as_list(options["@context"]), as_list(unsigned.get("@context"))
    return document[: len(stated)] == stated


def _signature_verifies(
    suite: Suite,
    public_key: PublicKey,
    signature: bytes,
    value: str,
    options: dict[str, Any],
    canonizer: _Canonizer,
) -> bool:
    if suite.canonicalization == "sd":
        assert isinstance(public_key, ec.EllipticCurvePublicKey)
        return ecdsa_sd.verify(canonizer.unsigned, options, value, public_key)
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        if suite.canonicalization == "rdfc":
            message = canonizer.proof_hash(options) + canonizer.document_hash()
        else:
            message = jcs_hash_data(canonizer.unsigned, options)
        try:
            public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    hash_name = ecdsa.CURVES[public_key.curve.name].hash_name
    if suite.canonicalization == "rdfc":
        options_canon = canonizer.options_canon(options).encode()
        message = _digest(hash_name, options_canon) + _digest(hash_name, canonizer.document_canon().encode())
    else:
        message = jcs_hash_data(canonizer.unsigned, options, hash_name=hash_name)
    return ecdsa.verify_raw(public_key, signature, message)


def verify_embedded_proofs(
    credential: dict[str, Any],
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
    analysis: jsonld.Analysis | None = None,
) -> tuple[Check, Check]:
    """The ``signature`` and ``key`` checks for a credential's embedded proof(s); any valid one suffices.

    >>> from datetime import UTC
    >>> from badges.openbadges.fetching import DictFetch
    >>> from badges.openbadges.signing import build_credential, did_key_method, generate_ed25519_did_key, sign_data_integrity
    >>> key, did = generate_ed25519_did_key()
    >>> signed = sign_data_integrity(build_credential(issuer=did), private_key=key, verification_method=did_key_method(did))
    >>> now = datetime(2026, 6, 1, tzinfo=UTC)
    >>> verify_embedded_proofs(signed, fetch=DictFetch(), now=now, documents={})[0].result
    <CheckResult.PASS: 'pass'>
    """
    proofs = [p for p in as_list(credential.get("proof")) if isinstance(p, dict)]
    if not proofs:
        failed = failed_attempt(Rank.INVALID, _("The credential carries no proof: it is not signed."), {})
        return failed.signature, failed.key
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    # ``analysis`` must be of exactly this unsigned document (ob3 builds it from the same dict).
    canonizer = _Canonizer(unsigned, analysis if analysis is not None and analysis.document == unsigned else None)
    issuer = issuer_id(credential)
    attempts: list[Attempt] = []
    for proof in proofs:
        attempts.append(_verify_proof(proof, canonizer, issuer, fetch=fetch, now=now, documents=documents))
        if attempts[-1].rank is Rank.VERIFIED:
            break
    best = min(attempts, key=lambda a: a.rank)
    if best.rank is Rank.VERIFIED and len(proofs) > 1:
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
