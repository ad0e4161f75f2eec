"""Whole public pages for anonymous visitors, served from the cache.

A public page (portfolio, badge and QR pages, a badge's permanent page /b/, a submission pack's
pages /k/) is rendered once per page and language and kept as a whole response; the next visitor
gets those bytes without a database query. Correctness comes from a version per learner, kept in
the cache and bumped on every write that can change what their public pages show (a portfolio,
its order, its share links, any of their badges, a badge's permanent link, their packs, their
display name): a cached page records the version it was rendered under and is used only while
that is still the current one. Reads never query the database for it. Entries also expire after
PUBLIC_PAGE_CACHE_SECONDS, because time alone can change a page (a badge's expiry date passing,
a share link's last day ending).

Anonymous responses carry an ETag and Last-Modified (conditional requests get 304), a
Cache-Control that lets a shared cache keep them but revalidate every time, and no Set-Cookie.
Signed-in visitors (the owner checking their page) always get a fresh render, marked private.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

logger = logging.getLogger(__name__)

ANONYMOUS_CACHE_CONTROL = "public, max-age=0, must-revalidate"
SIGNED_IN_CACHE_CONTROL = "private, no-cache"
# Headers the view sets that belong to the page (the middleware adds the rest on every response).
KEPT_HEADERS = ("Content-Type", "Content-Language", "X-Robots-Tag")


def _version_key(owner_id: int) -> str:
    return f"public-pages:version:{owner_id}"


def changed(owner_id: int | None) -> None:
    """Every cached public page of this learner is out of date from now on.

    Inside a transaction the version is bumped again when it commits: a page rendered meanwhile
    (from the rows before the commit) must not stay current.
    """
    if owner_id is None:
        return
    _bump(owner_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump(owner_id))


def _bump(owner_id: int) -> None:
    try:
        # An int: Django's Redis backend stores ints as plain numbers, so reads can skip pickle.
        cache.set(_version_key(owner_id), secrets.randbits(62), None)
    except Exception:  # a cache outage: entries expire on their own within PUBLIC_PAGE_CACHE_SECONDS
        logger.warning("could not bump the public page version of learner %s", owner_id, exc_info=True)


def current_version(owner_id: int) -> int | None:
    client = _redis()
    if client is None:
        return cache.get(_version_key(owner_id))
    raw = client.get(cache.make_and_validate_key(_version_key(owner_id)))
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return -1  # not written by this module: matches no cached page


_redis_client = None


def _redis():
    """One Redis client for this process when the default cache is Redis: this read happens on
    every cached page view, and Django's backend builds a new client object per operation."""
    global _redis_client
    backend = settings.CACHES["default"]["BACKEND"]
    if backend != "django.core.cache.backends.redis.RedisCache":
        return None
    location = settings.CACHES["default"]["LOCATION"]
    if _redis_client is None or _redis_client[0] != location:
        import redis

        _redis_client = (location, redis.Redis.from_url(location))
    return _redis_client[1]


@dataclass(frozen=True)
class Entry:
    owner_id: int
    version: int | None
    share_link_id: int | None
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    stored_at: float


def is_anonymous_read(request) -> bool:
    """Only plain GET/HEAD requests of visitors who are not signed in (no query string: ``?printed=``
    and the like render per request)."""
    return request.method in ("GET", "HEAD") and not request.GET and not request.user.is_authenticated


def _entry_key(request) -> str:
    raw = f"{request.get_host()}|{request.path}|{request.LANGUAGE_CODE}"
    return "public-pages:page:" + hashlib.sha256(raw.encode()).hexdigest()


# This process's copies of recently served pages, so a hit reads one small version key from the
# shared cache instead of the whole page. A copy is used only while its version is the current one
# and its age is within PUBLIC_PAGE_CACHE_SECONDS, exactly like the shared entry.
LOCAL_COPIES_MAX = 256
_local: OrderedDict[str, Entry] = OrderedDict()
_local_lock = threading.Lock()  # threaded servers share the module


def _remember(key: str, entry: Entry) -> None:
    key = cache.make_key(key)  # the shared cache's namespace is part of a local copy's name
    with _local_lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_COPIES_MAX:
            _local.popitem(last=False)


def lookup(request) -> Entry | None:
    """The cached page for this request if it is still current (no SQL; usually one small read)."""
    key = _entry_key(request)
    try:
        entry = _local.get(cache.make_key(key))
        if entry is None or time.time() - entry.stored_at > settings.PUBLIC_PAGE_CACHE_SECONDS:
            entry = cache.get(key)
        if entry is None or entry.version != current_version(entry.owner_id):
            with _local_lock:
                _local.pop(cache.make_key(key), None)
            return None
    except Exception:
        logger.warning("public page cache unavailable", exc_info=True)
        return None
    _remember(key, entry)
    return entry


def store(request, response: HttpResponse, *, owner_id: int, version: int | None, share_link_id: int | None):
    """Keep ``response`` if it is a plain 200 page meant for anyone; returns the entry or None.

    ``version`` must be read before the page was rendered, so a write during rendering makes
    the stored entry stale at once rather than current with old content.
    """
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the page used a per-visitor token
        or getattr(getattr(request, "_messages", None), "used", False)  # it showed this visitor's notices
    ):
        return None
    body = response.content
    entry = Entry(
        owner_id=owner_id,
        version=version,
        share_link_id=share_link_id,
        body=body,
        headers=tuple((name, response[name]) for name in KEPT_HEADERS if name in response),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
        stored_at=time.time(),
    )
    key = _entry_key(request)
    _remember(key, entry)
    try:
        cache.set(key, entry, settings.PUBLIC_PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("public page cache unavailable", exc_info=True)
    return entry


def respond(request, entry: Entry) -> HttpResponse:
    """The cached page, or a 304 when the visitor's copy is still the current one."""
    last_modified = int(entry.stored_at)
    not_modified = get_conditional_response(request, etag=entry.etag, last_modified=last_modified)
    response = not_modified or HttpResponse(entry.body)
    for name, value in entry.headers:
        response[name] = value
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = ANONYMOUS_CACHE_CONTROL
    return response


def mark_signed_in(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = SIGNED_IN_CACHE_CONTROL
    return response


def whole_page(owner_of: Callable[..., int | None]):
    """Serve a public page view whole from the cache to anonymous visitors (like ``public_page``).

    ``owner_of(**kwargs)`` names the learner whose writes change the page, from the URL's own
    arguments; it runs only on a miss, before the view reads anything, so the version it reads
    is never newer than the rows the page is rendered from. None (no such page): no caching.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, **kwargs):
            if not is_anonymous_read(request):
                return mark_signed_in(view(request, **kwargs))
            request.anonymous_public_page = True  # base.html: a language switch without a token
            entry = lookup(request)
            if entry is not None:
                return respond(request, entry)
            owner_id = owner_of(**kwargs)
            version = None if owner_id is None else current_version(owner_id)
            response = view(request, **kwargs)
            if owner_id is None:
                return response
            entry = store(request, response, owner_id=owner_id, version=version, share_link_id=None)
            return response if entry is None else respond(request, entry)

        return wrapper

    return decorate
