"""The corpus' OB 3.0 credentials give the verdicts its README states (now = 2026-06-01)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badges.openbadges import baking
from badges.openbadges.model import BadgeFormat, SourceKind
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status, VerificationResult
from tests.openbadges.test_ob3_support import FIXTURES, NOW, TEST_VECTOR_DIR, corpus_fetch, read_fixture

DCC_FILES = sorted(
    str(p.relative_to(FIXTURES))
    for folder in ("dcc-vc-test-fixtures/verifiableCredentials", "dcc-verifier-core/verifiableCredentials")
    for p in (FIXTURES / folder).rglob("*.json")
)

# Non-obvious expectations; everything else follows the DCC file-name convention below.
DCC_SPECIAL = {
    "safeModeBreaker.json": Status.INVALID,
    "v2DoubleSigWithBadStatusUrl.json": Status.UNREACHABLE,  # status list 404: unknown, not revoked
    "badDidWeb.json": Status.UNREACHABLE,  # did:web document missing: cannot check, not forged
    "v2WithBadDidWeb.json": Status.UNREACHABLE,
    # Broken status lists (their credentials are plain VCs, hence "unsupported" formats): never revoked.
    "legacy-expiredStatus-noExpiry.json": Status.UNREACHABLE,
    "legacy-missingTypeStatus-noExpiry.json": Status.UNREACHABLE,
    "legacy-notYetValidStatus-noExpiry.json": Status.UNREACHABLE,
    "legacy-tamperedStatus-noExpiry.json": Status.UNREACHABLE,
    # Plain Verifiable Credentials that are not Open Badges.
    "legacy-noStatus-noExpiry-nonOBWithOBContext.json": Status.UNSUPPORTED,
    "legacyRegistry-noStatus-noExpiry-minimal.json": Status.UNSUPPORTED,
    "legacyRegistry-noStatus-noExpiry-oldDCCExample.json": Status.UNSUPPORTED,
}


def expected_dcc(name: str) -> Status:
    if name in DCC_SPECIAL:
        return DCC_SPECIAL[name]
    lowered = name.lower()
    if "endorsement" in lowered and "tampered" not in lowered:
        # A bare EndorsementCredential is checked (proof, status) but is not a badge.
        return Status.UNSUPPORTED
    if "tampered" in lowered:
        return Status.INVALID
    if "revoked" in lowered or "revokedstaus" in lowered:
        return Status.REVOKED
    if "notyetvalid" in lowered:
        return Status.NOT_YET_VALID
    if "expired" in lowered and "notexpired" not in lowered:
        return Status.EXPIRED
    return Status.VALID


def verify_file(relative: str) -> VerificationResult:
    text = read_fixture(relative)
    return verify_ob3(text, fetch=corpus_fetch(json.loads(text)), now=NOW, source_kind=SourceKind.JSON)


@pytest.mark.parametrize("relative", DCC_FILES)
def test_dcc_fixture_verdicts(relative: str) -> None:
    result = verify_file(relative)
    name = Path(relative).name
    assert result.status is expected_dcc(name), [c.as_dict() for c in result.checks]
    if "revoked" in name.lower() and "expired" in name.lower() and "notexpired" not in name.lower():
        assert result.check("expiry").result is CheckResult.FAIL  # both verdicts are kept


@pytest.mark.parametrize(
    "name",
    [
        "legacy-expiredStatus-noExpiry.json",
        "legacy-missingTypeStatus-noExpiry.json",
        "legacy-notYetValidStatus-noExpiry.json",
        "legacy-tamperedStatus-noExpiry.json",
    ],
)
def test_broken_status_list_means_status_unknown(name: str) -> None:
    result = verify_file(f"dcc-vc-test-fixtures/verifiableCredentials/v2/ed25519/didKey/{name}")
    revocation = result.check("revocation")
    assert revocation.result is CheckResult.ERROR and revocation.status is Status.UNREACHABLE
    assert "list unusable" in revocation.text.lower()
    assert result.check("signature").result is CheckResult.PASS


def test_unreachable_status_list_is_not_revoked() -> None:
    result = verify_file("dcc-verifier-core/verifiableCredentials/eddsaAndEd25519/v2/v2DoubleSigWithBadStatusUrl.json")
    assert result.check("revocation").result is CheckResult.ERROR
    assert result.check("signature").result is CheckResult.PASS
    assert result.status is Status.UNREACHABLE


def test_did_web_fixture_records_fetched_documents() -> None:
    result = verify_file("dcc-verifier-core/verifiableCredentials/v2/didWeb/v2didWebWithValidStatus.json")
    assert result.status is Status.VALID
    assert "https://digitalcredentials.github.io/dcc-did-web/did.json" in result.documents
    assert result.check("key").result is CheckResult.PASS


ONE_EDTECH = {
    "simple.json": Status.VALID,
    "simple_v1.json": Status.VALID,
    "simple-eddsa-2022.json": Status.VALID,
    "simple-multiple-proofs.json": Status.VALID,
    "simple-err-expired.json": Status.EXPIRED,
    "simple-err-issued.json": Status.NOT_YET_VALID,
    "simple-err-proof-value.json": Status.INVALID,
    "simple-err-context.json": Status.INVALID,
    "simple-noproof.json": Status.INVALID,
    # Deliberately stricter than the 1EdTech validator: the did:key is not the issuer (a urn:uuid).
    "simple-did-key-method.json": Status.INVALID,
    "bit-string-list/credential-status-revoked.json": Status.REVOKED,
    "bit-string-list/credential-status-revoked-blank-nodes.json": Status.REVOKED,
}


@pytest.mark.parametrize(("name", "expected"), ONE_EDTECH.items())
def test_1edtech_sample_verdicts(name: str, expected: Status) -> None:
    result = verify_file(f"1edtech-dc-public-validator/ob30/{name}")
    assert result.status is expected, [c.as_dict() for c in result.checks]


def test_multiple_proofs_reports_which_one_verified() -> None:
    signature = verify_file("1edtech-dc-public-validator/ob30/simple-multiple-proofs.json").check("signature")
    assert signature.result is CheckResult.PASS
    assert "1 of 2" in signature.text and "SomeProofType" in signature.text


def test_safe_mode_breaker_says_why() -> None:
    result = verify_file("dcc-verifier-core/verifiableCredentials/eddsa/v2/safeModeBreaker.json")
    contexts = result.check("contexts")
    assert contexts.result is CheckResult.FAIL and "StatusList2021Entry" in contexts.text


def test_golden_vector_verifies() -> None:
    result = verify_ob3(
        (TEST_VECTOR_DIR / "signed-credential.json").read_text(),
        fetch=corpus_fetch(json.loads((TEST_VECTOR_DIR / "signed-credential.json").read_text())),
        now=NOW,
    )
    assert result.status is Status.VALID


def test_jwt_without_any_key_is_invalid() -> None:
    result = verify_ob3(read_fixture("1edtech-dc-public-validator/ob30/simple.jwt"), fetch=corpus_fetch(), now=NOW)
    assert result.check("signature").result is CheckResult.FAIL
    assert result.status is Status.INVALID


@pytest.mark.parametrize("name", ["simple-jwt.png", "simple-jwt_v1.png"])
def test_baked_jwt_with_header_jwk_is_valid_but_issuer_not_confirmed(name: str) -> None:
    payload = baking.extract((FIXTURES / "1edtech-dc-public-validator/ob30" / name).read_bytes()).payload
    result = verify_ob3(payload, fetch=corpus_fetch(), now=NOW, source_kind=SourceKind.PNG)
    assert result.status is Status.VALID
    assert result.badge is not None and result.badge.format is BadgeFormat.VC_JWT
    key = result.check("key")
    assert key.result is CheckResult.SKIPPED and "not confirmed" in key.text
    assert result.badge.name == "Teamwork"


def test_baked_json_sample_is_valid() -> None:
    payload = baking.extract((FIXTURES / "1edtech-dc-public-validator/ob30/simple-json.png").read_bytes()).payload
    result = verify_ob3(payload, fetch=corpus_fetch(json.loads(payload)), now=NOW, source_kind=SourceKind.PNG)
    assert result.status is Status.VALID
    assert result.source_kind is SourceKind.PNG and result.payload == payload


def test_verify_entry_point_routes_ob3() -> None:
    pytest.importorskip("badges.openbadges.ob2")
    from badges.openbadges.verification import verify

    data = (FIXTURES / "1edtech-dc-public-validator/ob30/simple-jwt.png").read_bytes()
    result = verify(data, fetch=corpus_fetch(), now=NOW)
    assert result.status is Status.VALID and result.source_kind is SourceKind.PNG
