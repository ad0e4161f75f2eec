"""Signed OB 2.0 / 1.x badges (compact JWS, RS256) signed here with a fresh RSA key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from badges.openbadges.fetching import DictFetch
from badges.openbadges.model import Identity
from badges.openbadges.ob2 import verify_ob2
from badges.openbadges.result import CheckResult, Status, VerificationResult

NOW = datetime(2026, 6, 1, tzinfo=UTC)
V2 = "https://w3id.org/openbadges/v2"
ISSUER = "https://issuer.example/org.json"
BADGE = "https://issuer.example/badge.json"
KEY = "https://issuer.example/key.json"
OTHER_KEY = "https://issuer.example/old-key.json"
REVOCATIONS = "https://issuer.example/revocations.json"
ASSERTION_ID = "urn:uuid:0b5b7a4e-6c67-4a0e-9a0f-5a1c1f0f2b11"
ANN = Identity("email", "ann@example.org")


@cache
def private_key(name: str = "issuer") -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(name: str = "issuer") -> str:
    return (
        private_key(name)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict[str, Any], *, key: str = "issuer", alg: str = "RS256") -> str:
    signing_input = b64url(json.dumps({"alg": alg}).encode()) + "." + b64url(json.dumps(payload).encode())
    signature = private_key(key).sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(signature)


def assertion(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": V2,
        "type": "Assertion",
        "id": ASSERTION_ID,
        "recipient": {"type": "email", "hashed": False, "identity": "ann@example.org"},
        "badge": BADGE,
        "issuedOn": "2025-01-15T10:00:00Z",
        "verification": {"type": "SignedBadge", "creator": KEY},
    }
    doc.update(changes)
    return doc


def issuer_site(**issuer_changes: Any) -> dict[str, Any]:
    """The issuer's documents: badge class, profile listing KEY, and KEY itself."""
    profile = {
        "@context": V2,
        "type": "Issuer",
        "id": ISSUER,
        "name": "Issuer U",
        "url": "https://issuer.example",
        "email": "badges@issuer.example",
        "publicKey": [KEY],
    }
    profile.update(issuer_changes)
    return {
        BADGE: {
            "@context": V2,
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Signed Badge",
            "description": "d",
            "image": "https://issuer.example/badge.png",
            "criteria": {"narrative": "Do it."},
            "issuer": ISSUER,
        },
        ISSUER: profile,
        KEY: {"@context": V2, "type": "CryptographicKey", "id": KEY, "owner": ISSUER, "publicKeyPem": public_pem()},
    }


def verify(token: str, site: dict[str, Any], *, identities: tuple[Identity, ...] = (ANN,)) -> VerificationResult:
    return verify_ob2(token, fetch=DictFetch(site), now=NOW, identities=identities)


def result_of(result: VerificationResult, name: str) -> tuple[CheckResult, Status | None] | None:
    check = result.check(name)
    return (check.result, check.status) if check else None


def test_freshly_signed_2_0_badge_is_valid() -> None:
    result = verify(sign(assertion()), issuer_site())

    assert result.status is Status.VALID
    assert result_of(result, "signature") == (CheckResult.PASS, None)
    assert result_of(result, "key") == (CheckResult.PASS, None)
    assert result.badge is not None and result.badge.criteria_narrative == "Do it."
    assert KEY in result.documents


def test_signed_badge_without_creator_is_checked_with_the_keys_the_issuer_lists() -> None:
    token = sign(assertion(verification={"type": "signed"}))

    result = verify(token, issuer_site(publicKey=[OTHER_KEY, KEY]) | {OTHER_KEY: 404})

    assert result.status is Status.VALID


def test_payload_with_one_byte_changed_fails_the_signature_as_invalid() -> None:
    header, payload, signature = sign(assertion()).split(".")
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    forged = decoded.replace(b"ann@example.org", b"bnn@example.org")
    assert len(forged) == len(decoded) and forged != decoded
    token = ".".join([header, b64url(forged), signature])

    result = verify(token, issuer_site(), identities=(Identity("email", "bnn@example.org"),))

    assert result.status is Status.INVALID
    assert result_of(result, "signature") == (CheckResult.FAIL, Status.INVALID)


def test_signature_with_one_byte_changed_is_invalid() -> None:
    header, payload, signature = sign(assertion()).split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[10] ^= 0x01
    result = verify(".".join([header, payload, b64url(bytes(raw))]), issuer_site())

    assert result.status is Status.INVALID
    assert result_of(result, "signature") == (CheckResult.FAIL, Status.INVALID)


def test_badge_signed_by_a_key_the_issuer_does_not_list_is_invalid() -> None:
    site = issuer_site(publicKey=[OTHER_KEY])

    result = verify(sign(assertion()), site)

    assert result.status is Status.INVALID
    assert result_of(result, "signature") == (CheckResult.PASS, None)
    assert result_of(result, "key") == (CheckResult.FAIL, Status.INVALID)


def test_key_whose_owner_is_another_issuer_is_invalid() -> None:
    site = issuer_site()
    site[KEY] = dict(site[KEY], owner="https://elsewhere.example/org.json")

    result = verify(sign(assertion()), site)

    assert result_of(result, "key") == (CheckResult.FAIL, Status.INVALID)
    assert result.status is Status.INVALID


def test_badge_signed_with_a_different_private_key_is_invalid() -> None:
    result = verify(sign(assertion(), key="attacker"), issuer_site())

    assert result_of(result, "signature") == (CheckResult.FAIL, Status.INVALID)


