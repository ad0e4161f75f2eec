"""Real OB 1.0 / 2.0 test badges from the 1EdTech validators give the verdicts their sources state.

The documents they point at are served from ``tests/fixtures/ob2`` by a ``DictFetch`` built from
``url-map.json`` (exact URLs plus the DCPV harness's prefix rules). Time is frozen at 2026-06-01.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badges.openbadges.fetching import DictFetch
from badges.openbadges.model import Identity, SpecVersion
from badges.openbadges.ob2 import verify_ob2
from badges.openbadges.result import CheckResult, Status, VerificationResult

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ob2"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
BETH = Identity("email", "nobody@example.org")
HOSTED_ID = "https://example.org/beths-robotics-badge.json"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def corpus_documents() -> dict[str, Any]:
    """URL -> body for everything ``url-map.json`` serves.

    Like the DCPV harness, a document whose declared ``id`` is a different web address is also
    served there (validator-core re-fetches declared ids), unless two files claim the same id.
    """
    url_map = json.loads(fixture_text("url-map.json"))
    served: dict[str, Any] = {url: fixture_text(path) for url, path in url_map["documents"].items()}
    declared: dict[str, list[str]] = {}
    for rule in url_map["prefix_rules"]:
        for path in sorted((FIXTURES / rule["dir"]).iterdir()):
            body = path.read_text(encoding="utf-8")
            served[rule["url_prefix"] + path.name] = body
            doc_id = json.loads(body).get("id")
            if isinstance(doc_id, str) and doc_id.startswith("http") and body not in declared.get(doc_id, []):
                declared.setdefault(doc_id, []).append(body)
    for doc_id, bodies in declared.items():
        if doc_id not in served and len(bodies) == 1:
            served[doc_id] = bodies[0]
    return served


def corpus_fetch(**overrides: Any) -> DictFetch:
    documents = corpus_documents()
    documents.update({url: value for url, value in overrides.items()})
    return DictFetch(documents)


def verify_hosted_fixture(name: str, *, identities: tuple[Identity, ...] = (), **extra: Any) -> VerificationResult:
    """Paste a hosted DCPV assertion; its issuer serves the same file at the assertion's id."""
    text = fixture_text(name)
    fetch = corpus_fetch(**{json.loads(text)["id"]: text}, **extra)
    return verify_ob2(text, fetch=fetch, now=NOW, identities=identities)


def check_result(result: VerificationResult, name: str) -> CheckResult | None:
    check = result.check(name)
    return check.result if check else None


# ---------------------------------------------------------------------------------------------
# OB 2.0 hosted (1EdTech validator-core and DCPV fixtures)


def test_validator_core_basic_hosted_assertion_is_valid_and_issued_to_nobody_at_example_org() -> None:
    text = fixture_text("validator-core/2_0_basic_assertion.json")
    fetch = corpus_fetch(
        **{
            HOSTED_ID: text,
            "https://example.org/robotics-badge.json": fixture_text("validator-core/2_0_basic_badgeclass.json"),
            "https://example.org/organization.json": fixture_text("validator-core/2_0_basic_issuer.json"),
        }
    )

    result = verify_ob2(text, fetch=fetch, now=NOW, identities=(BETH,))

    assert result.status is Status.VALID
    assert [c.name for c in result.checks] == [
        "format",
        "hosted",
        "documents",
        "origin",
        "recipient",
        "revocation",
        "expiry",
        "validity",
    ]
    assert all(c.result is CheckResult.PASS for c in result.checks)
    assert result.badge is not None
    assert result.badge.name == "Awesome Robotics Badge"
    assert result.badge.issuer.name == "An Example Badge Issuer"
    assert result.badge.spec_version is SpecVersion.V2_0
    assert set(result.documents) == {
        HOSTED_ID,
        "https://example.org/robotics-badge.json",
        "https://example.org/organization.json",
    }


