"""The single entry point: ``verify(data, fetch=..., now=..., identities=...)``.

It unbakes images, reads what kind of payload it holds, and hands it to the OB 1.x/2.0 verifier
(``ob2``) or the OB 3.0 verifier (``ob3``). Both return a ``VerificationResult`` whose checks say
what was run; this module only routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from . import baking, ob2, ob3
from .documents import build_badge, load_json_object, parse_assertion
from .errors import BadgeFormatError, FetchError, OpenBadgesError
from .fetching import Fetch, Fetched
from .i18n import gettext_noop as _
from .model import Identity, Recipient
from .result import Check, CheckResult, Status, VerificationResult


def verify(
    data: bytes | str,
    *,
    fetch: Fetch,
    now: datetime,
    identities: Sequence[Identity] = (),
) -> VerificationResult:
    """Verify a badge given as image bytes, JSON, a compact JWS/JWT, or a URL.

    ``now`` must be timezone-aware. Never raises for bad input: a payload we cannot read comes
    back as an ``invalid`` (or ``unsupported``) result whose ``format`` check says why.

    >>> from datetime import UTC, datetime
    >>> from badges.openbadges.fetching import DictFetch
    >>> verify(b"not a badge", fetch=DictFetch(), now=datetime(2026, 6, 1, tzinfo=UTC)).status
    <Status.INVALID: 'invalid'>
    """
    fetch = _once_per_run(fetch)
    try:
        extracted = baking.extract(data)
        payload, source_kind = extracted.payload, extracted.kind
        if baking.looks_like_url(payload):
            payload = _follow_pasted_url(payload, fetch=fetch)
    except _RevokedAtSource as gone:
        return gone.result
    except OpenBadgesError as error:
        return _unreadable(error)

    family = baking.classify(payload)
    verifier = ob3.verify_ob3 if family == "ob3" else ob2.verify_ob2
    return verifier(payload, fetch=fetch, now=now, identities=identities, source_kind=source_kind)


def recipients_in(payload: str) -> tuple[Recipient, ...]:
    """Who a stored badge payload names as its recipient (hashed or plain), read without any fetch.

    For answering "was this issued to the person I am dealing with?" from a badge already verified
    and stored: compare with ``recipient.find_match``. Unreadable payloads name nobody.

    >>> recipients_in('''{"recipient": {"type": "email", "hashed": false, "identity": "a@example.org"},
    ...                  "badge": "https://a.example/badge", "verify": {"type": "hosted", "url": "https://a.example/1"},
    ...                  "issuedOn": "2024-01-01"}''')[0].identity
    'a@example.org'
    """
    text = payload.strip()
    try:
        if baking.classify(text) == "ob3":
            credential, jws = ob3.read_credential(text)
            return ob3.parse_credential(credential, raw=text, jws=jws).recipients
        document = baking.decode_jws_payload_unverified(text) if baking.is_compact_jws(text) else load_json_object(text)
        return build_badge(parse_assertion(document), raw=text).recipients
    except OpenBadgesError:
        return ()


def _once_per_run(fetch: Fetch) -> Fetch:
    """One request per document and run: a pasted URL is fetched to see what it is, then asked for
    again by its ``id`` as the authoritative copy; both are the same answer of the same moment.
    Everything else about ``fetch`` (e.g. its ``allow_hosts``) reads through unchanged."""
    return _FetchOnce(fetch)


class _FetchOnce:
    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._seen: dict[tuple[str, bool], Fetched] = {}

    def __call__(self, url: str, *, kind: str = "json") -> Fetched:
        key = (url, kind == "image")
        if key not in self._seen:
            self._seen[key] = self._fetch(url, kind=kind)
        return self._seen[key]

    def __getattr__(self, name: str):
        return getattr(self._fetch, name)


class _RevokedAtSource(Exception):
    def __init__(self, result: VerificationResult) -> None:
        self.result = result


def _follow_pasted_url(url: str, *, fetch: Fetch) -> str:
    """Turn a pasted or baked URL into a payload: the JSON it serves, or what its image carries.

    A hosted OB 1.x/2.0 assertion's JSON still goes to ``ob2``, which re-fetches it from its own
    ``id`` (the hosted copy is authoritative). HTTP 410 on a hosted assertion means revoked.
    """
    try:
        fetched = fetch(url, kind="any")
    except FetchError as error:
        if error.status == 410:
            check = Check(
                "revocation",
                CheckResult.FAIL,
                _("The issuer says this badge was revoked (HTTP 410 at {url})."),
                {"url": url},
                status=Status.REVOKED,
            )
            raise _RevokedAtSource(VerificationResult.from_checks([check])) from error
        raise
    if fetched.content_type.startswith("image/") or fetched.body[:8] == b"\x89PNG\r\n\x1a\n":
        inner = baking.extract(fetched.body).payload
        # An image whose baked payload is a URL: that URL is the hosted assertion; ob2 fetches it.
        return inner
    try:
        text = fetched.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadgeFormatError(_("The document at {url} is not text."), url=url) from exc
    # OB 0.5–2.0 JSON: give ob2 the URL itself, since only where it is hosted makes it verifiable
    # (0.5 assertions carry no id of their own).
    return url if baking.classify(text) == "ob2" else text


def _unreadable(error: OpenBadgesError) -> VerificationResult:
    status = Status.INVALID
    if isinstance(error, FetchError):
        status = Status.UNREACHABLE
    elif error.code == "unsupported":
        status = Status.UNSUPPORTED
    result = CheckResult.ERROR if status is Status.UNREACHABLE else CheckResult.FAIL
    check = Check("format", result, error.template, dict(error.params), status=status)
    return VerificationResult.from_checks([check], errors=(error.message,))


__all__ = ["verify", "Identity", "Status", "VerificationResult"]
