"""Thin Celery tasks: each turns a queue message into a call to a service (badges.services).

Every task is idempotent, so ``acks_late`` (settings) is safe: a worker that dies mid-task leaves
the message unacknowledged and the badge's lease runs out, so the check happens again.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

# Only errors that a retry can fix. An unreachable issuer is NOT one of them: it is a verdict
# (UNREACHABLE) with its own backoff through next_check_at, so Celery never hammers a dead host.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

RETRY_POLICY = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


def enqueue_check(badge_id: int, lease: str | None = None, *, countdown: float | None = None) -> None:
    """Queue one badge check (on BADGE_REVERIFY_QUEUE when set, so imports are never stuck behind it)."""
    queue = settings.BADGE_REVERIFY_QUEUE or None
    reverify_badge_task.apply_async(args=(badge_id, lease), queue=queue, countdown=countdown)


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90, **RETRY_POLICY)
def reverify_badge_task(badge_id: int, lease: str | None = None, trigger: str = "schedule") -> str:
    """Re-check one badge. ``lease`` comes from the due pass; without one the check always runs."""
    from badges.hosts import HostBusy
    from badges.models import Badge
    from badges.services import holds_lease, postpone_check, reverify_badge

    badge = Badge.objects.select_related("owner").filter(pk=badge_id).first()
    if badge is None:
        return "gone"  # deleted after the task was queued
    if not holds_lease(badge, lease):
        return "stale"  # checked already, or re-claimed by a later pass that queued its own task
    try:
        reverify_badge(badge=badge, trigger=trigger)
    except HostBusy as busy:
        # Not a failure: the issuer's host is at its budget. Try again shortly, keep the claim.
        new_lease = postpone_check(badge=badge, seconds=busy.retry_after)
        enqueue_check(badge_id, new_lease, countdown=busy.retry_after)
        return "postponed"
    return str(badge.status)


def enqueue_batch(badge_ids: list[int], lease: str, countdown: float | None = None) -> None:
    """Queue one batch of checks (BADGE_REVERIFY_TASK_BATCH badges, grouped by issuer host)."""
    queue = settings.BADGE_REVERIFY_QUEUE or None
    reverify_batch_task.apply_async(args=(list(badge_ids), lease), queue=queue, countdown=countdown)


@shared_task(ignore_result=True, soft_time_limit=300, time_limit=360, **RETRY_POLICY)
def reverify_batch_task(badge_ids: list[int], lease: str | None = None) -> dict[str, int]:
    """Re-check a batch of badges claimed by the due pass (badges/batch.py)."""
    from badges.batch import reverify_batch

    return reverify_batch(
        badge_ids,
        lease=lease,
        requeue=lambda ids, new_lease, wait: enqueue_batch(ids, new_lease, wait),
        # Start no badge after this: the slowest fetch (BADGE_FETCH_TIMEOUT per document) must still
        # finish, and the verdicts be written, before the soft time limit (300 s).
        budget_seconds=300 - 4 * settings.BADGE_FETCH_TIMEOUT - 30,
    )


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300, **RETRY_POLICY)
def reverify_due_badges() -> dict[str, int]:
    """The beat tick: flip expired badges, claim due ones in bounded batches, queue a task per batch."""
    from badges.batch import run_batched_due_pass

    counts = run_batched_due_pass(enqueue_batch=enqueue_batch)
    logger.info("reverify_due_badges: %(expired)s expired, %(enqueued)s checks queued in %(tasks)s tasks", counts)
    return counts


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90, **RETRY_POLICY)
def remake_thumbnail_task(badge_id: int) -> bool:
    """Make a badge's thumbnail again (queued from the admin); the web process then serves it."""
    from badges.models import Badge
    from badges.services import remake_thumbnail

    badge = Badge.objects.filter(pk=badge_id).first()
    return badge is not None and remake_thumbnail(badge=badge)


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=660, **RETRY_POLICY)
def send_notification_digests() -> int:
    """The daily e-mail: one digest per learner with news about their badges."""
    from badges.notifications import send_digests

    return send_digests()


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300, **RETRY_POLICY)
def warn_expiring_badges() -> int:
    """Hourly: warn learners 30, 7 and 1 day before a badge expires (each warning once)."""
    from badges.notifications import warn_expiring_badges as warn

    return warn()


@shared_task(ignore_result=True, soft_time_limit=600, time_limit=660, **RETRY_POLICY)
def purge_document_cache() -> dict[str, int]:
    """Daily: old shared documents out, the cache table under BADGE_DOCUMENT_CACHE_MAX_MB."""
    from badges.fetchers import purge_document_cache as purge

    return purge()


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90, acks_late=True)
def run_import_task(pending_id: int) -> str:
    """Run one queued import (badges.imports). Not retried: a failure is recorded on the item."""
    from badges.imports import run_pending_import

    return run_pending_import(pending_id)
