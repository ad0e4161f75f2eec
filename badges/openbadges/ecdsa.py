"""ECDSA as the Data Integrity suites use it: P-256 with SHA-256, P-384 with SHA-384, raw ``r ‖ s`` signatures."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature


@dataclass(frozen=True)
class Curve:
    hash_name: str  # hashlib name of the hash the suites pair with this curve
    size: int  # bytes per signature half (r or s)

    def algorithm(self) -> ec.ECDSA:
        return ec.ECDSA(hashes.SHA256() if self.hash_name == "sha256" else hashes.SHA384())


CURVES = {"secp256r1": Curve("sha256", 32), "secp384r1": Curve("sha384", 48)}


def verify_raw(public_key: ec.EllipticCurvePublicKey, signature: bytes, message: bytes) -> bool:
    """Does ``signature`` (``r ‖ s``, fixed length for the curve) sign ``message`` under ``public_key``?

    >>> key = ec.generate_private_key(ec.SECP256R1())
    >>> verify_raw(key.public_key(), sign_raw(key, b"hello"), b"hello")
    True
    >>> verify_raw(key.public_key(), sign_raw(key, b"hello"), b"hullo")
    False
    """
    curve = CURVES.get(public_key.curve.name)
    if curve is None or len(signature) != 2 * curve.size:
        return False
    der = encode_dss_signature(
        int.from_bytes(signature[: curve.size], "big"), int.from_bytes(signature[curve.size :], "big")
    )
    try:
        public_key.verify(der, message, curve.algorithm())
    except InvalidSignature:
        return False
    return True


def sign_raw(private_key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """``r ‖ s`` over ``message`` with the curve's hash (for test and demo issuers)."""
    curve = CURVES[private_key.curve.name]
    r, s = decode_dss_signature(private_key.sign(message, curve.algorithm()))
    return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")
