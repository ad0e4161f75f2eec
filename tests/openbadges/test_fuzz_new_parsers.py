"""Property tests for the parsers issue 12 added: hostile input only ever raises the core's own errors.

ecdsa-sd-2023 proof values and JSON pointers, key documents fetched over the web (profiles,
controller documents, JWK Sets), endorsements, CLR contents, credentialSchema and multilingual
values. Whatever the input: a result, or an ``OpenBadgesError``; never a stray exception.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import cbor2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from badges.openbadges import ecdsa_sd, signing
from badges.openbadges.dids import resolve_key
from badges.openbadges.errors import OpenBadgesError
from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import verify_ob3
from badges.openbadges.ob3_details import details, localized
from badges.openbadges.result import Status
from badges.openbadges.schema import schema_check

NOW = datetime(2026, 6, 1, tzinfo=UTC)
bounded = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
cbor_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.binary(max_size=40) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=6) | st.dictionaries(st.integers(0, 5), children, max_size=4),
    max_leaves=20,
)


@bounded
@given(st.sampled_from([b"\xd9\x5d\x00", b"\xd9\x5d\x01", b"\xd9\x5d\x02", b""]), cbor_values)
def test_sd_proof_values_parse_or_are_refused(header, items):
    value = "u" + base64.urlsafe_b64encode(header + cbor2.dumps(items)).decode().rstrip("=")
    try:
        ecdsa_sd.parse_proof_value(value)
    except OpenBadgesError:
        pass


@bounded
@given(st.text(max_size=60))
def test_arbitrary_sd_proof_value_text_is_refused_cleanly(value):
    try:
        ecdsa_sd.parse_proof_value(value)
    except OpenBadgesError:
        pass


@bounded
@given(st.lists(st.text(max_size=20), max_size=4), json_values)
def test_json_pointer_selection_never_crashes(pointers, document):
    try:
        ecdsa_sd.select_json_ld(pointers, document if isinstance(document, dict) else {"x": document})
    except OpenBadgesError:
        pass


@bounded
@given(json_values)
def test_key_documents_from_the_web_resolve_or_are_refused(document):
    fetch = DictFetch({"https://issuer.example/profile": document if isinstance(document, dict | list) else 200})
    try:
        resolve_key("https://issuer.example/profile#key-1", fetch=fetch, documents={})
    except OpenBadgesError:
        pass


@bounded
@given(json_values)
def test_a_jwk_set_of_anything_resolves_or_is_refused(keys):
    fetch = DictFetch({"https://issuer.example/jwks.json": {"keys": keys if isinstance(keys, list) else [keys]}})
    try:
        resolve_key("https://issuer.example/jwks.json#k1", fetch=fetch, documents={})
    except OpenBadgesError:
        pass


_KEY, _DID = signing.generate_ed25519_did_key()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, json_values, json_values)
def test_credentials_with_arbitrary_endorsements_schemas_and_clr_contents_still_get_a_verdict(
    endorsement, schema, contained
):
    credential = signing.build_credential(issuer=_DID)
    credential["endorsement"] = endorsement
    credential["credentialSchema"] = schema
    credential["credentialSubject"]["verifiableCredential"] = contained
    credential["type"] = ["VerifiableCredential", "ClrCredential"]
    result = verify_ob3(json.dumps(credential), fetch=DictFetch(), now=NOW)
    assert isinstance(result.status, Status)
    assert schema_check(credential) is None or schema_check(credential).name == "schema"


@bounded
@given(json_values, st.lists(st.text(max_size=5), max_size=3))
def test_multilingual_values_always_give_a_string(value, languages):
    assert isinstance(localized(value, languages), str)


@bounded
@given(json_values)
def test_details_of_any_credential_shape_never_crash(subject):
    credential = signing.build_credential(issuer=_DID)
    credential["credentialSubject"] = subject if isinstance(subject, dict) else {"achievement": subject}
    try:
        details(json.dumps(credential), ["ja"])
    except OpenBadgesError:
        pass


@bounded
@given(json_values, json_values)
def test_results_and_result_descriptions_of_any_shape_never_crash(results, descriptions):
    credential = signing.build_credential(issuer=_DID)
    credential["credentialSubject"]["result"] = results
    credential["credentialSubject"]["achievement"]["resultDescription"] = descriptions
    details(json.dumps(credential), ["en"])
