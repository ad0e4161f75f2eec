"""Every Data Integrity suite issuers ship: W3C test vectors, and credentials signed here with fresh keys.

Suites: ecdsa-rdfc-2019 and ecdsa-jcs-2019 (P-256 and P-384), eddsa-jcs-2022, ecdsa-sd-2023 (base
and derived proofs). Each: valid, tampered (invalid), key not the issuer's (invalid), key
unreachable (unreachable, never invalid).
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from badges.openbadges import ecdsa, ecdsa_sd, signing
from badges.openbadges.data_integrity import verify_embedded_proofs
from badges.openbadges.dids import decode_multikey
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status
from tests.openbadges.test_ob3_support import NOW
from tests.support import sd_issuer

VECTORS = Path(__file__).resolve().parents[1] / "fixtures" / "vectors"
ECDSA = VECTORS / "w3c-vc-di-ecdsa"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def key_of(document: dict[str, Any]) -> ec.EllipticCurvePublicKey:
    return decode_multikey(document["proof"]["verificationMethod"].split("#")[1])  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# W3C vectors


@pytest.mark.parametrize(
    ("folder", "suffix", "hash_name"),
    [("ecdsa-rdfc-2019-p256", "ECDSAP256", "sha256"), ("ecdsa-rdfc-2019-p384", "ECDSAP384", "sha384")],
)
def test_the_w3c_ecdsa_rdfc_2019_vectors_verify_from_their_canonical_forms(folder, suffix, hash_name):
    signed = load(ECDSA / folder / f"signed{suffix}.json")
    proof_canon = (ECDSA / folder / f"proofCanon{suffix}.txt").read_bytes()
    document_canon = (ECDSA / folder / f"canonDoc{suffix}.txt").read_bytes()
    signature = base58.b58decode(signed["proof"]["proofValue"][1:])
    key = key_of(signed)

    def message(document: bytes) -> bytes:
        return hashlib.new(hash_name, proof_canon).digest() + hashlib.new(hash_name, document).digest()

    assert ecdsa.CURVES[key.curve.name].hash_name == hash_name
    assert ecdsa.verify_raw(key, signature, message(document_canon))
    assert not ecdsa.verify_raw(key, signature, message(document_canon.replace(b"Example", b"Exampel")))


@pytest.mark.parametrize(
    "path",
    [
        ECDSA / "ecdsa-jcs-2019-p256" / "signedJCSECDSAP256.json",
        ECDSA / "ecdsa-jcs-2019-p384" / "signedJCSECDSAP384.json",
        VECTORS / "w3c-vc-di-eddsa" / "eddsa-jcs-2022" / "signedJCS.json",
    ],
    ids=lambda p: p.parent.name,
)
def test_the_w3c_jcs_vectors_verify_whole_and_fail_once_tampered(path):
    signed = load(path)
    signature, key = verify_embedded_proofs(signed, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.PASS
    # The vector's issuer is an https URL, its key a did:key: signed, but not by the issuer.
    assert key.result is CheckResult.FAIL

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    signature, _key = verify_embedded_proofs(tampered, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.FAIL
    assert signature.status is Status.INVALID


@pytest.mark.parametrize(
    "path",
    [
        ECDSA / "ecdsa-rdfc-2019-p256" / "signedECDSAP256.json",
        ECDSA / "ecdsa-rdfc-2019-p384" / "signedECDSAP384.json",
    ],
    ids=lambda p: p.parent.name,
)
def test_the_w3c_ecdsa_rdfc_2019_vectors_verify_whole_with_the_bundled_contexts(path):
    signed = load(path)
    signature, key = verify_embedded_proofs(signed, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.PASS, signature
    assert key.result is CheckResult.FAIL  # an https issuer, a did:key key: signed, but not by the issuer

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    signature, _key = verify_embedded_proofs(tampered, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.FAIL
    assert signature.status is Status.INVALID


def test_the_w3c_ecdsa_sd_2023_derived_proof_value_decodes_to_the_vector():
    folder = ECDSA / "ecdsa-sd-2023" / "employ"
    derived = load(folder / "derivedRevealDocument.json")
    expected = load(folder / "verifyDerivedProofValue.json")
    proof = ecdsa_sd.parse_proof_value(derived["proof"]["proofValue"])
    assert isinstance(proof, ecdsa_sd.DerivedProof)
    assert proof.base_signature.hex() == expected["baseSignature"]
    assert "z" + base58.b58encode(proof.public_key).decode() == expected["publicKey"]
    assert [s.hex() for s in proof.signatures] == expected["signatures"]
    assert proof.label_map == dict(expected["labelMap"])
    assert proof.mandatory_indexes == expected["mandatoryIndexes"]


def test_the_w3c_ecdsa_sd_2023_base_proof_value_carries_the_vector_hmac_key_and_pointers():
    base = load(ECDSA / "ecdsa-sd-2023" / "employ" / "addSignedSDBase.json")
    material = load(ECDSA / "ecdsa-sd-2023" / "SDKeyMaterial.json")
    proof = ecdsa_sd.parse_proof_value(base["proof"]["proofValue"])
    assert isinstance(proof, ecdsa_sd.BaseProof)
    assert proof.hmac_key.hex().upper() == material["hmacKeyString"]
    assert proof.mandatory_pointers  # the issuer's mandatory pointers travel with the base proof


def test_the_w3c_ecdsa_sd_2023_derived_statements_verify_and_a_changed_statement_does_not():
    folder = ECDSA / "ecdsa-sd-2023" / "employ"
    derived = load(folder / "derivedRevealDocument.json")
    data = load(folder / "verifyCreateVerifyData.json")
    statements = load(folder / "verifyNQuads.json")
    proof = ecdsa_sd.parse_proof_value(derived["proof"]["proofValue"])
    indexes = set(proof.mandatory_indexes)
    mandatory = [q for i, q in enumerate(statements) if i in indexes]
    optional = [q for i, q in enumerate(statements) if i not in indexes]
    assert optional == data["nonMandatory"]
    assert hashlib.sha256("".join(mandatory).encode()).hexdigest() == data["mandatoryHash"]
    key = key_of(derived)
    proof_hash = bytes.fromhex(data["proofHash"])
    assert ecdsa_sd.statements_verify(key, proof_hash, proof, mandatory=mandatory, optional=optional)

    forged = [q.replace("Bahamas", "Utopia") for q in optional]
    assert not ecdsa_sd.statements_verify(key, proof_hash, proof, mandatory=mandatory, optional=forged)
    forged_mandatory = [q.replace("schema.org/image", "schema.org/logo") for q in mandatory]
    assert forged_mandatory != mandatory
    assert not ecdsa_sd.statements_verify(key, proof_hash, proof, mandatory=forged_mandatory, optional=optional)


@pytest.mark.parametrize("name", ["addSignedSDBase.json", "derivedRevealDocument.json"], ids=["base", "derived"])
def test_the_w3c_ecdsa_sd_2023_vectors_verify_whole_with_the_bundled_contexts(name):
    signed = load(ECDSA / "ecdsa-sd-2023" / "employ" / name)
    signature, key = verify_embedded_proofs(signed, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.PASS, signature
    assert key.result is CheckResult.FAIL  # the vector signs with a key other than its issuer's did:key

    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["birthCountry"] = "Utopia"
    signature, _key = verify_embedded_proofs(tampered, fetch=DictFetch(), now=NOW, documents={})
    assert signature.result is CheckResult.FAIL
    assert signature.status is Status.INVALID


@pytest.mark.parametrize("value", ["u", "uAAAA", "u2V0C" + "A" * 20, "z2V0A", "u" + "_" * 40])
def test_an_unreadable_sd_proof_value_is_a_format_problem_not_a_crash(value):
    with pytest.raises(ecdsa_sd.BadgeFormatError):
        ecdsa_sd.parse_proof_value(value)


# ---------------------------------------------------------------------------------------------
# Fresh keys, signed here, verified as Open Badges 3.0


def _ecdsa(curve: ec.EllipticCurve) -> tuple[Any, str]:
    return signing.generate_ec_did_key(curve)


SUITES = [
    ("ecdsa-rdfc-2019", ec.SECP256R1()),
    ("ecdsa-rdfc-2019", ec.SECP384R1()),
    ("ecdsa-jcs-2019", ec.SECP256R1()),
    ("ecdsa-jcs-2019", ec.SECP384R1()),
    ("eddsa-jcs-2022", None),
    ("ecdsa-sd-2023", ec.SECP256R1()),
    ("ecdsa-sd-2023/derived", ec.SECP256R1()),
]
SUITE_IDS = [f"{suite}-{curve.name if curve else 'ed25519'}" for suite, curve in SUITES]


def sign(suite: str, credential: dict[str, Any], private_key: Any, method: str) -> dict[str, Any]:
    if suite.startswith("ecdsa-sd-2023"):
        base = sd_issuer.sign_base(
            credential,
            private_key=private_key,
            verification_method=method,
            mandatory_pointers=["/issuer", "/validFrom", "/credentialSubject/achievement"],
        )
        return sd_issuer.derive(base, selective_pointers=["/credentialSubject/id"]) if "derived" in suite else base
    return signing.sign_with_suite(credential, cryptosuite=suite, private_key=private_key, verification_method=method)


def fresh(suite: str, curve: ec.EllipticCurve | None) -> tuple[Any, str]:
    return signing.generate_ed25519_did_key() if curve is None else _ecdsa(curve)


@pytest.mark.parametrize(("suite", "curve"), SUITES, ids=SUITE_IDS)
def test_a_credential_signed_with_the_suite_is_valid_and_says_which_suite(suite, curve):
    private_key, did = fresh(suite, curve)
    signed = sign(suite, signing.build_credential(issuer=did), private_key, signing.did_key_method(did))
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert suite.split("/")[0] in result.check("signature").text


@pytest.mark.parametrize(("suite", "curve"), SUITES, ids=SUITE_IDS)
def test_a_tampered_credential_is_invalid(suite, curve):
    private_key, did = fresh(suite, curve)
    signed = sign(suite, signing.build_credential(issuer=did), private_key, signing.did_key_method(did))
    signed["validFrom"] = "2024-01-01T00:00:00Z"
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert result.check("signature").result is CheckResult.FAIL


@pytest.mark.parametrize(("suite", "curve"), SUITES, ids=SUITE_IDS)
def test_a_key_that_is_not_the_issuers_makes_the_credential_invalid(suite, curve):
    private_key, did = fresh(suite, curve)
    _other_key, other_did = fresh(suite, curve)
    signed = sign(suite, signing.build_credential(issuer=other_did), private_key, signing.did_key_method(did))
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert result.check("signature").result is CheckResult.PASS
    assert result.check("key").result is CheckResult.FAIL


@pytest.mark.parametrize(("suite", "curve"), SUITES, ids=SUITE_IDS)
def test_a_key_that_cannot_be_fetched_is_unreachable_not_invalid(suite, curve):
    private_key, _did = fresh(suite, curve)
    issuer = "did:web:issuer.example"
    signed = sign(suite, signing.build_credential(issuer=issuer), private_key, issuer + "#key-1")
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.UNREACHABLE


def test_a_p256_key_cannot_pass_for_an_ed25519_suite_nor_the_reverse():
    ec_key, ec_did = _ecdsa(ec.SECP256R1())
    signed = signing.sign_with_suite(
        signing.build_credential(issuer=ec_did),
        cryptosuite="ecdsa-rdfc-2019",
        private_key=ec_key,
        verification_method=signing.did_key_method(ec_did),
    )
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert "Ed25519" in result.check("signature").text


def test_a_derived_proof_shows_only_what_the_holder_revealed():
    private_key, did = _ecdsa(ec.SECP256R1())
    credential = signing.build_credential(issuer=did)
    credential["credentialSubject"]["activityEndDate"] = "2024-12-01T00:00:00Z"
    base = sd_issuer.sign_base(
        credential,
        private_key=private_key,
        verification_method=signing.did_key_method(did),
        mandatory_pointers=["/issuer", "/credentialSubject/achievement"],
    )
    derived = sd_issuer.derive(base, selective_pointers=["/validFrom"])
    assert "activityEndDate" not in json.dumps(derived)
    assert "name" not in derived  # the credential-level name was not selected
    result = verify_ob3(json.dumps(derived), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert result.badge is not None and result.badge.name == "Teamwork"


def test_an_unknown_cryptosuite_stays_unsupported_and_is_named():
    private_key, did = signing.generate_ed25519_did_key()
    signed = signing.sign_data_integrity(
        signing.build_credential(issuer=did), private_key=private_key, verification_method=signing.did_key_method(did)
    )
    signed["proof"]["cryptosuite"] = "bbs-2023"
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.UNSUPPORTED
    assert "bbs-2023" in result.check("signature").text


def test_jcs_proof_contexts_must_match_the_credentials():
    private_key, did = signing.generate_ed25519_did_key()
    signed = signing.sign_with_suite(
        signing.build_credential(issuer=did),
        cryptosuite="eddsa-jcs-2022",
        private_key=private_key,
        verification_method=signing.did_key_method(did),
    )
    signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://example.org/other"]
    result = verify_ob3(json.dumps(signed), fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID


def test_sd_derived_proof_values_round_trip():
    proof = ecdsa_sd.DerivedProof(b"s" * 64, b"\x80\x24" + b"k" * 33, [b"x" * 64], {"c14n0": "u" + "A" * 43}, [0])
    assert ecdsa_sd.parse_proof_value(ecdsa_sd.serialize_derived(proof)) == proof
    assert base64  # noqa: B018 (imported for readers decoding vectors by hand)