def test_basic_hosted_assertion_pasted_as_its_url_is_valid() -> None:
    fetch = corpus_fetch(**{HOSTED_ID: fixture_text("ob20/basic-assertion.json")})

    result = verify_ob2(HOSTED_ID, fetch=fetch, now=NOW, identities=(BETH,))

    assert result.status is Status.VALID
    assert result.payload == fixture_text("ob20/basic-assertion.json")


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("ob20/basic-assertion.json", Status.VALID),
        ("ob20/basic-assertion-no-public-key.json", Status.VALID),
        ("ob20/basic-assertion-with-language.json", Status.VALID),
        ("ob20/assertion-with-endorsements.json", Status.VALID),
        ("ob20/assertion-with-multiple-extensions.json", Status.VALID),
        ("ob20/warning-with-redirection.json", Status.VALID),
        ("ob20/warning-issuer-non-http.json", Status.VALID),
        ("ob20/basic-assertion-expired.json", Status.EXPIRED),
        ("ob20/basic-assertion-in-future.json", Status.NOT_YET_VALID),
        ("ob20/basic-assertion-expired-before-issued.json", Status.INVALID),
        ("ob20/basic-assertion-invalid-context.json", Status.INVALID),
        ("ob20/basic-assertion-invalid-type.json", Status.INVALID),
        ("ob20/assertion-with-data-image.json", Status.INVALID),
    ],
)
def test_dcpv_hosted_assertion_gets_the_verdict_its_source_states(name: str, status: Status) -> None:
    assert verify_hosted_fixture(name, identities=(BETH,)).status is status


def test_expired_badge_says_when_it_expired() -> None:
    check = verify_hosted_fixture("ob20/basic-assertion-expired.json").check("expiry")

    assert check is not None and check.status is Status.EXPIRED
    assert "2022-11-15" in check.text


def test_badge_expiring_before_it_was_issued_fails_validity_as_invalid() -> None:
    check = verify_hosted_fixture("ob20/basic-assertion-expired-before-issued.json").check("validity")

    assert check is not None and check.result is CheckResult.FAIL and check.status is Status.INVALID


def test_issuer_with_non_http_id_skips_the_origin_check_instead_of_failing() -> None:
    result = verify_hosted_fixture("ob20/warning-issuer-non-http.json")

    assert check_result(result, "origin") is CheckResult.SKIPPED


def test_badge_class_that_declares_another_id_is_read_from_that_id_once() -> None:
    text = fixture_text("ob20/warning-with-redirection.json")
    fetch = corpus_fetch(**{HOSTED_ID: text})

    result = verify_ob2(text, fetch=fetch, now=NOW)

    assert result.badge is not None and result.badge.badge_class_id == "https://example.org/robotics-badge.json"
    assert fetch.calls.count("https://example.org/robotics-badge.json") == 1


# The five issuers below all declare the id http://example.org/issuer-with-allowed-origins, so each
# case serves its own issuer there (the re-fetch of a declared id lands on it).
ALLOWED_ORIGINS_CASES = [
    ("with-allowed-origins", "", Status.VALID),
    ("with-allowed-origins-valid-starts-with", "-valid-starts-with", Status.VALID),
    ("with-allowed-origins-valid-multiple-starts-with", "-valid-multiple-starts-with", Status.VALID),
    ("with-allowed-origins-invalid-starts-with", "-invalid-starts-with", Status.INVALID),
    ("with-allowed-origins-invalid-multiple-starts-with", "-invalid-multiple-starts-with", Status.INVALID),
]


@pytest.mark.parametrize(("assertion", "issuer_suffix", "status"), ALLOWED_ORIGINS_CASES)
def test_hosted_origin_policy_of_the_issuer_decides_where_its_badges_may_live(
    assertion: str, issuer_suffix: str, status: Status
) -> None:
    issuer = fixture_text(f"ob20/assets/issuer-with-allowed-origins{issuer_suffix}.json")

    result = verify_hosted_fixture(
        f"ob20/basic-assertion-{assertion}.json",
        identities=(BETH,),
        **{"http://example.org/issuer-with-allowed-origins": issuer},
    )

    assert result.status is status
    origin = result.check("origin")
    assert origin is not None
    assert origin.result is (CheckResult.PASS if status is Status.VALID else CheckResult.FAIL)


