"""Real signed issuers on an ``IssuerServer``: OB 2.0 JWS (fresh RSA key) and OB 3.0 did:key credentials.

    issuer = SignedOb2Issuer(issuer_server).publish()
    token = issuer.token()                      # a compact JWS, RS256, signed with a fresh 2048-bit key
    issuer.revoke(issuer.assertion_id())        # listed on the issuer's revocationList from now on

    vc = DidKeyIssuer(issuer_server).publish()  # fresh Ed25519 did:key, signed status lists served
    text = vc.data_integrity(index=5)           # eddsa-rdfc-2022 credential, status bit 5
    jwt = vc.vc_jwt(index=6)                    # EdDSA VC-JWT, same issuer
    vc.revoke(5); vc.suspend(6)                 # flip bits in the (re-signed) status lists

Also ``RewritingFetch``: lets corpus documents whose URLs point at the internet be served by the
local server without editing them (the verifier still sees the original URLs). Nothing here needs
Django; other helpers may reuse it.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from badges.openbadges import signing
from badges.openbadges.errors import FetchError
from badges.openbadges.fetching import Fetch, Fetched
from tests.support.hosted import OB2_CONTEXT, hashed_email
from tests.support.issuer_server import IssuerServer

SVG_TEMPLATE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    '<circle cx="32" cy="32" r="30" fill="#1c5bb8"/></svg>'
)


def plain_svg() -> bytes:
    return SVG_TEMPLATE.encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def tamper_jws_payload(token: str, old: bytes, new: bytes) -> str:
    """``token`` with one byte of its decoded payload changed (``old`` -> ``new``, same length), signature kept."""
    assert len(old) == len(new) and old != new
    header, payload, signature = token.split(".")
    decoded = b64url_decode(payload)
    assert old in decoded, f"{old!r} not in the payload"
    return ".".join([header, b64url(decoded.replace(old, new, 1)), signature])


# ---------------------------------------------------------------------------------------------
# OB 2.0 signed
# ---------------------------------------------------------------------------------------------


@dataclass
class SignedOb2Issuer:
    """An OB 2.0 issuer that signs assertions (RS256) with its own fresh RSA key.

    Serves ``/signed/issuer`` (profile with ``publicKey`` and ``revocationList``), ``/signed/key``
    (CryptographicKey, owner = issuer), ``/signed/badge`` and ``/signed/revocations``.
    """

    server: IssuerServer
    recipient: str = "hana@example.org"
    salt: str = ""
    badge_name: str = "Signed Robotics"
    key_size: int = 2048
    revoked: dict[str, str] = field(default_factory=dict)
    private_key: rsa.RSAPrivateKey | None = None

    def __post_init__(self) -> None:
        if self.private_key is None:
            self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=self.key_size)

    @property
    def issuer_url(self) -> str:
        return self.server.url("/signed/issuer")

    @property
    def key_url(self) -> str:
        return self.server.url("/signed/key")

    @property
    def badge_url(self) -> str:
        return self.server.url("/signed/badge")

    @property
    def revocations_url(self) -> str:
        return self.server.url("/signed/revocations")

    def public_pem(self) -> str:
        return (
            self.private_key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def publish(self) -> SignedOb2Issuer:
        self.server.serve(
            "/signed/issuer",
            {
                "@context": OB2_CONTEXT,
                "type": "Issuer",
                "id": self.issuer_url,
                "name": "Signing Issuer",
                "url": self.server.url("/"),
                "email": "badges@signing.example",
                "publicKey": self.key_url,
                "revocationList": self.revocations_url,
            },
        )
        self.server.serve(
            "/signed/key",
            {
                "@context": OB2_CONTEXT,
                "type": "CryptographicKey",
                "id": self.key_url,
                "owner": self.issuer_url,
                "publicKeyPem": self.public_pem(),
            },
        )
        self.server.serve(
            "/signed/badge",
            {
                "@context": OB2_CONTEXT,
                "type": "BadgeClass",
                "id": self.badge_url,
                "name": self.badge_name,
                "description": "Builds robots.",
                "image": self.server.url("/signed/badge.png"),
                "criteria": {"narrative": "Build a robot."},
                "issuer": self.issuer_url,
            },
        )
        self._serve_revocations()
        return self

    def _serve_revocations(self) -> None:
        self.server.serve(
            "/signed/revocations",
            {
                "@context": OB2_CONTEXT,
                "type": "RevocationList",
                "id": self.revocations_url,
                "revokedAssertions": [
                    {"id": assertion_id, "revocationReason": reason} for assertion_id, reason in self.revoked.items()
                ],
            },
        )

    def assertion_id(self, slug: str = "1") -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, self.issuer_url + '/' + slug)}"

    def assertion(self, slug: str = "1", **changes: Any) -> dict[str, Any]:
        identity = hashed_email(self.recipient, self.salt)
        recipient: dict[str, Any] = {"type": "email", "hashed": True, "identity": identity}
        if self.salt:
            recipient["salt"] = self.salt
        doc: dict[str, Any] = {
            "@context": OB2_CONTEXT,
            "type": "Assertion",
            "id": self.assertion_id(slug),
            "recipient": recipient,
            "badge": self.badge_url,
            "issuedOn": "2026-01-15T09:00:00+00:00",
            "verification": {"type": "SignedBadge", "creator": self.key_url},
        }
        doc.update(changes)
        return doc

    def sign(self, payload: dict[str, Any]) -> str:
        signing_input = b64url(json.dumps({"alg": "RS256"}).encode()) + "." + b64url(json.dumps(payload).encode())
        signature = self.private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + b64url(signature)

    def token(self, slug: str = "1", **changes: Any) -> str:
        return self.sign(self.assertion(slug, **changes))

    def revoke(self, assertion_id: str, reason: str = "Issued in error") -> None:
        self.revoked[assertion_id] = reason
        self._serve_revocations()


# ---------------------------------------------------------------------------------------------
# OB 3.0 did:key
# ---------------------------------------------------------------------------------------------


@dataclass
class DidKeyIssuer:
    """An OB 3.0 issuer with a fresh Ed25519 did:key and two signed BitstringStatusLists on the server.

    ``/status/revocation`` and ``/status/suspension`` are BitstringStatusListCredentials signed
    (eddsa-rdfc-2022) by the same did:key; ``revoke``/``suspend`` re-sign and re-serve them.
    """

    server: IssuerServer
    subject_id: str = "did:example:learner"
    email: str | None = "hana@example.org"
    revoked: set[int] = field(default_factory=set)
    suspended: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.private_key, self.did = signing.generate_ed25519_did_key()

    @property
    def method(self) -> str:
        return signing.did_key_method(self.did)

    def list_url(self, purpose: str = "revocation") -> str:
        return self.server.url(f"/status/{purpose}")

    def publish(self) -> DidKeyIssuer:
        self._serve_list("revocation", self.revoked)
        self._serve_list("suspension", self.suspended)
        return self

    def _serve_list(self, purpose: str, indexes: set[int]) -> None:
        unsigned = signing.build_status_list_credential(
            url=self.list_url(purpose), issuer=self.did, set_indexes=sorted(indexes), purpose=purpose
        )
        signed = signing.sign_data_integrity(unsigned, private_key=self.private_key, verification_method=self.method)
        self.server.serve(f"/status/{purpose}", signed)

    def revoke(self, index: int) -> None:
        self.revoked.add(index)
        self._serve_list("revocation", self.revoked)

    def suspend(self, index: int) -> None:
        self.suspended.add(index)
        self._serve_list("suspension", self.suspended)

    def credential(self, *, index: int | None = 1, suspension_index: int | None = None, **kwargs: Any) -> dict:
        """An unsigned credential with a revocation entry at ``index`` (and a suspension entry if asked)."""
        entries = []
        if index is not None:
            entries.append(signing.status_list_entry(self.list_url("revocation"), index, purpose="revocation"))
        if suspension_index is not None:
            entries.append(
                signing.status_list_entry(self.list_url("suspension"), suspension_index, purpose="suspension")
            )
        identifiers = []
        if self.email:
            identifiers.append(
                {"identityType": "emailAddress", "hashed": True, "identityHash": hashed_email(self.email)}
            )
        kwargs.setdefault("subject_id", self.subject_id)
        kwargs.setdefault("identifiers", identifiers)
        status: dict | list | None = entries[0] if len(entries) == 1 else (entries or None)
        return signing.build_credential(issuer=self.did, credential_status=status, **kwargs)

    def sign_data_integrity(self, credential: dict[str, Any]) -> str:
        signed = signing.sign_data_integrity(credential, private_key=self.private_key, verification_method=self.method)
        return json.dumps(signed)

    def sign_jwt(self, credential: dict[str, Any]) -> str:
        return signing.sign_vc_jwt(credential, private_key=self.private_key, kid=self.method)

    def data_integrity(self, **kwargs: Any) -> str:
        return self.sign_data_integrity(self.credential(**kwargs))

    def vc_jwt(self, **kwargs: Any) -> str:
        return self.sign_jwt(self.credential(**kwargs))


def other_ed25519_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


# ---------------------------------------------------------------------------------------------
# Serving internet URLs from the local server
# ---------------------------------------------------------------------------------------------


class RewritingFetch:
    """A ``Fetch`` that sends ``prefix`` URLs to a local server through a real fetcher.

    ``RewritingFetch(SafeFetcher(allow_hosts={"127.0.0.1"}), {"https://example.org/": server.url("/ex/")})``:
    a request for ``https://example.org/a.json`` really goes over HTTP to
    ``http://127.0.0.1:<port>/ex/a.json``; the answer is handed back under the URL asked for (and
    final URLs on the local server are mapped back), so the verifier sees the documents exactly as
    their issuer's site would serve them. URLs matching no prefix fail as unreachable, and nothing
    ever leaves 127.0.0.1.
    """

    def __init__(self, fetch: Fetch, prefixes: dict[str, str]) -> None:
        self.fetch = fetch
        # Longest prefix first, so "https://www.example.org/" wins over "https://w".
        self.prefixes = dict(sorted(prefixes.items(), key=lambda item: -len(item[0])))
        self.calls: list[str] = []

    def local(self, url: str) -> str | None:
        for prefix, target in self.prefixes.items():
            if url.startswith(prefix):
                return target + url[len(prefix) :]
        return None

    def _public(self, url: str) -> str:
        for prefix, target in self.prefixes.items():
            if url.startswith(target):
                return prefix + url[len(target) :]
        return url

    def __call__(self, url: str, *, kind: str = "json") -> Fetched:
        self.calls.append(url)
        local = self.local(url)
        if local is None:
            raise FetchError("Could not connect to {url}.", url=url, kind="network")
        try:
            fetched = self.fetch(local, kind=kind)
        except FetchError as error:
            params = {k: v for k, v in error.params.items() if k not in ("url", "status")}
            raise FetchError(error.template, url=url, kind=error.kind, status=error.status, **params) from error
        return Fetched(
            url=self._public(fetched.url),
            body=fetched.body,
            content_type=fetched.content_type,
            status=fetched.status,
            headers=fetched.headers,
        )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
