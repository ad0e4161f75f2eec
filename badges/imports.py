"""Imports off the request path: the page and the API hand the work to a worker and answer at once.

    outcome = start_import(request, upload=file)   # throttled per learner and per IP (web and API alike)
    outcome.pending                                 # a PendingImport, "checking…", followed live
    run_pending_import(pending.pk)                  # in the worker (badges.tasks.run_import_task)

With ``BADGE_IMPORTS_IN_BACKGROUND`` off (the default for tests and the CLI) the import runs in
the request as before and ``outcome.badge`` / ``outcome.refused`` are set at once. When the task
broker cannot be reached, the import runs in the request too, within its deadline: an outage
never loses an import.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Badge, PendingImport, Status
from .services import ImportRefused, import_badge, read_source

logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    label: str
    badge: Badge | None = None
    refused: ImportRefused | None = None
    pending: PendingImport | None = None


class _ImportScope:
    throttle_scope = "import"


def check_import_throttle(request) -> None:
    """The API's import limits, for the web form too: per learner ("import") and per IP ("import_ip").
    Raises ``ImportRefused("throttled")`` with a fully translated message."""
    # Imported here: DRF's throttles load the API settings, too early while apps are loading.
    from config.api import ImportIPThrottle, ScopedRateThrottle, throttled_message

    for throttle in (ScopedRateThrottle(), ImportIPThrottle()):
        if not throttle.allow_request(request, _ImportScope()):
            raise ImportRefused("throttled", throttled_message(throttle.wait()))


def start_import(*, owner, label: str = "", upload=None, url: str = "", payload: str = "") -> ImportOutcome:
    """Import now (foreground) or queue it (background); never raises ``ImportRefused``."""
    outcome = ImportOutcome(label=label)
    try:
        if not settings.BADGE_IMPORTS_IN_BACKGROUND:
            outcome.badge = import_badge(owner=owner, upload=upload, url=url, payload=payload)
        else:
            outcome.pending = _queue(owner=owner, label=label, upload=upload, url=url, payload=payload)
    except ImportRefused as refused:
        outcome.refused = refused
    return outcome


def _queue(*, owner, label: str, upload, url: str, payload: str) -> PendingImport:
    source = read_source(upload=upload, url=url, payload=payload)  # size and shape, before queueing
    waiting = PendingImport.objects.filter(
        owner=owner, state__in=[PendingImport.State.QUEUED, PendingImport.State.RUNNING]
    )
    if waiting.count() >= settings.BADGE_MAX_PENDING_IMPORTS:
        raise ImportRefused(
            "too_many_pending",
            _("You already have %(count)s badges being checked. Please wait until they are done.")
            % {"count": settings.BADGE_MAX_PENDING_IMPORTS},
        )
    pending = PendingImport.objects.create(
        owner=owner,
        label=label[:300],
        filename=source.filename[:255],
        data=source.data if isinstance(source.data, bytes) else b"",
        url=source.url,
        payload=source.data if isinstance(source.data, str) and not source.url else "",
    )
    transaction.on_commit(lambda: _enqueue(pending.pk))
    return pending


def _enqueue(pk: int) -> None:
    from .tasks import run_import_task

    try:
        run_import_task.apply_async(args=(pk,), queue=settings.BADGE_IMPORT_QUEUE or None, retry=False)
    except Exception:  # the broker is down: do it here rather than lose it
        logger.warning("Task broker unreachable; running import %s in the request", pk, exc_info=True)
        run_pending_import(pk)


def run_pending_import(pk: int) -> str:
    """Run one queued import (idempotent: a second delivery finds it no longer queued)."""
    with transaction.atomic():
        claimed = PendingImport.objects.filter(pk=pk, state=PendingImport.State.QUEUED).update(
            state=PendingImport.State.RUNNING, started_at=timezone.now()
        )
    if not claimed:
        return "skipped"
    pending = PendingImport.objects.select_related("owner").get(pk=pk)
    upload = SimpleUploadedFile(pending.filename or "badge", bytes(pending.data)) if pending.data else None
    language = getattr(pending.owner, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            badge = import_badge(owner=pending.owner, upload=upload, url=pending.url, payload=pending.payload)
        except ImportRefused as refused:
            finish(
                pending,
                state=PendingImport.State.REFUSED,
                code=refused.code,
                message=refused.message,
                badge=refused.badge,
            )
        except Exception as error:  # includes the task's soft time limit
            logger.exception("Import %s failed", pk)
            finish(pending, state=PendingImport.State.REFUSED, code="failed", message=failed_message(error))
        else:
            finish(
                pending, state=PendingImport.State.DONE, code="imported", message=imported_message(badge), badge=badge
            )
    return pending.state


def failed_message(error: BaseException) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    if isinstance(error, SoftTimeLimitExceeded):
        return _("Checking this badge took too long, so it was not added. Please try again later.")
    return _("Something went wrong while checking this badge, so it was not added. Please try again.")


def finish(pending: PendingImport, *, state: str, code: str, message: str, badge: Badge | None = None) -> None:
    pending.state, pending.code, pending.message, pending.badge = state, code, message, badge
    pending.finished_at = timezone.now()
    pending.data, pending.payload = b"", ""
    pending.save(update_fields=["state", "code", "message", "badge", "finished_at", "data", "payload"])


def imported_message(badge: Badge) -> str:
    return _("Imported: “%(name)s” from %(issuer)s.") % {"name": badge.name, "issuer": badge.issuer_name}


def as_result(outcome: ImportOutcome) -> dict:
    """One line of the import page (and its JSON): done, refused, or pending with where to follow it."""
    if outcome.pending is not None:
        return pending_result(outcome.pending)
    if outcome.refused is not None:
        existing = outcome.refused.badge
        return {
            "label": outcome.label,
            "ok": False,
            "pending": False,
            "code": outcome.refused.code,
            "message": outcome.refused.message,
            "url": reverse("badge_detail", args=[existing.public_id]) if existing else "",
        }
    badge = outcome.badge
    return {
        "label": outcome.label,
        "ok": True,
        "pending": False,
        "code": "imported",
        "message": imported_message(badge),
        "status": Status(badge.status).label,
        "url": reverse("badge_detail", args=[badge.public_id]),
    }


def pending_result(pending: PendingImport) -> dict:
    done = pending.state == PendingImport.State.DONE
    return {
        "id": str(pending.public_id),
        "label": pending.label,
        "ok": done,
        "pending": pending.is_pending,
        "state": pending.state,
        "code": pending.code or pending.state,
        "message": pending.message or PendingImport.State(pending.state).label,
        "url": reverse("badge_detail", args=[pending.badge.public_id]) if pending.badge_id else "",
        "status_url": reverse("import_status", args=[pending.public_id]),
    }
