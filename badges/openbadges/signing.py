"""Issue OB 3.0 credentials for tests, demo data and benchmarks: did:key keys, eddsa-rdfc-2022
Data Integrity proofs, EdDSA VC-JWTs and signed BitstringStatusListCredentials.

The wallet never issues real badges; these exist so that every verifier path can be exercised
with fresh keys instead of a handful of fixed fixtures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from . import ecdsa, jsonld
from .data_integrity import data_integrity_hash, jcs_hash_data
from .dids import encode_ec_multikey, encode_ed25519_multikey
from .status import encode_status_list
from .vc import VC_V2

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_LENGTH = 131072  # bits: the Bitstring Status List minimum, for herd privacy


def generate_ed25519_did_key() -> tuple[ed25519.Ed25519PrivateKey, str]:
    """A fresh Ed25519 key and its did:key. ``key, did = generate_ed25519_did_key()``; did starts ``did:key:z6Mk``."""
    private_key = ed25519.Ed25519PrivateKey.generate()
    return private_key, "did:key:" + encode_ed25519_multikey(private_key.public_key())


def did_key_method(did: str) -> str:
    """The verificationMethod of a did:key: ``did_key_method("did:key:z6MkX") == "did:key:z6MkX#z6MkX"``."""
    return f"{did}#{did.removeprefix('did:key:')}"


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(
    *,
    issuer: str,
    issuer_name: str = "Manabi Test Issuer",
    subject_id: str | None = "did:example:learner",
    identifiers: Iterable[dict[str, Any]] = (),
    achievement_name: str = "Teamwork",
    achievement_description: str = "Collaborates within a group.",
    criteria_narrative: str = "Nominated by peers.",
    valid_from: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    valid_until: datetime | None = None,
    credential_status: dict[str, Any] | None = None,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """An unsigned VCDM 2 OpenBadgeCredential. ``build_credential(issuer=did)["type"][1] == "OpenBadgeCredential"``."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"]}
    if subject_id:
        subject["id"] = subject_id
    identifier_list = [{"type": "IdentityObject", **item} for item in identifiers]
    if identifier_list:
        subject["identifier"] = identifier_list
    subject["achievement"] = {
        "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, issuer + achievement_name)}",
        "type": ["Achievement"],
        "name": achievement_name,
        "description": achievement_description,
        "criteria": {"narrative": criteria_narrative},
    }
    credential: dict[str, Any] = {
        "@context": [VC_V2, OB_CONTEXT],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": issuer_name},
        "validFrom": _iso(valid_from),
        "name": achievement_name,
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = _iso(valid_until)
    if credential_status is not None:
        credential["credentialStatus"] = credential_status
    return credential


def sign_data_integrity(
    credential: dict[str, Any],
    *,
    private_key: ed25519.Ed25519PrivateKey,
    verification_method: str,
    created: datetime = datetime(2025, 1, 1, tzinfo=UTC),
) -> dict[str, Any]:
    """A copy of ``credential`` with an eddsa-rdfc-2022 DataIntegrityProof added.

    >>> key, did = generate_ed25519_did_key()
    >>> signed = sign_data_integrity(build_credential(issuer=did), private_key=key, verification_method=did_key_method(did))
    >>> signed["proof"]["cryptosuite"]
    'eddsa-rdfc-2022'
    """
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "created": _iso(created),
        "verificationMethod": verification_method,
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
    }
    signature = private_key.sign(data_integrity_hash(unsigned, proof))
    return {**unsigned, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


def sign_with_suite(
    credential: dict[str, Any],
    *,
    cryptosuite: str,
    private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    verification_method: str,
    created: datetime = datetime(2025, 1, 1, tzinfo=UTC),
) -> dict[str, Any]:
    """A copy of ``credential`` with a DataIntegrityProof of ``cryptosuite``: eddsa-rdfc-2022,
    eddsa-jcs-2022, ecdsa-rdfc-2019 or ecdsa-jcs-2019 (P-256 or P-384 key). ecdsa-sd-2023 proofs
    come from the test issuer (``tests/support/sd_issuer.py``).

    >>> key = ec.generate_private_key(ec.SECP384R1())
    >>> did = "did:key:" + encode_ec_multikey(key.public_key())
    >>> sign_with_suite(build_credential(issuer=did), cryptosuite="ecdsa-jcs-2019", private_key=key,
    ...                 verification_method=did_key_method(did))["proof"]["proofValue"][:1]
    'z'
    """
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "created": _iso(created),
        "verificationMethod": verification_method,
        "cryptosuite": cryptosuite,
        "proofPurpose": "assertionMethod",
    }
    if cryptosuite.endswith("-jcs-2019") or cryptosuite.endswith("-jcs-2022"):
        if "@context" in unsigned:
            proof["@context"] = unsigned["@context"]
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        if cryptosuite == "eddsa-rdfc-2022":
            message = data_integrity_hash(unsigned, proof)
        else:
            message = jcs_hash_data(unsigned, proof)
        signature = private_key.sign(message)
    else:
        hash_name = ecdsa.CURVES[private_key.curve.name].hash_name
        if cryptosuite == "ecdsa-rdfc-2019":
            options = {**proof, "@context": unsigned.get("@context")}
            message = hashlib.new(hash_name, jsonld.canonize(options).encode()).digest()
            message += hashlib.new(hash_name, jsonld.canonize(unsigned).encode()).digest()
        else:
            message = jcs_hash_data(unsigned, proof, hash_name=hash_name)
        signature = ecdsa.sign_raw(private_key, message)
    return {**unsigned, "proof": {**proof, "proofValue": "z" + base58.b58encode(signature).decode()}}


