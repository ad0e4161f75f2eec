"""OB 3.0 ``credentialStatus``: Bitstring / StatusList2021 lists and the 1EdTech revocation list.

Only definitive, verifiable evidence means revoked: a set bit in a list credential whose own
proof, type, validity window and purpose check out, or the credential's entry in a
1EdTechRevocationList. A list we cannot fetch, or fetch but cannot trust, means "status unknown"
(``UNREACHABLE``), never revoked.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .errors import BadgeFormatError, FetchError, OpenBadgesError
from .fetching import Fetch
from .i18n import gettext_noop as _
from .result import Check, CheckResult, Status

# Verifies a status list credential's proof and key binding: None when it checks out, else the
# English reason. May raise FetchError when the list's key cannot be fetched.
ListVerifier = Callable[[dict[str, Any]], str | None]
DateReader = Callable[[Any], datetime | None]

_MAX_LIST_BYTES = 16 * 1024 * 1024  # the spec minimum is 16 KiB; this only stops gzip bombs
_LIST_TYPES = {
    "BitstringStatusListEntry": "BitstringStatusListCredential",
    "StatusList2021Entry": "StatusList2021Credential",
}
_NAME = "revocation"


class _Unusable(Exception):
    """The list was fetched but cannot be trusted or read."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template)


def decode_status_list(encoded: str) -> bytes:
    """The raw bitstring of an ``encodedList``: multibase ``u`` + base64url (padding optional) + gzip.

    >>> decode_status_list(encode_status_list(b"\\x80"))[:1]
    b'\\x80'
    """
    text = encoded.strip()
    if text.startswith("u"):
        text = text[1:]
    text = text.replace("+", "-").replace("/", "_")  # older StatusList2021 lists use plain base64
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
        inflater = zlib.decompressobj(wbits=31)
        data = inflater.decompress(compressed, _MAX_LIST_BYTES)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise ValueError("undecodable encodedList") from exc
    if inflater.unconsumed_tail:
        raise ValueError("encodedList too large")
    if not inflater.eof:
        raise ValueError("truncated encodedList")
    return data


def encode_status_list(bits: bytes) -> str:
    """The ``encodedList`` for a raw bitstring (gzip, base64url without padding, multibase ``u``)."""
    compressor = zlib.compressobj(wbits=31)
    compressed = compressor.compress(bits) + compressor.flush()
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def bit_is_set(bits: bytes, index: int) -> bool:
    """Bit ``index`` of the list, most significant bit of byte 0 first. ``bit_is_set(b"\\x80", 0) is True``."""
    if index < 0 or index // 8 >= len(bits):
        raise IndexError(index)
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def _fetch_json(url: str, *, fetch: Fetch, documents: dict[str, str]) -> Any:
    fetched = fetch(url, kind="json")
    documents[url] = fetched.body.decode("utf-8", errors="replace")
    return fetched.json()


def check_status(
    credential: dict[str, Any],
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
    verify_list: ListVerifier,
    read_date: DateReader,
) -> Check:
    """The ``revocation`` check for a credential's ``credentialStatus`` (one or several entries).

    >>> from datetime import UTC, datetime
    >>> from badges.openbadges.fetching import DictFetch
    >>> now = datetime(2026, 6, 1, tzinfo=UTC)
    >>> no_list = lambda listed: None
    >>> check_status({"id": "urn:x"}, fetch=DictFetch(), now=now, documents={}, verify_list=no_list, read_date=None).result
    <CheckResult.PASS: 'pass'>
    """
    entries = credential.get("credentialStatus")
    if entries is None:
        return Check(_NAME, CheckResult.PASS, _("The credential has no status entry: it cannot be revoked."))
    checks = [
        _check_entry(
            entry, credential, fetch=fetch, now=now, documents=documents, verify_list=verify_list, read_date=read_date
        )
        for entry in (entries if isinstance(entries, list) else [entries])
    ]
    order = [Status.REVOKED, Status.SUSPENDED, Status.UNREACHABLE, Status.UNSUPPORTED, Status.INVALID]
    failing = [c for c in checks if c.result in (CheckResult.FAIL, CheckResult.ERROR)]
    if failing:
        return min(failing, key=lambda c: order.index(c.status) if c.status in order else len(order))
    return (
        checks[0]
        if len(checks) == 1
        else Check(
            _NAME,
            CheckResult.PASS,
            _("Not revoked or suspended ({count} status entries checked)."),
            {"count": len(checks)},
        )
    )


def _check_entry(
    entry: Any,
    credential: dict[str, Any],
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
    verify_list: ListVerifier,
    read_date: DateReader,
) -> Check:
    if not isinstance(entry, dict):
        return Check(_NAME, CheckResult.FAIL, _("The credential's status entry is malformed."), status=Status.INVALID)
    kind = next((t for t in _types(entry.get("type")) if t in _LIST_TYPES or t == "1EdTechRevocationList"), None)
    if kind is None:
        name = ", ".join(_types(entry.get("type"))) or "?"
        return Check(
            _NAME,
            CheckResult.ERROR,
            _("Status unknown: the status method {method} is not supported."),
            {"method": name},
            status=Status.UNSUPPORTED,
        )
    try:
        if kind == "1EdTechRevocationList":
            return _check_1edtech_list(entry, credential, fetch=fetch, documents=documents)
        return _check_bitstring(
            entry, kind, fetch=fetch, now=now, documents=documents, verify_list=verify_list, read_date=read_date
        )
    except FetchError as error:
        return Check(
            _NAME,
            CheckResult.ERROR,
            _("Status unknown: could not fetch {url} ({reason})."),
            {"url": error.url, "reason": error.as_message()},
            status=Status.UNREACHABLE,
        )
    except _Unusable as problem:
        return Check(_NAME, CheckResult.ERROR, problem.template, dict(problem.params), status=Status.UNREACHABLE)


