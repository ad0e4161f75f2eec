"""Freshly issued credentials (did:key / did:web, Data Integrity and VC-JWT) through every verdict."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from badges.openbadges import signing
from badges.openbadges.dids import did_web_url, encode_ed25519_multikey
from badges.openbadges.fetching import DictFetch
from badges.openbadges.model import Identity
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status, VerificationResult
from tests.openbadges.test_ob3_support import NOW

LIST_URL = "https://issuer.example/status/1"


@pytest.fixture(scope="module")
def issuer() -> tuple[ed25519.Ed25519PrivateKey, str]:
    return signing.generate_ed25519_did_key()


def sign(credential: dict[str, Any], key: ed25519.Ed25519PrivateKey, did: str) -> str:
    return json.dumps(
        signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
    )


def verify(payload: str, documents: dict[str, Any] | None = None, **kwargs: Any) -> VerificationResult:
    return verify_ob3(payload, fetch=DictFetch(documents or {}), now=NOW, **kwargs)


def signed_list(key: ed25519.Ed25519PrivateKey, did: str, indexes: list[int], **kwargs: Any) -> dict[str, Any]:
    unsigned = signing.build_status_list_credential(url=LIST_URL, issuer=did, set_indexes=indexes, **kwargs)
    return signing.sign_data_integrity(unsigned, private_key=key, verification_method=signing.did_key_method(did))


def tamper_one_byte(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


# --- Data Integrity -----------------------------------------------------------------------------


def test_fresh_data_integrity_credential_is_valid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    result = verify(sign(signing.build_credential(issuer=did), key, did))
    assert result.status is Status.VALID
    assert [c.name for c in result.checks] == [
        "format",
        "contexts",
        "signature",
        "key",
        "recipient",
        "revocation",
        "expiry",
        "validity",
    ]
    assert "eddsa-rdfc-2022" in result.check("signature").text


def test_one_byte_tamper_is_invalid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    payload = tamper_one_byte(sign(signing.build_credential(issuer=did), key, did), "Teamwork", "Teamwerk")
    result = verify(payload)
    assert result.status is Status.INVALID
    assert result.check("signature").result is CheckResult.FAIL


def test_added_undefined_term_is_rejected_even_though_pyld_would_drop_it(
    issuer: tuple[ed25519.Ed25519PrivateKey, str],
) -> None:
    key, did = issuer
    signed = json.loads(sign(signing.build_credential(issuer=did, credential_id="urn:uuid:1"), key, did))
    signed["credentialSubject"]["achievement"]["criteria"]["grade"] = "A+"  # not in any context
    # VC v2's @vocab would catch top-level terms; inside OB's protected contexts the term is dropped.
    result = verify(json.dumps(signed))
    assert result.status is Status.INVALID
    assert "grade" in result.check("contexts").text
    assert result.check("signature").result is CheckResult.PASS  # pyld alone would call this valid


def test_key_of_another_did_is_not_the_issuers(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    _other_key, other_did = signing.generate_ed25519_did_key()
    result = verify(sign(signing.build_credential(issuer=other_did), key, did))
    assert result.check("signature").result is CheckResult.PASS
    assert result.check("key").result is CheckResult.FAIL
    assert result.status is Status.INVALID


def did_web_document(
    did: str, key: ed25519.Ed25519PrivateKey, *, controller: str | None = None, assert_method: bool = True
) -> dict[str, Any]:
    method = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": method,
                "type": "Multikey",
                "controller": controller or did,
                "publicKeyMultibase": encode_ed25519_multikey(key.public_key()),
            }
        ],
        "assertionMethod": [method] if assert_method else [],
    }


@pytest.mark.parametrize(
    ("doc_kwargs", "expected"),
    [
        ({}, Status.VALID),
        ({"controller": "did:web:evil.example"}, Status.INVALID),
        ({"assert_method": False}, Status.INVALID),
    ],
)
def test_did_web_binding(doc_kwargs: dict[str, Any], expected: Status) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did = "did:web:issuer.example:badges"
    credential = signing.sign_data_integrity(
        signing.build_credential(issuer=did), private_key=key, verification_method=f"{did}#key-1"
    )
    documents = {did_web_url(did): did_web_document(did, key, **doc_kwargs)}
    result = verify(json.dumps(credential), documents)
    assert result.status is expected, [c.as_dict() for c in result.checks]


@pytest.mark.parametrize("missing", [None, 404, 503])
def test_unreachable_did_document_is_unreachable_not_invalid(missing: int | None) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    did = "did:web:issuer.example"
    credential = signing.sign_data_integrity(
        signing.build_credential(issuer=did), private_key=key, verification_method=f"{did}#key-1"
    )
    documents = {} if missing is None else {"https://issuer.example/.well-known/did.json": missing}
    result = verify(json.dumps(credential), documents)
    assert result.status is Status.UNREACHABLE
    assert result.check("key").result is CheckResult.ERROR


def test_did_web_urls() -> None:
    assert did_web_url("did:web:example.com") == "https://example.com/.well-known/did.json"
    assert did_web_url("did:web:example.com%3A8443:a:b") == "https://example.com:8443/a/b/did.json"


# --- Status lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "indexes", "expected"),
    [("revocation", [5, 7], Status.REVOKED), ("revocation", [6], Status.VALID), ("suspension", [7], Status.SUSPENDED)],
)
def test_own_status_list(
    issuer: tuple[ed25519.Ed25519PrivateKey, str], purpose: str, indexes: list[int], expected: Status
) -> None:
    key, did = issuer
    entry = signing.status_list_entry(LIST_URL, 7, purpose=purpose)
    payload = sign(signing.build_credential(issuer=did, credential_status=entry), key, did)
    result = verify(payload, {LIST_URL: signed_list(key, did, indexes, purpose=purpose)})
    assert result.status is expected, [c.as_dict() for c in result.checks]
    assert LIST_URL in result.documents


@pytest.mark.parametrize(
    "broken",
    ["tampered", "expired", "not_yet_valid", "wrong_type", "wrong_purpose", "short", "unbound_key"],
)
def test_unusable_status_list_is_status_unknown_never_revoked(
    issuer: tuple[ed25519.Ed25519PrivateKey, str], broken: str
) -> None:
    key, did = issuer
    entry = signing.status_list_entry(LIST_URL, 7)
    payload = sign(signing.build_credential(issuer=did, credential_status=entry), key, did)
    kwargs: dict[str, Any] = {}
    if broken == "expired":
        kwargs["valid_until"] = datetime(2026, 1, 1, tzinfo=UTC)
    if broken == "not_yet_valid":
        kwargs["valid_from"] = datetime(2030, 1, 1, tzinfo=UTC)
    if broken == "wrong_purpose":
        kwargs["purpose"] = "suspension"
    if broken == "short":
        kwargs["length"] = 0
    listed = signed_list(key, did, [] if broken == "short" else [7], **kwargs)
    if broken == "tampered":
        listed["credentialSubject"]["encodedList"] = signing.build_status_list_credential(
            url=LIST_URL, issuer=did, set_indexes=[]
        )["credentialSubject"]["encodedList"]
    if broken == "wrong_type":
        listed = signing.sign_data_integrity(
            {**listed, "type": ["VerifiableCredential"]},
            private_key=key,
            verification_method=signing.did_key_method(did),
        )
    if broken == "unbound_key":
        other_key, _other = signing.generate_ed25519_did_key()
        listed = signing.sign_data_integrity(
            listed, private_key=other_key, verification_method=signing.did_key_method(_other)
        )
    result = verify(payload, {LIST_URL: listed})
    revocation = result.check("revocation")
    assert revocation.result is CheckResult.ERROR and revocation.status is Status.UNREACHABLE, revocation.text
    assert "list unusable" in revocation.text.lower()
    assert result.status is Status.UNREACHABLE


def test_1edtech_revocation_list(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    url = "https://issuer.example/revocations"
    entry = {"id": url, "type": "1EdTechRevocationList"}

    def issue(credential_id: str) -> str:
        credential = signing.build_credential(issuer=did, credential_id=credential_id, credential_status=entry)
        credential["@context"].append("https://purl.imsglobal.org/spec/ob/v3p0/extensions.json")  # defines the type
        return sign(credential, key, did)

    listing = {"id": url, "revokedCredential": [{"id": "urn:uuid:a", "revoked": True, "revocationReason": "Mistake"}]}
    revoked = verify(issue("urn:uuid:a"), {url: listing})
    assert revoked.status is Status.REVOKED and "Mistake" in revoked.check("revocation").text
    assert verify(issue("urn:uuid:b"), {url: listing}).status is Status.VALID


def test_unsupported_status_method_names_it(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    entry = {"id": "https://issuer.example/s", "type": "BitstringStatusListEntry"}
    credential = signing.build_credential(
        issuer=did, credential_status={**entry, "type": "VelocityRevocationListJan2021"}
    )
    credential["@context"].append("https://w3id.org/vc/status-list/2021/v1")
    result = verify(sign(credential, key, did))
    revocation = result.check("revocation")
    assert revocation.status is Status.UNSUPPORTED and "VelocityRevocationListJan2021" in revocation.text


# --- Dates and recipient ------------------------------------------------------------------------


def test_expired_and_not_yet_valid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    expired = signing.build_credential(issuer=did, valid_until=datetime(2026, 1, 1, tzinfo=UTC))
    future = signing.build_credential(issuer=did, valid_from=datetime(2027, 1, 1, tzinfo=UTC))
    assert verify(sign(expired, key, did)).status is Status.EXPIRED
    assert verify(sign(future, key, did)).status is Status.NOT_YET_VALID


def test_recipient_matching(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    import hashlib

    hashed = "sha256$" + hashlib.sha256(b"ann@example.org" + b"pepper").hexdigest()
    credential = signing.build_credential(
        issuer=did,
        subject_id="did:example:ann",
        identifiers=[{"identityType": "emailAddress", "identityHash": hashed, "hashed": True, "salt": "pepper"}],
    )
    payload = sign(credential, key, did)
    assert verify(payload).check("recipient").result is CheckResult.SKIPPED
    assert verify(payload, identities=[Identity("email", "ann@example.org")]).status is Status.VALID
    assert verify(payload, identities=[Identity("id", "did:example:ann")]).status is Status.VALID
    assert verify(payload, identities=[Identity("email", "bob@example.org")]).status is Status.RECIPIENT_MISMATCH


# --- VC-JWT ---------------------------------------------------------------------------------------


def b64(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_fresh_vc_jwt_is_valid_and_tamper_is_invalid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    token = signing.sign_vc_jwt(
        signing.build_credential(issuer=did, valid_until=datetime(2030, 1, 1, tzinfo=UTC)),
        private_key=key,
        kid=signing.did_key_method(did),
    )
    result = verify(token)
    assert result.status is Status.VALID, [c.as_dict() for c in result.checks]
    assert result.check("key").result is CheckResult.PASS
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["name"] = "Teamwerk"
    assert verify(f"{header}.{b64(claims)}.{signature}").status is Status.INVALID


def test_vc_jwt_from_another_did_is_invalid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    _other_key, other_did = signing.generate_ed25519_did_key()
    token = signing.sign_vc_jwt(
        signing.build_credential(issuer=other_did), private_key=key, kid=signing.did_key_method(did)
    )
    result = verify(token)
    assert result.check("key").result is CheckResult.FAIL and result.status is Status.INVALID


def test_vc_jwt_unreachable_kid(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, _did = issuer
    did = "did:web:gone.example"
    token = signing.sign_vc_jwt(signing.build_credential(issuer=did), private_key=key, kid=f"{did}#key-1")
    assert verify(token).status is Status.UNREACHABLE


@pytest.mark.parametrize("alg", ["none", "HS256", "RS512"])
def test_vc_jwt_algorithms_are_pinned(issuer: tuple[ed25519.Ed25519PrivateKey, str], alg: str) -> None:
    key, did = issuer
    token = signing.sign_vc_jwt(signing.build_credential(issuer=did), private_key=key, kid=signing.did_key_method(did))
    _header, payload, signature = token.split(".")
    header = {"alg": alg, "kid": signing.did_key_method(did)}
    result = verify(f"{b64(header)}.{payload}.{signature if alg != 'none' else ''}")
    assert result.status is Status.INVALID
    assert "not accepted" in result.check("signature").text


def test_vc_jwt_claims_must_match_the_credential(issuer: tuple[ed25519.Ed25519PrivateKey, str]) -> None:
    key, did = issuer
    credential = signing.build_credential(issuer=did)
    header = {"alg": "EdDSA", "kid": signing.did_key_method(did)}
    claims = {**credential, "iss": "did:example:someone-else"}
    signing_input = f"{b64(header)}.{b64(claims)}"
    token = f"{signing_input}.{b64(key.sign(signing_input.encode()))}"
    result = verify(token)
    assert result.check("format").result is CheckResult.FAIL and result.status is Status.INVALID


def test_rs256_vc_jwt_with_https_jwks_on_issuer_origin() -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = private.public_key().public_numbers()

    def as_b64(n: int) -> str:
        return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

    jwks = {"keys": [{"kty": "RSA", "kid": "k1", "n": as_b64(numbers.n), "e": as_b64(numbers.e)}]}
    issuer_id = "https://issuer.example/profile"
    credential = signing.build_credential(issuer=issuer_id)
    header = {"alg": "RS256", "kid": "https://issuer.example/jwks.json#k1"}
    signing_input = f"{b64(header)}.{b64({**credential, 'iss': issuer_id})}"
    signature = private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    token = f"{signing_input}.{b64(signature)}"
    assert verify(token, {"https://issuer.example/jwks.json": jwks}).status is Status.VALID
    assert verify(token, {}).status is Status.UNREACHABLE


def test_a_shared_status_list_is_verified_once_not_for_every_badge(
    issuer: tuple[ed25519.Ed25519PrivateKey, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from badges.openbadges import ob3

    key, did = issuer
    status_list = signed_list(key, did, [5])
    calls: list[str] = []
    real = ob3.verify_embedded_proofs

    def counting(document: dict[str, Any], **kwargs: Any):
        calls.append(str(document.get("id")))
        return real(document, **kwargs)

    monkeypatch.setattr(ob3, "verify_embedded_proofs", counting)
    for index in (7, 8, 5):
        entry = signing.status_list_entry(LIST_URL, index)
        payload = sign(signing.build_credential(issuer=did, credential_status=entry), key, did)
        result = verify(payload, {LIST_URL: status_list})
        assert result.status is (Status.REVOKED if index == 5 else Status.VALID)
    assert calls.count(LIST_URL) == 1

    # A list whose content changed (even re-signed) is verified afresh.
    verify(
        sign(signing.build_credential(issuer=did, credential_status=signing.status_list_entry(LIST_URL, 1)), key, did),
        {LIST_URL: signed_list(key, did, [1])},
    )
    assert calls.count(LIST_URL) == 2


def test_the_status_list_memo_keeps_time_by_the_clock_it_is_given() -> None:
    from datetime import timedelta

    from badges.openbadges.ob3 import VerifiedListMemo

    memo = VerifiedListMemo(ttl=timedelta(minutes=10))
    key = memo.key({"id": LIST_URL})
    checked = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    memo.remember(key, now=checked)
    assert memo.seen(key, now=checked + timedelta(minutes=9))
    assert not memo.seen(key, now=checked + timedelta(minutes=10))
    # A clock that runs behind the remembered check proves nothing about freshness.
    assert not memo.seen(key, now=checked - timedelta(seconds=1))
