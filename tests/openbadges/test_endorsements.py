"""OB 3.0 EndorsementCredentials embedded on the credential, its achievement and its issuer (fake fetch).

Each is verified like any credential; the badge's own verdict never depends on them.
"""

from __future__ import annotations

import json

from badges.openbadges import signing
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status
from tests.openbadges.test_ob3_support import NOW
from tests.support.endorsements import endorsement_credential, signed_endorsement, with_endorsements


def badge_with(**endorsements) -> str:
    key, did = signing.generate_ed25519_did_key()
    credential = with_endorsements(signing.build_credential(issuer=did), **endorsements)
    return json.dumps(
        signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
    )


def test_endorsements_on_the_credential_achievement_and_issuer_are_each_verified():
    payload = badge_with(
        badge=[signed_endorsement(about="urn:example:badge", comment="Rigorous.")],
        achievement=[signed_endorsement(about="urn:example:achievement")],
        issuer=[signed_endorsement(about="urn:example:issuer")],
    )
    result = verify_ob3(payload, fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert [e.about for e in result.endorsements] == ["badge", "achievement", "issuer"]
    assert all(e.verified for e in result.endorsements)
    assert result.endorsements[0].endorser == "Kyoto Skills Council"
    assert result.endorsements[0].comment == "Rigorous."


def test_a_tampered_endorsement_is_not_verified_and_the_badge_stays_valid():
    endorsement = signed_endorsement(about="urn:example:badge", comment="Fine.")
    endorsement["credentialSubject"]["endorsementComment"] = "The best programme in Japan."
    result = verify_ob3(badge_with(badge=[endorsement]), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    (only,) = result.endorsements
    assert only.status is Status.INVALID and not only.verified


def test_an_endorsement_signed_with_a_key_that_is_not_the_endorsers_is_invalid():
    _key, endorser = signing.generate_ed25519_did_key()
    forger, _forger_did = signing.generate_ed25519_did_key()
    forged = signing.sign_data_integrity(
        endorsement_credential(endorser, about="urn:x", comment="Excellent."),
        private_key=forger,
        verification_method=signing.did_key_method(_forger_did),
    )
    result = verify_ob3(badge_with(badge=[forged]), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert result.endorsements[0].status is Status.INVALID
    assert any(c.name == "key" and c.result is CheckResult.FAIL for c in result.endorsements[0].checks)


def test_an_endorser_whose_key_cannot_be_fetched_is_unreachable_not_invalid():
    _key, did = signing.generate_ed25519_did_key()
    key, _ = signing.generate_ed25519_did_key()
    endorsement = signing.sign_data_integrity(
        endorsement_credential("did:web:endorser.example", about="urn:x", comment="Good."),
        private_key=key,
        verification_method="did:web:endorser.example#key-1",
    )
    result = verify_ob3(badge_with(badge=[endorsement]), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert result.endorsements[0].status is Status.UNREACHABLE


def test_an_endorsement_given_as_a_vc_jwt_is_verified_too():
    key, did = signing.generate_ed25519_did_key()
    token = signing.sign_vc_jwt(
        endorsement_credential(did, about="urn:x", comment="Solid."), private_key=key, kid=signing.did_key_method(did)
    )
    issuer_key, issuer = signing.generate_ed25519_did_key()
    credential = signing.build_credential(issuer=issuer)
    credential["endorsementJwt"] = [token]
    payload = json.dumps(
        signing.sign_data_integrity(
            credential, private_key=issuer_key, verification_method=signing.did_key_method(issuer)
        )
    )
    result = verify_ob3(payload, fetch=DictFetch(), now=NOW)
    assert result.endorsements and result.endorsements[0].verified


def test_a_bare_endorsement_credential_is_not_a_badge():
    result = verify_ob3(json.dumps(signed_endorsement(about="urn:x")), fetch=DictFetch(), now=NOW)
    assert result.status is Status.UNSUPPORTED
    assert "not a badge" in result.check("format").text
    assert result.check("signature").result is CheckResult.PASS  # still checked


def test_a_badge_embedding_a_plain_credential_as_endorsement_reports_it_invalid():
    key, did = signing.generate_ed25519_did_key()
    other = signing.sign_data_integrity(
        signing.build_credential(issuer=did), private_key=key, verification_method=signing.did_key_method(did)
    )
    result = verify_ob3(badge_with(badge=[other]), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert result.endorsements[0].status is Status.INVALID
