"""Open Badges 3.0: parse a credential (JSON with embedded proofs, or a compact VC-JWT) and verify it.

``verify_ob3`` runs the named checks in order: format, contexts, signature, key, recipient,
revocation, expiry, validity. The proof suites live beside it — ``data_integrity`` (embedded
proofs) and ``vc_jwt`` (VC-JWT) — on the shared readers of ``vc`` and the outcome/binding rules
of ``proofs``. Keys come from did:key, did:web or HTTPS documents and must be bound to
``issuer.id``. Decision on a VC-JWT that carries only a ``jwk`` header: the signature is checked
with it, but the ``key`` check is SKIPPED with "issuer not confirmed" (doc §9 "Verified – issuer
not recognised": informational, headline stays valid).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from . import clr, endorsements, jsonld, status
from .data_integrity import data_integrity_hash, verify_embedded_proofs
from .endorsements import Endorsement
from .errors import OpenBadgesError, UnsupportedError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .model import (
    Alignment,
    BadgeFormat,
    Evidence,
    Identity,
    Issuer,
    ParsedBadge,
    Recipient,
    SourceKind,
    SpecVersion,
)
from .recipient import find_match
from .result import Check, CheckResult, Status, VerificationResult
from .schema import schema_check
from .vc import (
    VC_V2,
    CompactJws,
    as_list,
    display_text,
    first_subject,
    iri_of,
    issuer_id,
    read_credential,
    read_date,
    validity_window,
)
from .vc_jwt import claim_problems, verify_jws

OPEN_BADGE_TYPES = ("OpenBadgeCredential", "AchievementCredential", clr.CLR_TYPE)
BADGE_TYPES = (*OPEN_BADGE_TYPES, "EndorsementCredential")
_CLOCK_SKEW = timedelta(minutes=5)

__all__ = [
    "BADGE_TYPES",
    "VERIFIED_LISTS",
    "VerifiedListMemo",
    "data_integrity_hash",
    "issuer_id",
    "parse_credential",
    "read_credential",
    "read_date",
    "verify_embedded_proofs",
    "verify_jws",
    "verify_ob3",
]


def parse_credential(credential: dict[str, Any], *, raw: str, jws: CompactJws | None = None) -> ParsedBadge:
    """The display model of an OB 3.0 credential (already shape-checked by ``read_credential``).

    >>> text = '''{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
    ...           "issuer": "did:example:issuer",
    ...           "credentialSubject": {"achievement": {"name": "Teamwork"}}}'''
    >>> parse_credential(read_credential(text)[0], raw=text).name
    'Teamwork'
    """
    subject = first_subject(credential)
    achievement = subject.get("achievement") if isinstance(subject.get("achievement"), dict) else {}
    issuer_value = credential.get("issuer")
    profile = issuer_value if isinstance(issuer_value, dict) else {}
    criteria = achievement.get("criteria") if isinstance(achievement.get("criteria"), dict) else {}
    starts, ends = validity_window(credential, jws.payload if jws else None)
    issued = starts or read_date(credential.get("awardedDate"))
    recipients: list[Recipient] = []
    if isinstance(subject.get("id"), str):
        recipients.append(Recipient("id", subject["id"]))
    for item in as_list(subject.get("identifier")):
        if isinstance(item, dict) and isinstance(item.get("identityHash"), str):
            recipients.append(
                Recipient(
                    type=str(item.get("identityType") or ""),
                    identity=item["identityHash"],
                    hashed=item.get("hashed") is True,
                    salt=item["salt"] if isinstance(item.get("salt"), str) else None,
                )
            )
    evidence = tuple(
        Evidence(
            id=iri_of(e),
            name=display_text(e.get("name")),
            description=display_text(e.get("description")),
            narrative=display_text(e.get("narrative")),
        )
        for e in as_list(credential.get("evidence"))
        if isinstance(e, dict)
    )
    alignments = tuple(
        Alignment(
            name=display_text(a.get("targetName")),
            url=iri_of(a.get("targetUrl")),
            description=display_text(a.get("targetDescription")),
            framework=display_text(a.get("targetFramework")),
            code=display_text(a.get("targetCode")),
        )
        for a in as_list(achievement.get("alignment"))
        if isinstance(a, dict)
    )
    return ParsedBadge(
        spec_version=SpecVersion.V3_0,
        format=BadgeFormat.VC_JWT if jws else BadgeFormat.DATA_INTEGRITY,
        id=credential.get("id") if isinstance(credential.get("id"), str) else None,
        name=display_text(achievement.get("name")) or display_text(credential.get("name")),
        description=display_text(achievement.get("description")) or display_text(credential.get("description")),
        image=iri_of(achievement.get("image")) or iri_of(subject.get("image")) or iri_of(credential.get("image")),
        criteria_url=iri_of(criteria),
        criteria_narrative=display_text(criteria.get("narrative")),
        issuer=Issuer(
            id=issuer_id(credential),
            name=display_text(profile.get("name")),
            url=iri_of(profile.get("url")),
            email=profile.get("email") if isinstance(profile.get("email"), str) else None,
            image=iri_of(profile.get("image")),
            description=display_text(profile.get("description")),
        ),
        issued_on=issued,
        expires_on=ends,
        recipients=tuple(recipients),
        evidence=evidence,
        alignments=alignments,
        tags=tuple(t for t in as_list(achievement.get("tag")) if isinstance(t, str)),
        badge_class_id=iri_of(achievement),
        raw=raw,
    )


# ---------------------------------------------------------------------------------------------
# The checks


def _contexts_check(credential: dict[str, Any], *, is_jwt: bool, analysis: jsonld.Analysis) -> Check:
    unsigned = analysis.document
    missing = jsonld.unknown_contexts(unsigned)
    if missing:
        return Check(
            "contexts",
            CheckResult.ERROR,
            _("The JSON-LD context {url} is not one we know, so the credential cannot be checked."),
            {"url": missing[0]},
            status=Status.UNSUPPORTED,
        )
    try:
        undefined = analysis.undefined_terms()
    except OpenBadgesError as error:
        return Check("contexts", CheckResult.FAIL, error.template, dict(error.params), status=Status.INVALID)
    count = len(as_list(credential.get("@context")))
    if not undefined:
        return Check(
            "contexts",
            CheckResult.PASS,
            _("All {count} JSON-LD contexts are bundled and define every term used."),
            {"count": count},
        )
    terms = ", ".join(undefined[:10])
    if is_jwt:
        # A JWS signs the bytes, so undefined terms are still covered by the signature.
        return Check(
            "contexts",
            CheckResult.SKIPPED,
            _("Terms not defined by the credential's contexts: {terms} (signed in the token)."),
            {"terms": terms},
        )
    return Check(
        "contexts",
        CheckResult.FAIL,
        _(
            "The credential uses terms its JSON-LD contexts do not define ({terms}); they would not be covered by the signature."
        ),
        {"terms": terms},
        status=Status.INVALID,
    )


def _recipient_check(badge: ParsedBadge, identities: Sequence[Identity]) -> Check:
    if not identities:
        return Check("recipient", CheckResult.SKIPPED, _("No identity to compare the recipient with."))
    match = find_match(badge.recipients, identities)
    if match is None:
        return Check(
            "recipient",
            CheckResult.FAIL,
            _("This credential was not issued to any of your verified identities."),
            status=Status.RECIPIENT_MISMATCH,
        )
    return Check("recipient", CheckResult.PASS, _("Issued to {identity}."), {"identity": match.value})


def _date_checks(starts: datetime | None, ends: datetime | None, now: datetime) -> list[Check]:
    if ends is None:
        expiry = Check("expiry", CheckResult.PASS, _("The credential does not expire."))
    elif ends < now:
        expiry = Check(
            "expiry", CheckResult.FAIL, _("Expired on {date}."), {"date": ends.isoformat()}, status=Status.EXPIRED
        )
    else:
        expiry = Check("expiry", CheckResult.PASS, _("Valid until {date}."), {"date": ends.isoformat()})
    if starts is not None and ends is not None and ends < starts:
        validity = Check(
            "validity",
            CheckResult.FAIL,
            _("The credential expires ({end}) before it becomes valid ({start})."),
            {"start": starts.isoformat(), "end": ends.isoformat()},
            status=Status.INVALID,
        )
    elif starts is not None and starts > now + _CLOCK_SKEW:
        validity = Check(
            "validity",
            CheckResult.FAIL,
            _("Not valid until {date}."),
            {"date": starts.isoformat()},
            status=Status.NOT_YET_VALID,
        )
    elif starts is not None:
        validity = Check("validity", CheckResult.PASS, _("Valid since {date}."), {"date": starts.isoformat()})
    else:
        validity = Check("validity", CheckResult.PASS, _("The credential states no start date."))
    return [expiry, validity]


class VerifiedListMemo:
    """Status lists whose proof already verified, by the hash of their exact content.

    Thousands of badges share one status list, and canonicalising its proof costs tens of
    milliseconds each time. A list body that verified within ``ttl`` of the caller's ``now`` is
    taken as verified again; any change to the list gives another hash. The TTL bounds how long a
    rotated did:web key could go unnoticed (documents themselves are cached for longer by the
    fetcher). Like every core function it reads no clock of its own: callers pass ``now``, and a
    ``now`` earlier than the remembered check does not count as within the TTL.
    """

    def __init__(self, *, ttl: timedelta = timedelta(minutes=10), size: int = 256) -> None:
        self.ttl, self.size = ttl, size
        self._verified: dict[str, datetime] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(listed: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(listed, sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def seen(self, key: str, *, now: datetime) -> bool:
        with self._lock:
            verified_at = self._verified.get(key)
            return verified_at is not None and timedelta(0) <= now - verified_at < self.ttl

    def remember(self, key: str, *, now: datetime) -> None:
        with self._lock:
            if key not in self._verified and len(self._verified) >= self.size:
                self._verified.pop(next(iter(self._verified)))
            self._verified[key] = now

    def clear(self) -> None:
        with self._lock:
            self._verified.clear()


VERIFIED_LISTS = VerifiedListMemo()


def _list_verifier(*, fetch: Fetch, now: datetime, documents: dict[str, str]) -> status.ListVerifier:
    def verify_list(listed: dict[str, Any]) -> str | None:
        key = VERIFIED_LISTS.key(listed)
        if VERIFIED_LISTS.seen(key, now=now):
            return None
        signature, proof_key = verify_embedded_proofs(listed, fetch=fetch, now=now, documents=documents)
        for check in (signature, proof_key):
            if check.result is not CheckResult.PASS:
                return check.text
        VERIFIED_LISTS.remember(key, now=now)
        return None

    return verify_list


def verify_ob3(
    payload: str,
    *,
    fetch: Fetch,
    now: datetime,
    identities: Sequence[Identity] = (),
    source_kind: SourceKind | None = None,
    as_endorsement: bool = False,
    nested: bool = False,
) -> VerificationResult:
    """Verify an OB 3.0 credential given as JSON text or a compact VC-JWT. Never raises for bad input.

    ``as_endorsement``: the payload is an EndorsementCredential embedded in another credential
    (checked like any credential; its own endorsements are not followed). ``nested``: a credential
    inside a CLR (its endorsements are not followed either). A CLR's own credentials are each
    verified and listed in ``contained``.

    >>> import json
    >>> from datetime import UTC
    >>> from badges.openbadges.fetching import DictFetch
    >>> from badges.openbadges.signing import build_credential, did_key_method, generate_ed25519_did_key, sign_data_integrity
    >>> key, did = generate_ed25519_did_key()
    >>> signed = sign_data_integrity(build_credential(issuer=did), private_key=key, verification_method=did_key_method(did))
    >>> verify_ob3(json.dumps(signed), fetch=DictFetch(), now=datetime(2026, 6, 1, tzinfo=UTC)).status
    <Status.VALID: 'valid'>
    """
    documents: dict[str, str] = {}
    try:
        credential, jws = read_credential(payload)
        badge = parse_credential(credential, raw=payload, jws=jws)
        starts, ends = validity_window(credential, jws.payload if jws else None)
    except OpenBadgesError as error:
        implied = Status.UNSUPPORTED if isinstance(error, UnsupportedError) else Status.INVALID
        check = Check("format", CheckResult.FAIL, error.template, dict(error.params), status=implied)
        return VerificationResult.from_checks(
            [check], source_kind=source_kind, payload=payload, errors=(error.message,)
        )

    vcdm = "VCDM 2.0" if as_list(credential.get("@context"))[0] == VC_V2 else "VCDM 1.1"
    checks: list[Check] = claim_problems(jws, credential) if jws else []
    types = [t for t in as_list(credential.get("type")) if isinstance(t, str)]
    if as_endorsement and "EndorsementCredential" not in types:
        checks.append(
            Check(
                "format",
                CheckResult.FAIL,
                _("The endorsement is not an EndorsementCredential (type {types})."),
                {"types": ", ".join(types)},
                status=Status.INVALID,
            )
        )
    elif not as_endorsement and "EndorsementCredential" in types and not any(t in OPEN_BADGE_TYPES for t in types):
        # Still check proof and status, as for any other credential that is not a badge.
        checks.append(
            Check(
                "format",
                CheckResult.FAIL,
                _("This is an endorsement of a badge, an achievement or an issuer, not a badge itself."),
                status=Status.UNSUPPORTED,
            )
        )
    elif not any(t in BADGE_TYPES for t in types):
        # Still check proof and status: "forged" or "revoked" says more than "not a badge".
        checks.append(
            Check(
                "format",
                CheckResult.FAIL,
                _(
                    "This Verifiable Credential is not an Open Badge (type {types}); its proof and status were still checked."
                ),
                {"types": ", ".join(types)},
                status=Status.UNSUPPORTED,
            )
        )
    if not checks and clr.is_clr(credential):
        shape = _("VC-JWT") if jws else _("embedded proof")
        checks.append(
            Check(
                "format",
                CheckResult.PASS,
                _("A Comprehensive Learner Record 2.0 ({vcdm}, {shape})."),
                {"vcdm": vcdm, "shape": shape},
            )
        )
    if not checks:
        shape = _("VC-JWT") if jws else _("embedded proof")
        checks.append(
            Check(
                "format",
                CheckResult.PASS,
                _("An Open Badges 3.0 credential ({vcdm}, {shape})."),
                {"vcdm": vcdm, "shape": shape},
            )
        )
    # One JSON-LD expansion of the unsigned credential serves the context check and the proof.
    unsigned = jsonld.Analysis({k: v for k, v in credential.items() if k != "proof"})
    checks.append(_contexts_check(credential, is_jwt=jws is not None, analysis=unsigned))
    declared_schema = schema_check(credential)
    if declared_schema is not None:
        checks.append(declared_schema)
    if jws:
        signature, key = verify_jws(jws, issuer_id(credential), fetch=fetch, documents=documents)
    else:
        signature, key = verify_embedded_proofs(
            credential, fetch=fetch, now=now, documents=documents, analysis=unsigned
        )
    checks += [signature, key, _recipient_check(badge, identities)]
    if signature.result is CheckResult.FAIL:
        # A forged credential's status URL is the forger's: do not fetch it.
        checks.append(Check("revocation", CheckResult.SKIPPED, _("Not checked: the signature did not verify.")))
    else:
        checks.append(
            status.check_status(
                credential,
                fetch=fetch,
                now=now,
                documents=documents,
                verify_list=_list_verifier(fetch=fetch, now=now, documents=documents),
                read_date=read_date,
            )
        )
    checks += _date_checks(starts, ends, now)
    found = () if as_endorsement or nested else _endorsements(credential, fetch=fetch, now=now)
    contained = () if as_endorsement or nested else _contained(credential, fetch=fetch, now=now)
    return VerificationResult.from_checks(
        checks,
        badge=badge,
        source_kind=source_kind,
        payload=payload,
        documents=documents,
        endorsements=found,
        contained=contained,
    )


def _contained(credential: dict[str, Any], *, fetch: Fetch, now: datetime) -> tuple[clr.Contained, ...]:
    """A CLR's credentials, each verified on its own."""
    if not clr.is_clr(credential):
        return ()
    found = []
    for payload in clr.contained_payloads(credential):
        result = verify_ob3(payload, fetch=fetch, now=now, nested=True)
        parsed = result.badge
        found.append(
            clr.Contained(
                name=parsed.name if parsed else "?",
                issuer=(parsed.issuer.name or parsed.issuer.id or "") if parsed else "",
                status=result.status,
                checks=result.checks,
            )
        )
    return tuple(found)


def _endorsements(credential: dict[str, Any], *, fetch: Fetch, now: datetime) -> tuple[Endorsement, ...]:
    """Every embedded EndorsementCredential, each verified on its own (never changes the badge's verdict)."""
    found = []
    for about, payload in endorsements.ob3_sources(credential):
        result = verify_ob3(payload, fetch=fetch, now=now, as_endorsement=True)
        endorser = result.badge.issuer if result.badge else None
        try:
            comment = endorsements.comment_of(read_credential(payload)[0])
        except OpenBadgesError:
            comment = ""
        found.append(
            Endorsement(
                about=about,
                endorser=(endorser.name or endorser.id or "?") if endorser else "?",
                endorser_id=endorser.id if endorser else None,
                comment=comment,
                status=result.status,
                checks=result.checks,
            )
        )
    return tuple(found)
