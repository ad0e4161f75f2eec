"""What the core expects from a fetcher. The real one is ``badges.fetch``; tests pass a fake."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from . import jsontext
from .errors import BadgeFormatError
from .i18n import gettext_noop as _


@dataclass(frozen=True)
class Fetched:
    """A successful (2xx) response. ``url`` is the final URL after redirects."""

    url: str
    body: bytes
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON; ``BadgeFormatError`` if it is not JSON."""
        try:
            return jsontext.loads(self.body)
        except jsontext.TooDeep as exc:
            raise BadgeFormatError(
                _("The document at {url} is nested more than {depth} levels deep."), url=self.url, depth=exc.max_depth
            ) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadgeFormatError(_("The document at {url} is not valid JSON."), url=self.url) from exc


class Fetch(Protocol):
    """``fetch(url, kind="json")`` returns a ``Fetched`` or raises ``errors.FetchError``.

    ``kind`` is ``"json"`` (JSON / JSON-LD documents, small size cap), ``"image"`` (badge images,
    larger cap) or ``"any"`` (a URL a learner pasted: JSON or a baked image). Non-2xx answers
    raise ``FetchError(kind="http", status=...)``. A fetcher may expose ``allow_hosts``: hosts it
    lets through although private (test issuers), which are also the only ones keys may come from
    over plain ``http://``.
    """

    def __call__(self, url: str, *, kind: str = "json") -> Fetched: ...


def plain_http_allowed(fetch: Fetch, url: str) -> bool:
    """May a key or profile be read over plain ``http://`` from ``url``'s host?

    Only from hosts the fetcher's allow-list names (``allow_hosts``: local test issuers); keys
    anywhere else must come over HTTPS.

    >>> plain_http_allowed(DictFetch(allow_hosts={"127.0.0.1"}), "http://127.0.0.1:8000/issuer#key-1")
    True
    >>> plain_http_allowed(DictFetch(), "http://issuer.example/issuer#key-1")
    False
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return parts.scheme == "http" and bool(host) and host in getattr(fetch, "allow_hosts", frozenset())


def web_url_allowed(fetch: Fetch, url: str) -> bool:
    """``https://`` anywhere, ``http://`` only on allow-listed hosts (see ``plain_http_allowed``)."""
    return urlsplit(url).scheme == "https" or plain_http_allowed(fetch, url)


class DictFetch:
    """A fake fetcher for unit tests: ``DictFetch({"https://a/x": {...}, "https://gone": 410})``.

    Values may be dicts/lists (served as JSON), ``bytes``/``str`` bodies, an ``int`` HTTP status
    to fail with, or a ``Fetched``. Missing URLs fail like an unreachable host. ``calls`` records
    every URL asked for.
    """

    def __init__(self, documents: dict[str, Any] | None = None, *, allow_hosts: Iterable[str] = ()) -> None:
        self.documents = dict(documents or {})
        self.allow_hosts = frozenset(allow_hosts)
        self.calls: list[str] = []

    def __call__(self, url: str, *, kind: str = "json") -> Fetched:
        from .errors import FetchError

        self.calls.append(url)
        if url not in self.documents:
            raise FetchError(_("Could not connect to {url}."), url=url, kind="network")
        value = self.documents[url]
        if isinstance(value, Fetched):
            return value
        if isinstance(value, int):
            raise FetchError(_("{url} answered HTTP {status}."), url=url, kind="http", status=value)
        if isinstance(value, (dict, list)):
            return Fetched(url=url, body=json.dumps(value).encode())
        if isinstance(value, str):
            value = value.encode()
        content_type = "image/png" if value.startswith(b"\x89PNG") else "application/json"
        return Fetched(url=url, body=value, content_type=content_type)
