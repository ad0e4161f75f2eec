"""Badge workflows: import, re-verify and expire, and the truth and notice rules behind them.

The only place where the Open Badges core, the database and the network meet (the fetchers are
built in fetchers.py; how results read to people is presentation.py).
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.hosts import HostBusy
from badges.openbadges import images
from badges.openbadges.errors import OpenBadgesError
from badges.openbadges.fetching import Fetch
from badges.openbadges.identity import verified_identity
from badges.openbadges.model import Identity, ParsedBadge
from badges.openbadges.recipient import find_match
from badges.openbadges.result import Status as CoreStatus
from badges.openbadges.result import VerificationResult
from badges.openbadges.verification import verify

from .fetchers import StagedDocumentCache, badge_fetcher, commit_documents, reverify_fetch
from .import_rules import RecordingFetch, own_assertion_urls, permanent_failure
from .models import DEFINITIVE_STATUSES, Badge, Notification, SourceKind, Status, Verification
from .presentation import translate
from .recheck_rules import could_not_recheck, tolerate_one_unreadable_answer
from .registry import registered_name

logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """A badge we will not add to the wallet, with a translated message and a stable code."""

    def __init__(self, code: str, message: str, *, badge: Badge | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.badge = badge


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """What the learner handed us: file bytes (with a name), a URL, or pasted text."""

    data: bytes | str
    kind_hint: str = ""
    filename: str = ""
    url: str = ""


def identities_of(user) -> list[Identity]:
    return [Identity("email", email) for email in user.verified_emails()]


def import_badge(
    *,
    owner,
    upload=None,
    url: str = "",
    payload: str = "",
    fetch: Fetch | None = None,
    now: datetime | None = None,
) -> Badge:
    """Verify and add one badge to ``owner``'s wallet; raise ``ImportRefused`` with a reason if not.

    Exactly one of ``upload`` (an uploaded file), ``url`` or ``payload`` (pasted JSON / JWT).
    A badge whose issuer cannot be reached now is kept (status ``unreachable``, original saved)
    and re-checked later; a badge for somebody else, a broken one or a duplicate changes nothing.
    """
    source = read_source(upload=upload, url=url, payload=payload)
    now = now or timezone.now()
    if fetch is None:
        fetch = badge_fetcher(cache=StagedDocumentCache(own_urls=own_assertion_urls(source.data)))
        # One deadline for the whole import, whatever the number of documents it needs.
        fetch.deadline = time.monotonic() + settings.BADGE_IMPORT_TIMEOUT
    fetch = RecordingFetch(fetch)
    started = time.monotonic()
    identities = identities_of(owner)
    result = verify(source.data, fetch=fetch, now=now, identities=identities)
    # Issued to an address the learner added but has not confirmed yet: held, not refused.
    awaiting = _unconfirmed_address_named(result, owner=owner)
    if not awaiting:
        _refuse_unless_importable(result, owner=owner, failures=fetch.failures)

    parsed = result.badge
    fingerprint = _fingerprint(parsed, result, source)
    existing = Badge.objects.owned_by(owner).filter(fingerprint=fingerprint).first()
    if existing is not None:
        raise ImportRefused(
            "duplicate",
            _("You already have this badge in your wallet: “%(name)s”.") % {"name": existing.name or _("(untitled)")},
            badge=existing,
        )

    badge = Badge(owner=owner, fingerprint=fingerprint, source_url=source.url[:2000])
    badge.source_kind = _source_kind(result, source)
    if parsed is not None:
        _copy_parsed(badge, parsed)
    _name_from_what_it_says(badge, source=source)
    badge.raw_payload = result.payload or (source.data if isinstance(source.data, str) else "")
    _apply_result(badge, result, now=now)
    badge.recipient_identity = _matched_identity(parsed, identities)
    if awaiting:
        _hold_for_address(badge, awaiting)
    raw = source.data.encode() if isinstance(source.data, str) else source.data
    badge.original_sha256 = hashlib.sha256(raw).hexdigest()
    badge.original_filename = source.filename[:255]
    try:
        with transaction.atomic():
            badge.original_file.save(source.filename or "badge", ContentFile(raw), save=False)
            badge.save()
            _record(badge, result, trigger=Verification.Trigger.IMPORT, previous="", started=started, now=now)
    except IntegrityError:
        # Two imports of the same badge at once: the other one won.
        raise ImportRefused("duplicate", _("You already have this badge in your wallet."))
    _store_thumbnail(badge, fetch=fetch, source=source)
    if badge.status in DEFINITIVE_STATUSES:
        commit_documents(fetch)
    return badge


def read_source(*, upload, url: str, payload: str) -> Source:
    limit = settings.BADGE_UPLOAD_MAX_BYTES
    if upload is not None:
        # Refuse by declared size first, then by what was actually read (never trust the header).
        if (upload.size or 0) > limit:
            raise ImportRefused("too_large", too_large_message(limit))
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise ImportRefused("too_large", too_large_message(limit))
        if not data:
            raise ImportRefused("empty", _("This file is empty."))
        return Source(data=data, filename=getattr(upload, "name", "") or "")
    if url:
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise ImportRefused("bad_url", _("Please paste a web address starting with https://."))
        return Source(data=url, url=url)
    if payload:
        payload = payload.strip()
        if len(payload.encode()) > limit:
            raise ImportRefused("too_large", too_large_message(limit))
        return Source(data=payload)
    raise ImportRefused("empty", _("Choose a badge file, paste a link, or paste the badge's JSON or JWT."))


def too_large_message(limit: int) -> str:
    return _("This file is larger than %(mb)s MB, the most a badge may be.") % {"mb": limit // (1024 * 1024)}


def _unconfirmed_address_named(result: VerificationResult, *, owner) -> str:
    if result.status != CoreStatus.RECIPIENT_MISMATCH or result.badge is None:
        return ""
    unconfirmed = [Identity("email", email) for email in owner.unverified_emails()]
    match = find_match(result.badge.recipients, unconfirmed)
    return match.value if match else ""


def _matched_identity(parsed: ParsedBadge | None, identities: list[Identity]) -> str:
    """Which of the learner's addresses the badge names (private: never shown to viewers)."""
    match = find_match(parsed.recipients, identities) if parsed is not None else None
    return match.value[:500] if match else ""


