"""credentialSchema (1EdTechJsonSchemaValidator2019): checked against the bundled OB 3.0 schema, never fetched."""

from __future__ import annotations

import json

from badges.openbadges import signing
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.result import CheckResult, Status
from tests.openbadges.test_ob3_support import NOW

EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def signed_with_schema(schema_id: str = SCHEMA, kind: str = "1EdTechJsonSchemaValidator2019", **changes) -> str:
    key, did = signing.generate_ed25519_did_key()
    credential = signing.build_credential(issuer=did)
    credential["credentialSchema"] = [{"id": schema_id, "type": kind}]
    credential["@context"].append(EXTENSIONS)  # defines the 1EdTechJsonSchemaValidator2019 type
    for path, value in changes.items():
        holder = credential
        *parents, last = path.split("__")
        for step in parents:
            holder = holder[step]
        if value is None:
            del holder[last]
        else:
            holder[last] = value
    return json.dumps(
        signing.sign_data_integrity(credential, private_key=key, verification_method=signing.did_key_method(did))
    )


def test_a_credential_matching_the_bundled_schema_passes_its_own_check_without_any_fetch():
    fetch = DictFetch()
    result = verify_ob3(signed_with_schema(), fetch=fetch, now=NOW)
    assert result.status is Status.VALID
    assert result.check("schema").result is CheckResult.PASS
    assert fetch.calls == []


def test_a_credential_breaking_the_schema_is_invalid_and_says_where():
    payload = signed_with_schema(credentialSubject__achievement__criteria=None)
    result = verify_ob3(payload, fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    check = result.check("schema")
    assert check.result is CheckResult.FAIL
    assert "/credentialSubject/achievement" in check.text
    assert result.check("signature").result is CheckResult.PASS  # the proof itself is fine


def test_a_schema_we_do_not_carry_is_skipped_and_never_fetched():
    fetch = DictFetch({"https://example.org/schema.json": {"type": "object"}})
    result = verify_ob3(signed_with_schema("https://example.org/schema.json"), fetch=fetch, now=NOW)
    assert result.status is Status.VALID
    assert result.check("schema").result is CheckResult.SKIPPED
    assert fetch.calls == []


def test_a_single_value_where_the_schema_wants_a_list_is_read_as_a_one_element_list():
    result = verify_ob3(
        signed_with_schema(type=["VerifiableCredential", "OpenBadgeCredential"]), fetch=DictFetch(), now=NOW
    )
    assert result.check("schema").result is CheckResult.PASS  # "proof" is one object, not a list


def test_a_credential_declaring_no_schema_gets_no_schema_check():
    key, did = signing.generate_ed25519_did_key()
    payload = json.dumps(
        signing.sign_data_integrity(
            signing.build_credential(issuer=did), private_key=key, verification_method=signing.did_key_method(did)
        )
    )
    assert verify_ob3(payload, fetch=DictFetch(), now=NOW).check("schema") is None