# ---------------------------------------------------------------------------------------------
# OB 2.0 signed (DCPV JWS fixtures, keys key1..key3)


@pytest.mark.parametrize("name", ["ob20/simple.jwt", "ob20/simple-not-revoked.jwt"])
def test_dcpv_signed_badge_verifies_with_the_issuers_rsa_key(name: str) -> None:
    token = fixture_text(name).strip()

    result = verify_ob2(token, fetch=corpus_fetch(), now=NOW, identities=(BETH,))

    assert result.status is Status.VALID
    assert [c.name for c in result.checks] == [
        "format",
        "documents",
        "signature",
        "key",
        "recipient",
        "revocation",
        "expiry",
        "validity",
    ]
    assert result.payload == token
    assert result.badge is not None and result.badge.format == "signed"


def test_dcpv_signed_badge_on_the_issuers_revocation_list_is_revoked_with_its_reason() -> None:
    result = verify_ob2(fixture_text("ob20/simple-revoked.jwt"), fetch=corpus_fetch(), now=NOW)

    assert result.status is Status.REVOKED
    check = result.check("revocation")
    assert check is not None and check.params["reason"] == "A good reason, for sure"
    assert "A good reason, for sure" in check.text
    assert check_result(result, "signature") is CheckResult.PASS


# ---------------------------------------------------------------------------------------------
# OB 1.0 and older


def test_validator_core_1_0_hosted_assertion_at_a_com_is_valid() -> None:
    result = verify_ob2(
        fixture_text("validator-core/1_0_basic_assertion.json"),
        fetch=corpus_fetch(),
        now=NOW,
        identities=(Identity("email", "test@example.com"),),
    )

    assert result.status is Status.VALID
    assert result.badge is not None
    assert result.badge.spec_version is SpecVersion.V1_0
    assert result.badge.name == "Basic Badge"
    assert result.badge.issuer.name == "Basic Issuer"
    assert result.badge.issued_on == datetime(2015, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize("url", ["http://a.com/instance", "http://a.com/instance3"])
def test_1_0_hosted_assertion_given_as_its_url_is_valid(url: str) -> None:
    assert verify_ob2(url, fetch=corpus_fetch(), now=NOW).status is Status.VALID


def test_1_0_assertion_pasted_with_an_upper_case_email_matches_the_learner() -> None:
    result = verify_ob2(
        fixture_text("badgr/1_0_basic_instance3.json"),
        fetch=corpus_fetch(),
        now=NOW,
        identities=(Identity("email", "test@example.com"),),
    )

    assert result.status is Status.VALID


def test_pasted_0_5_assertion_without_a_url_is_unsupported_with_a_clear_message() -> None:
    result = verify_ob2(fixture_text("validator-core/0_5_assertion.json"), fetch=corpus_fetch(), now=NOW)

    assert result.status is Status.UNSUPPORTED
    check = result.check("format")
    assert check is not None and "0.5" in check.text and "link" in check.text
    assert result.badge is not None and result.badge.name == "Basic McBadge"


def test_legacy_url_baked_badge_whose_assertion_is_gone_404_is_unreachable_not_revoked() -> None:
    # mozilla-openbadges-backpack test/data/404.png bakes exactly this URL in a tEXt chunk.
    result = verify_ob2("https://example.org/404", fetch=corpus_fetch(**{"https://example.org/404": 404}), now=NOW)

    assert result.status is Status.UNREACHABLE
    assert check_result(result, "hosted") is CheckResult.ERROR
    assert result.check("revocation") is None
