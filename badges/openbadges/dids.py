"""Find the public key behind a verificationMethod or JWS ``kid``: did:key, did:web, HTTPS documents.

Resolution says who controls the key and whether it may sign credentials (``assertionMethod``);
binding that controller to the credential's issuer is the caller's job (``ob3.py``). Fetch
failures propagate as ``FetchError`` (the caller reports "unreachable", never "invalid").
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from .errors import BadgeFormatError, FetchError, UnsupportedError
from .fetching import Fetch, web_url_allowed
from .i18n import gettext_noop as _

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_ED25519_PUB = b"\xed\x01"  # multicodec ed25519-pub (varint 0xed)
_P256_PUB = b"\x80\x24"  # multicodec p256-pub (varint 0x1200), compressed point follows
_P384_PUB = b"\x81\x24"  # multicodec p384-pub (varint 0x1201), compressed point follows
# Verification method types whose key we read (the property holding it decides how).
KEY_TYPES = frozenset(
    {"Multikey", "JsonWebKey", "JsonWebKey2020", "Ed25519VerificationKey2020", "Ed25519VerificationKey2018"}
)


@dataclass(frozen=True)
class ResolvedKey:
    """A key found for ``id``. ``authorized`` = the controller vouches for it as a credential-signing key
    (listed under its ``assertionMethod``, or published in the controller's own Open Badges profile)."""

    id: str
    public_key: PublicKey
    controller: str | None
    authorized: bool | None  # None: the controller's document could not be fetched to ask
    document_url: str | None = None  # where it was fetched from; None for did:key / an embedded jwk


def decode_multikey(value: str) -> PublicKey:
    """A public key from multibase base58btc multicodec (``z6Mk…`` Ed25519, ``zDn…`` P-256, ``z82…`` P-384).

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
    try:
        if raw[:2] == _P256_PUB and len(raw) == 35:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
        if raw[:2] == _P384_PUB and len(raw) == 51:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), raw[2:])
    except ValueError as exc:
        raise BadgeFormatError(_("The key {key} is not a valid point on its curve."), key=value[:60]) from exc
    raise UnsupportedError(_("The key {key} is of a type we cannot check."), key=value[:60])


def encode_ed25519_multikey(key: ed25519.Ed25519PublicKey) -> str:
    """``z6Mk…`` for an Ed25519 public key (the inverse of ``decode_multikey``)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(_ED25519_PUB + raw).decode()


def encode_ec_multikey(key: ec.EllipticCurvePublicKey) -> str:
    """``zDn…`` (P-256) or ``z82…`` (P-384) for an ECDSA public key: the compressed point, multicodec-prefixed."""
    prefix = {"secp256r1": _P256_PUB, "secp384r1": _P384_PUB}.get(key.curve.name)
    if prefix is None:
        raise UnsupportedError(_("The key curve {curve} is not supported."), curve=key.curve.name)
    raw = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return "z" + base58.b58encode(prefix + raw).decode()


def _b64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """A public key from a JWK (OKP Ed25519, EC P-256 / P-384, RSA). ``key_from_jwk({"kty": "OKP", ...})``."""
    try:
        kty = jwk.get("kty")
        if kty == "OKP" and jwk.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(_b64url(jwk["x"]))
        curves = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1}
        if kty == "EC" and jwk.get("crv") in curves:
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(_b64url(jwk["x"]), "big"),
                int.from_bytes(_b64url(jwk["y"]), "big"),
                curves[jwk["crv"]](),
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
    if not web_url_allowed(fetch, key_id):
        raise UnsupportedError(
            _("The key {key} cannot be looked up (only did:key, did:web and https)."), key=key_id[:100]
        )
    url = key_id.split("#")[0]
    doc = _fetch_json(url, fetch=fetch, documents=documents)
    if "kty" in doc or isinstance(doc.get("keys"), list):
        return _from_jwks(doc, key_id, url=url)
    return _from_web_document(doc, key_id, url=url, fetch=fetch, documents=documents)


