"""Bundled contexts, the no-network document loader, RDFC-1.0 canonicalisation and safe mode."""

from __future__ import annotations

import hashlib
import json

import pytest
from pyld import jsonld as pyld

from badges.openbadges import jsonld
from badges.openbadges.errors import UnsupportedError
from tests.openbadges.test_ob3_support import TEST_VECTOR_DIR, read_fixture


@pytest.fixture(autouse=True)
def _no_network_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(url: str, options: object = None) -> None:
        raise AssertionError(f"pyld's default loader was asked for {url}")

    monkeypatch.setattr(pyld, "_default_document_loader", refuse)


def test_index_lists_31_contexts_that_all_parse() -> None:
    index = json.loads((jsonld.CONTEXTS_DIR / "index.json").read_text())
    assert len(index) == 31
    for url in index:
        assert "@context" in jsonld.load_context(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.w3.org/ns/credentials/v2",
        "http://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/v2/",
        "http://w3id.org/openbadges/v2/",
    ],
)
def test_loader_serves_variants_of_bundled_urls(url: str) -> None:
    assert "@context" in jsonld.document_loader(url)["document"]


def test_loader_refuses_unknown_urls() -> None:
    with pytest.raises(UnsupportedError):
        jsonld.document_loader("https://evil.example/context.json")


def test_loader_returns_copies() -> None:
    jsonld.load_context("https://www.w3.org/ns/credentials/v2")["@context"]["poison"] = "x"
    assert "poison" not in jsonld.load_context("https://www.w3.org/ns/credentials/v2")["@context"]


def test_unknown_context_is_unsupported_not_fetched() -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", "https://unknown.example/ctx"], "type": "X"}
    assert jsonld.unknown_contexts(document) == ["https://unknown.example/ctx"]
    with pytest.raises(UnsupportedError):
        jsonld.canonize(document)


def test_golden_vector_canonical_forms_are_byte_identical() -> None:
    signed = json.loads((TEST_VECTOR_DIR / "signed-credential.json").read_text())
    proof = signed.pop("proof")
    document_canon = jsonld.canonize(signed)
    assert document_canon == (TEST_VECTOR_DIR / "document-canon.txt").read_text()
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = signed["@context"]
    proof_canon = jsonld.canonize(options)
    assert proof_canon == (TEST_VECTOR_DIR / "proof-canon.txt").read_text()
    expected = json.loads((TEST_VECTOR_DIR / "keypair.json").read_text())["expected"]
    assert hashlib.sha256(document_canon.encode()).hexdigest() == expected["documentHashHex"]
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == expected["proofHashHex"]


def test_safe_mode_flags_the_corpus_safe_mode_breaker() -> None:
    breaker = json.loads(read_fixture("dcc-verifier-core/verifiableCredentials/eddsa/v2/safeModeBreaker.json"))
    breaker.pop("proof")
    assert jsonld.undefined_terms(breaker) == ["StatusList2021Entry"]


def test_safe_mode_flags_dropped_terms_and_relative_ids() -> None:
    context = {"name": "https://schema.org/name"}
    assert jsonld.undefined_terms({"@context": context, "nmae": "x"}) == ["nmae"]
    assert jsonld.undefined_terms({"@context": context, "@id": "relative", "name": "x"}) == ["relative"]
    assert jsonld.undefined_terms({"@context": context, "@id": "urn:x", "name": "x"}) == []


def test_an_inline_null_base_cannot_smuggle_a_relative_iri_past_the_check() -> None:
    # With "@base": null, relative IRIs stay relative and RDF drops them: unsigned, silently.
    context = {"@vocab": "https://example.org/", "@base": None, "see": {"@type": "@id"}}
    assert jsonld.undefined_terms({"@context": context, "@id": "urn:x", "see": "relative"}) == ["relative"]
    assert jsonld.undefined_terms({"@context": context, "@id": "node", "see": "urn:y"}) == ["node"]
    assert jsonld.undefined_terms({"@context": context, "@id": "urn:x", "see": "urn:y"}) == []
    assert jsonld.undefined_terms({"@context": context, "@id": "urn:x", "see": {"@id": "_:b0"}}) == []


def test_a_json_literal_holds_no_terms_to_check() -> None:
    # VC 2.0 types some properties "@json" (jsonSchema, jwk, _sd): their keys are data, not terms.
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example/",
        "credentialSubject": {"id": "did:example:abc"},
        "credentialSchema": {
            "id": "https://issuer.example/schema",
            "type": "JsonSchema",
            "jsonSchema": {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"},
        },
    }
    assert jsonld.undefined_terms(credential) == []
    context = {"@vocab": "https://example.org/", "@base": None, "data": {"@type": "@json"}}
    assert jsonld.undefined_terms({"@context": context, "@id": "urn:x", "data": {"relative": "x"}}) == []


def test_clean_credential_has_no_undefined_terms() -> None:
    credential = json.loads(read_fixture("dcc-verifier-core/verifiableCredentials/v2/v2NoStatus.json"))
    credential.pop("proof")
    assert jsonld.undefined_terms(credential) == []
