"""Parsing OB 0.5 / 1.0 / 1.1 / 2.0 documents into typed objects, with the old versions upgraded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from badges.openbadges.documents import (
    hosted_pointer,
    load_json_object,
    parse_assertion,
    parse_badge,
    parse_badge_class,
    parse_issuer,
    parse_key,
    parse_revocation_list,
    sniff_version,
)
from badges.openbadges.errors import BadgeFormatError
from badges.openbadges.model import BadgeFormat, Recipient, SpecVersion

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ob2"


def text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def doc(name: str) -> dict[str, Any]:
    return json.loads(text(name))


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("validator-core/2_0_basic_assertion.json", SpecVersion.V2_0),
        ("validator-core/1_1_basic_assertion.json", SpecVersion.V1_1),
        ("validator-core/1_0_basic_assertion.json", SpecVersion.V1_0),
        ("validator-core/0_5_assertion.json", SpecVersion.V0_5),
        ("validator-core/0_5_1_assertion.json", SpecVersion.V0_5),
        ("ob20/assets/issuer-with-allowed-origins.json", SpecVersion.V2_0),  # inline context object
        ("ob20/assertion-with-extension-node-basic.json", SpecVersion.V2_0),  # context list
    ],
)
def test_version_is_sniffed_from_context_and_shape(name: str, version: SpecVersion) -> None:
    assert sniff_version(doc(name)) is version


@pytest.mark.parametrize(
    "context",
    ["https://w3id.org/openbadges/invalid", "https://www.w3.org/ns/credentials/v2", 42],
)
def test_unknown_or_foreign_context_is_a_format_error(context: object) -> None:
    with pytest.raises(BadgeFormatError):
        sniff_version({"@context": context})


def test_2_0_assertion_with_badge_class_and_issuer_given_by_iri_becomes_a_parsed_badge() -> None:
    raw = text("validator-core/2_0_basic_assertion.json")

    badge = parse_badge(
        raw,
        badge_class=doc("validator-core/2_0_basic_badgeclass.json"),
        issuer=doc("validator-core/2_0_basic_issuer.json"),
    )

    assert badge.spec_version is SpecVersion.V2_0
    assert badge.format is BadgeFormat.HOSTED
    assert badge.id == "https://example.org/beths-robotics-badge.json"
    assert badge.name == "Awesome Robotics Badge"
    assert badge.criteria_url == "https://example.org/robotics-badge.html"
    assert badge.issuer.name == "An Example Badge Issuer"
    assert badge.issuer.email == "contact@example.org"
    assert badge.issued_on == datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert badge.recipients == (
        Recipient("email", "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942", True, "deadsea"),
    )
    assert badge.raw == raw


def test_2_0_assertion_with_embedded_badge_class_and_id_less_issuer_is_read() -> None:
    badge = parse_badge(text("badgr/2_0_assertion_embedded_badgeclass.json"))

    assert badge.name == "Embedded badgeclass"
    assert badge.criteria_narrative == "do it"
    assert badge.issuer.name == "Basic Issuer" and badge.issuer.id is None
    assert badge.badge_class_id == "urn:uuid:8b4efa06-41bc-4f53-a80d-e3d5e063c936"


def test_1_1_documents_are_read_like_2_0() -> None:
    badge = parse_badge(
        text("validator-core/1_1_basic_assertion.json"),
        badge_class=doc("validator-core/1_1_basic_badgeclass.json"),
        issuer=doc("validator-core/1_1_basic_issuer.json"),
    )

    assert badge.spec_version is SpecVersion.V1_1
    assert badge.name == "Awesome Robotics Badge"
    assert badge.issuer.id == "https://example.org/organization.json"


def test_1_0_assertion_date_only_becomes_midnight_utc_and_badge_url_is_kept() -> None:
    assertion = parse_assertion(doc("validator-core/1_0_basic_assertion.json"))

    assert assertion.spec_version is SpecVersion.V1_0
    assert assertion.issued_on == datetime(2015, 4, 30, tzinfo=UTC)
    assert assertion.badge_ref == "http://a.com/badgeclass"
    assert assertion.uid == "123abc"
    assert assertion.verification.type == "hosted" and assertion.verification.url == "http://a.com/instance"


@pytest.mark.parametrize("issued_on", [1430352000, "1430352000", 1430352000.0])
def test_1_0_unix_timestamps_become_aware_utc_datetimes(issued_on: object) -> None:
    data = doc("validator-core/1_0_basic_assertion.json") | {"issuedOn": issued_on}

    assert parse_assertion(data).issued_on == datetime(2015, 4, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2016-12-31T23:59:59+02:00", datetime(2016, 12, 31, 21, 59, 59, tzinfo=UTC)),
        ("2016-12-31T23:59:59", datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)),
        ("2016-12-31T23:59:59.500Z", datetime(2016, 12, 31, 23, 59, 59, 500000, tzinfo=UTC)),
    ],
)
def test_iso_dates_are_normalised_to_utc(value: str, expected: datetime) -> None:
    data = doc("validator-core/2_0_basic_assertion.json") | {"issuedOn": value}

    assert parse_assertion(data).issued_on == expected


def test_impossible_date_is_a_format_error() -> None:
    with pytest.raises(BadgeFormatError) as info:
        parse_assertion(doc("badgr/1_0_basic_instance_with_bad_date.json"))
    assert "2015-04-31" in info.value.message


def test_1_0_documents_without_ids_take_the_url_they_were_fetched_from() -> None:
    badge_class = parse_badge_class(
        doc("validator-core/1_0_basic_badgeclass.json"), source_url="http://a.com/badgeclass"
    )
    issuer = parse_issuer(doc("validator-core/1_0_basic_issuer.json"), source_url="http://a.com/issuer")

    assert badge_class.id == "http://a.com/badgeclass" and badge_class.issuer_ref == "http://a.com/issuer"
    assert issuer.id == "http://a.com/issuer" and issuer.name == "Basic Issuer"


def test_0_5_plain_string_recipient_is_upgraded_to_an_unhashed_email() -> None:
    badge = parse_badge(text("validator-core/0_5_assertion.json"))

    assert badge.spec_version is SpecVersion.V0_5
    assert badge.recipients == (Recipient("email", "test@example.com", hashed=False),)
    assert badge.name == "Basic McBadge"
    assert badge.issuer.url == "http://oldstyle.com"
    assert badge.id is None


def test_0_5_hashed_recipient_keeps_its_top_level_salt_and_issued_on() -> None:
    badge = parse_badge(text("validator-core/0_5_1_assertion.json"))

    assert badge.recipients[0].hashed is True
    assert badge.recipients[0].salt == "sel gris"
    assert badge.issued_on == datetime(2011, 6, 1, tzinfo=UTC)


def test_1_0_alignment_name_and_url_map_onto_the_2_0_fields() -> None:
    data = doc("validator-core/1_0_basic_badgeclass.json") | {
        "alignment": [{"name": "Math", "url": "https://std.example/m", "description": "Counting"}]
    }

    alignment = parse_badge_class(data).alignments[0]

    assert (alignment.name, alignment.url, alignment.description) == ("Math", "https://std.example/m", "Counting")


def test_2_0_alignment_target_fields_are_read() -> None:
    data = doc("validator-core/2_0_basic_badgeclass.json") | {
        "alignment": {
            "targetName": "Math",
            "targetUrl": "https://std.example/m",
            "targetFramework": "CCSS",
            "targetCode": "M.1",
        }
    }

    alignment = parse_badge_class(data).alignments[0]

    assert (alignment.name, alignment.framework, alignment.code) == ("Math", "CCSS", "M.1")


def test_badge_class_may_carry_a_data_uri_image() -> None:
    badge_class = parse_badge_class(doc("ob20/assets/badge-with-data-image.json"))

    assert badge_class.image is not None and badge_class.image.startswith("data:image/")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ob20/assertion-with-data-image.json", "image"),
        ("ob20/basic-assertion-invalid-type.json", "type"),
        ("badgr/1_0_basic_instance_missing_badge_prop.json", "badge class"),
        ("validator-core/1_0_assertion_with_errors.json", "identity object"),
    ],
)
def test_wrong_shaped_assertions_are_format_errors(name: str, reason: str) -> None:
    with pytest.raises(BadgeFormatError) as info:
        parse_assertion(doc(name))
    assert reason in info.value.message


def test_recipient_marked_hashed_without_a_hash_is_a_format_error() -> None:
    data = doc("validator-core/2_0_basic_assertion.json")
    data["recipient"] = {"type": "email", "hashed": True, "identity": "ann@example.org"}

    with pytest.raises(BadgeFormatError):
        parse_assertion(data)


def test_recipient_without_hashed_flag_is_inferred_from_the_hash_form() -> None:
    data = doc("validator-core/2_0_basic_assertion.json")
    del data["recipient"]["hashed"]

    assert parse_assertion(data).recipient.hashed is True


@pytest.mark.parametrize("raw", ["{not json", "[]", '"a string"', b"\xff\xfe"])
def test_text_that_is_not_a_json_object_is_a_format_error(raw: str | bytes) -> None:
    with pytest.raises(BadgeFormatError):
        load_json_object(raw)


def test_2_0_revocation_list_entries_come_as_objects_and_bare_strings() -> None:
    revocations = parse_revocation_list(doc("ob20/assets/revocation-list.json"))

    entry = revocations.find(assertion_id="https://example.org/beths-robotics-badge-revoked.json", uid=None)
    assert entry is not None and entry.reason == "A good reason, for sure"
    assert revocations.find(assertion_id="urn:uuid:6deb4a00-ebce-4b28-8cc2-afa705ef7be4", uid=None) is not None
    assert revocations.find(assertion_id="https://example.org/beths-robotics-badge.json", uid=None) is None


def test_1_x_revocation_map_is_keyed_by_uid() -> None:
    revocations = parse_revocation_list({"abc": "Cheated", "def": "Mistake"})

    entry = revocations.find(assertion_id=None, uid="def")
    assert entry is not None and entry.reason == "Mistake"


def test_issuer_profile_reads_keys_revocation_list_and_hosting_policy() -> None:
    issuer = parse_issuer(doc("ob20/assets/issuer-with-allowed-origins-valid-multiple-starts-with.json"))
    with_list = parse_issuer(doc("ob20/assets/organization-with-revocation-list.json"))

    assert issuer.verification is not None
    assert issuer.verification.starts_with == ("https://example.org/", "http://example.com/assert")
    assert issuer.verification.allowed_origins is None
    assert with_list.public_keys == ("http://example.org/key3.json",)
    assert with_list.revocation_list == "http://example.org/revocation-list.json"


def test_key_document_needs_a_pem() -> None:
    key = parse_key(doc("ob20/assets/key1.json"))

    assert key.owner == "https://example.org/organization.json"
    with pytest.raises(BadgeFormatError):
        parse_key({"id": "http://example.org/k", "owner": "x"})


@pytest.mark.parametrize(
    ("name", "pointer"),
    [
        ("validator-core/2_0_basic_assertion.json", "https://example.org/beths-robotics-badge.json"),
        ("validator-core/1_0_basic_assertion.json", "http://a.com/instance"),
        ("validator-core/1_0_assertion_with_errors.json", "http://a.com/instance"),
        ("validator-core/0_5_assertion.json", None),
    ],
)
def test_hosted_pointer_reads_where_a_pasted_assertion_is_hosted(name: str, pointer: str | None) -> None:
    assert hosted_pointer(doc(name)) == pointer
