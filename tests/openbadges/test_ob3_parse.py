"""Parsing OB 3.0 credentials into the shared model, and the status-list bit layout."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from badges.openbadges import status
from badges.openbadges.errors import BadgeFormatError
from badges.openbadges.model import BadgeFormat, Recipient, SpecVersion
from badges.openbadges.ob3 import parse_credential, read_credential, read_date, verify_ob3
from badges.openbadges.result import Status
from tests.openbadges.test_ob3_support import NOW, corpus_documents, read_fixture


def parse(relative: str):  # noqa: ANN201 - ParsedBadge
    text = read_fixture(relative)
    credential, jws = read_credential(text)
    return parse_credential(credential, raw=text, jws=jws)


def test_vcdm2_fields() -> None:
    badge = parse("dcc-verifier-core/verifiableCredentials/v2/v2WithValidStatus.json")
    assert badge.spec_version is SpecVersion.V3_0 and badge.format is BadgeFormat.DATA_INTEGRITY
    assert badge.name and badge.issuer.id and badge.issuer.name
    assert badge.issued_on is not None and badge.issued_on.tzinfo is not None
    assert badge.badge_class_id


def test_identifier_recipients() -> None:
    badge = parse(
        "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
        "legacyRegistry-noStatus-noExpiry-identityHash.json"
    )
    assert any(not r.hashed and r.type for r in badge.recipients)


def test_vcdm11_dates_and_string_issuer() -> None:
    badge = parse("dcc-verifier-core/verifiableCredentials/v1/v1SimpleIssuerId.json")
    assert badge.issuer.id and badge.issuer.id.startswith("did:key:")
    assert badge.issued_on is not None


def test_expiration_date_read_from_vcdm11() -> None:
    badge = parse("dcc-verifier-core/verifiableCredentials/v1/v1Expired.json")
    assert badge.expires_on is not None and badge.expires_on < NOW


def test_alignments_and_criteria() -> None:
    badge = parse(
        "dcc-vc-test-fixtures/verifiableCredentials/v2/dataIntegrityProof/didKey/"
        "legacyRegistry-noStatus-noExpiry-alignments.json"
    )
    assert badge.alignments and badge.alignments[0].name


def test_subject_id_is_a_recipient() -> None:
    badge = parse("1edtech-dc-public-validator/ob30/simple.json")
    assert Recipient("id", "did:example:ebfeb1f712ebc6f1c276e12ec21") in badge.recipients
    assert badge.criteria_narrative.startswith("Team members")


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "{",
        "[]",
        '{"@context": ["https://w3id.org/openbadges/v2"], "type": "Assertion"}',
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}',
        "a.b",
    ],
)
def test_unreadable_payloads_are_invalid_not_exceptions(payload: str) -> None:
    result = verify_ob3(payload, fetch=lambda url, kind="json": None, now=NOW)  # type: ignore[arg-type,return-value]
    assert result.status is Status.INVALID
    assert result.checks[0].name == "format" and result.badge is None


def test_dates() -> None:
    assert read_date("2010-01-01T00:00:00Z") == datetime(2010, 1, 1, tzinfo=UTC)
    assert read_date("2025-01-09T15:20:02.183Z") is not None
    assert read_date("2022-11-10T07:38:00-08:00") == datetime(2022, 11, 10, 15, 38, tzinfo=UTC)
    with pytest.raises(BadgeFormatError):
        read_date("yesterday")


def test_status_list_bits_msb_first() -> None:
    bits = status.decode_status_list(status.encode_status_list(bytes([0b10100000, 0])))
    assert status.bit_is_set(bits, 0) and not status.bit_is_set(bits, 1) and status.bit_is_set(bits, 2)
    with pytest.raises(IndexError):
        status.bit_is_set(bits, 16)


def test_dcc_status_list_has_bits_2_6_8() -> None:
    listed = json.loads(
        corpus_documents()[
            "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/e5WK8CbZ1GjycuPombrj"
        ]
    )
    bits = status.decode_status_list(listed["credentialSubject"]["encodedList"])
    assert [i for i in range(12) if status.bit_is_set(bits, i)] == [2, 6, 8]
    assert len(bits) * 8 == 100_000  # shorter than the spec minimum: tolerated


def test_status_list_without_multibase_prefix_and_gzip_bomb() -> None:
    encoded = status.encode_status_list(b"\x01" * 4)
    assert status.decode_status_list(encoded[1:]) == b"\x01" * 4
    with pytest.raises(ValueError):
        status.decode_status_list(status.encode_status_list(bytes(17 * 1024 * 1024)))
    with pytest.raises(ValueError):
        status.decode_status_list("u!!!")
