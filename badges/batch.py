"""Re-verification in batches: the due pass enqueues one task per batch of badges, not one per badge.

Per batch, whatever its size: one query loads the badges with their owners, one the owners'
verified addresses, one locks the rows and re-reads their state, and the verdicts, history rows and
notices are written in bulk (one UPDATE, at most one INSERT each) in one transaction. Shared issuer
documents go through a per-process memo in front of the database cache; each badge's own hosted
assertion is revalidated with the validators kept on the badge itself. Connections to an issuer
host are kept alive for the batch (a new connection is only ever opened to an address the SSRF
guard just checked). Leases, the truth rules, idempotence and notices are those of
``services.reverify_badge``; one badge's failure is recorded for that badge and never fails the batch.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from accounts.models import verified_emails_of
from badges.fetch import CachedDocument as FetchedCopy
from badges.fetch import SafeFetcher, fetcher_from_settings
from badges.hosts import HostBusy, HostLimiter
from badges.openbadges.fetching import Fetch, Fetched
from badges.openbadges.model import Identity
from badges.openbadges.verification import verify

from . import registry, services
from .bulk_update import update_rows
from .fetchers import DatabaseDocumentCache, OwnAssertionCache, StagedDocumentCache, commit_documents
from .models import DEFINITIVE_STATUSES, Badge, Notification, Verification
from .recheck_rules import could_not_recheck, tolerate_one_unreadable_answer

logger = logging.getLogger(__name__)

# Sent after a batch commits, with the owners whose badges it changed (bulk writes send no
# post_save): the wallet bumps those learners' public page versions.
badges_changed = Signal()

# Fields a batch writes back (one bulk UPDATE).
WRITTEN_FIELDS = [
    "status",
    "checks",
    "last_definitive_checks",
    "endorsements",
    "contained",
    "last_checked_at",
    "last_definitive_status",
    "last_definitive_at",
    "unreachable_since",
    "consecutive_failures",
    "next_check_at",
    "raw_payload",
    "hosted_copy",
    "hosted_etag",
    "hosted_last_modified",
    "updated_at",
    "recipient_identity",
    "verified_issuer",
    "registered_issuer_name",
    # Filled in from the first definitive check of a badge imported while its issuer was down.
    "spec_version",
    "format",
    "source_kind",
    "badge_id",
    "badge_class_id",
    "name",
    "description",
    "criteria_url",
    "criteria_narrative",
    "image_url",
    "issuer_id",
    "issuer_name",
    "issuer_url",
    "issuer_email",
    "issuer_image_url",
    "issued_on",
    "expires_on",
    "evidence",
    "alignments",
    "tags",
]


# ---------------------------------------------------------------------------------------------
# The due pass: batches grouped by issuer host
# ---------------------------------------------------------------------------------------------


def group_by_host(pairs: list[tuple[int, str]], *, size: int) -> list[tuple[list[int], str]]:
    """Split claimed ``(badge id, lease)`` pairs into batches of at most ``size``, badges of the
    same issuer host together (so one batch reuses its connections and shared documents)."""
    hosts = dict(
        Badge.objects.filter(pk__in=[pk for pk, _ in pairs]).values_list("pk", "issuer_id").order_by()
    )  # one query per claim
    by_lease: dict[str, list[int]] = defaultdict(list)
    for pk, lease in pairs:
        by_lease[lease].append(pk)
    batches = []
    for lease, ids in by_lease.items():
        ids.sort(key=lambda pk: (urlsplit(hosts.get(pk) or "").hostname or "", pk))
        batches += [(ids[i : i + size], lease) for i in range(0, len(ids), size)]
    return batches


def run_batched_due_pass(
    *,
    enqueue_batch: Callable[[list[int], str], None],
    now: datetime | None = None,
    max_batches: int | None = None,
) -> dict[str, int]:
    """The beat tick, batched: flip expired badges, claim due ones (BADGE_REVERIFY_BATCH_SIZE per
    claim, at most BADGE_REVERIFY_MAX_BATCHES claims), and queue one task per
    BADGE_REVERIFY_TASK_BATCH badges, each after its claim commits."""
    now = now or timezone.now()
    claim = settings.BADGE_REVERIFY_BATCH_SIZE
    expired = 0
    for badge in Badge.objects.expired_but_not_marked(now).only("pk")[: claim * 2]:
        expired += services.expire_badge(badge=badge, now=now)
    claimed = tasks = 0
    for _claim in range(max_batches or settings.BADGE_REVERIFY_MAX_BATCHES):
        with transaction.atomic():
            pairs = services.claim_due_badges(now=now, limit=claim)
            for ids, lease in group_by_host(pairs, size=settings.BADGE_REVERIFY_TASK_BATCH):
                transaction.on_commit(partial(enqueue_batch, ids, lease))
                tasks += 1
        claimed += len(pairs)
        if len(pairs) < claim:
            break
    return {"expired": expired, "enqueued": claimed, "tasks": tasks}


# ---------------------------------------------------------------------------------------------
# Fetching for a batch
# ---------------------------------------------------------------------------------------------


class ProcessMemo:
    """A per-process memo of shared issuer documents in front of the database cache: a badge class
    or status list read once serves the next badges of the batch (and of later batches) without a
    query. Freshness is still judged by the fetcher from ``fetched_at``, as for the database copy."""

    def __init__(self, backing, *, size: int = 512) -> None:
        self.backing = backing
        self.size = size
        self._documents: OrderedDict[str, FetchedCopy] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> FetchedCopy | None:
        with self._lock:
            document = self._documents.get(url)
        if document is None:
            document = self.backing.get(url)
            if document is not None:
                self._remember(url, document)
        return document

    def put(self, url: str, document: FetchedCopy) -> None:
        self._remember(url, document)
        self.backing.put(url, document)

    def clear(self) -> None:
        with self._lock:
            self._documents.clear()

    def _remember(self, url: str, document: FetchedCopy) -> None:
        with self._lock:
            self._documents[url] = document
            self._documents.move_to_end(url)
            while len(self._documents) > self.size:
                self._documents.popitem(last=False)


SHARED_DOCUMENTS = ProcessMemo(DatabaseDocumentCache())


class _KeptPool:
    """A connection pool the fetcher may "close" after each request; really closed with the batch."""

    def __init__(self, pool) -> None:
        self._pool = pool

    def __getattr__(self, name):
        return getattr(self._pool, name)

    def close(self) -> None:  # the fetcher closes after every request; keep the connection
        pass


class KeepAlive:
    """HTTP keep-alive per issuer address for one batch. Pools are keyed by the *checked* address:
    the fetcher runs its SSRF checks on every request and only then asks for a pool, so a new
    connection is only ever opened to an address that was just checked."""

    def __init__(self) -> None:
        self._pools: dict[tuple, _KeptPool] = {}

    def attach(self, fetcher: SafeFetcher) -> SafeFetcher:
        open_pool = fetcher._open_pool

        def kept(scheme: str, ip: str, port: int, host: str):
            key = (scheme, ip, port, host)
            if key not in self._pools:
                self._pools[key] = _KeptPool(open_pool(scheme, ip, port, host))
            return self._pools[key]

        fetcher._open_pool = kept
        return fetcher

    def close(self) -> None:
        for pool in self._pools.values():
            try:
                pool._pool.close()
            except (urllib3.exceptions.HTTPError, OSError):
                pass
        self._pools.clear()


class BatchFetch:
    """The fetchers of one batch: shared documents (per-process memo over the database cache,
    staged per badge until its verdict, as for one-by-one checks), and per badge its own assertion
    revalidated against the validators on the badge. Polite and kept alive per checked address."""

    def __init__(self) -> None:
        self.keep_alive = KeepAlive()
        self.limiter = HostLimiter()
        self.freshness = timedelta(minutes=settings.BADGE_DOCUMENT_FRESHNESS_MINUTES)
        self._fetchers: list[SafeFetcher] = []

    def _polite(self, **options) -> SafeFetcher:
        # Every request that reaches the network holds a slot of its host's budget.
        fetcher = self.keep_alive.attach(fetcher_from_settings(limiter=self.limiter, **options))
        self._fetchers.append(fetcher)
        return fetcher

    def for_badge(self, badge: Badge) -> Fetch:
        own_urls = {url for url in (badge.badge_id, badge.source_url) if url.startswith(("http://", "https://"))}
        staged = StagedDocumentCache(SHARED_DOCUMENTS, own_urls=frozenset(own_urls))
        shared = self._polite(cache=staged, freshness=self.freshness)
        own = self._polite(cache=OwnAssertionCache(badge), freshness=timedelta(0))

        def fetch(url: str, *, kind: str = "json") -> Fetched:
            return (own if url in own_urls else shared)(url, kind=kind)

        fetch.cache = staged  # commit_documents() keeps them once the badge reached a verdict
        return fetch

    @property
    def requests_made(self) -> int:
        return sum(fetcher.requests_made for fetcher in self._fetchers)

    def close(self) -> None:
        self.keep_alive.close()


# ---------------------------------------------------------------------------------------------
# One batch
# ---------------------------------------------------------------------------------------------


def identities_by_owner(owner_ids: Iterable[int]) -> dict[int, list[Identity]]:
    """Every owner's verified addresses, now or before, as ``services.identities_of`` gives them, in one query."""
    return {
        owner_id: [Identity("email", email) for email in emails]
        for owner_id, emails in verified_emails_of(owner_ids).items()
    }


