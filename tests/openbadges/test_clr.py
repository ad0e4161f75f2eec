"""Comprehensive Learner Record 2.0: the record verified as a credential, each contained achievement on its own."""

from __future__ import annotations

import json

import pytest

from badges.openbadges import signing
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import Status
from badges.services import import_badge
from tests.openbadges.test_ob3_support import NOW
from tests.support.hosted import hashed_email

CLR_CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def clr(*, tamper_inner: bool = False, identifiers=()) -> str:
    key, did = signing.generate_ed25519_did_key()
    inner = []
    for name in ("Teamwork", "Data literacy"):
        credential = signing.build_credential(issuer=did, achievement_name=name)
        inner.append(
            signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
        )
    if tamper_inner:
        inner[1]["credentialSubject"]["achievement"]["name"] = "Rocket science"
    subject = {"id": "did:example:learner", "type": ["ClrSubject"], "verifiableCredential": inner}
    if identifiers:
        subject["identifier"] = [{"type": "IdentityObject", **i} for i in identifiers]
    record = {
        "@context": CLR_CONTEXTS,
        "id": "urn:uuid:7a1f0000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": did, "type": ["Profile"], "name": "Manabi University"},
        "name": "Transcript 2025",
        "validFrom": "2025-06-01T00:00:00Z",
        "credentialSubject": subject,
    }
    return json.dumps(
        signing.sign_data_integrity(record, private_key=key, verification_method=signing.did_key_method(did))
    )


def test_a_clr_is_verified_and_lists_each_contained_achievement_verified():
    result = verify_ob3(clr(), fetch=DictFetch(), now=NOW)
    assert result.status is Status.VALID
    assert "Comprehensive Learner Record" in result.check("format").text
    assert [(c.name, c.status) for c in result.contained] == [
        ("Teamwork", Status.VALID),
        ("Data literacy", Status.VALID),
    ]


def test_a_tampered_achievement_inside_a_clr_is_shown_not_verified():
    result = verify_ob3(clr(tamper_inner=True), fetch=DictFetch(), now=NOW)
    # The record was signed over the altered achievement: the record checks out, the achievement does not.
    assert result.status is Status.VALID
    assert [c.status for c in result.contained] == [Status.VALID, Status.INVALID]


@pytest.mark.django_db
def test_an_imported_clr_shows_its_achievements_on_the_badge_page(client, user):
    identity = {"identityType": "emailAddress", "hashed": True, "identityHash": hashed_email("hana@example.org")}
    badge = import_badge(owner=user, payload=clr(identifiers=[identity]))
    assert [item["name"] for item in badge.contained] == ["Teamwork", "Data literacy"]
    client.force_login(user)
    html = client.get(f"/badges/{badge.public_id}/").content.decode()
    assert "Teamwork" in html and "Data literacy" in html
