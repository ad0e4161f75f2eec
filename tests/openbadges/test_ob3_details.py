"""OB 3.0 display details: achievementType, results, credits, image and multilingual values."""

from __future__ import annotations

import json

from badges.openbadges import signing
from badges.openbadges.ob3 import parse_credential, read_credential
from badges.openbadges.ob3_details import details, localized
from tests.support.hosted import hashed_email


def rich_credential() -> dict:
    _key, did = signing.generate_ed25519_did_key()
    identity = {"identityType": "emailAddress", "hashed": True, "identityHash": hashed_email("hana@example.org")}
    credential = signing.build_credential(issuer=did, identifiers=[identity])
    achievement = credential["credentialSubject"]["achievement"]
    achievement.update(
        {
            "name": [{"@value": "Teamwork", "@language": "en"}, {"@value": "チームワーク", "@language": "ja"}],
            "description": [
                {"@value": "Works well with others.", "@language": "en"},
                {"@value": "協働できる。", "@language": "ja"},
            ],
            "achievementType": "Certificate",
            "creditsAvailable": 2,
            "resultDescription": [
                {
                    "id": "urn:uuid:rd-1",
                    "type": ["ResultDescription"],
                    "name": "Final grade",
                    "resultType": "LetterGrade",
                    "rubricCriterionLevel": [{"id": "urn:uuid:level-a", "name": "Excellent"}],
                },
                {"id": "urn:uuid:rd-2", "type": ["ResultDescription"], "name": "Score", "resultType": "Percent"},
            ],
        }
    )
    credential["credentialSubject"].update(
        {
            "creditsEarned": 1.5,
            "image": {"id": "https://issuer.example/subject.png", "type": "Image"},
            "result": [
                {"type": ["Result"], "resultDescription": "urn:uuid:rd-1", "achievedLevel": "urn:uuid:level-a"},
                {"type": ["Result"], "resultDescription": "urn:uuid:rd-2", "value": "92"},
            ],
        }
    )
    return credential


def test_details_are_read_in_the_viewers_language_with_results_and_credits():
    payload = json.dumps(rich_credential())
    japanese = details(payload, ["ja"])
    assert japanese is not None
    assert japanese.name == "チームワーク"
    assert japanese.description == "協働できる。"
    assert japanese.achievement_type == "Certificate"
    assert japanese.credits_available == "2" and japanese.credits_earned == "1.5"
    assert [(r.label, r.value) for r in japanese.results] == [("Final grade", "Excellent"), ("Score", "92")]
    assert details(payload, ["en"]).name == "Teamwork"
    assert details(payload, ["fr"]).name == "Teamwork"  # no French: English is the fallback


def test_the_image_may_come_from_the_credential_subject():
    credential = rich_credential()
    text = json.dumps(credential)
    assert parse_credential(read_credential(text)[0], raw=text).image == "https://issuer.example/subject.png"


def test_localized_reads_every_form():
    assert localized("plain", ["ja"]) == "plain"
    assert localized({"@value": "x", "@language": "en"}, ["ja"]) == "x"
    assert localized({"ja-JP": "日本", "en": "Japan"}, ["ja"]) == "日本"
    assert localized([], ["ja"]) == ""
    assert localized({"not a language": "x"}, ["ja"]) == ""


def test_an_ob2_payload_has_no_ob3_details():
    assert details('{"@context": "https://w3id.org/openbadges/v2"}', ["en"]) is None