def _check_bitstring(
    entry: dict[str, Any],
    kind: str,
    *,
    fetch: Fetch,
    now: datetime,
    documents: dict[str, str],
    verify_list: ListVerifier,
    read_date: DateReader,
) -> Check:
    url = entry.get("statusListCredential")
    raw_index = entry.get("statusListIndex")
    if not isinstance(url, str) or not str(raw_index).isdigit():
        return Check(
            _NAME,
            CheckResult.FAIL,
            _("The credential's {kind} entry lacks a list URL or index."),
            {"kind": kind},
            status=Status.INVALID,
        )
    index = int(str(raw_index))
    purpose = str(entry.get("statusPurpose") or "revocation")
    try:
        listed = _fetch_json(url, fetch=fetch, documents=documents)
    except BadgeFormatError as error:
        raise _Unusable(_("Status unknown, list unusable: the status list at {url} is not JSON."), url=url) from error
    if not isinstance(listed, dict):
        raise _Unusable(_("Status unknown, list unusable: the status list at {url} is not a JSON object."), url=url)
    expected_type = _LIST_TYPES[kind]
    if expected_type not in _types(listed.get("type")):
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} is not a {type}."), url=url, type=expected_type
        )
    try:
        starts = read_date(listed.get("validFrom") or listed.get("issuanceDate"))
        ends = read_date(listed.get("validUntil") or listed.get("expirationDate"))
    except OpenBadgesError as error:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} has an unreadable date."), url=url
        ) from error
    if starts is not None and starts > now:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} is not valid until {date}."),
            url=url,
            date=starts.isoformat(),
        )
    if ends is not None and ends < now:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} expired on {date}."),
            url=url,
            date=ends.isoformat(),
        )
    problem = verify_list(listed)
    if problem is not None:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} does not verify: {reason}"),
            url=url,
            reason=problem,
        )
    subject = listed.get("credentialSubject")
    if not isinstance(subject, dict):
        raise _Unusable(_("Status unknown, list unusable: the status list at {url} has no credentialSubject."), url=url)
    list_purposes = _types(subject.get("statusPurpose")) or ["revocation"]
    if purpose not in list_purposes:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} is for {list_purpose}, not {purpose}."),
            url=url,
            list_purpose=", ".join(list_purposes),
            purpose=purpose,
        )
    try:
        bits = decode_status_list(str(subject.get("encodedList", "")))
        is_set = bit_is_set(bits, index)
    except ValueError as error:
        raise _Unusable(
            _("Status unknown, list unusable: the status list at {url} cannot be decoded."), url=url
        ) from error
    except IndexError as error:
        raise _Unusable(
            _("Status unknown, list unusable: index {index} is beyond the end of the status list at {url}."),
            url=url,
            index=index,
        ) from error
    params = {"url": url, "index": index, "purpose": purpose}
    if not is_set:
        return Check(
            _NAME, CheckResult.PASS, _("Not revoked: bit {index} of the {purpose} list at {url} is clear."), params
        )
    if purpose == "revocation":
        return Check(
            _NAME,
            CheckResult.FAIL,
            _("Revoked by the issuer (bit {index} of the status list at {url})."),
            params,
            status=Status.REVOKED,
        )
    if purpose == "suspension":
        return Check(
            _NAME,
            CheckResult.FAIL,
            _("Suspended by the issuer (bit {index} of the status list at {url})."),
            params,
            status=Status.SUSPENDED,
        )
    return Check(
        _NAME,
        CheckResult.SKIPPED,
        _("The status list at {url} sets a {purpose} flag, which says nothing about revocation."),
        params,
    )


def _check_1edtech_list(
    entry: dict[str, Any], credential: dict[str, Any], *, fetch: Fetch, documents: dict[str, str]
) -> Check:
    url = entry.get("id")
    if not isinstance(url, str):
        return Check(
            _NAME,
            CheckResult.FAIL,
            _("The credential's 1EdTechRevocationList entry has no URL."),
            status=Status.INVALID,
        )
    try:
        listed = _fetch_json(url, fetch=fetch, documents=documents)
    except BadgeFormatError as error:
        raise _Unusable(
            _("Status unknown, list unusable: the revocation list at {url} is not JSON."), url=url
        ) from error
    items = listed.get("revokedCredential") if isinstance(listed, dict) else None
    if not isinstance(items, list):
        raise _Unusable(
            _("Status unknown, list unusable: the revocation list at {url} has no revokedCredential list."), url=url
        )
    credential_id = credential.get("id")
    for item in items:
        if isinstance(item, dict) and credential_id is not None and item.get("id") == credential_id:
            if item.get("revoked", True) is False:
                break
            reason = str(item.get("revocationReason") or "")
            return Check(
                _NAME,
                CheckResult.FAIL,
                _("Revoked by the issuer (listed at {url}). {reason}"),
                {"url": url, "reason": reason},
                status=Status.REVOKED,
            )
    return Check(
        _NAME, CheckResult.PASS, _("Not revoked: the revocation list at {url} does not list it."), {"url": url}
    )
