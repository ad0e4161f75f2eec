"""The fetchers badge workflows use: one shared document cache in the database, and a polite
fetcher for re-checks (per-host limits, the badge's own assertion always asked again)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from badges.fetch import CachedDocument as FetchedCopy
from badges.fetch import SafeFetcher, fetcher_from_settings
from badges.hosts import HostLimiter
from badges.openbadges.fetching import Fetch, Fetched

from .models import Badge, CachedDocument


class DatabaseDocumentCache:
    """One fetch of a badge class (issuer, keys, status list) serves every badge that uses it."""

    def get(self, url: str) -> FetchedCopy | None:
        row = CachedDocument.objects.filter(url=url).first()
        if row is None:
            return None
        return FetchedCopy(
            body=bytes(row.body),
            content_type=row.content_type,
            etag=row.etag or None,
            last_modified=row.last_modified or None,
            fetched_at=row.fetched_at,
            final_url=row.final_url or url,
        )

    def put(self, url: str, document: FetchedCopy) -> None:
        CachedDocument.objects.update_or_create(
            url=url,
            defaults={
                "body": document.body,
                "content_type": document.content_type,
                "etag": document.etag or "",
                "last_modified": document.last_modified or "",
                "fetched_at": document.fetched_at,
                "final_url": document.final_url,
            },
        )


def badge_fetcher(
    *, cached: bool = True, limiter: HostLimiter | None = None, freshness: timedelta | None = None
) -> SafeFetcher:
    """The fetcher services use. Imports always see the issuer's current answer for the assertion
    itself; shared documents come from the cache while fresh (BADGE_DOCUMENT_FRESHNESS_MINUTES).
    With a ``limiter``, every request that reaches the network holds a slot of its host's budget."""
    if not cached:
        return fetcher_from_settings()
    if freshness is None:
        freshness = timedelta(minutes=settings.BADGE_DOCUMENT_FRESHNESS_MINUTES)
    return fetcher_from_settings(cache=DatabaseDocumentCache(), limiter=limiter, freshness=freshness)


def reverify_fetch(badge: Badge) -> Fetch:
    """A polite fetcher for re-checking ``badge``: its own assertion URL is always revalidated
    (freshness 0, so a revocation is seen on the next check), everything else is shared."""
    limiter = HostLimiter()
    shared = badge_fetcher(limiter=limiter)
    own = badge_fetcher(limiter=limiter, freshness=timedelta(0))
    own_urls = {url for url in (badge.badge_id, badge.source_url) if url.startswith(("http://", "https://"))}

    seen: dict[tuple[str, bool], Fetched] = {}

    def fetch(url: str, *, kind: str = "json") -> Fetched:
        # The core may ask for the same document twice in one run (as the pasted URL with kind
        # "any", then by its id as "json"): one request answers both.
        key = (url, kind == "image")
        if key not in seen:
            seen[key] = (own if url in own_urls else shared)(url, kind=kind)
        return seen[key]

    return fetch
