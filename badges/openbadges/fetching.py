"""What the core expects from a fetcher. The real one is ``badges.fetch``; tests pass a fake."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol

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
    raise ``FetchError(kind="http", status=...)``.
    """

    def __call__(self, url: str, *, kind: str = "json") -> Fetched: ...


class DictFetch:
    """A fake fetcher for unit tests: ``DictFetch({"https://a/x": {...}, "https://gone": 410})``.

    Values may be dicts/lists (served as JSON), ``bytes``/``str`` bodies, an ``int`` HTTP status
    to fail with, or a ``Fetched``. Missing URLs fail like an unreachable host. ``calls`` records
    every URL asked for.
    """

    def __init__(self, documents: dict[str, Any] | None = None) -> None:
        self.documents = dict(documents or {})
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
