"""OB 2.0 endorsements over a real issuer on 127.0.0.1, through import and ``manage.py verify_badge --json``.

Signed ones are compact JWS (RS256) by an endorser whose profile lists its key; hosted ones are
checked against the endorser's own copy. Whatever an endorsement's fate, the badge keeps its own verdict.
"""

from __future__ import annotations

import json
import uuid

import pytest

from badges.models import Status
from badges.services import import_badge
from tests.badges.test_endorsements_end_to_end import endorse_badge_class
from tests.badges.test_verify_badge_command import cli  # noqa: F401 (the cli fixture)
from tests.support.endorsements import hosted_ob2_endorsement
from tests.support.hosted import HostedBadge
from tests.support.signed import SignedOb2Issuer, tamper_jws_payload

pytestmark = pytest.mark.django_db

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
COMMENT = "Rigorous assessment."


def signed_endorsement(endorser: SignedOb2Issuer, *, about: str, comment: str = COMMENT) -> str:
    return endorser.sign(
        {
            "@context": OB2_CONTEXT,
            "type": "Endorsement",
            "id": f"urn:uuid:{uuid.uuid4()}",
            "issuer": endorser.issuer_url,
            "claim": {"id": about, "endorsementComment": comment},
            "issuedOn": "2026-01-01T00:00:00Z",
            "verification": {"type": "SignedBadge", "creator": endorser.key_url},
        }
    )


def endorsed_badge(server, *, case: str) -> HostedBadge:
    """A hosted badge whose badge class carries one signed endorsement, spoilt as ``case`` says."""
    hosted = HostedBadge(server).publish()
    endorser = SignedOb2Issuer(server).publish()
    token = signed_endorsement(endorser, about=hosted.badge_class_url)
    if case == "tampered":
        token = tamper_jws_payload(token, b"Rigorous", b"Glorious")
    elif case == "key-not-published":
        # Signed with a fresh key that the endorser's profile does not list.
        token = signed_endorsement(SignedOb2Issuer(server), about=hosted.badge_class_url)
    elif case == "key-unreachable":
        server.serve("/signed/key", b"", status=503)
    endorse_badge_class(server, hosted, token)
    return hosted


SIGNED_CASES = [
    ("valid", "valid"),
    ("tampered", "invalid"),
    ("key-not-published", "invalid"),
    ("key-unreachable", "unreachable"),
]


@pytest.mark.parametrize(("case", "expected"), SIGNED_CASES, ids=[case for case, _ in SIGNED_CASES])
def test_an_ob2_signed_endorsement_through_verify_badge_json(issuer_server, cli, case, expected):  # noqa: F811
    hosted = endorsed_badge(issuer_server, case=case)

    report = cli(hosted.assertion_url, "--json").json()

    assert report["status"] == "valid", report  # the badge's own verdict never moves
    (endorsement,) = report["endorsements"]
    assert endorsement["status"] == expected, endorsement
    assert endorsement["verified"] is (expected == "valid")
    assert endorsement["endorser"] == "Signing Issuer"
    assert endorsement["about"] == "achievement"


@pytest.mark.parametrize(("case", "expected"), SIGNED_CASES, ids=[case for case, _ in SIGNED_CASES])
def test_an_ob2_signed_endorsement_on_import_never_changes_the_badges_verdict(user, issuer_server, case, expected):
    hosted = endorsed_badge(issuer_server, case=case)

    badge = import_badge(owner=user, url=hosted.assertion_url)

    assert badge.status == Status.VALID
    (endorsement,) = badge.endorsements
    assert endorsement["status"] == expected
    assert endorsement["verified"] is (expected == "valid")
    if expected == "valid":
        assert endorsement["comment"] == COMMENT


def test_an_ob2_signed_endorsement_with_another_algorithm_is_invalid(issuer_server, cli):  # noqa: F811
    hosted = HostedBadge(issuer_server).publish()
    endorser = SignedOb2Issuer(issuer_server).publish()
    token = signed_endorsement(endorser, about=hosted.badge_class_url)
    header, payload, signature = token.split(".")
    none_header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    endorse_badge_class(issuer_server, hosted, f"{none_header}.{payload}.{signature}")

    report = cli(hosted.assertion_url, "--json").json()

    assert report["status"] == "valid"
    assert report["endorsements"][0]["status"] == "invalid"


HOSTED_CASES = [("valid", "valid"), ("other-origin", "invalid"), ("unreachable", "unreachable")]


@pytest.mark.parametrize(("case", "expected"), HOSTED_CASES, ids=[case for case, _ in HOSTED_CASES])
def test_an_ob2_hosted_endorsement_through_verify_badge_json(issuer_server, cli, case, expected):  # noqa: F811
    hosted = HostedBadge(issuer_server).publish()
    url = hosted_ob2_endorsement(issuer_server, about=hosted.badge_class_url, comment="Well designed.")
    if case == "other-origin":
        profile = json.loads(issuer_server.routes["/endorser"].body)
        profile["verification"] = {"allowedOrigins": ["endorser.example"]}
        issuer_server.serve("/endorser", profile)
    elif case == "unreachable":
        issuer_server.serve("/endorsements/1", b"", status=503)
    endorse_badge_class(issuer_server, hosted, url)

    report = cli(hosted.assertion_url, "--json").json()

    assert report["status"] == "valid", report
    (endorsement,) = report["endorsements"]
    assert endorsement["status"] == expected, endorsement
    assert endorsement["verified"] is (expected == "valid")
    if expected == "valid":
        assert endorsement["endorser"] == "Kyoto Skills Council"
