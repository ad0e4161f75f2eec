"""What may enter a wallet: the verdicts an import keeps, and the fetch failures that refuse it.

Kept: valid; revoked, suspended or expired (shown as such, with the reason — one rule whatever
said so); not yet valid; and "could not check" when, and only when, every fetch that failed may
succeed later (network trouble, 5xx, 429). Refused: everything else — a failed check, an
unsupported form (an unknown JSON-LD context), and a document the issuer does not have (404) or
our rules will not fetch (a private address): a forgery's key URL is exactly that.
"""

from __future__ import annotations

from typing import Any

from badges.openbadges.errors import FetchError
from badges.openbadges.fetching import Fetch, Fetched


class RecordingFetch:
    """Wraps a fetch and remembers every ``FetchError`` it raised, in order."""

    def __init__(self, fetch: Fetch) -> None:
        self.inner = fetch
        self.failures: list[FetchError] = []

    def __call__(self, url: str, *, kind: str = "json") -> Fetched:
        try:
            return self.inner(url, kind=kind)
        except FetchError as error:
            self.failures.append(error)
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def permanent_failure(failures: list[FetchError]) -> FetchError | None:
    """The first failure that trying again will not fix (HTTP 410 is a verdict, not counted here)."""
    return next((error for error in failures if not error.is_transient and error.status != 410), None)
