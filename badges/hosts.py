"""Per-host politeness: at most N requests in flight and M requests per second to any one issuer host.

The budget lives in Django's cache, so with ``REDIS_URL`` set every worker process on every machine
shares it (``SET NX`` slots and ``INCR`` counters are atomic in Redis). Without Redis the cache is
per process, so the limits hold per worker process: good enough for a laptop.

Only requests that really go to the network count: a ``SafeFetcher`` given a ``HostLimiter``
(``limiter=``) takes a slot around each one, and only when the shared document cache cannot answer.

A host over its budget raises ``HostBusy`` instead of waiting: the task re-queues the badge with a
countdown, so a slow or busy host never holds a worker that could be checking other hosts.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from badges.fetch import host_of


class HostBusy(Exception):
    """The host is at its concurrency or rate limit: try again after ``retry_after`` seconds."""

    def __init__(self, host: str, retry_after: float) -> None:
        super().__init__(f"{host} is busy; retry in {retry_after:.0f}s")
        self.host = host
        self.retry_after = retry_after


class HostLimiter:
    """Slots (concurrency) and a one-second window counter (rate) per host, kept in the cache."""

    def __init__(
        self,
        *,
        max_concurrent: int | None = None,
        per_second: int | None = None,
        slot_ttl: float | None = None,
        max_wait: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_concurrent = max_concurrent or settings.BADGE_HOST_MAX_CONCURRENT
        self.per_second = per_second or settings.BADGE_HOST_REQUESTS_PER_SECOND
        # A crashed worker's slot frees itself after this long (longer than any one fetch).
        self.slot_ttl = slot_ttl or 2 * float(settings.BADGE_FETCH_TIMEOUT) + 5
        self.max_wait = max_wait
        self.sleep = sleep

    def acquire(self, host: str) -> str:
        """Take a slot for one request to ``host``; returns the key to ``release``. Raises ``HostBusy``."""
        self._wait_for_rate(host)
        token = uuid.uuid4().hex
        for index in range(self.max_concurrent):
            key = f"badges:host-slot:{host}:{index}"
            if cache.add(key, token, timeout=self.slot_ttl):
                return key
        raise HostBusy(host, retry_after=self.slot_ttl / 2)

    def release(self, key: str) -> None:
        cache.delete(key)

    def _wait_for_rate(self, host: str) -> None:
        # A fixed one-second window: simpler than a token bucket, and a burst is at most 2x the rate.
        deadline = time.monotonic() + self.max_wait
        while True:
            second = int(time.time())
            key = f"badges:host-rate:{host}:{second}"
            cache.add(key, 0, timeout=5)
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr: a new window anyway
                count = 1
            if count <= self.per_second:
                return
            # Over budget this second: wait for the next window once, briefly, then give up.
            if time.monotonic() >= deadline:
                raise HostBusy(host, retry_after=1 + self.max_wait)
            self.sleep(max(0.01, second + 1 - time.time()))


def failing_hosts(*, limit: int = 5000) -> list[dict]:
    """Hosts of currently unreachable badges, worst first (for the admin): host, badges, since."""
    from badges.models import Badge, Status

    rows = (
        Badge.objects.filter(status=Status.UNREACHABLE)
        .order_by("unreachable_since")
        .values_list("badge_id", "source_url", "issuer_id", "unreachable_since")[:limit]
    )
    hosts: dict[str, dict] = {}
    for badge_id, source_url, issuer_id, since in rows:
        host = host_of(badge_id) or host_of(source_url) or host_of(issuer_id) or "?"
        entry = hosts.setdefault(host, {"host": host, "badges": 0, "since": since})
        entry["badges"] += 1
    return sorted(hosts.values(), key=lambda e: -e["badges"])