def reverify_batch(
    badge_ids: list[int],
    *,
    lease: str | None = None,
    trigger: str = Verification.Trigger.SCHEDULE,
    now: datetime | None = None,
    fetcher: BatchFetch | None = None,
    requeue: Callable[[list[int], str, float], None] | None = None,
    budget_seconds: float | None = None,
) -> dict[str, int]:
    """Re-check the badges in ``badge_ids`` that still hold ``lease``; returns counts by outcome.

    Badges whose issuer host is at its budget are claimed again and handed to ``requeue``
    (ids, new lease, seconds to wait) instead of being checked; so are the badges not started
    within ``budget_seconds`` (a slow issuer never makes a batch overrun its task's time limit)."""
    now = now or timezone.now()
    badges = [
        badge
        for badge in Badge.objects.select_related("owner").filter(pk__in=badge_ids).order_by()
        if services.holds_lease(badge, lease)
    ]
    counts = {"checked": 0, "stale": len(set(badge_ids)) - len(badges), "failed": 0, "postponed": 0}
    postponed: list[int] = []
    retry_after = 0.0
    if not badges:
        return counts
    identities = identities_by_owner(b.owner_id for b in badges)
    fetch = fetcher or BatchFetch()
    results = {}
    batch_started = time.monotonic()
    try:
        for badge in badges:
            started = time.monotonic()
            if budget_seconds is not None and started - batch_started > budget_seconds:
                counts["postponed"] += 1
                postponed.append(badge.pk)
                continue
            badge_fetch = fetch.for_badge(badge)
            try:
                result = verify(
                    services._stored_source(badge),
                    fetch=badge_fetch,
                    now=now,
                    identities=identities.get(badge.owner_id, []),
                )
            except HostBusy as busy:
                # Not a failure: the issuer's host is at its budget. This badge waits for the retry.
                counts["postponed"] += 1
                postponed.append(badge.pk)
                retry_after = max(retry_after, busy.retry_after)
                continue
            except Exception as error:  # one badge never fails the batch, nor freezes (recheck_rules)
                logger.exception("Re-check of badge %s raised; recorded as could not re-check", badge.pk)
                counts["failed"] += 1
                result = could_not_recheck(error)
            result = tolerate_one_unreadable_answer(result, list(badge.checks or []))
            if result.status in DEFINITIVE_STATUSES:
                commit_documents(badge_fetch)
            results[badge.pk] = (result, int((time.monotonic() - started) * 1000))
    finally:
        if fetcher is None:
            fetch.close()
    by_id = {badge.pk: badge for badge in badges}
    changed_owners = _write(by_id, results, identities, lease=lease, trigger=trigger, now=now)
    counts["checked"] = len(results) - counts["failed"]
    if changed_owners:
        badges_changed.send(sender=Badge, owner_ids=changed_owners)
    if postponed and requeue is not None:
        new_lease = now + timedelta(seconds=retry_after + settings.BADGE_CHECK_LEASE_SECONDS)
        Badge.objects.filter(pk__in=postponed).update(next_check_at=new_lease)
        requeue(postponed, new_lease.isoformat(), retry_after)
    return counts


