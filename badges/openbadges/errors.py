"""The core's own errors. Every failure a learner can cause raises one of these, never anything else.

Each error carries an English message template (marked for translation) plus the parameters to
fill it, so the Django side can show it in the learner's language:
``gettext(error.template).format(**error.params)``.
"""

from __future__ import annotations

from typing import Any

from .i18n import Message, format_message


class OpenBadgesError(Exception):
    """Base class. ``code`` is stable (API clients match on it); ``template`` is translatable."""

    code = "error"

    def __init__(self, template: str, /, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The English message, parameters filled in."""
        return format_message(self.template, self.params)

    def as_message(self) -> Message:
        """This error as a translatable parameter of another message (e.g. a check's reason)."""
        return Message(self.template, dict(self.params))


class BadgeFormatError(OpenBadgesError):
    """The input is not a badge we can read: broken image, bad JSON, unknown shape."""

    code = "bad_format"


class ImageError(BadgeFormatError):
    """The image is corrupt, truncated, too large, a decompression bomb, or not PNG/SVG."""

    code = "bad_image"


class NoBadgeInImage(BadgeFormatError):
    """A valid image that simply carries no baked badge."""

    code = "not_baked"


class BakingError(OpenBadgesError):
    """The badge could not be baked into the given image."""

    code = "baking_failed"


class FetchError(OpenBadgesError):
    """A remote document could not be fetched *now*.

    ``kind`` tells why: ``"refused"`` (our own safety rules: scheme, private address, redirects),
    ``"network"`` (DNS, connect, TLS, timeout), ``"http"`` (non-2xx status, see ``status``),
    ``"too_large"``, ``"content_type"``. Only ``status == 410`` on a hosted assertion means
    revoked; everything else is "could not check", never a verdict on the badge.
    """

    code = "fetch_failed"

    def __init__(self, template: str, /, *, url: str, kind: str, status: int | None = None, **params: Any) -> None:
        self.url = url
        self.kind = kind
        self.status = status
        super().__init__(template, url=url, status=status, **params)

    @property
    def is_transient(self) -> bool:
        """True when trying again later may succeed (network trouble, 5xx, 429)."""
        if self.kind == "network":
            return True
        return self.kind == "http" and self.status is not None and (self.status >= 500 or self.status == 429)


class UnsupportedError(OpenBadgesError):
    """A form we recognise but cannot check yet (unknown JSON-LD context, proof type, DID method)."""

    code = "unsupported"
