"""The one-expansion canonicalisation gives byte for byte what pyld's normalize gives.

And the evaluation of a native RDFC-1.0 (pyoxigraph): it agrees on the 1EdTech vector and the
fixtures (benchmarks/rdfc_compare.py runs all 280 documents); it is not adopted because expansion,
not canonicalisation, is where the time goes, and it could not be held to the work budget.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from badges.openbadges import jsonld
from benchmarks.rdfc_compare import pyoxigraph_canonical, split

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ob3"
VECTOR = FIXTURES / "1edtech-openbadges-specification" / "ob_v3p0" / "impl" / "test-vectors" / "obv3p0"


def fixture_documents():
    docs = []
    for path in sorted((FIXTURES / "dcc-vc-test-fixtures" / "verifiableCredentials" / "v2").rglob("*.json"))[:12]:
        docs += list(split(path.name, json.loads(path.read_text())))
    signed = json.loads((VECTOR / "signed-credential.json").read_text())
    docs += list(split("1edtech-vector", signed))
    return docs


@pytest.mark.parametrize(("name", "document"), fixture_documents(), ids=lambda v: v if isinstance(v, str) else "")
def test_one_expansion_and_pyoxigraph_agree_with_pyld(name, document):
    reference = jsonld.canonize(document)
    assert jsonld.Analysis(document).canonize() == reference
    assert pyoxigraph_canonical(document) == reference


def test_the_1edtech_vector_canonical_form_comes_out_of_one_expansion():
    signed = json.loads((VECTOR / "signed-credential.json").read_text())
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    analysis = jsonld.Analysis(unsigned)
    assert analysis.undefined_terms() == []
    assert analysis.canonize() == (VECTOR / "document-canon.txt").read_text()


def test_relative_iris_fall_back_to_the_plain_path_and_are_still_reported():
    document = {"@context": {"@vocab": "https://e.org/", "see": {"@type": "@id"}}, "@id": "urn:x", "see": "relative"}
    analysis = jsonld.Analysis(document)
    assert analysis.undefined_terms() == ["relative"]
    assert analysis.canonize() == jsonld.canonize(document)