def _write(
    by_id: dict[int, Badge],
    results: dict,
    identities: dict[int, list[Identity]],
    *,
    lease: str | None,
    trigger: str,
    now: datetime,
) -> set[int]:
    """Apply every verdict under row locks and write it all in bulk, in one transaction."""
    history: list[Verification] = []
    notices: list[Notification] = []
    written: list[Badge] = []
    with transaction.atomic(), registry.names_remembered():
        # Lock and re-read what a concurrent manual check may have changed meanwhile.
        current = {
            row["pk"]: row
            for row in Badge.objects.select_for_update()
            .filter(pk__in=list(results))
            .order_by("pk")
            .values("pk", "next_check_at", *_STATE_FIELDS)
        }
        for pk, (result, duration_ms) in results.items():
            row = current.get(pk)
            if row is None:
                continue  # deleted meanwhile
            badge = by_id[pk]
            if lease and (row["next_check_at"] is None or row["next_check_at"] != datetime.fromisoformat(lease)):
                continue  # re-claimed or checked by someone else meanwhile
            for field in _STATE_FIELDS:
                setattr(badge, field, row[field])
            before = services._Before.of(badge)
            # WRITTEN_FIELDS lists every field this may change.
            services.apply_recheck(badge, result, identities=identities.get(badge.owner_id, []), now=now)
            badge.updated_at = now
            written.append(badge)
            if badge.status != before.status or trigger == Verification.Trigger.MANUAL:
                history.append(
                    Verification(
                        badge=badge,
                        ran_at=now,
                        trigger=trigger,
                        status=badge.status,
                        previous_status=before.status,
                        checks=badge.checks,
                        errors=list(result.errors),
                        duration_ms=duration_ms,
                        reason=services._first_problem_text(result)[:500],
                    )
                )
            kind = services._notice_for(before, badge, now=now)
            if kind:
                notices.append(Notification(user_id=badge.owner_id, badge=badge, kind=kind, created_at=now))
        if written:
            update_rows(written, WRITTEN_FIELDS)
        if history:
            Verification.objects.bulk_create(history)
        if notices:
            Notification.objects.bulk_create(notices)
    return {badge.owner_id for badge in written}


_STATE_FIELDS = (
    "status",
    "checks",
    "last_definitive_checks",
    "last_checked_at",
    "last_definitive_status",
    "last_definitive_at",
    "unreachable_since",
    "consecutive_failures",
)
