"""Find the public key behind a verificationMethod or JWS ``kid``: did:key, did:web, HTTPS documents.

Resolution says who controls the key and whether it may sign credentials (``assertionMethod``);
binding that controller to the credential's issuer is the caller's job (``ob3.py``). Fetch
failures propagate as ``FetchError`` (the caller reports "unreachable", never "invalid").
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import base58
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .errors import BadgeFormatError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
_P256_PUB = b"\x80\x24"  # multicodec p256-pub (varint 0x1200), compressed point follows


@dataclass(frozen=True)
class ResolvedKey:
    """A key found for ``id``. ``authorized`` = listed under the controller's ``assertionMethod``."""

    id: str
    public_key: PublicKey
    controller: str | None
    authorized: bool
    document_url: str | None = None  # where it was fetched from; None for did:key / an embedded jwk


def decode_multikey(value: str) -> PublicKey:
    """A public key from multibase base58btc multicodec (``z6Mk…`` Ed25519, ``zDn…`` P-256).

    >>> decode_multikey("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")  # doctest: +ELLIPSIS
    <...Ed25519PublicKey...>
    """
    if not value.startswith("z"):
        raise UnsupportedError(_("The key {key} is not base58btc multibase."), key=value[:60])
    try:
        raw = base58.b58decode(value[1:])
    except ValueError as exc:
        raise BadgeFormatError(_("The key {key} is not valid base58."), key=value[:60]) from exc
    if raw[:2] == _ED25519_PUB and len(raw) == 34:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])
    if raw[:2] == _P256_PUB and len(raw) == 35:
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
    raise UnsupportedError(_("The key {key} is of a type we cannot check."), key=value[:60])


def encode_ed25519_multikey(key: ed25519.Ed25519PublicKey) -> str:
    """``z6Mk…`` for an Ed25519 public key (the inverse of ``decode_multikey``)."""
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(_ED25519_PUB + raw).decode()


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """A public key from a JWK (OKP Ed25519, EC P-256, RSA). ``key_from_jwk({"kty": "OKP", ...})``."""
    try:
        kty = jwk.get("kty")
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(_b64url(jwk["x"]))
        if kty == "EC" and jwk.get("crv") == "P-256":
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(_b64url(jwk["x"]), "big"), int.from_bytes(_b64url(jwk["y"]), "big"), ec.SECP256R1()
            )
            return numbers.public_key()
        if kty == "RSA":
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(_b64url(jwk["e"]), "big"), int.from_bytes(_b64url(jwk["n"]), "big")
            )
            return numbers.public_key()
    except (KeyError, TypeError, ValueError) as exc:
        raise BadgeFormatError(_("The JSON Web Key is malformed.")) from exc
    raise UnsupportedError(_("The JSON Web Key type {kty} is not supported."), kty=str(jwk.get("kty")))


