"""Endorsements for tests: OB 3.0 EndorsementCredentials signed by an endorser's did:key, and OB 2.0
hosted Endorsement objects served by the issuer server."""

from __future__ import annotations

import json
import uuid
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from badges.openbadges import signing

OB3_CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def endorsement_credential(endorser: str, *, about: str, comment: str, name: str = "Kyoto Skills Council") -> dict:
    return {
        "@context": OB3_CONTEXTS,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "name": "Endorsement",
        "issuer": {"id": endorser, "type": ["Profile"], "name": name},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": about, "type": ["EndorsementSubject"], "endorsementComment": comment},
    }


def signed_endorsement(
    *,
    about: str,
    comment: str = "Rigorous assessment.",
    key: ed25519.Ed25519PrivateKey | None = None,
    did: str | None = None,
) -> dict[str, Any]:
    """An EndorsementCredential signed by a fresh endorser (or by ``key`` while claiming ``did``)."""
    own_key, own_did = signing.generate_ed25519_did_key()
    endorser = did or own_did
    signer = key or own_key
    method = signing.did_key_method(own_did if key is None else did or own_did)
    return signing.sign_data_integrity(
        endorsement_credential(endorser, about=about, comment=comment), private_key=signer, verification_method=method
    )


def with_endorsements(credential: dict, *, badge=None, achievement=None, issuer=None) -> dict:
    credential = json.loads(json.dumps(credential))
    if badge:
        credential["endorsement"] = badge
    if achievement:
        credential["credentialSubject"]["achievement"]["endorsement"] = achievement
    if issuer:
        credential["issuer"]["endorsement"] = issuer
    return credential


def hosted_ob2_endorsement(server, *, about: str, slug: str = "1", comment: str = "Well designed.") -> str:
    """Serve an OB 2.0 hosted Endorsement and its endorser's profile on ``server``; return its URL."""
    url = server.url(f"/endorsements/{slug}")
    server.serve(
        f"/endorsements/{slug}",
        {
            "@context": OB2_CONTEXT,
            "type": "Endorsement",
            "id": url,
            "issuer": server.url("/endorser"),
            "claim": {"id": about, "endorsementComment": comment},
            "issuedOn": "2026-01-01T00:00:00Z",
            "verification": {"type": "hosted"},
        },
    )
    server.serve(
        "/endorser",
        {"@context": OB2_CONTEXT, "type": "Profile", "id": server.url("/endorser"), "name": "Kyoto Skills Council"},
    )
    return url