def _hold_for_address(badge: Badge, email: str) -> None:
    """Not checked against the learner until they confirm ``email``; dropped if they never do."""
    badge.awaiting_address = email[:254]
    badge.status = Status.PENDING
    badge.last_definitive_status = ""
    badge.last_definitive_at = None
    badge.last_definitive_checks = []
    badge.next_check_at = None


def badges_issued_to(*, user, email: str) -> list[str]:
    """Names of the learner's badges issued to ``email`` (shown before the address is removed)."""
    badges = Badge.objects.owned_by(user).filter(recipient_identity__iexact=email)
    return [badge.name or _("(untitled)") for badge in badges.only("name")]


def release_badges_awaiting(*, user, email: str, now: datetime | None = None) -> int:
    """The learner confirmed ``email``: its held badges are checked at the next due pass."""
    return Badge.objects.filter(owner=user, awaiting_address__iexact=email).update(
        awaiting_address="", next_check_at=now or timezone.now()
    )


def drop_unconfirmed_badges(*, now: datetime | None = None) -> int:
    """Badges held for an address never confirmed within BADGE_AWAITING_ADDRESS_DAYS are removed."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BADGE_AWAITING_ADDRESS_DAYS)
    stale = list(Badge.objects.exclude(awaiting_address="").filter(created_at__lt=cutoff))
    for badge in stale:
        remove_badge(badge=badge)
    return len(stale)


def _name_from_what_it_says(badge: Badge, *, source: Source) -> None:
    """A badge kept before its issuer answered is never nameless: what its own bytes say, else
    where it comes from ("Badge from issuer.example"), until the first check fills in the rest."""
    host = _host_of(badge.issuer_id) or _host_of(badge.badge_class_id) or _host_of(badge.badge_id)
    host = host or _host_of(source.url)
    if not badge.issuer_name and host:
        badge.issuer_name = host[:500]
    if not badge.name:
        badge.name = (_("Badge from %(host)s") % {"host": host} if host else _("(untitled)"))[:500]


def _host_of(url: str) -> str:
    if not url or not url.lower().startswith(("http://", "https://")):
        return ""
    return urlsplit(url).netloc.rsplit("@", 1)[-1].lower()


def _refuse_unless_importable(result: VerificationResult, *, owner, failures=()) -> None:
    """The import rules (badges.import_rules): valid, revoked/suspended/expired/not yet valid with
    their reason, or "could not check" for a transient network failure only. One rule for
    revocation: revoked by HTTP 410, ``revoked: true`` or a status list alike, the badge is kept
    and shown as revoked with its reason (even when the issuer's answer carries nothing else)."""
    status = result.status
    if status == CoreStatus.RECIPIENT_MISMATCH:
        raise ImportRefused(
            "not_yours",
            _(
                "This badge was issued to an e-mail address that is not verified on your account. "
                "Add that address under “E-mail addresses”, confirm it, and import the badge again."
            ),
        )
    if result.badge is None and status not in (CoreStatus.UNREACHABLE, CoreStatus.REVOKED):
        reason = _first_problem(result)
        code = "unsupported" if status == CoreStatus.UNSUPPORTED else "bad_format"
        raise ImportRefused(code, reason or _("This is not a badge we can read."))
    if (
        result.badge is None
        and status == CoreStatus.UNREACHABLE
        and (not failures or permanent_failure(list(failures)) is not None)
    ):
        # Nothing read and nothing that waiting would fix (an address our rules refuse…).
        raise ImportRefused("unreachable", _first_problem(result) or _("The issuer could not be reached."))
    if status == CoreStatus.INVALID:
        raise ImportRefused(
            "invalid",
            _("This badge failed verification, so it was not added: %(reason)s") % {"reason": _first_problem(result)},
        )
    if status == CoreStatus.UNSUPPORTED:
        raise ImportRefused(
            "unsupported",
            _("This badge cannot be checked, so it was not added: %(reason)s") % {"reason": _first_problem(result)},
        )
    permanent = permanent_failure(list(failures)) if status == CoreStatus.UNREACHABLE else None
    if permanent is not None:
        # A key that is not there, or an address our rules refuse, will not come back later.
        raise ImportRefused(
            "unverifiable",
            _("This badge could not be verified, so it was not added: %(reason)s")
            % {"reason": translate(permanent.template, permanent.params)},
        )


def _first_problem(result: VerificationResult) -> str:
    for check in result.checks:
        if check.result in ("fail", "error"):
            return translate(check.message, check.params)
    return ""


def _fingerprint(parsed: ParsedBadge | None, result: VerificationResult, source: Source) -> str:
    key = (parsed.id if parsed is not None and parsed.id else "") or result.payload or str(source.data)
    if isinstance(key, bytes):
        return hashlib.sha256(key).hexdigest()
    return hashlib.sha256(key.encode()).hexdigest()


def _source_kind(result: VerificationResult, source: Source) -> str:
    if result.source_kind is not None and result.source_kind in SourceKind.values:
        return str(result.source_kind)
    if source.url:
        return SourceKind.URL
    return SourceKind.JSON


def _copy_parsed(badge: Badge, parsed: ParsedBadge) -> None:
    badge.spec_version = str(parsed.spec_version)
    badge.format = str(parsed.format)
    badge.badge_id = (parsed.id or "")[:2000]
    badge.badge_class_id = (parsed.badge_class_id or "")[:2000]
    badge.name = parsed.name[:500]
    badge.description = parsed.description
    badge.criteria_url = _http_only(parsed.criteria_url)
    badge.criteria_narrative = parsed.criteria_narrative
    badge.image_url = parsed.image or ""
    badge.issuer_id = (parsed.issuer.id or "")[:2000]
    badge.issuer_name = parsed.issuer.name[:500]
    badge.issuer_url = _http_only(parsed.issuer.url)
    badge.issuer_email = (parsed.issuer.email or "")[:254]
    badge.issuer_image_url = parsed.issuer.image or ""
    badge.issued_on = parsed.issued_on
    badge.expires_on = parsed.expires_on
    badge.evidence = [e.__dict__ for e in parsed.evidence]
    badge.alignments = [a.__dict__ for a in parsed.alignments]
    badge.tags = list(parsed.tags)


def _http_only(url: str | None) -> str:
    # Only http(s) links are ever rendered as links (no javascript: or data: from a badge).
    return url[:2000] if url and url.lower().startswith(("http://", "https://")) else ""


def _store_thumbnail(badge: Badge, *, fetch: Fetch, source: Source) -> None:
    """A small PNG for cards and pages; the multi-MB original is never sent to a list page."""
    data: bytes | None = None
    if isinstance(source.data, bytes) and badge.source_kind == SourceKind.PNG:
        data = source.data
    elif badge.image_url.startswith(("http://", "https://")):
        try:
            data = fetch(badge.image_url, kind="image").body
        except OpenBadgesError:
            data = None
    elif badge.image_url.startswith("data:image/png;base64,"):
        import base64
        import binascii

        try:
            data = base64.b64decode(badge.image_url.split(",", 1)[1], validate=False)
        except (ValueError, binascii.Error):
            data = None
    if not data:
        return
    try:
        thumb = images.make_thumbnail(data, size=256)
    except OpenBadgesError:
        return
    if thumb:
        badge.thumbnail.save("thumb.png", ContentFile(thumb), save=False)
        badge.save(update_fields=["thumbnail", "updated_at"])


def remake_thumbnail(*, badge: Badge, fetch: Fetch | None = None) -> bool:
    """(Re)make ``badge``'s thumbnail from its stored original or its image URL; a worker's job.

    Goes through the storage API only, so it works the same on a local disk and on object storage
    shared by machines that share no disk. Returns True when the badge has a thumbnail afterwards.
    """
    if badge.thumbnail:
        badge.thumbnail.delete(save=False)
        Badge.objects.filter(pk=badge.pk).update(thumbnail="")
    data = _stored_source(badge)
    source = Source(data=data if isinstance(data, bytes) else b"")
    _store_thumbnail(badge, fetch=fetch or badge_fetcher(), source=source)
    return bool(badge.thumbnail)


# ---------------------------------------------------------------------------------------------
# Verification results → badge state (the truth rules)
# ---------------------------------------------------------------------------------------------

# Definitive verdicts a learner wants to hear about, and the notice each one gives.
BAD_NEWS = {
    Status.REVOKED: Notification.Kind.REVOKED,
    Status.SUSPENDED: Notification.Kind.SUSPENDED,
    Status.EXPIRED: Notification.Kind.EXPIRED,
    Status.INVALID: Notification.Kind.INVALID,
    Status.RECIPIENT_MISMATCH: Notification.Kind.INVALID,
}


def _apply_result(badge: Badge, result: VerificationResult, *, now: datetime) -> None:
    """Move the badge to the new verdict. A network failure never overwrites a definitive one:
    it only sets ``unreachable_since`` (kept from the first failure) and backs off."""
    status = Status(str(result.status))
    if status not in DEFINITIVE_STATUSES and not badge.last_definitive_status:
        # Never checked yet (the issuer has not answered since import): "not yet checked", which
        # is not "could not re-check since" — there is no earlier verdict to stand by.
        status = Status.PENDING
    badge.status = status
    badge.checks = [check.as_dict() for check in result.checks]
    badge.last_checked_at = now
    if status in DEFINITIVE_STATUSES:
        badge.endorsements = [endorsement.as_json() for endorsement in result.endorsements]
        badge.contained = [credential.as_json() for credential in result.contained]
        badge.last_definitive_status = status
        badge.last_definitive_at = now
        _apply_issuer_identity(badge, result)
        badge.last_definitive_checks = badge.checks
        badge.unreachable_since = None
        badge.consecutive_failures = 0
    else:
        badge.unreachable_since = badge.unreachable_since or now
        badge.consecutive_failures += 1
    badge.next_check_at = next_check_time(badge, now=now)


def _apply_issuer_identity(badge: Badge, result: VerificationResult) -> None:
    """Who the checks proved the issuer to be, and the registry's name for it (badges.registry)."""
    identity = verified_identity(result)
    if identity != badge.verified_issuer or not badge.pk:
        badge.verified_issuer = identity
        badge.registered_issuer_name = registered_name(identity) if identity else ""


def next_check_time(badge: Badge, *, now: datetime) -> datetime:
    """Daily for healthy badges (with jitter so checks spread out), exponential backoff after
    failures, and never later than the moment the badge expires."""
    interval = timedelta(hours=settings.BADGE_RECHECK_HOURS)
    if badge.status in (Status.UNREACHABLE, Status.PENDING) and badge.consecutive_failures:
        base = timedelta(minutes=settings.BADGE_RETRY_BASE_MINUTES)
        cap = timedelta(hours=settings.BADGE_RETRY_CAP_HOURS)
        # min() first on the exponent: 2**1000 after a three-year outage is still a fine int, but pointless.
        interval = min(base * (2 ** min(max(badge.consecutive_failures - 1, 0), 20)), cap)
    jitter = interval.total_seconds() * 0.1
    when = now + interval + timedelta(seconds=random.uniform(-jitter, jitter))
    if badge.expires_on and badge.status not in (Status.EXPIRED, Status.REVOKED) and now < badge.expires_on < when:
        when = badge.expires_on
    return when


def _record(
    badge: Badge,
    result: VerificationResult | None,
    *,
    trigger: str,
    previous: str,
    started: float,
    now: datetime,
    reason: str = "",
) -> Verification:
    return Verification.objects.create(
        badge=badge,
        ran_at=now,
        trigger=trigger,
        status=badge.status,
        previous_status=previous,
        checks=badge.checks,
        errors=list(result.errors) if result is not None else [],
        duration_ms=int((time.monotonic() - started) * 1000),
        reason=(reason or (_first_problem_text(result) if result is not None else ""))[:500],
    )


def _first_problem_text(result: VerificationResult) -> str:
    # English on purpose: history rows are read by support staff and are not re-translated.
    return next((c.text for c in result.checks if c.result in ("fail", "error")), "")


@dataclass(frozen=True)
class _Before:
    """What the learner saw before a check: enough to tell whether to notify."""

    status: str
    definitive: str
    unverifiable: bool

    @classmethod
    def of(cls, badge: Badge) -> _Before:
        # Judged at the time of the last check: crossing the threshold *now* is news.
        at = badge.last_checked_at or timezone.now()
        return cls(badge.status, badge.last_definitive_status, badge.is_unverifiable(now=at))


def _notice_for(before: _Before, badge: Badge, *, now: datetime) -> str | None:
    """The notice a change deserves, or None. An unreachable issuer never yields "revoked":
    UNREACHABLE is not definitive, so it never changes ``last_definitive_status``."""
    if badge.status == Status.UNREACHABLE:
        crossed = not before.unverifiable and badge.is_unverifiable(now=now)
        return Notification.Kind.UNVERIFIABLE if crossed else None
    changed = badge.last_definitive_status != before.definitive
    if badge.status in BAD_NEWS:
        return BAD_NEWS[badge.status] if changed or before.unverifiable else None
    if badge.status == Status.VALID and (before.definitive in BAD_NEWS or before.unverifiable):
        return Notification.Kind.RECOVERED
    return None


def _notify(badge: Badge, kind: str | None, *, now: datetime) -> None:
    if kind:
        Notification.objects.create(
            user_id=badge.owner_id, badge=badge, kind=kind, created_at=now, reasons=notice_reasons(badge)
        )


def notice_reasons(badge: Badge) -> list[dict]:
    """The checks that explain a notice: the failing ones (the issuer's revocation reason among them)."""
    keep = ("template", "params", "message", "name")
    return [{k: c[k] for k in keep if k in c} for c in badge.checks if c.get("result") in ("fail", "error")][:5]


def reverify_badge(
    *, badge: Badge, trigger: str = Verification.Trigger.MANUAL, fetch: Fetch | None = None, now: datetime | None = None
) -> Verification | None:
    """Check a stored badge again from its original, against the learner's current identities.

    Idempotent: running it twice changes the badge's fields to the same values and writes history
    (a ``Verification`` row) and a notice only when the verdict changed. A manual check always
    writes a row, which it returns; a scheduled one returns None when nothing changed.
    The badge's own hosted assertion is always revalidated with the issuer (a conditional GET);
    shared documents (badge class, issuer, keys, lists) come from the cache while fresh.
    """
    now = now or timezone.now()
    started = time.monotonic()
    identities = identities_of(badge.owner)
    try:
        fetch = fetch or reverify_fetch(badge)
        source = _stored_source(badge)
        result = verify(source, fetch=fetch, now=now, identities=identities)
    except HostBusy:
        raise  # not a failure: the task postpones the check
    except Exception as error:  # includes Celery's SoftTimeLimitExceeded
        logger.exception("Re-check of badge %s raised; recorded as could not re-check", badge.pk)
        result = could_not_recheck(error)
    result = tolerate_one_unreadable_answer(result, list(badge.checks or []))
    if result.status in DEFINITIVE_STATUSES:
        commit_documents(fetch)
    with transaction.atomic():
        locked = Badge.objects.select_for_update().get(pk=badge.pk)
        before = _Before.of(locked)
        own_copy = getattr(fetch, "own_copy", None)
        if own_copy is not None and own_copy.updated:  # the issuer's new copy and its validators
            for field in ("hosted_copy", "hosted_etag", "hosted_last_modified"):
                setattr(locked, field, getattr(badge, field))
        apply_recheck(locked, result, identities=identities, now=now)
        locked.save()
        verification = None
        if locked.status != before.status or trigger == Verification.Trigger.MANUAL:
            verification = _record(locked, result, trigger=trigger, previous=before.status, started=started, now=now)
        _notify(locked, _notice_for(before, locked, now=now), now=now)
    _copy_state(locked, badge)
    return verification


def apply_recheck(badge: Badge, result: VerificationResult, *, identities: list[Identity], now: datetime) -> None:
    """Apply a re-check's result to ``badge`` in memory (the caller saves it): the one rule for a
    single re-check and for a batch (badges.batch), field for field."""
    definitive = result.status in DEFINITIVE_STATUSES
    if result.badge is not None and definitive:
        if badge.status == Status.PENDING:
            # The first answer from the issuer replaces what the badge's own bytes said.
            _copy_parsed(badge, result.badge)
            _name_from_what_it_says(badge, source=Source(data="", url=badge.source_url))
        badge.recipient_identity = _matched_identity(result.badge, identities)
    if result.payload and definitive:
        badge.raw_payload = result.payload
    _apply_result(badge, result, now=now)


def _copy_state(source: Badge, target: Badge) -> None:
    # Refresh the caller's instance without another query.
    for field in Badge._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def expire_badge(*, badge: Badge, now: datetime | None = None) -> bool:
    """Flip a badge whose expiry date passed to EXPIRED, without any network check.

    Returns False if another process got there first (or the badge is not expirable any more).
    """
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        locked = Badge.objects.select_for_update().filter(pk=badge.pk).expired_but_not_marked(now).first()
        if locked is None:
            return False
        before = _Before.of(locked)
        reason = f"The badge expired on {locked.expires_on.isoformat()}."
        check = {
            "name": "expiry",
            "result": "fail",
            "message": reason,
            "template": "The badge expired on {date}.",
            "params": {"date": locked.expires_on.isoformat()},
            "status": str(Status.EXPIRED),
        }
        locked.status = locked.last_definitive_status = Status.EXPIRED
        locked.last_definitive_at = now
        # Keep the other checks of the last real run; replace only the expiry line.
        locked.checks = [c for c in locked.checks if c.get("name") != "expiry"] + [check]
        locked.unreachable_since = None
        locked.consecutive_failures = 0
        locked.next_check_at = next_check_time(locked, now=now)
        locked.save()
        _record(
            locked,
            None,
            trigger=Verification.Trigger.EXPIRY,
            previous=before.status,
            started=started,
            now=now,
            reason=reason,
        )
        _notify(locked, _notice_for(before, locked, now=now), now=now)
    _copy_state(locked, badge)
    return True


# ---------------------------------------------------------------------------------------------
# The owner's actions on one badge
# ---------------------------------------------------------------------------------------------

# Apps append callables `fn(*, badge) -> None`, run in the removal's transaction before the badge
# is deleted (the wallet marks the portfolios that held it as changed).
REMOVE_HOOKS: list = []


@transaction.atomic
def remove_badge(*, badge: Badge) -> None:
    """Delete a badge, its files and (through the hooks and cascades) its place everywhere else."""
    for before_removal in REMOVE_HOOKS:
        before_removal(badge=badge)
    for field in (badge.original_file, badge.thumbnail):
        if field:
            field.delete(save=False)
    badge.delete()


def set_badge_hidden(*, badge: Badge, hidden: bool) -> None:
    """Hide a badge from (or show it again on) every public page."""
    badge.hidden_from_public = hidden
    badge.save(update_fields=["hidden_from_public", "updated_at"])


# ---------------------------------------------------------------------------------------------
# The due pass: claim due badges atomically, then enqueue one check each
# ---------------------------------------------------------------------------------------------


def claim_due_badges(*, now: datetime | None = None, limit: int | None = None) -> list[tuple[int, str]]:
    """Claim up to ``limit`` due badges; returns ``(badge id, lease)`` pairs, each claimed once.

    Claiming moves ``next_check_at`` forward by a lease (BADGE_CHECK_LEASE_SECONDS): the check
    sets the real next time when it finishes, and a check that never finishes (crashed worker,
    lost message) makes the badge due again when the lease runs out. The lease value travels with
    the task, so a stale duplicate of a re-claimed badge knows to do nothing.
    """
    now = now or timezone.now()
    limit = limit or settings.BADGE_REVERIFY_BATCH_SIZE
    lease = now + timedelta(seconds=settings.BADGE_CHECK_LEASE_SECONDS)
    due = Badge.objects.due_for_verification(now)
    if connection.features.has_select_for_update_skip_locked:
        # PostgreSQL: rows another pass has locked are skipped, not waited for, and never doubled.
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Badge.objects.filter(pk__in=ids).update(next_check_at=lease)
    else:
        # SQLite: a conditional UPDATE per row; whoever changes the row first owns it.
        ids = [
            pk
            for pk, at in due.values_list("pk", "next_check_at")[:limit]
            if Badge.objects.filter(pk=pk, next_check_at=at).update(next_check_at=lease)
        ]
    return [(pk, lease.isoformat()) for pk in ids]


def holds_lease(badge: Badge, lease: str | None) -> bool:
    """True if ``lease`` (from ``claim_due_badges``) is still this badge's claim, or no lease given."""
    if not lease:
        return True
    return badge.next_check_at is not None and badge.next_check_at == datetime.fromisoformat(lease)


def postpone_check(*, badge: Badge, seconds: float, now: datetime | None = None) -> str:
    """Push a claimed check back (its host is busy) without counting a failure; returns the new lease."""
    now = now or timezone.now()
    lease = now + timedelta(seconds=seconds + settings.BADGE_CHECK_LEASE_SECONDS)
    Badge.objects.filter(pk=badge.pk).update(next_check_at=lease)
    return lease.isoformat()


def run_due_pass(
    *, now: datetime | None = None, enqueue: Callable[[int, str], None], max_batches: int | None = None
) -> dict[str, int]:
    """One beat tick: flip expired badges, then claim due ones batch by batch and ``enqueue`` each
    after its claim commits. Bounded by BADGE_REVERIFY_MAX_BATCHES batches per tick."""
    now = now or timezone.now()
    batch = settings.BADGE_REVERIFY_BATCH_SIZE
    drop_unconfirmed_badges(now=now)
    expired = 0
    for badge in Badge.objects.expired_but_not_marked(now).only("pk")[: batch * 2]:
        expired += expire_badge(badge=badge, now=now)
    claimed = 0
    for _batch in range(max_batches or settings.BADGE_REVERIFY_MAX_BATCHES):
        with transaction.atomic():
            pairs = claim_due_badges(now=now, limit=batch)
            for pk, lease in pairs:
                transaction.on_commit(partial(enqueue, pk, lease))
        claimed += len(pairs)
        if len(pairs) < batch:
            break
    return {"expired": expired, "enqueued": claimed}


def _stored_source(badge: Badge) -> bytes | str:
    if badge.original_file:
        with badge.original_file.open("rb") as handle:
            data = handle.read()
        if badge.source_kind in (SourceKind.PNG, SourceKind.SVG):
            return data
        return data.decode("utf-8", errors="replace")
    return badge.source_url or badge.raw_payload


__all__ = [
    "ImportRefused",
    "expire_badge",
    "import_badge",
    "remove_badge",
    "reverify_badge",
    "run_due_pass",
    "set_badge_hidden",
]
