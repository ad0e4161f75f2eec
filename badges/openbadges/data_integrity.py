"""Data Integrity proofs embedded in a credential: ``eddsa-rdfc-2022`` (and legacy ``eddsa-2022``),
``Ed25519Signature2020``.

The signed message is sha256(canonical proof options) ‖ sha256(canonical document), both
canonicalised with RDFC-1.0 over the bundled JSON-LD contexts. Any one valid proof suffices; the
best attempt is reported when none verifies.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from . import jsonld
from .errors import BadgeFormatError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .proofs import Attempt, Rank, failed_attempt, key_binding, resolve_method
from .result import Check, CheckResult
from .vc import as_list, iri_of, issuer_id, read_date

DI_SUITES = ("eddsa-rdfc-2022", "eddsa-2022")


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

    >>> len(data_integrity_hash({"@context": {"@vocab": "https://example.org/"}, "name": "x"}, {"type": "Proof"}))
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
) -> Attempt:
    ptype, suite = proof.get("type"), proof.get("cryptosuite")
    params: dict[str, Any] = {"cryptosuite": _describe_proof(proof)}
    if not ((ptype == "DataIntegrityProof" and suite in DI_SUITES) or ptype == "Ed25519Signature2020"):
        return failed_attempt(Rank.UNSUPPORTED, _("The proof type {cryptosuite} is not supported."), params)
    if proof.get("proofPurpose") != "assertionMethod":
        return failed_attempt(Rank.INVALID, _("The {cryptosuite} proof is not for assertionMethod."), params)
    method = proof.get("verificationMethod")
    method = iri_of(method)
    value = proof.get("proofValue")
    if not isinstance(method, str) or not isinstance(value, str) or not value.startswith("z"):
        return failed_attempt(
            Rank.INVALID, _("The {cryptosuite} proof lacks a verificationMethod or a base58btc proofValue."), params
        )
    if not urlsplit(method).scheme:
        return failed_attempt(
            Rank.INVALID, _("The verification method {key} is not a URL or DID."), {**params, "key": method[:200]}
        )
    try:
        signature = base58.b58decode(value[1:])
        expires = read_date(proof.get("expires"))
    except (ValueError, BadgeFormatError):
        return failed_attempt(Rank.INVALID, _("The {cryptosuite} proof is malformed."), params)
    if expires is not None and expires < now:
        return failed_attempt(
            Rank.INVALID, _("The {cryptosuite} proof expired on {date}."), {**params, "date": expires.isoformat()}
        )
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = canonizer.unsigned.get("@context")
    try:
        undefined = jsonld.undefined_terms(options)
        if undefined:
            return failed_attempt(
                Rank.INVALID,
                _("The {cryptosuite} proof uses undefined terms: {terms}."),
                {**params, "terms": ", ".join(undefined)},
            )
        message = canonizer.proof_hash(options) + canonizer.document_hash()
    except UnsupportedError as error:
        return failed_attempt(Rank.UNSUPPORTED, error.template, {**params, **error.params})
    except BadgeFormatError as error:
        return failed_attempt(Rank.INVALID, error.template, {**params, **error.params})
    resolved = resolve_method(method, fetch=fetch, documents=documents)
    if isinstance(resolved, Attempt):
        return resolved
    params["key"] = method
    if not isinstance(resolved.public_key, ed25519.Ed25519PublicKey):
        return failed_attempt(
            Rank.INVALID, _("The key {key} is not an Ed25519 key, as {cryptosuite} requires."), params
        )
    try:
        resolved.public_key.verify(signature, message)
    except InvalidSignature:
        return failed_attempt(
            Rank.INVALID,
            _("The {cryptosuite} signature does not match: the credential was altered or signed with another key."),
            params,
        )
    signed = Check("signature", CheckResult.PASS, _("Signed with {cryptosuite} by {key}."), params)
    key = key_binding(resolved, issuer)
    return Attempt(Rank.VERIFIED if key.result is CheckResult.PASS else Rank.UNBOUND, signed, key)


def verify_embedded_proofs(
    credential: dict[str, Any], *, fetch: Fetch, now: datetime, documents: dict[str, str]
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
    canonizer = _Canonizer({k: v for k, v in credential.items() if k != "proof"})
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
