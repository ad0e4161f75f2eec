"""What may enter a wallet: the verdicts an import keeps, and the fetch failures that refuse it.

Kept: valid; revoked, suspended or expired (shown as such, with the reason — one rule whatever
said so); not yet valid; and "could not check" when, and only when, every fetch that failed may
succeed later (network trouble, 5xx, 429). Refused: everything else — a failed check, an
unsupported form (an unknown JSON-LD context), and a document the issuer does not have (404) or
our rules will not fetch (a private address): a forgery's key URL is exactly that.
"""

from __future__ import annotations

from typing import Any

from badges.openbadges import baking, jsontext
from badges.openbadges.errors import FetchError, OpenBadgesError
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


def own_assertion_urls(data: bytes | str) -> frozenset[str]:
    """Where the badge in ``data`` says its own hosted assertion lives (pasted URL, baked URL,
    ``id``, or a 1.0 hosted ``verify.url``): the documents an import must always ask for afresh."""
    try:
        payload = baking.extract(data).payload.strip()
    except OpenBadgesError:
        return frozenset()
    if baking.looks_like_url(payload):
        return frozenset({payload})
    try:
        document = jsontext.loads(payload)
    except ValueError:
        return frozenset()
    if not isinstance(document, dict):
        return frozenset()
    urls = {document.get("id")}
    verify = document.get("verify") or document.get("verification")
    if isinstance(verify, dict) and str(verify.get("type", "")).lower() in ("hosted", "hostedbadge"):
        urls.add(verify.get("url"))
    return frozenset(url for url in urls if isinstance(url, str) and url.startswith(("http://", "https://")))
