"""A "poison graph" OB 3.0 credential: small, but exponential work for RDF canonicalisation.

It links ``nodes`` blank nodes that all point at each other; they share one
first-degree hash, so RDFC-1.0 must try their permutations recursively (~×8 per extra node).
The proof is well-formed but worthless: the cost comes before any key is looked at.
"""

from __future__ import annotations

import json

from badges.openbadges.signing import build_credential


def poison_credential(
    nodes: int = 8, *, issuer: str = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
) -> dict:
    credential = build_credential(issuer=issuer)
    names = [f"_:n{i}" for i in range(nodes)]
    # An inline context (no URL to fetch) defines the linking term.
    credential["@context"] = [
        *credential["@context"],
        {"linked": {"@id": "https://poison.invalid/linked", "@type": "@id"}},
    ]
    credential["linked"] = [
        {"id": name, "linked": [{"id": other} for other in names if other != name]} for name in names
    ]
    credential["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": issuer + "#" + issuer.removeprefix("did:key:"),
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    return credential


def poison_text(nodes: int = 8) -> str:
    return json.dumps(poison_credential(nodes))
