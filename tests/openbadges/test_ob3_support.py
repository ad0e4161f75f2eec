"""Shared helpers for the OB 3.0 tests: corpus files served through ``DictFetch``, fresh keys.

Lives in a test module (the project's conftest belongs to someone else); its own tests only
check that the fixtures it relies on are present.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from badges.openbadges.fetching import DictFetch
from badges.openbadges.ob3 import issuer_id

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ob3"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
TEST_VECTOR_DIR = FIXTURES / "1edtech-openbadges-specification/ob_v3p0/impl/test-vectors/obv3p0"


def corpus_documents() -> dict[str, Any]:
    """url -> body for every network document the corpus credentials dereference."""
    url_map = json.loads((FIXTURES / "url-map.json").read_text())["documents"]
    return {url: (FIXTURES / path).read_bytes() for url, path in url_map.items()}


def read_fixture(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")


def controller_documents(credential: dict[str, Any]) -> dict[str, Any]:
    """Controller documents for HTTPS verificationMethods ``<issuer>#<multikey>`` (1EdTech samples).

    The 1EdTech validator reads the key straight from the fragment; a strict verifier fetches
    the issuer, so tests publish the key there, the way a real issuer would.
    """
    issuer = issuer_id(credential)
    documents: dict[str, Any] = {}
    proofs = credential.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        method = proof.get("verificationMethod") if isinstance(proof, dict) else None
        if not isinstance(method, str) or not method.startswith("https://") or "#" not in method:
            continue
        url, fragment = method.split("#", 1)
        doc = documents.setdefault(
            url,
            {
                "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
                "id": issuer,
                "verificationMethod": [],
                "assertionMethod": [],
            },
        )
        doc["verificationMethod"].append(
            {"id": method, "type": "Multikey", "controller": issuer, "publicKeyMultibase": fragment}
        )
        doc["assertionMethod"].append(method)
    return documents


def corpus_fetch(*extra_credentials: dict[str, Any]) -> DictFetch:
    documents = corpus_documents()
    for credential in extra_credentials:
        documents.update(controller_documents(credential))
    return DictFetch(documents)


def test_url_map_files_exist() -> None:
    url_map = json.loads((FIXTURES / "url-map.json").read_text())["documents"]
    assert url_map
    for path in url_map.values():
        assert (FIXTURES / path).is_file(), path


def test_controller_document_lists_the_fragment_key() -> None:
    credential = json.loads(read_fixture("1edtech-dc-public-validator/ob30/simple.json"))
    docs = controller_documents(credential)
    (doc,) = docs.values()
    assert doc["id"] == "https://example.com/issuers/876543"
    assert doc["assertionMethod"] == [doc["verificationMethod"][0]["id"]]
