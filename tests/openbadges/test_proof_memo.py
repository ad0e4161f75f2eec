"""Proof results are not recomputed when nothing they depend on changed.

The rule (badges.openbadges.data_integrity.VerifiedProofMemo): a Data Integrity proof verified
before is taken as verified again only when the credential's bytes, the proof and the public key
its verification method resolves to *now* are exactly those of that check. So a daily re-check of
an unchanged credential needs no canonicalisation, while a rotated key or a tampered stored copy
is still caught. Status, expiry and recipient are checked every time.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from badges.openbadges import jsonld, signing
from badges.openbadges.data_integrity import VERIFIED_PROOFS
from badges.openbadges.dids import did_web_url
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import Status
from tests.openbadges.test_ob3_signing import did_web_document
from tests.openbadges.test_ob3_support import NOW

DID = "did:web:issuer.example:badges"


@pytest.fixture
def canonicalisations(monkeypatch):
    calls = []
    real = jsonld.Analysis.canonize

    def counting(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(jsonld.Analysis, "canonize", counting)
    return calls


def did_web_credential(key: ed25519.Ed25519PrivateKey) -> str:
    credential = signing.build_credential(issuer=DID)
    return json.dumps(signing.sign_data_integrity(credential, private_key=key, verification_method=f"{DID}#key-1"))


def check(payload: str, key: ed25519.Ed25519PrivateKey, *, now=NOW):
    documents = {did_web_url(DID): did_web_document(DID, key)}
    return verify_ob3(payload, fetch=DictFetch(documents), now=now)


def test_an_unchanged_credential_is_not_canonicalised_again(canonicalisations):
    key = ed25519.Ed25519PrivateKey.generate()
    payload = did_web_credential(key)

    first = check(payload, key)
    after_first = len(canonicalisations)
    second = check(payload, key, now=NOW + timedelta(days=1))

    assert first.status is second.status is Status.VALID
    assert after_first >= 2 and len(canonicalisations) == after_first  # none the second time
    assert [c.as_dict() for c in first.checks] == [c.as_dict() for c in second.checks]


def test_a_rotated_key_is_still_caught():
    key, rotated = ed25519.Ed25519PrivateKey.generate(), ed25519.Ed25519PrivateKey.generate()
    payload = did_web_credential(key)
    assert check(payload, key).status is Status.VALID

    # The issuer's DID document now lists another key under the same id.
    assert check(payload, rotated).status is Status.INVALID


def test_a_tampered_stored_copy_is_verified_in_full_and_fails(canonicalisations):
    key = ed25519.Ed25519PrivateKey.generate()
    payload = did_web_credential(key)
    assert check(payload, key).status is Status.VALID
    before = len(canonicalisations)

    tampered = payload.replace('"name": "', '"name": "Honours ', 1)
    assert tampered != payload

    assert check(tampered, key).status is Status.INVALID
    assert len(canonicalisations) > before


def test_a_memory_older_than_its_lifetime_is_verified_again(canonicalisations):
    key = ed25519.Ed25519PrivateKey.generate()
    payload = did_web_credential(key)
    check(payload, key)
    before = len(canonicalisations)

    assert check(payload, key, now=NOW + VERIFIED_PROOFS.ttl + timedelta(seconds=1)).status is Status.VALID
    assert len(canonicalisations) > before
