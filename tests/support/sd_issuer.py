"""ecdsa-sd-2023 for tests and benchmarks: an issuer that signs base proofs, a holder that derives.

Built on the grouping steps of ``badges.openbadges.ecdsa_sd`` (the verifier's own), following the
W3C algorithms: base = HMAC-relabelled canonical statements, mandatory ones hashed under the
issuer's signature, the others signed one by one with a per-proof key; derived = the revealed
part of the credential, the signatures of its optional statements, the label map and the
positions of the mandatory statements.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from badges.openbadges import ecdsa, ecdsa_sd, jsonld

_P256_MULTIKEY = b"\x80\x24"


def _public_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    point = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return _P256_MULTIKEY + point


def _proof_options(credential: dict[str, Any], verification_method: str, created: datetime) -> dict[str, Any]:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-sd-2023",
        "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def sign_base(
    credential: dict[str, Any],
    *,
    private_key: ec.EllipticCurvePrivateKey,
    verification_method: str,
    mandatory_pointers: list[str],
    created: datetime = datetime(2025, 1, 1, tzinfo=UTC),
) -> dict[str, Any]:
    """The credential with an ecdsa-sd-2023 base proof (what an issuer gives the learner)."""
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    options = _proof_options(unsigned, verification_method, created)
    proof_hash = hashlib.sha256(jsonld.canonize({**options, "@context": unsigned.get("@context")}).encode()).digest()
    hmac_key = secrets.token_bytes(32)
    grouped = ecdsa_sd.canonicalize_and_group(
        unsigned, ecdsa_sd.hmac_labeller(hmac_key), {"mandatory": mandatory_pointers}
    )
    mandatory = grouped["mandatory"]
    per_proof = ec.generate_private_key(ec.SECP256R1())
    public = _public_bytes(per_proof)
    mandatory_hash = hashlib.sha256("".join(mandatory.matching).encode()).digest()
    base = ecdsa_sd.BaseProof(
        base_signature=ecdsa.sign_raw(private_key, proof_hash + public + mandatory_hash),
        public_key=public,
        hmac_key=hmac_key,
        signatures=[ecdsa.sign_raw(per_proof, q.encode()) for q in mandatory.non_matching],
        mandatory_pointers=list(mandatory_pointers),
    )
    return {**unsigned, "proof": {**options, "proofValue": ecdsa_sd.serialize_base(base)}}


def derive(signed: dict[str, Any], *, selective_pointers: list[str]) -> dict[str, Any]:
    """What a holder presents: the mandatory part plus what ``selective_pointers`` select, with a derived proof."""
    proof = signed["proof"]
    base = ecdsa_sd.parse_proof_value(proof["proofValue"])
    assert isinstance(base, ecdsa_sd.BaseProof)
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    combined_pointers = base.mandatory_pointers + selective_pointers
    grouped = ecdsa_sd.canonicalize_and_group(
        unsigned,
        ecdsa_sd.hmac_labeller(base.hmac_key),
        {"mandatory": base.mandatory_pointers, "selective": selective_pointers, "combined": combined_pointers},
    )
    mandatory_set = set(grouped["mandatory"].matching_indexes)
    combined = grouped["combined"].matching_indexes
    mandatory_indexes = [position for position, index in enumerate(combined) if index in mandatory_set]
    optional_indexes = [i for i in range(len(grouped.statements)) if i not in mandatory_set]
    revealed = set(combined) - mandatory_set
    signatures = [base.signatures[k] for k, index in enumerate(optional_indexes) if index in revealed]
    reveal = ecdsa_sd.select_json_ld(combined_pointers, unsigned) or {"@context": unsigned.get("@context")}
    # Which canonical label each revealed blank node gets when the verifier canonicalises the reveal.
    _canonical, reveal_ids = ecdsa_sd.canonical_with_ids("".join(grouped.statements[i] for i in combined))
    label_map = {canonical.removeprefix("_:"): hmac_label for hmac_label, canonical in reveal_ids.items()}
    derived = ecdsa_sd.DerivedProof(
        base_signature=base.base_signature,
        public_key=base.public_key,
        signatures=signatures,
        label_map=label_map,
        mandatory_indexes=mandatory_indexes,
    )
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    return {**reveal, "proof": {**options, "proofValue": ecdsa_sd.serialize_derived(derived)}}