def _from_web_document(
    doc: dict[str, Any], key_id: str, *, url: str, fetch: Fetch, documents: dict[str, str]
) -> ResolvedKey:
    """A key published over HTTPS: in the issuer's profile, in a controller document, or as a key document.

    The method must really be in the fetched document (a key named only by the URL's fragment is
    refused), and its controller's own document must vouch for it.
    """
    doc_id = doc["id"] if isinstance(doc.get("id"), str) else url
    method = doc if doc_id == key_id else _find_method(doc, key_id, base=doc_id)
    if method is None:
        raise BadgeFormatError(_("The key {key} is not listed in the document at {url}."), key=key_id, url=url)
    key = _key_from_method(method)
    stated = method.get("controller")
    controller = _absolute(stated, doc_id) if isinstance(stated, str) else (None if method is doc else doc_id)
    if controller is None:
        return ResolvedKey(id=key_id, public_key=key, controller=None, authorized=False, document_url=url)
    if controller == doc_id and method is not doc:
        authorized = _vouches_for(doc, key_id, base=doc_id)
    elif web_url_allowed(fetch, controller):
        try:
            controller_doc = _fetch_json(controller.split("#")[0], fetch=fetch, documents=documents)
        except FetchError:
            authorized = None  # the binding check says "could not confirm", unless the controller is wrong anyway
        else:
            authorized = controller_doc.get("id") in (controller, None) and _vouches_for(
                controller_doc, key_id, base=controller
            )
    else:
        authorized = False
    return ResolvedKey(id=key_id, public_key=key, controller=controller, authorized=authorized, document_url=url)


def _find_method(doc: dict[str, Any], key_id: str, *, base: str) -> dict[str, Any] | None:
    for relation in ("verificationMethod", "assertionMethod", "publicKey", "authentication"):
        for item in _listed(doc.get(relation)):
            if isinstance(item, dict) and _absolute(str(item.get("id", "")), base) == key_id:
                return item
    return None


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _vouches_for(doc: dict[str, Any], key_id: str, *, base: str) -> bool:
    """The controller lists the key under ``assertionMethod``, or publishes it in its own Open Badges profile."""
    for item in _listed(doc.get("assertionMethod")):
        ref = item.get("id") if isinstance(item, dict) else item
        if isinstance(ref, str) and _absolute(ref, base) == key_id:
            return True
    types = [t for t in _listed(doc.get("type")) if isinstance(t, str)]
    return "Profile" in types and _find_method(doc, key_id, base=base) is not None


def _from_jwks(doc: dict[str, Any], key_id: str, *, url: str) -> ResolvedKey:
    keys = doc["keys"] if isinstance(doc.get("keys"), list) else [doc]
    fragment = key_id.partition("#")[2]
    matching = [k for k in keys if isinstance(k, dict) and k.get("kid") in (key_id, fragment)]
    if not matching and len(keys) == 1 and isinstance(keys[0], dict) and "kid" not in keys[0]:
        matching = keys  # a lone key with no kid of its own is the one the URL names
    if not matching:
        raise BadgeFormatError(_("The key {key} is not listed in the document at {url}."), key=key_id, url=url)
    # A bare JWK(S) names no controller; the caller binds it by origin.
    return ResolvedKey(
        id=key_id, public_key=key_from_jwk(matching[0]), controller=None, authorized=True, document_url=url
    )


def profile_lists_key(issuer: str, key_id: str, *, fetch: Fetch, documents: dict[str, str]) -> bool:
    """Does the issuer's own profile (fetched from its web id) list ``key_id`` as one of its keys?

    For a JWK served from another origin than the issuer's: it counts as the issuer's only when the
    issuer's profile names it. ``FetchError`` propagates (the caller says "unreachable").
    """
    if not web_url_allowed(fetch, issuer):
        return False
    profile = _fetch_json(issuer.split("#")[0], fetch=fetch, documents=documents)
    if profile.get("id") != issuer:
        return False
    return _vouches_for(profile, key_id, base=issuer) or _find_method(profile, key_id, base=issuer) is not None
