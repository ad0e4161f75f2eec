"""Hosted OB 2.0 badges against a small made-up issuer: the issuer's copy is what counts."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from badges.openbadges.fetching import DictFetch
from badges.openbadges.model import Identity
from badges.openbadges.ob2 import verify_ob2
from badges.openbadges.result import CheckResult, Status, VerificationResult

NOW = datetime(2026, 6, 1, tzinfo=UTC)
V2 = "https://w3id.org/openbadges/v2"
ASSERTION = "https://badges.example/assertions/7.json"
BADGE = "https://badges.example/badge.json"
ISSUER = "https://badges.example/issuer.json"
REVOCATIONS = "https://badges.example/revocations.json"
ANN = Identity("email", "ann@example.org")


def hosted(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": V2,
        "type": "Assertion",
        "id": ASSERTION,
        "recipient": {"type": "email", "hashed": False, "identity": "ann@example.org"},
        "badge": BADGE,
        "issuedOn": "2025-03-01T12:00:00+02:00",
        "verification": {"type": "hosted"},
    }
    doc.update(changes)
    return doc


def site(assertion: dict[str, Any] | int | None = None, **issuer_changes: Any) -> dict[str, Any]:
    profile = {
        "@context": V2,
        "type": "Issuer",
        "id": ISSUER,
        "name": "Badges Inc",
        "url": "https://badges.example",
        "email": "hello@badges.example",
    }
    profile.update(issuer_changes)
    return {
        ASSERTION: hosted() if assertion is None else assertion,
        BADGE: {
            "@context": V2,
            "type": "BadgeClass",
            "id": BADGE,
            "name": "Hosted Badge",
            "description": "d",
            "image": "https://badges.example/b.png",
            "criteria": "https://badges.example/c",
            "issuer": ISSUER,
            "tags": ["python"],
            "alignment": [{"targetName": "Skill", "targetUrl": "https://skills.example/1"}],
        },
        ISSUER: profile,
    }


def verify(payload: str, documents: dict[str, Any], *, identities: tuple[Identity, ...] = (ANN,)) -> VerificationResult:
    return verify_ob2(payload, fetch=DictFetch(documents), now=NOW, identities=identities)


def outcome(result: VerificationResult, name: str) -> tuple[CheckResult, Status | None] | None:
    check = result.check(name)
    return (check.result, check.status) if check else None


def test_hosted_badge_is_valid_and_read_from_the_issuers_copy() -> None:
    result = verify(ASSERTION, site())

    assert result.status is Status.VALID
    assert result.badge is not None
    assert result.badge.tags == ("python",)
    assert result.badge.alignments[0].name == "Skill"
    assert result.badge.issued_on == datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    assert json.loads(result.payload) == hosted()


def test_baked_copy_with_a_forged_recipient_does_not_fool_the_verifier() -> None:
    forged = json.dumps(hosted(recipient={"type": "email", "hashed": False, "identity": "mallory@example.org"}))

    result = verify(forged, site(), identities=(Identity("email", "mallory@example.org"),))

    assert result.status is Status.RECIPIENT_MISMATCH
    assert json.loads(result.payload)["recipient"]["identity"] == "ann@example.org"
    assert result.badge is not None and result.badge.recipients[0].identity == "ann@example.org"


def hashed(algorithm: str, value: str, salt: str, *, upper: bool = False) -> str:
    digest = hashlib.new(algorithm, (value + salt).encode()).hexdigest()
    return f"{algorithm}${digest.upper() if upper else digest}"


@pytest.mark.parametrize(
    "recipient",
    [
        {"type": "email", "hashed": True, "salt": "pepper", "identity": hashed("sha256", "ann@example.org", "pepper")},
        {
            "type": "email",
            "hashed": True,
            "salt": "pepper",
            "identity": hashed("sha256", "ann@example.org", "pepper", upper=True),
        },
        {"type": "email", "hashed": True, "identity": hashed("md5", "ann@example.org", "")},
        {"type": "email", "hashed": True, "salt": "s", "identity": hashed("md5", "ann@example.org", "s", upper=True)},
        {"type": "email", "hashed": False, "identity": "ann@example.org"},
    ],
    ids=["sha256-salted", "sha256-upper-hex", "md5-unsalted", "md5-upper-hex", "plain"],
)
def test_recipient_hashes_match_the_learners_verified_email(recipient: dict[str, Any]) -> None:
    result = verify(ASSERTION, site(hosted(recipient=recipient)))

    assert result.status is Status.VALID
    assert outcome(result, "recipient") == (CheckResult.PASS, None)


def test_badge_for_someone_else_is_a_recipient_mismatch_not_a_forgery() -> None:
    result = verify(ASSERTION, site(), identities=(Identity("email", "bob@example.org"),))

    assert result.status is Status.RECIPIENT_MISMATCH
    check = result.check("recipient")
    assert check is not None and "someone else" in check.text and "not mean it is forged" in check.text


def test_without_identities_the_recipient_check_is_skipped() -> None:
    result = verify(ASSERTION, site(), identities=())

    assert result.status is Status.VALID
    assert outcome(result, "recipient") == (CheckResult.SKIPPED, None)


@pytest.mark.parametrize("pasted", [False, True], ids=["url", "pasted-json"])
def test_hosted_assertion_answering_410_gone_is_revoked(pasted: bool) -> None:
    payload = json.dumps(hosted()) if pasted else ASSERTION

    result = verify(payload, site(410))

    assert result.status is Status.REVOKED
    assert outcome(result, "revocation") == (CheckResult.FAIL, Status.REVOKED)


@pytest.mark.parametrize("failure", [503, 404, 500, "network"])
def test_hosted_assertion_that_cannot_be_fetched_is_unreachable_never_revoked_or_invalid(failure: object) -> None:
    documents = site()
    if failure == "network":
        del documents[ASSERTION]
    else:
        documents[ASSERTION] = failure

    result = verify(json.dumps(hosted()), documents)

    assert result.status is Status.UNREACHABLE
    assert outcome(result, "hosted") == (CheckResult.ERROR, Status.UNREACHABLE)
    assert result.check("revocation") is None


def test_hosted_copy_saying_revoked_true_is_revoked_with_its_reason() -> None:
    result = verify(ASSERTION, site(hosted(revoked=True, revocationReason="Plagiarism")))

    assert result.status is Status.REVOKED
    check = result.check("revocation")
    assert check is not None and check.params["reason"] == "Plagiarism"


def test_expired_and_revoked_badge_is_headlined_revoked_and_lists_both_checks() -> None:
    result = verify(ASSERTION, site(hosted(revoked=True, expires="2025-06-01T00:00:00Z")))

    assert result.status is Status.REVOKED
    assert outcome(result, "revocation") == (CheckResult.FAIL, Status.REVOKED)
    assert outcome(result, "expiry") == (CheckResult.FAIL, Status.EXPIRED)


def test_hosted_badge_listed_on_the_issuers_revocation_list_is_revoked() -> None:
    documents = site(revocationList=REVOCATIONS)
    documents[REVOCATIONS] = {
        "@context": V2,
        "type": "RevocationList",
        "revokedAssertions": [{"id": ASSERTION, "revocationReason": "Withdrawn"}],
    }

    assert verify(ASSERTION, documents).status is Status.REVOKED


def test_unreachable_revocation_list_of_a_hosted_badge_is_unreachable() -> None:
    documents = site(revocationList=REVOCATIONS)
    documents[REVOCATIONS] = 504

    result = verify(ASSERTION, documents)

    assert result.status is Status.UNREACHABLE
    assert outcome(result, "revocation") == (CheckResult.ERROR, Status.UNREACHABLE)


def test_unreachable_badge_class_is_unreachable_and_says_so_in_documents() -> None:
    documents = site()
    documents[BADGE] = 503

    result = verify(ASSERTION, documents)

    assert result.status is Status.UNREACHABLE
    assert outcome(result, "documents") == (CheckResult.ERROR, Status.UNREACHABLE)


def test_badge_class_of_the_wrong_shape_is_invalid() -> None:
    documents = site()
    documents[BADGE] = {"@context": V2, "type": "Issuer", "id": BADGE, "name": "Not a badge class"}

    result = verify(ASSERTION, documents)

    assert result.status is Status.INVALID
    assert outcome(result, "documents") == (CheckResult.FAIL, Status.INVALID)


def test_badge_hosted_off_the_issuers_host_fails_the_default_origin_policy() -> None:
    elsewhere = "https://evil.example/a.json"
    documents = site()
    documents[elsewhere] = hosted(id=elsewhere)

    result = verify(elsewhere, documents)

    assert result.status is Status.INVALID
    assert outcome(result, "origin") == (CheckResult.FAIL, Status.INVALID)


def test_hosted_copy_declaring_another_id_is_fetched_from_there_once() -> None:
    moved = "https://badges.example/assertions/7-new.json"
    documents = site(hosted(id=moved))
    documents[moved] = hosted(id=moved)

    result = verify(ASSERTION, documents)

    assert result.status is Status.VALID
    assert result.badge is not None and result.badge.id == moved


def test_documents_pointing_at_each_other_do_not_loop() -> None:
    other = "https://badges.example/assertions/8.json"
    documents = site(hosted(id=other))
    documents[other] = hosted(id=ASSERTION)
    fetch = DictFetch(documents)

    result = verify_ob2(ASSERTION, fetch=fetch, now=NOW)

    assert result.status is Status.INVALID
    assert fetch.calls == [ASSERTION, other]


def test_badge_class_declaring_an_id_that_declares_yet_another_is_invalid() -> None:
    documents = site()
    alias = "https://badges.example/badge-alias.json"
    documents[BADGE] = dict(documents[BADGE], id=alias)
    documents[alias] = dict(documents[BADGE], id="https://badges.example/third.json")

    result = verify(ASSERTION, documents)

    assert outcome(result, "documents") == (CheckResult.FAIL, Status.INVALID)


@pytest.mark.parametrize(
    ("issued", "status"),
    [(NOW + timedelta(minutes=2), Status.VALID), (NOW + timedelta(hours=1), Status.NOT_YET_VALID)],
    ids=["within-clock-skew", "an-hour-ahead"],
)
def test_issue_date_in_the_future_is_not_yet_valid_beyond_five_minutes_of_skew(
    issued: datetime, status: Status
) -> None:
    result = verify(ASSERTION, site(hosted(issuedOn=issued.isoformat())))

    assert result.status is status


@pytest.mark.parametrize("payload", ["not json at all {", "[1, 2]", '{"hello": "world"}'])
def test_payload_that_is_not_a_badge_is_invalid_with_a_format_failure(payload: str) -> None:
    result = verify(payload, {})

    assert result.status is Status.INVALID
    assert outcome(result, "format") == (CheckResult.FAIL, Status.INVALID)
    assert result.badge is None


def test_hosted_2_0_json_without_a_web_id_is_invalid() -> None:
    result = verify(json.dumps(hosted(id="urn:uuid:1b1b1b1b-0000-4000-8000-000000000000")), site())

    assert result.status is Status.INVALID


def test_issuers_copy_that_is_not_json_is_invalid() -> None:
    result = verify(ASSERTION, site() | {ASSERTION: b"<html>Welcome</html>"})

    assert outcome(result, "hosted") == (CheckResult.FAIL, Status.INVALID)


def test_every_fetched_document_is_kept_as_evidence() -> None:
    result = verify(ASSERTION, site())

    assert set(result.documents) == {ASSERTION, BADGE, ISSUER}
    assert json.loads(result.documents[ISSUER])["name"] == "Badges Inc"