def generate_ec_did_key(curve: ec.EllipticCurve | None = None) -> tuple[ec.EllipticCurvePrivateKey, str]:
    """A fresh P-256 (or given curve) key and its did:key (``did:key:zDn…`` / ``did:key:z82…``)."""
    private_key = ec.generate_private_key(curve or ec.SECP256R1())
    return private_key, "did:key:" + encode_ec_multikey(private_key.public_key())


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def sign_vc_jwt(
    credential: dict[str, Any],
    *,
    private_key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey,
    kid: str,
    extra_header: dict[str, Any] | None = None,
) -> str:
    """``credential`` as an EdDSA (or ES256, for a P-256 key) compact VC-JWT (VCDM 2 style: the payload is
    the credential plus claims).

    >>> key, did = generate_ed25519_did_key()
    >>> sign_vc_jwt(build_credential(issuer=did), private_key=key, kid=did_key_method(did)).count(".")
    2
    """
    from .vc import issuer_id, read_date

    payload = {k: v for k, v in credential.items() if k != "proof"}
    payload["iss"] = issuer_id(credential)
    if credential.get("id"):
        payload["jti"] = credential["id"]
    subject = credential.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id"):
        payload["sub"] = subject["id"]
    for claim, field in (("nbf", "validFrom"), ("exp", "validUntil")):
        moment = read_date(credential.get(field))
        if moment is not None:
            payload[claim] = int(moment.timestamp())
    alg = "EdDSA" if isinstance(private_key, ed25519.Ed25519PrivateKey) else "ES256"
    header = {"alg": alg, "typ": "vc+jwt", "kid": kid, **(extra_header or {})}
    signing_input = ".".join(_b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload))
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        signature = private_key.sign(signing_input.encode("ascii"))
    else:
        signature = ecdsa.sign_raw(private_key, signing_input.encode("ascii"))
    return signing_input + "." + _b64url(signature)


def status_list_entry(list_url: str, index: int, *, purpose: str = "revocation") -> dict[str, Any]:
    """A ``BitstringStatusListEntry`` pointing at bit ``index`` of the list at ``list_url``."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *,
    url: str,
    issuer: str,
    set_indexes: Iterable[int],
    purpose: str = "revocation",
    length: int = STATUS_LIST_LENGTH,
    valid_from: datetime = datetime(2025, 1, 1, tzinfo=UTC),
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential with the given bits set (sign it with ``sign_data_integrity``).

    >>> listed = build_status_list_credential(url="https://issuer.example/status/1", issuer="did:key:z6Mk", set_indexes=[3])
    >>> listed["credentialSubject"]["statusPurpose"]
    'revocation'
    """
    bits = bytearray(length // 8)
    for index in set_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_status_list(bytes(bits)),
        },
    }
    if valid_until is not None:
        credential["validUntil"] = _iso(valid_until)
    return credential
