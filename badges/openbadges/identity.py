"""Who an issuer really is, as far as the checks show: not the name the badge gives itself.

A hosted OB 2.0 badge proves only that the issuer's copy was served from its URL, so the
verified identity is that host. A signed OB 2.0 badge or an OB 3.0 credential proves it was
signed with a key; the key's DID (``did:key:…``), its ``did:web`` domain or its URL's host is
the verified identity. Anything a badge says about itself — name, homepage — is self-declared.

    >>> identity_of_key("did:web:badges.example.ac.jp#key-1")
    'badges.example.ac.jp'
    >>> identity_of_key("https://issuer.example/keys/1")
    'issuer.example'
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from .model import BadgeFormat
from .result import CheckResult, Status, VerificationResult


def host_of(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def identity_of_key(key: str) -> str:
    """A signing key's URL or DID -> the identity it proves (a domain, or the DID itself)."""
    key = (key or "").strip()
    if key.startswith("did:web:"):
        domain = key.removeprefix("did:web:").split("#", 1)[0].split(":", 1)[0]
        return unquote(domain).lower()
    if key.startswith("did:"):
        return key.split("#", 1)[0]
    return host_of(key)


def verified_identity(result: VerificationResult) -> str:
    """The issuer identity the checks of ``result`` proved, or "" when they proved none."""
    badge = result.badge
    if badge is None or result.status in (Status.INVALID, Status.UNREACHABLE, Status.UNSUPPORTED):
        return ""
    if badge.format == BadgeFormat.HOSTED:
        hosted = result.check("hosted")
        return host_of(badge.id or "") if hosted is not None and hosted.result is CheckResult.PASS else ""
    signature, key = result.check("signature"), result.check("key")
    if signature is None or signature.result is not CheckResult.PASS:
        return ""
    key_id = str(signature.params.get("key") or "")
    if key_id.startswith(("did:", "http://", "https://")):
        return identity_of_key(key_id)
    # A key carried inside the token proves something only once bound to the issuer's id.
    if key is not None and key.result is CheckResult.PASS and badge.issuer.id:
        return identity_of_key(badge.issuer.id)
    return ""


def same_site(host: str, identity: str) -> bool:
    """Is ``host`` (a homepage's) within the verified ``identity`` domain, or the other way round?"""
    if not host or not identity or identity.startswith("did:"):
        return False
    return host == identity or host.endswith("." + identity) or identity.endswith("." + host)
