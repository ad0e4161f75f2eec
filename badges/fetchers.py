"""The fetchers badge workflows use: one shared document cache in the database, and a polite
fetcher for re-checks (per-host limits, the badge's own assertion always asked again).

What the shared cache keeps (and nothing else): issuer documents shared by many badges — issuer
profiles, badge classes, keys, status and revocation lists — fetched by a verification that
reached a verdict. Never a badge's own assertion (always asked again, so a revoked badge cannot
come back from the cache), never images, never anything from a refused import, never a URL with
a query string (one attacker could mint endless keys). Documents fetched during a verification
are *staged* in memory and written only when the caller commits; ``purge_document_cache`` drops
old rows and keeps the table under a size cap.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models.functions import Length
from django.utils import timezone

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


def _has_query(url: str) -> bool:
    try:
        return bool(urlsplit(url).query)
    except ValueError:
        return True


class StagedDocumentCache:
    """Reads from the shared cache; keeps what it fetches in memory until ``commit()``.

    ``own_urls`` (the badge's own assertion) are never read from nor written to the shared cache.
    """

    def __init__(self, backing: DatabaseDocumentCache | None = None, *, own_urls: frozenset[str] = frozenset()):
        self.backing = backing or DatabaseDocumentCache()
        self.own_urls = set(own_urls)
        self.staged: dict[str, FetchedCopy] = {}

    def get(self, url: str) -> FetchedCopy | None:
        if url in self.staged:
            return self.staged[url]
        if url in self.own_urls or _has_query(url):
            return None
        return self.backing.get(url)

    def put(self, url: str, document: FetchedCopy) -> None:
        self.staged[url] = document

    def shareable(self, url: str, document: FetchedCopy) -> bool:
        return not (
            url in self.own_urls
            or document.final_url in self.own_urls
            or _has_query(url)
            or document.content_type.startswith("image/")
            or len(document.body) > settings.BADGE_DOCUMENT_CACHE_MAX_DOCUMENT_BYTES
        )

    def commit(self) -> int:
        """Write the shareable staged documents to the shared cache; returns how many."""
        written = 0
        for url, document in self.staged.items():
            if self.shareable(url, document):
                self.backing.put(url, document)
                written += 1
        self.staged.clear()
        return written


def badge_fetcher(
    *,
    cached: bool = True,
    limiter: HostLimiter | None = None,
    freshness: timedelta | None = None,
    cache: StagedDocumentCache | None = None,
) -> SafeFetcher:
    """The fetcher services use: shared documents come from the cache while fresh
    (BADGE_DOCUMENT_FRESHNESS_MINUTES); what it fetches is staged in ``cache`` (``fetcher.cache``)
    until the caller commits it. With a ``limiter``, every request that reaches the network holds
    a slot of its host's budget."""
    if not cached:
        return fetcher_from_settings()
    if freshness is None:
        freshness = timedelta(minutes=settings.BADGE_DOCUMENT_FRESHNESS_MINUTES)
    return fetcher_from_settings(cache=cache or StagedDocumentCache(), limiter=limiter, freshness=freshness)


def commit_documents(fetch) -> None:
    """Keep the shared documents a verification fetched (call once it reached a verdict)."""
    cache = getattr(fetch, "cache", None)
    if isinstance(cache, StagedDocumentCache):
        cache.commit()


def purge_document_cache(*, now=None) -> dict[str, int]:
    """Drop cached documents older than BADGE_DOCUMENT_CACHE_MAX_AGE_DAYS, then the oldest until
    the table holds at most BADGE_DOCUMENT_CACHE_MAX_MB. Idempotent."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BADGE_DOCUMENT_CACHE_MAX_AGE_DAYS)
    aged, _by_model = CachedDocument.objects.filter(fetched_at__lt=cutoff).delete()
    budget = settings.BADGE_DOCUMENT_CACHE_MAX_MB * 1024 * 1024
    total, over = 0, []
    for pk, size in (
        CachedDocument.objects.annotate(size=Length("body")).order_by("-fetched_at", "-pk").values_list("pk", "size")
    ):
        total += size or 0
        if total > budget:
            over.append(pk)
    capped = 0
    for start in range(0, len(over), 1000):
        capped += CachedDocument.objects.filter(pk__in=over[start : start + 1000]).delete()[0]
    return {"aged": aged, "capped": capped}


class OwnAssertionCache:
    """The badge's own hosted assertion, kept on the badge: always revalidated (freshness 0) with
    its ETag / Last-Modified; a 304 answers from ``badge.hosted_copy`` without any query.

    The copy is the one the issuer served at the badge's own id (``badge_id``), read without a
    redirect: a 304 vouches only for the document at the address that was asked. A copy from any
    other address (the pasted URL, a redirect's target) is neither kept nor offered, or a copy
    served elsewhere with the issuer's current ETag would pass for the issuer's answer.
    """

    def __init__(self, badge: Badge) -> None:
        self.badge = badge
        self.updated = False  # a new copy came: the caller writes the badge's hosted_* fields

    def get(self, url: str) -> FetchedCopy | None:
        badge = self.badge
        if url != badge.badge_id or not badge.hosted_copy or not (badge.hosted_etag or badge.hosted_last_modified):
            return None
        return FetchedCopy(
            body=badge.hosted_copy.encode(),
            content_type="application/json",
            etag=badge.hosted_etag or None,
            last_modified=badge.hosted_last_modified or None,
            fetched_at=datetime.min.replace(tzinfo=UTC),  # never fresh: always revalidated
            final_url=url,
        )

    def put(self, url: str, document: FetchedCopy) -> None:
        if url != self.badge.badge_id or document.final_url != url:
            return
        try:
            text = document.body.decode("utf-8")
        except UnicodeDecodeError:
            return  # not JSON text: not kept (the next check fetches it in full)
        self.badge.hosted_copy = text
        self.badge.hosted_etag = (document.etag or "")[:500]
        self.badge.hosted_last_modified = (document.last_modified or "")[:100]
        self.updated = True


def reverify_fetch(badge: Badge) -> Fetch:
    """A polite fetcher for re-checking ``badge``: its own assertion URL is always revalidated
    (freshness 0, so a revocation is seen on the next check) with the validators kept on the badge
    (a 304 costs no download), everything else is shared."""
    limiter = HostLimiter()
    own_urls = {url for url in (badge.badge_id, badge.source_url) if url.startswith(("http://", "https://"))}
    cache = StagedDocumentCache(own_urls=frozenset(own_urls))
    shared = badge_fetcher(limiter=limiter, cache=cache)
    own_copy = OwnAssertionCache(badge)
    own = badge_fetcher(limiter=limiter, freshness=timedelta(0), cache=own_copy)

    seen: dict[tuple[str, bool], Fetched] = {}

    def fetch(url: str, *, kind: str = "json") -> Fetched:
        # The core may ask for the same document twice in one run (as the pasted URL with kind
        # "any", then by its id as "json"): one request answers both.
        key = (url, kind == "image")
        if key not in seen:
            seen[key] = (own if url in own_urls else shared)(url, kind=kind)
        return seen[key]

    fetch.cache = cache  # for commit_documents()
    fetch.own_copy = own_copy  # type: ignore[attr-defined]  # reverify_badge keeps a new copy's validators
    # Keys may come over plain http only from allow-listed (test) hosts: the core asks the fetcher.
    fetch.allow_hosts = shared.allow_hosts  # type: ignore[attr-defined]
    return fetch
