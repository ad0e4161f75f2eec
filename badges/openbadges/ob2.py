"""Verify Open Badges 0.5 / 1.0 / 1.1 / 2.0 badges: hosted (re-fetched from the issuer) or signed (JWS RS256).

``verify_ob2`` runs named checks (see ``result.CHECK_NAMES``) and never raises for bad input. Its
rules, from the spec digest: the issuer's hosted copy is authoritative, not the pasted or baked one;
only HTTP 410, ``revoked: true`` or a revocation-list entry mean revoked; every other fetch failure
means "could not check" (``unreachable``), never "revoked" or "invalid".
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import baking, jsontext
from .documents import (
    AssertionDocument,
    BadgeClassDocument,
    CryptographicKey,
    IssuerProfile,
    build_badge,
    declared_id,
    hosted_pointer,
    is_http_url,
    load_json_object,
    parse_assertion,
    parse_badge_class,
    parse_issuer,
    parse_key,
    parse_revocation_list,
    sniff_version,
)
from .endorsements import Endorsement, ob2_sources, verify_ob2_endorsement
from .errors import BadgeFormatError, FetchError, OpenBadgesError
from .fetching import Fetch, Fetched
from .i18n import Message
from .i18n import gettext_noop as _
from .model import BadgeFormat, Identity, ParsedBadge, SourceKind, SpecVersion
from .recipient import find_match
from .result import CHECK_NAMES, Check, CheckResult, Status, VerificationResult

# Clocks disagree; a badge issued "in two minutes" is a clock problem, not a forgery.
CLOCK_SKEW = timedelta(minutes=5)
_BOM = "\ufeff"


def verify_ob2(
    payload: str,
    *,
    fetch: Fetch,
    now: datetime,
    identities: Sequence[Identity] = (),
    source_kind: SourceKind | None = None,
) -> VerificationResult:
    """Verify an OB 0.5–2.0 payload: an assertion URL, hosted assertion JSON, or a signed compact JWS.

    ``now`` should be timezone-aware (naive is read as UTC). Checks come back in ``CHECK_NAMES`` order; the headline is
    derived from them (``VerificationResult.from_checks``).

    With a fetcher that serves the spec's example assertion, badge class and issuer,
    ``verify_ob2("https://example.org/beths-robotics-badge.json", fetch=fetch, now=now).status`` is
    ``Status.VALID``.
    """
    if now.tzinfo is None:
        # Comparing with the badges' aware dates would raise; a naive clock here is UTC by convention.
        now = now.replace(tzinfo=UTC)
    run = _Run(fetch=fetch, now=now, identities=tuple(identities), source_kind=source_kind)
    text = payload.strip().lstrip(_BOM).strip()
    if baking.looks_like_url(text):
        return run.verify_hosted(text, pasted=None)
    if baking.is_compact_jws(text):
        return run.verify_signed(text)
    return run.verify_json(text)


class _Run:
    """One verification: the inputs, the checks so far and every document fetched (the evidence)."""

    def __init__(
        self, *, fetch: Fetch, now: datetime, identities: tuple[Identity, ...], source_kind: SourceKind | None
    ) -> None:
        self.fetch = fetch
        self.now = now
        self.identities = identities
        self.source_kind = source_kind
        self.checks: list[Check] = []
        self.documents: dict[str, str] = {}
        self.endorsements: tuple[Endorsement, ...] = ()

    # -- entry points ------------------------------------------------------------------------

    def verify_json(self, text: str) -> VerificationResult:
        """Pasted or baked JSON is only a pointer: read where it is hosted and verify that copy."""
        try:
            doc = load_json_object(text)
            version = sniff_version(doc)
        except BadgeFormatError as error:
            return self._fail_format(error, payload=text)
        if _verification_type(doc) == "signed":
            self.add(
                "format",
                CheckResult.FAIL,
                Status.UNSUPPORTED,
                _(
                    "This is a signed badge without its signature. Import the baked image or the signed "
                    "text (JWS) the issuer gave you instead."
                ),
            )
            return self.finish(badge=_try_parse(text), payload=text)
        url = hosted_pointer(doc)
        if url is None:
            if version is SpecVersion.V0_5:
                self.add(
                    "format",
                    CheckResult.FAIL,
                    Status.UNSUPPORTED,
                    _(
                        "This is an Open Badges 0.5 badge, which does not say where it is hosted. It can only "
                        "be verified from the address where the issuer hosts it: paste that link instead."
                    ),
                )
            else:
                self.add(
                    "format",
                    CheckResult.FAIL,
                    Status.INVALID,
                    _("This badge does not say where its issuer hosts it, so it cannot be verified."),
                )
            return self.finish(badge=_try_parse(text), payload=text)
        return self.verify_hosted(url, pasted=text)

    def verify_hosted(self, url: str, *, pasted: str | None) -> VerificationResult:
        """Fetch the issuer's copy from ``url`` and verify that copy (the pasted one is ignored)."""
        fallback = _try_parse(pasted) if pasted else None
        loaded = self._load_hosted(url, badge=fallback, payload=pasted or url)
        if isinstance(loaded, VerificationResult):
            return loaded
        fetched, doc = loaded
        pointer = hosted_pointer(doc)
        if pointer and pointer not in (url, fetched.url):
            # The hosted copy says it lives elsewhere: follow once, as validator-core does, never in a loop.
            first_url, url = url, pointer
            loaded = self._load_hosted(url, badge=fallback, payload=pasted or first_url)
            if isinstance(loaded, VerificationResult):
                return loaded
            fetched, doc = loaded
            if hosted_pointer(doc) not in (url, fetched.url):
                self.add(
                    "hosted",
                    CheckResult.FAIL,
                    Status.INVALID,
                    _("The badge at {first} says it is hosted at {url}, but the copy there points elsewhere again."),
                    first=first_url,
                    url=url,
                )
                return self.finish(badge=fallback, payload=pasted or first_url)
        hosted_text = fetched.body.decode("utf-8", errors="replace")
        try:
            assertion = parse_assertion(doc)
        except BadgeFormatError as error:
            return self._fail_format(error, payload=hosted_text, badge=fallback)
        if assertion.verification.type == "signed":
            self.add(
                "format",
                CheckResult.FAIL,
                Status.UNSUPPORTED,
                _(
                    "This is a signed badge without its signature. Import the baked image or the signed "
                    "text (JWS) the issuer gave you instead."
                ),
            )
            return self.finish(badge=fallback, payload=hosted_text)
        self.add(
            "format",
            CheckResult.PASS,
            None,
            _("The badge is a well-formed Open Badges {version} assertion."),
            version=assertion.spec_version,
        )
        self.add("hosted", CheckResult.PASS, None, _("Checked against the issuer's own copy at {url}."), url=url)
        if assertion.revoked:
            self._revoked(_("The issuer's copy says this badge was revoked."), assertion.revocation_reason)
        return self._verify_assertion(assertion, fmt=BadgeFormat.HOSTED, raw=hosted_text, hosted_at=url)

    def verify_signed(self, token: str) -> VerificationResult:
        """A compact JWS: check the RS256 signature with a key the issuer vouches for."""
        try:
            header, doc, signing_input, signature = _split_jws(token)
            assertion = parse_assertion(doc)
        except BadgeFormatError as error:
            return self._fail_format(error, payload=token)
        self.add(
            "format",
            CheckResult.PASS,
            None,
            _("The badge is a well-formed, signed Open Badges {version} assertion."),
            version=assertion.spec_version,
        )
        return self._verify_assertion(
            assertion, fmt=BadgeFormat.SIGNED, raw=token, jws=(header, signing_input, signature)
        )

    # -- the shared part -------------------------------------------------------------------------

    def _verify_assertion(
        self,
        assertion: AssertionDocument,
        *,
        fmt: BadgeFormat,
        raw: str,
        hosted_at: str | None = None,
        jws: tuple[dict[str, Any], bytes, bytes] | None = None,
    ) -> VerificationResult:
        badge_class, issuer, issuer_state = self._documents(assertion)
        if fmt is BadgeFormat.HOSTED and hosted_at:
            self._origin(assertion, hosted_at=hosted_at, issuer=issuer)
        if jws is not None:
            self._signature(assertion, issuer=issuer, issuer_state=issuer_state, jws=jws)
        badge = build_badge(assertion, badge_class=badge_class, issuer=issuer, format=fmt, raw=raw)
        self._recipient(badge)
        if not any(c.name == "revocation" for c in self.checks):
            self._revocation_list(assertion, issuer=issuer, issuer_state=issuer_state)
        self._dates(assertion)
        self._endorsements(assertion, raw=raw, jws=jws is not None)
        return self.finish(badge=badge, payload=raw)

    def _endorsements(self, assertion: AssertionDocument, *, raw: str, jws: bool) -> None:
        """Endorsements of the assertion, its badge class and issuer, each checked on its own."""
        try:
            document = baking.decode_jws_payload_unverified(raw) if jws else jsontext.loads(raw)
        except (ValueError, OpenBadgesError):
            return
        if not isinstance(document, dict):
            return
        badge_class = document.get("badge") if isinstance(document.get("badge"), dict) else None
        if badge_class is None and assertion.badge_ref:
            badge_class = self._fetched_json(assertion.badge_ref)
        issuer = badge_class.get("issuer") if isinstance(badge_class, dict) else None
        if isinstance(issuer, str):
            issuer = self._fetched_json(issuer)
        self.endorsements = tuple(
            verify_ob2_endorsement(about, item, fetch=self.fetch, now=self.now)
            for about, item in ob2_sources(document, badge_class, issuer)
        )

    def _fetched_json(self, url: str) -> dict[str, Any] | None:
        """A document this run already fetched (never fetched again for endorsements)."""
        text = self.documents.get(url)
        try:
            data = jsontext.loads(text) if text else None
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _documents(
        self, assertion: AssertionDocument
    ) -> tuple[BadgeClassDocument | None, IssuerProfile | None, Status | None]:
        """Fetch the badge class and issuer (or read them embedded). The status says why one is missing."""
        badge_class = assertion.badge
        url = assertion.badge_ref
        try:
            if badge_class is None and url:
                doc, url = self.get_node(url)
                badge_class = parse_badge_class(doc, source_url=url, parent_version=assertion.spec_version)
            issuer = badge_class.issuer if badge_class else None
            if issuer is None and badge_class is not None and badge_class.issuer_ref:
                url = badge_class.issuer_ref
                doc, url = self.get_node(url)
                issuer = parse_issuer(doc, source_url=url, parent_version=assertion.spec_version)
        except FetchError as error:
            self.add(
                "documents",
                CheckResult.ERROR,
                Status.UNREACHABLE,
                _("Could not fetch {url} to check the badge's details: {reason}"),
                url=error.url,
                reason=error.as_message(),
            )
            return badge_class, None, Status.UNREACHABLE
        except BadgeFormatError as error:
            self.add(
                "documents",
                CheckResult.FAIL,
                Status.INVALID,
                _("The document at {url} is not valid: {reason}"),
                url=url,
                reason=error.as_message(),
            )
            return badge_class, None, Status.INVALID
        if issuer is None:
            if assertion.spec_version is SpecVersion.V0_5:
                self.add("documents", CheckResult.PASS, None, _("The badge embeds its badge class and issuer."))
                return badge_class, None, None
            self.add("documents", CheckResult.FAIL, Status.INVALID, _("The badge does not name its issuer."))
            return badge_class, None, Status.INVALID
        self.add(
            "documents",
            CheckResult.PASS,
            None,
            _("Read the badge class “{badge}” and its issuer “{issuer}”."),
            badge=badge_class.name if badge_class else "",
            issuer=issuer.name,
        )
        return badge_class, issuer, None

    def _origin(self, assertion: AssertionDocument, *, hosted_at: str, issuer: IssuerProfile | None) -> None:
        """Hosted badges must live where their issuer says its badges live (spec digest §3 step 10)."""
        if issuer is None:
            self.add(
                "origin",
                CheckResult.SKIPPED,
                None,
                _("Could not check where the badge is hosted without the issuer's profile."),
            )
            return
        location = assertion.id if assertion.spec_version is SpecVersion.V2_0 and assertion.id else hosted_at
        host = _authority(location)
        policy = issuer.verification
        if (
            assertion.spec_version is SpecVersion.V2_0
            and policy is not None
            and (policy.allowed_origins is not None or policy.starts_with is not None)
        ):
            allowed = policy.allowed_origins
            starts_with = policy.starts_with
        else:
            # Default policy: the badge is hosted on the issuer's own host. OB 1.x/0.5 issuers had no
            # id of their own, so the host of their `url` (0.5 `origin`) counts too.
            hosts = {_authority(issuer.id)} if is_http_url(issuer.id) else set()
            if assertion.spec_version is not SpecVersion.V2_0 and is_http_url(issuer.url):
                hosts.add(_authority(issuer.url))
            if not hosts:
                self.add(
                    "origin",
                    CheckResult.SKIPPED,
                    None,
                    _(
                        "The issuer's id {id} is not a web address, so where its badges may be hosted could not "
                        "be checked."
                    ),
                    id=issuer.id or "",
                )
                return
            allowed, starts_with = tuple(sorted(hosts)), None
        if starts_with is not None and not any(s and location.startswith(s) for s in starts_with):
            self.add(
                "origin",
                CheckResult.FAIL,
                Status.INVALID,
                _("The badge is hosted at {url}, outside the addresses its issuer allows ({allowed})."),
                url=location,
                allowed=", ".join(starts_with),
            )
            return
        if allowed is not None and host not in {a.strip().lower() for a in allowed}:
            self.add(
                "origin",
                CheckResult.FAIL,
                Status.INVALID,
                _("The badge is hosted on {host}, which its issuer does not allow ({allowed})."),
                host=host,
                allowed=", ".join(allowed),
            )
            return
        self.add(
            "origin",
            CheckResult.PASS,
            None,
            _("The badge is hosted on {host}, where its issuer says its badges live."),
            host=host,
        )

    def _signature(
        self,
        assertion: AssertionDocument,
        *,
        issuer: IssuerProfile | None,
        issuer_state: Status | None,
        jws: tuple[dict[str, Any], bytes, bytes],
    ) -> None:
        header, signing_input, signature = jws
        alg = header.get("alg")
        if alg != "RS256":
            # Pinned: "none" and HS* (a public key used as an HMAC secret) are classic forgeries.
            self.add(
                "signature",
                CheckResult.FAIL,
                Status.INVALID,
                _("The badge is signed with the {alg} algorithm; only RS256 is accepted."),
                alg=str(alg),
            )
            self.add("key", CheckResult.SKIPPED, None, _("The signing key was not checked."))
            return
        if assertion.spec_version in (SpecVersion.V2_0,):
            self._signature_2_0(
                assertion, issuer=issuer, issuer_state=issuer_state, signing_input=signing_input, signature=signature
            )
        else:
            self._signature_1_x(
                assertion, issuer=issuer, issuer_state=issuer_state, signing_input=signing_input, signature=signature
            )

    def _signature_2_0(
        self,
        assertion: AssertionDocument,
        *,
        issuer: IssuerProfile | None,
        issuer_state: Status | None,
        signing_input: bytes,
        signature: bytes,
    ) -> None:
        creator = assertion.verification.creator
        # The spec says to fall back to the issuer's listed keys when `creator` is missing.
        candidates = [creator] if creator else list(issuer.public_keys if issuer else ())
        if not candidates:
            if issuer is None:
                self._key_unavailable_from_issuer(issuer_state)
            else:
                self.add(
                    "signature",
                    CheckResult.FAIL,
                    Status.INVALID,
                    _("The badge does not say which key signed it, and its issuer lists no keys."),
                )
                self.add("key", CheckResult.FAIL, Status.INVALID, _("The issuer lists no signing keys."))
            return
        unreachable: tuple[str, FetchError] | None = None
        broken: tuple[str, OpenBadgesError] | None = None
        for url in candidates:
            try:
                doc, url = self.get_node(url)
                key = parse_key(doc, source_url=url)
                verified = _rs256_verifies(key.public_key_pem, signing_input, signature)
            except FetchError as error:
                unreachable = unreachable or (url, error)
                continue
            except BadgeFormatError as error:
                broken = broken or (url, error)
                continue
            if verified:
                self._signature_matches(url)
                self._key_binding(key, url=url, issuer=issuer, issuer_state=issuer_state)
                return
            if creator:
                self._signature_mismatch(url)
                self._key_binding(key, url=url, issuer=issuer, issuer_state=issuer_state)
                return
        if unreachable is not None:
            self._key_unreachable(*unreachable)
        elif broken is not None:
            self._key_unusable(*broken)
        else:
            self.add(
                "signature",
                CheckResult.FAIL,
                Status.INVALID,
                _("The signature does not match any key the issuer lists."),
            )
            self.add("key", CheckResult.SKIPPED, None, _("No key of the issuer matched the signature."))

    def _key_binding(
        self, key: CryptographicKey, *, url: str, issuer: IssuerProfile | None, issuer_state: Status | None
    ) -> None:
        """The key must be the issuer's: listed in its ``publicKey`` and, if it says, owned by it."""
        if issuer is None:
            self._key_unavailable_from_issuer(issuer_state, signature_done=True)
            return
        names = {url, key.id} - {None}
        if not names & set(issuer.public_keys):
            self.add(
                "key",
                CheckResult.FAIL,
                Status.INVALID,
                _("The badge was signed with the key {key}, which its issuer does not list as its own."),
                key=url,
            )
        elif key.owner is not None and key.owner != issuer.id:
            self.add(
                "key",
                CheckResult.FAIL,
                Status.INVALID,
                _("The key {key} belongs to {owner}, not to the badge's issuer."),
                key=url,
                owner=key.owner,
            )
        else:
            self.add("key", CheckResult.PASS, None, _("The key {key} is listed by the issuer."), key=url)

    def _key_unavailable_from_issuer(self, issuer_state: Status | None, *, signature_done: bool = False) -> None:
        if not signature_done:
            self.add(
                "signature",
                CheckResult.SKIPPED,
                None,
                _("The signature could not be checked without the issuer's profile."),
            )
        if issuer_state is Status.UNREACHABLE:
            self.add(
                "key",
                CheckResult.ERROR,
                Status.UNREACHABLE,
                _("Could not check the signing key belongs to the issuer: the issuer's profile is unreachable."),
            )
        else:
            self.add(
                "key",
                CheckResult.SKIPPED,
                None,
                _("Could not check the signing key belongs to the issuer without a valid issuer profile."),
            )

    def _signature_1_x(
        self,
        assertion: AssertionDocument,
        *,
        issuer: IssuerProfile | None,
        issuer_state: Status | None,
        signing_input: bytes,
        signature: bytes,
    ) -> None:
        """OB 1.x signed: the PEM key is served at ``verify.url``, which must be on the issuer's host."""
        url = assertion.verification.url
        if url is None or not is_http_url(url):
            self.add(
                "signature",
                CheckResult.FAIL,
                Status.INVALID,
                _("The signed badge does not say where its public key is (verify.url)."),
            )
            self.add("key", CheckResult.SKIPPED, None, _("There is no key to check."))
            return
        try:
            fetched = self.get(url, kind="any")
            pem = _pem_from_body(fetched.body)
            verified = _rs256_verifies(pem, signing_input, signature)
        except FetchError as error:
            self._key_unreachable(url, error)
            return
        except BadgeFormatError as error:
            self._key_unusable(url, error)
            return
        if verified:
            self._signature_matches(url)
        else:
            self._signature_mismatch(url)
        if issuer is None:
            self._key_unavailable_from_issuer(issuer_state, signature_done=True)
            return
        hosts = {_authority(u) for u in (issuer.id, issuer.url) if is_http_url(u)}
        if _authority(url) in hosts:
            self.add("key", CheckResult.PASS, None, _("The key {key} is hosted by the issuer."), key=url)
        else:
            self.add(
                "key",
                CheckResult.FAIL,
                Status.INVALID,
                _("The key {key} is not hosted on the issuer's site ({hosts})."),
                key=url,
                hosts=", ".join(sorted(hosts)),
            )

    # -- the signature outcomes both signed forms (1.x and 2.0) report -------------------------

    def _signature_matches(self, key: str) -> None:
        self.add("signature", CheckResult.PASS, None, _("The signature matches the key {key}."), key=key)

    def _signature_mismatch(self, key: str) -> None:
        self.add(
            "signature",
            CheckResult.FAIL,
            Status.INVALID,
            _(
                "The signature does not match the key {key}: the badge was changed after it was signed, "
                "or not signed by that key."
            ),
            key=key,
        )

    def _key_unreachable(self, key: str, error: FetchError) -> None:
        """The key could not be fetched: both checks say "could not check", never "invalid"."""
        self.add(
            "signature",
            CheckResult.ERROR,
            Status.UNREACHABLE,
            _("Could not fetch the signing key {key}, so the signature could not be checked: {reason}"),
            key=key,
            reason=error.as_message(),
        )
        self.add("key", CheckResult.ERROR, Status.UNREACHABLE, _("Could not fetch the signing key {key}."), key=key)

    def _key_unusable(self, key: str, error: OpenBadgesError) -> None:
        self.add(
            "signature",
            CheckResult.FAIL,
            Status.INVALID,
            _("The signing key {key} is not usable: {reason}"),
            key=key,
            reason=error.as_message(),
        )
        self.add("key", CheckResult.FAIL, Status.INVALID, _("The signing key {key} is not usable."), key=key)

    def _recipient(self, badge: ParsedBadge) -> None:
        if not self.identities:
            self.add(
                "recipient",
                CheckResult.SKIPPED,
                None,
                _("No identity was given to compare with the badge's recipient."),
            )
            return
        match = find_match(badge.recipients, self.identities)
        if match is None:
            self.add(
                "recipient",
                CheckResult.FAIL,
                Status.RECIPIENT_MISMATCH,
                _(
                    "This badge was issued to someone else: none of your verified identities match its "
                    "recipient. That does not mean it is forged."
                ),
            )
        else:
            self.add(
                "recipient", CheckResult.PASS, None, _("The badge was issued to {identity}."), identity=match.value
            )

    def _revocation_list(
        self, assertion: AssertionDocument, *, issuer: IssuerProfile | None, issuer_state: Status | None
    ) -> None:
        if issuer is None:
            if issuer_state is Status.UNREACHABLE:
                self.add(
                    "revocation",
                    CheckResult.ERROR,
                    Status.UNREACHABLE,
                    _("Could not check for revocation: the issuer's profile is unreachable."),
                )
            else:
                self.add(
                    "revocation",
                    CheckResult.SKIPPED,
                    None,
                    _("Could not check for revocation without the issuer's profile."),
                )
            return
        url = issuer.revocation_list
        if not url:
            self.add("revocation", CheckResult.PASS, None, _("The issuer has not revoked this badge."))
            return
        try:
            doc, url = self.get_node(url)
            revocations = parse_revocation_list(doc)
        except FetchError as error:
            self.add(
                "revocation",
                CheckResult.ERROR,
                Status.UNREACHABLE,
                _("Could not fetch the issuer's revocation list {url}: {reason}"),
                url=url,
                reason=error.as_message(),
            )
            return
        except BadgeFormatError as error:
            # An unusable list says nothing about this badge: "unknown", never "revoked".
            self.add(
                "revocation",
                CheckResult.ERROR,
                Status.UNREACHABLE,
                _("The issuer's revocation list {url} could not be read: {reason}"),
                url=url,
                reason=error.as_message(),
            )
            return
        entry = revocations.find(assertion_id=assertion.id, uid=assertion.uid)
        if entry is not None:
            self._revoked(_("The issuer's revocation list {url} lists this badge."), entry.reason, url=url)
        else:
            self.add("revocation", CheckResult.PASS, None, _("The badge is not on the issuer's revocation list."))

    def _revoked(self, message: str, reason: str, **params: Any) -> None:
        if reason:
            # Two translatable sentences, joined by a template of their own (never by "+").
            verdict = Message(message, params)
            self.add(
                "revocation",
                CheckResult.FAIL,
                Status.REVOKED,
                _("{verdict} Reason: {reason}"),
                verdict=verdict,
                reason=reason,
            )
            return
        self.add("revocation", CheckResult.FAIL, Status.REVOKED, message, **params)

    def _dates(self, assertion: AssertionDocument) -> None:
        issued, expires = assertion.issued_on, assertion.expires_on
        if expires is None:
            self.add("expiry", CheckResult.PASS, None, _("The badge does not expire."))
        elif expires < self.now:
            self.add(
                "expiry", CheckResult.FAIL, Status.EXPIRED, _("The badge expired on {date}."), date=expires.isoformat()
            )
        else:
            self.add("expiry", CheckResult.PASS, None, _("The badge is valid until {date}."), date=expires.isoformat())
        if issued is not None and expires is not None and expires < issued:
            self.add(
                "validity",
                CheckResult.FAIL,
                Status.INVALID,
                _("The badge expires ({expires}) before it was issued ({issued})."),
                expires=expires.isoformat(),
                issued=issued.isoformat(),
            )
        elif issued is not None and issued > self.now + CLOCK_SKEW:
            self.add(
                "validity",
                CheckResult.FAIL,
                Status.NOT_YET_VALID,
                _("The badge is not valid yet: it is dated {date}."),
                date=issued.isoformat(),
            )
        elif issued is None:
            self.add("validity", CheckResult.PASS, None, _("The badge has no issue date."))
        else:
            self.add("validity", CheckResult.PASS, None, _("The badge was issued on {date}."), date=issued.isoformat())

    # -- plumbing --------------------------------------------------------------------------------

    def get(self, url: str, *, kind: str = "json") -> Fetched:
        """Fetch through the caller's fetcher and keep the body as evidence."""
        fetched = self.fetch(url, kind=kind)
        self.documents[url] = fetched.body.decode("utf-8", errors="replace")
        return fetched

    def get_node(self, url: str) -> tuple[dict[str, Any], str]:
        """Fetch a JSON node; if it declares another web id, fetch that id once and use that copy."""
        fetched = self.get(url)
        doc = load_json_object(fetched.body, what=url)
        declared = declared_id(doc)
        if declared and is_http_url(declared) and declared not in (url, fetched.url):
            doc = load_json_object(self.get(declared).body, what=declared)
            if declared_id(doc) != declared:
                raise BadgeFormatError(
                    _("The document at {url} says it is {declared}, but the copy there disagrees."),
                    url=url,
                    declared=declared,
                )
            return doc, declared
        return doc, url

    def add(self, name: str, result: CheckResult, status: Status | None, message: str, **params: Any) -> None:
        self.checks.append(Check(name, result, message, params, status=status))

    def finish(self, *, badge: ParsedBadge | None, payload: str) -> VerificationResult:
        checks = sorted(self.checks, key=lambda c: CHECK_NAMES.index(c.name))
        return VerificationResult.from_checks(
            checks,
            badge=badge,
            source_kind=self.source_kind,
            payload=payload,
            documents=dict(self.documents),
            endorsements=self.endorsements,
        )

    def _fail_format(
        self, error: OpenBadgesError, *, payload: str, badge: ParsedBadge | None = None
    ) -> VerificationResult:
        status = Status.UNSUPPORTED if error.code == "unsupported" else Status.INVALID
        self.add("format", CheckResult.FAIL, status, error.template, **error.params)
        return self.finish(badge=badge, payload=payload)

    def _load_hosted(
        self, url: str, *, badge: ParsedBadge | None, payload: str
    ) -> tuple[Fetched, dict[str, Any]] | VerificationResult:
        """The issuer's copy at ``url`` as JSON, or the finished result saying why it could not be read."""
        try:
            fetched = self.get(url)
        except FetchError as error:
            return self._hosted_fetch_failed(error, url=url, badge=badge, payload=payload)
        try:
            return fetched, load_json_object(fetched.body, what=_("issuer's copy of the badge"))
        except BadgeFormatError:
            self.add(
                "hosted",
                CheckResult.FAIL,
                Status.INVALID,
                _("The issuer's server at {url} did not return a badge."),
                url=url,
            )
            return self.finish(badge=badge, payload=payload)

    def _hosted_fetch_failed(
        self, error: FetchError, *, url: str, badge: ParsedBadge | None, payload: str
    ) -> VerificationResult:
        if error.status == 410:
            self.add(
                "revocation",
                CheckResult.FAIL,
                Status.REVOKED,
                _("The issuer says this badge was revoked (HTTP 410 Gone at {url})."),
                url=url,
            )
        else:
            self.add(
                "hosted",
                CheckResult.ERROR,
                Status.UNREACHABLE,
                _("Could not fetch the issuer's copy of this badge from {url}: {reason}"),
                url=url,
                reason=error.as_message(),
            )
        return self.finish(badge=badge, payload=payload)


