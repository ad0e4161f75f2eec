"""Endorsements: third parties vouching for a badge, its achievement / badge class, or its issuer.

OB 3.0: ``EndorsementCredential``s embedded as ``endorsement`` (JSON) or ``endorsementJwt`` on the
credential, its achievement and its issuer profile, each verified like any credential by ``ob3``.
OB 2.0: ``endorsement`` on the assertion, badge class or issuer: hosted Endorsement objects (the
copy at their id is authoritative, hosted where their issuer says) or signed ones (a compact JWS
whose key the endorser lists). An endorsement is reported beside the badge's verdict and never
changes it; at most ``MAX_ENDORSEMENTS`` are checked per badge.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from . import jsontext
from .errors import BadgeFormatError, FetchError, OpenBadgesError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .result import Check, CheckResult, Status

MAX_ENDORSEMENTS = 8


@dataclass(frozen=True)
class Endorsement:
    """One endorsement as checked. ``about`` is what it endorses: "badge", "achievement" or "issuer"."""

    about: str
    endorser: str  # display name (or id when it has none)
    endorser_id: str | None
    comment: str
    status: Status
    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        return self.status is Status.VALID

    def as_json(self) -> dict[str, Any]:
        return {
            "about": self.about,
            "endorser": self.endorser,
            "endorser_id": self.endorser_id,
            "comment": self.comment,
            "status": str(self.status),
            "verified": self.verified,
            "checks": [c.as_dict() for c in self.checks],
        }


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ob3_sources(credential: dict[str, Any]) -> list[tuple[str, str]]:
    """(about, payload) for every endorsement embedded in an OB 3.0 credential, at most ``MAX_ENDORSEMENTS``."""
    subjects = [s for s in _as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
    achievement = subjects[0].get("achievement") if subjects else None
    issuer = credential.get("issuer")
    found: list[tuple[str, str]] = []
    for about, node in (("badge", credential), ("achievement", achievement), ("issuer", issuer)):
        if not isinstance(node, dict):
            continue
        for item in _as_list(node.get("endorsement")):
            if isinstance(item, dict):
                found.append((about, json.dumps(item)))
        for token in _as_list(node.get("endorsementJwt")):
            if isinstance(token, str):
                found.append((about, token))
    return found[:MAX_ENDORSEMENTS]


def comment_of(credential: dict[str, Any]) -> str:
    subjects = [s for s in _as_list(credential.get("credentialSubject")) if isinstance(s, dict)]
    comment = subjects[0].get("endorsementComment") if subjects else None
    return comment if isinstance(comment, str) else ""


# ---------------------------------------------------------------------------------------------
# OB 2.0


def ob2_sources(assertion: Any, badge_class: Any, issuer: Any) -> list[tuple[str, Any]]:
    """(about, item) for the ``endorsement`` values of the OB 2.0 documents (URLs, objects or JWS)."""
    found: list[tuple[str, Any]] = []
    for about, node in (("badge", assertion), ("achievement", badge_class), ("issuer", issuer)):
        if isinstance(node, dict):
            found += [(about, item) for item in _as_list(node.get("endorsement")) if isinstance(item, str | dict)]
    return found[:MAX_ENDORSEMENTS]


def verify_ob2_endorsement(about: str, item: Any, *, fetch: Fetch, now: datetime) -> Endorsement:
    """Check one OB 2.0 endorsement: hosted (fetched from its id) or signed (a compact JWS)."""
    checks: list[Check] = []
    endorser_id: str | None = None
    endorser = ""
    comment = ""
    try:
        doc, hosted_at, signed = _endorsement_document(item, fetch=fetch)
        comment = _claim_comment(doc)
        issuer_ref = doc.get("issuer")
        profile = issuer_ref if isinstance(issuer_ref, dict) else None
        endorser_id = profile.get("id") if profile else issuer_ref if isinstance(issuer_ref, str) else None
        if profile is None and endorser_id and _is_web(endorser_id):
            profile = _fetch_object(endorser_id, fetch=fetch)
        if profile is None or not endorser_id:
            raise BadgeFormatError(_("The endorsement does not name who endorses."))
        endorser = str(profile.get("name") or endorser_id)
        if signed is not None:
            checks.append(_signed_check(signed, profile, fetch=fetch))
        else:
            checks.append(_hosted_check(hosted_at or "", endorser_id, profile))
        checks.append(_date_check(doc, now))
        if doc.get("revoked") is True:
            checks.append(
                Check(
                    "revocation", CheckResult.FAIL, _("The endorser revoked this endorsement."), status=Status.REVOKED
                )
            )
    except FetchError as error:
        checks.append(
            Check(
                "documents",
                CheckResult.ERROR,
                _("Could not fetch the endorsement {url}: {reason}"),
                {"url": error.url or "", "reason": error.as_message()},
                status=Status.UNREACHABLE,
            )
        )
    except OpenBadgesError as error:
        checks.append(Check("format", CheckResult.FAIL, error.template, dict(error.params), status=Status.INVALID))
    return Endorsement(about, endorser or endorser_id or "?", endorser_id, comment, _headline(checks), tuple(checks))


def _is_web(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def _fetch_object(url: str, *, fetch: Fetch) -> dict[str, Any]:
    data = fetch(url, kind="json").json()
    if not isinstance(data, dict):
        raise BadgeFormatError(_("The document at {url} is not a JSON object."), url=url)
    return data


def _b64url(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _endorsement_document(
    item: Any, *, fetch: Fetch
) -> tuple[dict[str, Any], str | None, tuple[dict, bytes, bytes] | None]:
    if isinstance(item, str) and item.count(".") == 2 and not _is_web(item):
        head, body, signature = item.split(".")
        try:
            header, doc = jsontext.loads(_b64url(head)), jsontext.loads(_b64url(body))
            raw_signature = _b64url(signature)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadgeFormatError(_("This signed badge (JWS) is malformed.")) from exc
        if not isinstance(doc, dict) or not isinstance(header, dict):
            raise BadgeFormatError(_("This signed badge (JWS) is malformed."))
        return doc, None, (header, f"{head}.{body}".encode("ascii"), raw_signature)
    url = item if isinstance(item, str) else item.get("id") if isinstance(item, dict) else None
    if not isinstance(url, str) or not _is_web(url):
        raise BadgeFormatError(_("The endorsement does not say where it is hosted."))
    doc = _fetch_object(url, fetch=fetch)  # the hosted copy is authoritative, not the embedded one
    if doc.get("id") not in (url, None):
        raise BadgeFormatError(_("The document at {url} says it is {declared}."), url=url, declared=str(doc.get("id")))
    return doc, url, None


def _claim_comment(doc: dict[str, Any]) -> str:
    claim = doc.get("claim")
    comment = claim.get("endorsementComment") if isinstance(claim, dict) else None
    return comment if isinstance(comment, str) else ""


def _hosted_check(hosted_at: str, endorser_id: str, profile: dict[str, Any]) -> Check:
    allowed = {urlsplit(endorser_id).netloc.lower()}
    policy = profile.get("verification")
    if isinstance(policy, dict) and policy.get("allowedOrigins"):
        allowed = {str(o).lower() for o in _as_list(policy["allowedOrigins"])}
    host = urlsplit(hosted_at).netloc.lower()
    if host in allowed:
        return Check(
            "hosted", CheckResult.PASS, _("Checked against the endorser's own copy at {url}."), {"url": hosted_at}
        )
    return Check(
        "hosted",
        CheckResult.FAIL,
        _("The endorsement is hosted on {host}, which its endorser does not use ({allowed})."),
        {"host": host, "allowed": ", ".join(sorted(allowed))},
        status=Status.INVALID,
    )


def _signed_check(signed: tuple[dict, bytes, bytes], profile: dict[str, Any], *, fetch: Fetch) -> Check:
    from .documents import parse_key
    from .ob2 import _rs256_verifies  # RS256 exactly as for signed assertions

    header, signing_input, signature = signed
    if header.get("alg") != "RS256":
        return Check(
            "signature",
            CheckResult.FAIL,
            _("The badge is signed with the {alg} algorithm; only RS256 is accepted."),
            {"alg": str(header.get("alg"))},
            status=Status.INVALID,
        )
    listed = [k if isinstance(k, str) else k.get("id") for k in _as_list(profile.get("publicKey"))]
    for key_url in [k for k in listed if isinstance(k, str)]:
        key = parse_key(_fetch_object(key_url, fetch=fetch), source_url=key_url)
        if _rs256_verifies(key.public_key_pem, signing_input, signature):
            return Check("signature", CheckResult.PASS, _("The signature matches the key {key}."), {"key": key_url})
    return Check(
        "signature",
        CheckResult.FAIL,
        _("The signature does not match any key the issuer lists."),
        status=Status.INVALID,
    )


def _date_check(doc: dict[str, Any], now: datetime) -> Check:
    from .documents import _parse_date  # the OB 2.0 date reader (ISO 8601 or Unix seconds)

    expires = _parse_date(doc.get("expires"), field="expires")
    if expires is not None and expires < now:
        return Check(
            "expiry", CheckResult.FAIL, _("Expired on {date}."), {"date": expires.isoformat()}, status=Status.EXPIRED
        )
    return Check("expiry", CheckResult.PASS, _("The endorsement has not expired."))


def _headline(checks: list[Check]) -> Status:
    from .result import derive_status

    return derive_status(checks)
