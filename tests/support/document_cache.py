"""A process-local document cache for ``SafeFetcher`` (tests and benchmarks; the site uses the
database: badges/fetchers.py)."""

from __future__ import annotations

import threading

from badges.fetch import CachedDocument


class InMemoryDocumentCache:
    """A ``DocumentCache`` in a dict. Thread-safe, unbounded."""

    def __init__(self) -> None:
        self._documents: dict[str, CachedDocument] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedDocument | None:
        with self._lock:
            return self._documents.get(url)

    def put(self, url: str, document: CachedDocument) -> None:
        with self._lock:
            self._documents[url] = document