# ---------------------------------------------------------------------------------------------
# Small helpers


def _verification_type(doc: Mapping[str, Any]) -> str:
    value = doc.get("verification", doc.get("verify"))
    kind = value.get("type") if isinstance(value, Mapping) else None
    if not isinstance(kind, str):
        return ""
    kind = kind.rsplit("#", 1)[-1].rsplit(":", 1)[-1].lower()
    return {"signedbadge": "signed", "hostedbadge": "hosted"}.get(kind, kind)


def _try_parse(text: str | None) -> ParsedBadge | None:
    """The pasted copy, for display only when the issuer's copy is out of reach."""
    if not text:
        return None
    try:
        assertion = parse_assertion(load_json_object(text))
    except BadgeFormatError:
        return None
    return build_badge(assertion, raw=text)


def _authority(url: str | None) -> str:
    """Host plus ``:port`` if given, lower-cased: ``_authority("https://Example.org:8443/a") == "example.org:8443"``."""
    if not url:
        return ""
    netloc = urlsplit(url.strip()).netloc
    return netloc.rsplit("@", 1)[-1].lower()


def _b64url_decode(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadgeFormatError(_("This signed badge (JWS) is malformed.")) from exc


def _split_jws(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Header, payload (decoded, NOT yet trusted), the signed bytes and the signature of a compact JWS."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise BadgeFormatError(_("This signed badge (JWS) is malformed."))
    try:
        header = jsontext.loads(_b64url_decode(parts[0]))
        payload = jsontext.loads(_b64url_decode(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadgeFormatError(_("This signed badge (JWS) is malformed.")) from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise BadgeFormatError(_("This signed badge (JWS) is malformed."))
    return header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), _b64url_decode(parts[2])


def _pem_from_body(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("{"):
        return parse_key(load_json_object(text, what=_("key document"))).public_key_pem
    return text


def _rs256_verifies(pem: str, signing_input: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 with SHA-256 (JWS "RS256"); ``BadgeFormatError`` if the key is not an RSA PEM."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise BadgeFormatError(_("The key is not a valid PEM public key.")) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise BadgeFormatError(_("The key is not an RSA key, which RS256 requires."))
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