def _key_from_method(method: dict[str, Any]) -> PublicKey:
    if isinstance(method.get("publicKeyMultibase"), str):
        return decode_multikey(method["publicKeyMultibase"])
    if isinstance(method.get("publicKeyJwk"), dict):
        return key_from_jwk(method["publicKeyJwk"])
    if isinstance(method.get("publicKeyBase58"), str):  # Ed25519VerificationKey2018: raw key bytes
        return ed25519.Ed25519PublicKey.from_public_bytes(base58.b58decode(method["publicKeyBase58"]))
    raise UnsupportedError(_("The key {key} is published in a form we cannot read."), key=str(method.get("id")))


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document.

    >>> did_web_url("did:web:example.com:issuers:1")
    'https://example.com/issuers/1/did.json'
    """
    parts = did.split(":")
    if len(parts) < 3 or parts[:2] != ["did", "web"] or not parts[2]:
        raise BadgeFormatError(_("{did} is not a valid did:web DID."), did=did)
    host = unquote(parts[2])  # "%3A" encodes a port
    if "/" in host or "@" in host:
        raise BadgeFormatError(_("{did} is not a valid did:web DID."), did=did)
    path = "/".join(unquote(p) for p in parts[3:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _fetch_json(url: str, *, fetch: Fetch, documents: dict[str, str]) -> dict[str, Any]:
    fetched = fetch(url, kind="json")
    documents[url] = fetched.body.decode("utf-8", errors="replace")
    data = fetched.json()
    if not isinstance(data, dict):
        raise BadgeFormatError(_("The document at {url} is not a JSON object."), url=url)
    return data


def _find_in_controller_doc(doc: dict[str, Any], key_id: str, *, url: str) -> ResolvedKey:
    base = str(doc.get("id") or key_id.split("#")[0])
    candidates: list[dict[str, Any]] = []
    for relation in ("verificationMethod", "assertionMethod", "publicKey", "authentication"):
        for item in doc.get(relation) or []:
            if isinstance(item, dict):
                candidates.append(item)
    method = next((m for m in candidates if _absolute(str(m.get("id", "")), base) == key_id), None)
    if method is None:
        raise BadgeFormatError(_("The key {key} is not listed in the document at {url}."), key=key_id, url=url)
    assertion_refs = {
        _absolute(str(item.get("id", "")) if isinstance(item, dict) else str(item), base)
        for item in doc.get("assertionMethod") or []
    }
    controller = method.get("controller")
    return ResolvedKey(
        id=key_id,
        public_key=_key_from_method(method),
        controller=_absolute(controller, base) if isinstance(controller, str) else None,
        authorized=key_id in assertion_refs,
        document_url=url,
    )


def resolve_key(key_id: str, *, fetch: Fetch, documents: dict[str, str]) -> ResolvedKey:
    """Resolve a verificationMethod / ``kid`` to its public key; fetched bodies go into ``documents``.

    >>> from badges.openbadges.fetching import DictFetch
    >>> did = "did:key:z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
    >>> resolve_key(did + "#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", fetch=DictFetch(), documents={}).controller == did
    True
    """
    if key_id.startswith("did:key:"):
        did, _hash, fragment = key_id.partition("#")
        identifier = did.removeprefix("did:key:")
        if fragment and fragment != identifier:
            raise BadgeFormatError(_("The key {key} names a different key in its fragment."), key=key_id)
        return ResolvedKey(id=key_id, public_key=decode_multikey(identifier), controller=did, authorized=True)
    if key_id.startswith("did:web:"):
        did = key_id.split("#")[0]
        url = did_web_url(did)
        doc = _fetch_json(url, fetch=fetch, documents=documents)
        if doc.get("id") != did:
            raise BadgeFormatError(
                _("The DID document at {url} is for {other}, not {did}."), url=url, other=str(doc.get("id")), did=did
            )
        return _find_in_controller_doc(doc, key_id, url=url)
    if key_id.startswith("did:"):
        method = ":".join(key_id.split(":")[:2])
        raise UnsupportedError(_("The DID method {method} is not supported."), method=method)
    scheme = urlsplit(key_id).scheme
    if scheme != "https":
        raise UnsupportedError(
            _("The key {key} cannot be looked up (only did:key, did:web and https)."), key=key_id[:100]
        )
    url = key_id.split("#")[0]
    doc = _fetch_json(url, fetch=fetch, documents=documents)
    if "kty" in doc or isinstance(doc.get("keys"), list):
        return _from_jwks(doc, key_id, url=url)
    if doc.get("id") == key_id and not doc.get("verificationMethod"):
        # A standalone key document: its controller document says whether it may assert.
        controller = doc.get("controller")
        key = _key_from_method(doc)
        authorized = False
        if isinstance(controller, str) and controller.startswith("https://"):
            controller_doc = _fetch_json(controller.split("#")[0], fetch=fetch, documents=documents)
            refs = controller_doc.get("assertionMethod") or []
            authorized = any((r.get("id") if isinstance(r, dict) else r) == key_id for r in refs)
        return ResolvedKey(
            id=key_id,
            public_key=key,
            controller=controller if isinstance(controller, str) else None,
            authorized=authorized,
            document_url=url,
        )
    return _find_in_controller_doc(doc, key_id, url=url)


def _from_jwks(doc: dict[str, Any], key_id: str, *, url: str) -> ResolvedKey:
    keys = doc["keys"] if isinstance(doc.get("keys"), list) else [doc]
    fragment = key_id.partition("#")[2]
    matching = [k for k in keys if isinstance(k, dict) and k.get("kid") in (key_id, fragment)]
    if not matching and len(keys) == 1 and isinstance(keys[0], dict):
        matching = keys
    if not matching:
        raise BadgeFormatError(_("The key {key} is not listed in the document at {url}."), key=key_id, url=url)
    # A bare JWK(S) names no controller; the caller binds it by origin.
    return ResolvedKey(
        id=key_id, public_key=key_from_jwk(matching[0]), controller=None, authorized=True, document_url=url
    )
