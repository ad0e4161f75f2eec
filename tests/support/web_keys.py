"""An OB 3.0 issuer that publishes its keys over the web, the way the spec's baseline describes.

``WebKeyIssuer(server, suite="ecdsa-rdfc-2019").publish()`` serves an issuer profile at
``/issuer`` (the issuer id) listing one key ``/issuer#key-1`` as a Multikey (or, with
``key_form="jwk"``, a JsonWebKey), and a JWK Set at ``/jwks.json`` for VC-JWTs whose ``kid`` is
``/jwks.json#k1``. ``publish(listed=False)`` serves the profile without the key.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from badges.openbadges import signing
from badges.openbadges.dids import encode_ec_multikey, encode_ed25519_multikey
from tests.support import sd_issuer
from tests.support.issuer_server import IssuerServer

OB_CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
SD_MANDATORY = ["/issuer", "/validFrom", "/credentialSubject/achievement"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def public_jwk(private_key: Any) -> dict[str, str]:
    public = private_key.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(raw)}
    numbers = public.public_numbers()
    size = (public.curve.key_size + 7) // 8
    crv = {"secp256r1": "P-256", "secp384r1": "P-384"}[public.curve.name]
    return {
        "kty": "EC",
        "crv": crv,
        "x": _b64url(numbers.x.to_bytes(size, "big")),
        "y": _b64url(numbers.y.to_bytes(size, "big")),
    }


def multikey(private_key: Any) -> str:
    public = private_key.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        return encode_ed25519_multikey(public)
    return encode_ec_multikey(public)


def new_key(suite: str, curve: ec.EllipticCurve | None = None) -> Any:
    if suite.startswith("eddsa") or suite == "vc-jwt-eddsa":
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(curve or ec.SECP256R1())


@dataclass
class WebKeyIssuer:
    server: IssuerServer
    suite: str = "ecdsa-rdfc-2019"
    curve: ec.EllipticCurve | None = None
    key_form: str = "multikey"  # or "jwk"
    private_key: Any = field(init=False)

    def __post_init__(self) -> None:
        self.private_key = new_key(self.suite, self.curve)

    @property
    def issuer_id(self) -> str:
        return self.server.url("/issuer")

    @property
    def key_id(self) -> str:
        return self.issuer_id + "#key-1"

    @property
    def jwks_kid(self) -> str:
        return self.server.url("/jwks.json#k1")

    def method(self) -> dict[str, Any]:
        method: dict[str, Any] = {"id": self.key_id, "controller": self.issuer_id}
        if self.key_form == "jwk":
            method.update(type="JsonWebKey", publicKeyJwk=public_jwk(self.private_key))
        else:
            method.update(type="Multikey", publicKeyMultibase=multikey(self.private_key))
        return method

    def profile(self, *, listed: bool = True) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "@context": OB_CONTEXTS,
            "id": self.issuer_id,
            "type": ["Profile"],
            "name": "Web Key Issuer",
        }
        if listed:
            profile["verificationMethod"] = [self.method()]
            profile["assertionMethod"] = [self.key_id]
        return profile

    def publish(self, *, listed: bool = True) -> WebKeyIssuer:
        self.server.serve("/issuer", self.profile(listed=listed))
        keys = [{**public_jwk(self.private_key), "kid": "k1"}] if listed else []
        self.server.serve("/jwks.json", {"keys": keys})
        return self

    def credential(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("issuer_name", "Web Key Issuer")
        return signing.build_credential(issuer=self.issuer_id, **kwargs)

    def sign(self, credential: dict[str, Any] | None = None, *, signer: Any = None) -> str:
        """The credential signed with this issuer's suite (``signer`` stands in for another key)."""
        credential = credential or self.credential()
        key = signer or self.private_key
        if self.suite.startswith("vc-jwt"):
            return signing.sign_vc_jwt(credential, private_key=key, kid=self.jwks_kid)
        if self.suite.startswith("ecdsa-sd-2023"):
            base = sd_issuer.sign_base(
                credential, private_key=key, verification_method=self.key_id, mandatory_pointers=SD_MANDATORY
            )
            if self.suite.endswith("derived"):
                base = sd_issuer.derive(base, selective_pointers=["/credentialSubject/id"])
            return json.dumps(base)
        suite = self.suite.split("/")[0]
        return json.dumps(
            signing.sign_with_suite(credential, cryptosuite=suite, private_key=key, verification_method=self.key_id)
        )

    def tampered(self) -> str:
        signed = self.sign()
        if self.suite.startswith("vc-jwt"):
            header, payload, signature = signed.split(".")
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            claims["name"] = "Forged"
            return ".".join([header, _b64url(json.dumps(claims).encode()), signature])
        document = json.loads(signed)
        document["validFrom"] = "2024-02-02T00:00:00Z"
        return json.dumps(document)
