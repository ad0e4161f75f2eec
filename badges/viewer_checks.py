"""What a viewer of a public badge page may check for themselves, without signing in.

* ``verify_now``: re-run the badge's verification on the server. Answers from the last check when
  it is fresher than ``VIEWER_CHECK_FRESH_SECONDS``; never runs two checks of one badge at once
  (a cache lock: concurrent clicks wait for the one check and share its answer).
* ``issued_to``: does an e-mail address the viewer was given match the badge's recipient? Only
  yes or no; the address on file is never shown, and only counts of attempts are logged.
* ``take``: a fixed-window rate limit in the shared cache, per viewer and per badge.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from badges.models import Badge, Verification
from badges.openbadges.model import Identity
from badges.openbadges.recipient import find_match
from badges.openbadges.verification import recipients_in
from badges.services import reverify_badge

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ViewerCheck:
    checked_at: datetime | None
    ran: bool  # False: answered from a check that was fresh enough, or that another viewer started


def take(scope: str, key: str, *, limit: int, per_seconds: int) -> bool:
    """Count one attempt in the current window; False once ``limit`` attempts were made in it."""
    window = int(time.time() // per_seconds)
    name = f"viewer-limit:{scope}:{key}:{window}"
    cache.add(name, 0, timeout=per_seconds + 1)
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=per_seconds + 1)
        used = 1
    return used <= limit


def verify_now(badge: Badge, *, now: datetime | None = None) -> ViewerCheck:
    """Check ``badge`` again unless its last check is fresh; one check per badge at a time."""
    fresh = timedelta(seconds=settings.VIEWER_CHECK_FRESH_SECONDS)
    now = now or timezone.now()
    if badge.last_checked_at and now - badge.last_checked_at < fresh:
        return ViewerCheck(badge.last_checked_at, ran=False)
    lock, token = f"viewer-check:{badge.pk}", uuid.uuid4().hex
    deadline = time.monotonic() + settings.VIEWER_CHECK_WAIT_SECONDS
    if cache.add(lock, token, timeout=settings.VIEWER_CHECK_WAIT_SECONDS):
        try:
            reverify_badge(badge=badge, trigger=Verification.Trigger.MANUAL, now=now)
        finally:
            if cache.get(lock) == token:
                cache.delete(lock)
        return ViewerCheck(badge.last_checked_at, ran=True)
    # Someone else's check of this badge is running: wait for it rather than start another.
    while cache.get(lock) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    badge.refresh_from_db()
    return ViewerCheck(badge.last_checked_at, ran=False)


def issued_to(badge: Badge, email: str) -> bool:
    """Was ``badge`` issued to ``email`` (as the viewer typed it, or lower-cased)? Logged as a count only."""
    typed = email.strip()
    recipients = recipients_in(badge.raw_payload or "")
    candidates = [Identity("email", typed), Identity("email", typed.lower())]
    matched = bool(typed) and find_match(recipients, candidates) is not None
    outcome = "match" if matched else "no_match"
    day = timezone.now().date().isoformat()
    counter = f"viewer-recipient-count:{badge.pk}:{day}:{outcome}"
    cache.add(counter, 0, timeout=3 * 24 * 3600)
    try:
        count = cache.incr(counter)
    except ValueError:
        count = 1
    logger.info("recipient check on badge %s: %s (%s today)", badge.public_id, outcome, count)
    return matched
