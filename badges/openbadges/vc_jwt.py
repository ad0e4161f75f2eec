"""VC-JWT: a credential signed as a compact JWS (RS256, ES256 or EdDSA; never ``none`` or HMAC).

The key comes from the ``kid`` header (resolved and bound to the issuer) or, failing that, from an
embedded ``jwk``, which proves nothing about who signed: then the ``key`` check is skipped with
"issuer not confirmed". JWT claims must agree with the credential they wrap.
"""

from __future__ import annotations

from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .dids import PublicKey, ResolvedKey, key_from_jwk, profile_lists_key
from .errors import BadgeFormatError, FetchError, OpenBadgesError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .proofs import Attempt, Rank, failed_attempt, key_binding, resolve_method
from .result import Check, CheckResult, Status
from .vc import VC_V1, CompactJws, as_list, first_subject, from_seconds, issuer_id, read_date

JWS_ALGORITHMS = ("RS256", "ES256", "EdDSA")  # pinned: never "none" or HMAC


def _jws_signature_ok(jws: CompactJws, key: PublicKey) -> bool:
    alg = jws.header.get("alg")
    try:
        if alg == "EdDSA" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(jws.signature, jws.signing_input)
        elif alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(jws.signature, jws.signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey) and len(jws.signature) == 64:
            der = encode_dss_signature(
                int.from_bytes(jws.signature[:32], "big"), int.from_bytes(jws.signature[32:], "big")
            )
            key.verify(der, jws.signing_input, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def verify_jws(jws: CompactJws, issuer: str | None, *, fetch: Fetch, documents: dict[str, str]) -> tuple[Check, Check]:
    """The ``signature`` and ``key`` checks for a VC-JWT.

    >>> from badges.openbadges.fetching import DictFetch
    >>> from badges.openbadges.signing import build_credential, did_key_method, generate_ed25519_did_key, sign_vc_jwt
    >>> from badges.openbadges.vc import decode_compact_jws
    >>> key, did = generate_ed25519_did_key()
    >>> token = sign_vc_jwt(build_credential(issuer=did), private_key=key, kid=did_key_method(did))
    >>> verify_jws(decode_compact_jws(token), did, fetch=DictFetch(), documents={})[1].result
    <CheckResult.PASS: 'pass'>
    """
    alg = jws.header.get("alg")
    params: dict[str, Any] = {"alg": str(alg)}
    if alg not in JWS_ALGORITHMS:
        failed = failed_attempt(
            Rank.INVALID, _("The token's algorithm {alg} is not accepted (RS256, ES256 or EdDSA only)."), params
        )
        return failed.signature, failed.key
    if "crit" in jws.header or jws.header.get("b64") is False:
        failed = failed_attempt(Rank.UNSUPPORTED, _("The token uses JWS extensions we cannot check."), params)
        return failed.signature, failed.key
    # ``jku`` (a URL to fetch keys from, chosen by whoever made the token) is never followed.
    kid, jwk = jws.header.get("kid"), jws.header.get("jwk")
    resolved: ResolvedKey | None = None
    if isinstance(kid, str) and kid:
        if kid.startswith("#") and issuer:
            kid = issuer + kid
        outcome = resolve_method(kid, fetch=fetch, documents=documents)
        if isinstance(outcome, Attempt):
            return outcome.signature, outcome.key
        resolved = outcome
        public_key = resolved.public_key
        params["key"] = kid
    elif isinstance(jwk, dict):
        try:
            public_key = key_from_jwk(jwk)
        except OpenBadgesError as error:
            rank = Rank.UNSUPPORTED if isinstance(error, UnsupportedError) else Rank.INVALID
            failed = failed_attempt(rank, error.template, {**params, **error.params})
            return failed.signature, failed.key
        params["key"] = _("the key embedded in the token")
    else:
        failed = failed_attempt(
            Rank.INVALID,
            _("The token names no key (no kid or jwk header), so its signature cannot be checked."),
            params,
        )
        return failed.signature, failed.key
    if not _jws_signature_ok(jws, public_key):
        failed = failed_attempt(
            Rank.INVALID,
            _("The {alg} token signature does not match: the credential was altered or signed with another key."),
            params,
        )
        return failed.signature, failed.key
    signed = Check("signature", CheckResult.PASS, _("Signed as a VC-JWT ({alg}) by {key}."), params)
    if resolved is None:
        return signed, Check(
            "key",
            CheckResult.SKIPPED,
            _("Issuer not confirmed: the token carries its own key, which anyone could have made."),
            params,
        )
    return signed, _jwt_key_binding(resolved, issuer, fetch=fetch, documents=documents)


def _jwt_key_binding(resolved: ResolvedKey, issuer: str | None, *, fetch: Fetch, documents: dict[str, str]) -> Check:
    """A ``kid`` JWK served away from the issuer's origin is the issuer's only if its profile lists it."""
    binding = key_binding(resolved, issuer)
    if binding.result is CheckResult.PASS or resolved.controller is not None or not issuer:
        return binding
    try:
        listed = profile_lists_key(issuer, resolved.id, fetch=fetch, documents=documents)
    except FetchError as error:
        return Check(
            "key",
            CheckResult.ERROR,
            _("Could not fetch the issuer's profile {issuer} to see whether it lists the key {key}: {reason}"),
            {"issuer": issuer, "key": resolved.id, "reason": error.as_message()},
            status=Status.UNREACHABLE,
        )
    except BadgeFormatError:
        listed = False
    if not listed:
        return binding
    return Check(
        "key",
        CheckResult.PASS,
        _("The key {key} is listed in the issuer's profile {issuer}."),
        {"key": resolved.id, "issuer": issuer},
    )


def claim_problems(jws: CompactJws, credential: dict[str, Any]) -> list[Check]:
    """JWT claims that contradict the credential (each one is a format failure)."""
    claims = jws.payload
    found: list[tuple[str, Any, Any]] = []
    if "iss" in claims and claims["iss"] != issuer_id(credential):
        found.append(("iss", claims["iss"], issuer_id(credential)))
    if "jti" in claims and credential.get("id") is not None and claims["jti"] != credential.get("id"):
        found.append(("jti", claims["jti"], credential.get("id")))
    subject_id = first_subject(credential).get("id")
    if "sub" in claims and subject_id is not None and claims["sub"] != subject_id:
        found.append(("sub", claims["sub"], subject_id))
    v1 = as_list(credential.get("@context"))[0] == VC_V1
    starts = ("issuanceDate", "validFrom") if v1 else ("validFrom", "issuanceDate")
    ends = ("expirationDate", "validUntil") if v1 else ("validUntil", "expirationDate")
    for claim, names in (("nbf", starts), ("exp", ends)):
        stated = next((credential[n] for n in names if credential.get(n)), None)
        when = from_seconds(claims.get(claim))
        if when is not None and stated is not None:
            try:
                differs = abs((read_date(stated) - when).total_seconds()) >= 1  # type: ignore[operator]
            except BadgeFormatError:
                differs = True
            if differs:
                found.append((claim, claims[claim], stated))
    return [
        Check(
            "format",
            CheckResult.FAIL,
            _("The token's {claim} claim ({claim_value}) contradicts the credential ({value})."),
            {"claim": c, "claim_value": str(a), "value": str(b)},
            status=Status.INVALID,
        )
        for c, a, b in found
    ]