@pytest.mark.parametrize("failure", [503, 404, "missing"])
def test_key_that_cannot_be_fetched_makes_the_badge_unreachable_not_invalid(failure: object) -> None:
    site = issuer_site()
    if failure == "missing":
        del site[KEY]
    else:
        site[KEY] = failure

    result = verify(sign(assertion()), site)

    assert result.status is Status.UNREACHABLE
    assert result_of(result, "signature") == (CheckResult.ERROR, Status.UNREACHABLE)


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512", "ES256"])
def test_algorithms_other_than_rs256_are_rejected(alg: str) -> None:
    signing_input = b64url(json.dumps({"alg": alg}).encode()) + "." + b64url(json.dumps(assertion()).encode())
    # The classic confusion attack: the issuer's public PEM used as an HMAC secret.
    signature = hmac.new(public_pem().encode(), signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + (b64url(signature) if alg != "none" else "")

    result = verify(token, issuer_site())

    assert result.status is Status.INVALID
    assert result_of(result, "signature") == (CheckResult.FAIL, Status.INVALID)


@pytest.mark.parametrize(
    "entry",
    [ASSERTION_ID, {"id": ASSERTION_ID, "revocationReason": "Issued by mistake"}, {"uid": "abc-1"}],
    ids=["string", "object-with-reason", "legacy-uid"],
)
def test_badge_on_the_issuers_revocation_list_is_revoked(entry: object) -> None:
    site = issuer_site(revocationList=REVOCATIONS)
    site[REVOCATIONS] = {
        "@context": V2,
        "type": "RevocationList",
        "id": REVOCATIONS,
        "revokedAssertions": ["urn:uuid:someone-else", entry],
    }

    result = verify(sign(assertion(uid="abc-1")), site)

    assert result.status is Status.REVOKED
    if isinstance(entry, dict) and "revocationReason" in entry:
        check = result.check("revocation")
        assert check is not None and "Issued by mistake" in check.text


def test_badge_not_on_the_revocation_list_is_valid() -> None:
    site = issuer_site(revocationList=REVOCATIONS)
    site[REVOCATIONS] = {"@context": V2, "type": "RevocationList", "revokedAssertions": ["urn:uuid:other"]}

    assert verify(sign(assertion()), site).status is Status.VALID


@pytest.mark.parametrize("failure", [503, "missing", b"<html>oops</html>"])
def test_unreachable_or_broken_revocation_list_is_unreachable_never_revoked(failure: object) -> None:
    site = issuer_site(revocationList=REVOCATIONS)
    if failure != "missing":
        site[REVOCATIONS] = failure

    result = verify(sign(assertion()), site)

    assert result.status is Status.UNREACHABLE
    assert result_of(result, "revocation") == (CheckResult.ERROR, Status.UNREACHABLE)


def test_issuer_profile_that_cannot_be_fetched_leaves_the_signed_badge_unreachable() -> None:
    site = issuer_site()
    site[ISSUER] = 502

    result = verify(sign(assertion()), site)

    assert result.status is Status.UNREACHABLE
    assert result_of(result, "documents") == (CheckResult.ERROR, Status.UNREACHABLE)


def test_signed_badge_issued_to_someone_else_is_a_recipient_mismatch() -> None:
    result = verify(sign(assertion()), issuer_site(), identities=(Identity("email", "bob@example.org"),))

    assert result.status is Status.RECIPIENT_MISMATCH


def test_signed_badge_json_without_its_signature_is_unsupported() -> None:
    result = verify(json.dumps(assertion(id="https://issuer.example/a/1")), issuer_site())

    assert result.status is Status.UNSUPPORTED


# ---------------------------------------------------------------------------------------------
# OB 1.x signed: the PEM lives at verify.url; the revocation list is keyed by uid

PEM_URL = "https://issuer.example/public.pem"
V1_BADGE = "https://issuer.example/v1/badge"
V1_ISSUER = "https://issuer.example/v1/issuer"


def v1_assertion(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uid": "u-42",
        "recipient": {"type": "email", "hashed": False, "identity": "ann@example.org"},
        "badge": V1_BADGE,
        "issuedOn": 1420070400,
        "verify": {"type": "signed", "url": PEM_URL},
    }
    doc.update(changes)
    return doc


def v1_site(**issuer_changes: Any) -> dict[str, Any]:
    profile = {"name": "Old Issuer", "url": "https://issuer.example"}
    profile.update(issuer_changes)
    return {
        V1_BADGE: {
            "name": "Old Badge",
            "description": "d",
            "image": "https://issuer.example/i.png",
            "criteria": "https://issuer.example/c",
            "issuer": V1_ISSUER,
        },
        V1_ISSUER: profile,
        PEM_URL: public_pem(),
    }


def test_signed_1_0_badge_verifies_with_the_pem_at_verify_url() -> None:
    result = verify(sign(v1_assertion()), v1_site())

    assert result.status is Status.VALID
    assert result.badge is not None and result.badge.issued_on == datetime(2015, 1, 1, tzinfo=UTC)


def test_signed_1_0_badge_is_revoked_when_the_uid_is_in_the_issuers_revocation_map() -> None:
    site = v1_site(revocationList="https://issuer.example/v1/revoked")
    site["https://issuer.example/v1/revoked"] = {"u-42": "Cheating"}

    result = verify(sign(v1_assertion()), site)

    assert result.status is Status.REVOKED
    check = result.check("revocation")
    assert check is not None and "Cheating" in check.text


def test_signed_1_0_badge_whose_key_is_hosted_off_the_issuers_site_is_invalid() -> None:
    site = v1_site()
    site["https://attacker.example/public.pem"] = site.pop(PEM_URL)

    result = verify(sign(v1_assertion(verify={"type": "signed", "url": "https://attacker.example/public.pem"})), site)

    assert result_of(result, "signature") == (CheckResult.PASS, None)
    assert result_of(result, "key") == (CheckResult.FAIL, Status.INVALID)
    assert result.status is Status.INVALID
