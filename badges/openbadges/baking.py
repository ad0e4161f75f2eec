"""Unbaking and baking: get the badge out of (or into) a PNG or SVG, and tell payloads apart.

``extract(data)`` accepts whatever a learner hands us (image bytes, pasted JSON, a compact JWS,
a URL) and returns the badge payload as text. Images are untrusted: the PNG reader checks every
chunk boundary, decompresses only with a hard cap, and the SVG reader refuses XML entities and
external references. Baking writes exactly one badge element/chunk, replacing any previous one.

Where the badge lives (Open Badges "Baking" specs, 2.0 and 3.0):

* PNG: an ``iTXt`` chunk, keyword ``openbadges`` (OB 1.x/2.0) or ``openbadgecredential`` (OB 3.0).
  Pre-2013 PNGs carry only the assertion URL in a ``tEXt`` chunk keyword ``openbadges``.
* SVG: ``<openbadges:assertion>`` in namespace ``http://openbadges.org`` (OB 1.x/2.0) or
  ``<openbadges:credential>`` in ``https://purl.imsglobal.org/ob/v3p0`` (OB 3.0); a JWS or URL
  sits in the ``verify`` attribute, JSON in a CDATA body.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from lxml import etree

from . import jsontext
from .errors import BadgeFormatError, BakingError, ImageError, NoBadgeInImage
from .i18n import gettext_noop as _
from .model import SourceKind

MAX_BADGE_FILE_BYTES = 5 * 1024 * 1024
# A baked badge is a picture of a few hundred pixels. A header declaring more than this (e.g.
# 30000×30000 in a 5 MB file) is a decompression bomb for whoever opens it after us: refused
# even when it carries a valid badge, since we would store it and offer it for download.
MAX_IMAGE_PIXELS = 40_000_000  # declared width × height
IMAGE_BOMB_MESSAGE = _("This image is too large to process safely (decompression bomb).")
# A compressed text chunk may not inflate past this; badge payloads are a few kilobytes.
MAX_DECOMPRESSED_BYTES = 1024 * 1024

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD_OB2 = "openbadges"
PNG_KEYWORD_OB3 = "openbadgecredential"
_PNG_BADGE_KEYWORDS = {PNG_KEYWORD_OB2.encode(), PNG_KEYWORD_OB3.encode()}
_PNG_TEXT_CHUNKS = {b"iTXt", b"tEXt", b"zTXt"}
_PNG_MAX_CHUNK_LENGTH = 2**31 - 1  # the PNG spec's limit

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SVG_NS_OB2 = "http://openbadges.org"
SVG_NS_OB3 = "https://purl.imsglobal.org/ob/v3p0"
_SVG_BADGE_TAGS = {f"{{{SVG_NS_OB2}}}assertion", f"{{{SVG_NS_OB3}}}credential"}

VC_CONTEXTS = frozenset({"https://www.w3.org/2018/credentials/v1", "https://www.w3.org/ns/credentials/v2"})
_VC_TYPES = frozenset({"VerifiableCredential", "OpenBadgeCredential", "AchievementCredential"})

_BOM = "\ufeff"
_JWS_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

_MSG_NOT_A_BADGE = _(
    "This is not a badge we can read. Expected a baked PNG or SVG image, badge JSON, "
    "a signed badge (JWS) or an http(s) URL."
)
_MSG_BAD_BAKED_PAYLOAD = _("The badge data in this image is not JSON, a signed badge (JWS) or a URL.")
_MSG_PNG_DAMAGED = _("This {format} is damaged or incomplete.")


@dataclass(frozen=True)
class Extracted:
    """What ``extract`` found: where it came from and the payload text (JSON, compact JWS or URL)."""

    kind: SourceKind
    payload: str


# --------------------------------------------------------------------------------------------
# Recognising payloads
# --------------------------------------------------------------------------------------------


_NOT_IN_A_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def looks_like_url(text: str) -> bool:
    """True for an absolute http(s) URL with a host and no whitespace.

    >>> looks_like_url("https://example.org/assertions/1")
    True
    """
    text = text.strip()
    # The scheme first and one regex scan after: a 100 kB JWT is refused at its first character,
    # not walked through character by character in Python.
    if not text[:8].lower().startswith(("http://", "https://")) or _NOT_IN_A_URL.search(text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def is_compact_jws(text: str) -> bool:
    """True for ``header.payload.signature`` in base64url whose header is a JSON object with ``alg``.

    Checking the header keeps dotted names such as ``badge.example.org`` from passing as tokens.

    >>> is_compact_jws("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
    True
    """
    text = text.strip()
    if not _JWS_SHAPE.fullmatch(text):
        return False
    header = _b64url_json(text.split(".", 1)[0])
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


def decode_jws_payload_unverified(token: str) -> dict[str, Any]:
    """The JSON object in a compact JWS's payload segment, WITHOUT checking the signature.

    Only for routing and display; trust nothing in it before the signature is verified.

    >>> decode_jws_payload_unverified("eyJhbGciOiJSUzI1NiJ9.eyJhIjoxfQ.c2ln")
    {'a': 1}
    """
    token = token.strip()
    if not _JWS_SHAPE.fullmatch(token):
        raise BadgeFormatError(_("This signed badge (JWS) is malformed."))
    payload = _b64url_json(token.split(".")[1])
    if not isinstance(payload, dict):
        raise BadgeFormatError(_("The payload of this signed badge (JWS) is not a JSON object."))
    return payload


def classify(payload: str) -> str:
    """``"ob3"`` for an OB 3.0 / Verifiable Credential payload, else ``"ob2"``. Never raises.

    OB 3.0 means JSON whose ``@context`` holds a W3C VC context or whose ``type`` names a
    credential, or a JWS whose payload does (or has a ``vc`` claim). Everything else (OB 0.5–2.0
    JSON, OB 2.0 signed JWS, URLs, junk) is ``"ob2"``, whose verifier reports junk properly.

    >>> classify('{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]}')
    'ob3'
    """
    text = payload.strip().lstrip(_BOM)
    document: Any = None
    if text.startswith("{"):
        document = _loads(text)
    elif is_compact_jws(text):
        try:
            document = decode_jws_payload_unverified(text)
        except BadgeFormatError:
            return "ob2"
        if isinstance(document.get("vc"), dict):
            return "ob3"
    return "ob3" if isinstance(document, dict) and _is_credential(document) else "ob2"


def _is_credential(document: dict[str, Any]) -> bool:
    contexts = _as_list(document.get("@context"))
    types = _as_list(document.get("type"))
    return any(isinstance(c, str) and c in VC_CONTEXTS for c in contexts) or any(
        isinstance(t, str) and t in _VC_TYPES for t in types
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _loads(text: str) -> Any:
    """``json.loads`` that returns None instead of raising (bad JSON, absurd nesting, huge ints)."""
    try:
        return jsontext.loads(text)
    except (ValueError, RecursionError):
        return None


def _b64url_json(segment: str) -> Any:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        return jsontext.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None


def _payload_from_text(text: str, *, unrecognised: str) -> tuple[SourceKind, str]:
    """Which kind of payload ``text`` is, and the payload itself (stripped).

    ``unrecognised`` is the message used when it is none of JSON / JWS / URL.
    """
    text = text.strip().lstrip(_BOM).strip()
    if text.startswith("{"):
        if not isinstance(_loads(text), dict):
            raise BadgeFormatError(_("This badge JSON is not valid JSON."))
        return SourceKind.JSON, text
    if looks_like_url(text):
        return SourceKind.URL, text
    if is_compact_jws(text):
        return SourceKind.JWT, text
    raise BadgeFormatError(unrecognised)


# --------------------------------------------------------------------------------------------
# extract()
# --------------------------------------------------------------------------------------------


def extract(data: bytes | str) -> Extracted:
    """Find the badge payload in image bytes, pasted JSON, a compact JWS/JWT or a URL.

    Raises ``ImageError`` for a damaged image, ``NoBadgeInImage`` for a sound image without a
    badge, and ``BadgeFormatError`` for anything else we cannot read; never anything else.

    >>> extract(b'{"id": "https://example.org/assertions/1"}').kind
    <SourceKind.JSON: 'json'>
    """
    if isinstance(data, str):
        try:
            data = data.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates
            raise BadgeFormatError(_MSG_NOT_A_BADGE) from exc
    if len(data) > MAX_BADGE_FILE_BYTES:
        raise BadgeFormatError(_("This file is larger than {limit} MB."), limit=MAX_BADGE_FILE_BYTES // 2**20)
    if data.startswith(PNG_SIGNATURE):
        return _extract_png(data)

    head = data.lstrip(_BOM.encode()).lstrip()
    if not head:
        raise BadgeFormatError(_("This file is empty."))
    if head.startswith(b"<"):
        return _extract_svg(head)
    other_format = _other_image_format(head)
    if other_format:
        raise NoBadgeInImage(
            _("Only PNG and SVG images can carry a badge; this is a {format} image."), format=other_format
        )
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadgeFormatError(_MSG_NOT_A_BADGE) from exc
    kind, payload = _payload_from_text(text, unrecognised=_MSG_NOT_A_BADGE)
    return Extracted(kind=kind, payload=payload)


def _other_image_format(data: bytes) -> str | None:
    """Name raster formats that cannot carry a baked badge, for a clearer message than "unreadable"."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "WebP"
    return None


# --------------------------------------------------------------------------------------------
# PNG
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PngChunk:
    """One PNG chunk; ``crc`` as stored (check it with ``crc_ok``)."""

    type: bytes
    data: bytes
    crc: int
    raw: bytes  # the whole chunk as stored: length, type, data, CRC

    @property
    def crc_ok(self) -> bool:
        return zlib.crc32(self.type + self.data) == self.crc

    @property
    def keyword(self) -> bytes:
        """The keyword of a text chunk (``b""`` for other chunk types)."""
        return self.data.split(b"\0", 1)[0] if self.type in _PNG_TEXT_CHUNKS else b""

    @property
    def is_badge(self) -> bool:
        return self.keyword in _PNG_BADGE_KEYWORDS


def png_chunks(data: bytes) -> Iterator[PngChunk]:
    """Every chunk up to and including IEND; ``ImageError`` if the file stops or lies about lengths.

    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (1, 1)).save(buffer, "PNG")
    >>> [c.type for c in png_chunks(buffer.getvalue())]
    [b'IHDR', b'IDAT', b'IEND']
    """
    if not data.startswith(PNG_SIGNATURE):
        raise ImageError(_("This file is not a PNG image."))
    damaged = ImageError(_MSG_PNG_DAMAGED, format="PNG")
    pos = len(PNG_SIGNATURE)
    first = True
    while True:
        if pos + 8 > len(data):
            raise damaged  # ran out of data before IEND
        length, chunk_type = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if length > _PNG_MAX_CHUNK_LENGTH or end > len(data):
            raise damaged
        if first and (chunk_type != b"IHDR" or length != 13):
            raise damaged
        first = False
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        yield PngChunk(type=chunk_type, data=data[pos + 8 : end - 4], crc=crc, raw=data[pos:end])
        if chunk_type == b"IEND":
            return
        pos = end


def _extract_png(data: bytes) -> Extracted:
    international: PngChunk | None = None
    legacy: PngChunk | None = None
    # Walk the whole file even after a hit, so a truncated image is reported as damaged.
    for chunk in png_chunks(data):
        if chunk.type == b"IHDR":
            refuse_pixel_bomb(chunk)
        if not chunk.is_badge:
            continue
        if chunk.type == b"iTXt":
            international = international or chunk
        else:
            legacy = legacy or chunk
    chunk = international or legacy
    if chunk is None:
        raise NoBadgeInImage(_("This image does not contain a badge."))
    if not chunk.crc_ok:
        raise ImageError(_("The badge data in this PNG is damaged (checksum mismatch)."))
    text = _read_text_chunk(chunk)
    _kind, payload = _payload_from_text(text, unrecognised=_MSG_BAD_BAKED_PAYLOAD)
    return Extracted(kind=SourceKind.PNG, payload=payload)


def refuse_pixel_bomb(ihdr: PngChunk) -> None:
    """A PNG that declares more pixels than ``MAX_IMAGE_PIXELS`` is a decompression bomb, badge or not.

    Nothing here decodes pixels, but the same file is later thumbnailed and shown: refusing it
    at the door is the one place that covers import, ``verify_badge`` and re-verification alike.
    """
    if len(ihdr.data) < 8:
        raise ImageError(_("The badge data in this PNG is damaged."))
    width, height = struct.unpack(">II", ihdr.data[:8])
    if width * height > MAX_IMAGE_PIXELS:
        raise ImageError(IMAGE_BOMB_MESSAGE)


def _read_text_chunk(chunk: PngChunk) -> str:
    """The text of an iTXt / tEXt / zTXt chunk, read field by field."""
    broken = ImageError(_("The badge data in this PNG is damaged."))
    keyword, sep, rest = chunk.data.partition(b"\0")
    if not sep:
        raise broken
    if chunk.type == b"tEXt":
        return rest.decode("latin-1")
    if chunk.type == b"zTXt":
        if not rest:
            raise broken
        return _inflate(rest[0], rest[1:]).decode("latin-1")
    # iTXt: compression flag, compression method, language tag NUL, translated keyword NUL, text.
    if len(rest) < 2:
        raise broken
    flag, method = rest[0], rest[1]
    fields = rest[2:].split(b"\0", 2)
    if len(fields) != 3 or flag not in (0, 1):
        raise broken
    text = fields[2]
    if flag == 1:
        text = _inflate(method, text)
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise broken from exc


def _inflate(method: int, compressed: bytes) -> bytes:
    """zlib-decompress at most MAX_DECOMPRESSED_BYTES; refuse anything bigger or stranger."""
    if method != 0:  # 0 = zlib/deflate, the only method PNG defines
        raise ImageError(_("The badge data in this image is compressed in a way we do not accept."))
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(compressed, MAX_DECOMPRESSED_BYTES)
    except zlib.error as exc:
        raise ImageError(_("The badge data in this PNG is damaged.")) from exc
    if inflater.unconsumed_tail:
        raise ImageError(
            _("The badge data in this image is too large once decompressed (over {limit} MB)."),
            limit=MAX_DECOMPRESSED_BYTES // 2**20,
        )
    if not inflater.eof:
        raise ImageError(_("The badge data in this PNG is damaged."))
    return text


def _make_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def bake_png(image: bytes, payload: str, *, credential: bool | None = None) -> bytes:
    """Return ``image`` with ``payload`` baked in as an uncompressed iTXt chunk right after IHDR.

    Any previous badge chunk is removed. ``credential=True`` uses the OB 3.0 keyword
    ``openbadgecredential``; ``None`` decides from the payload with ``classify``.

    >>> import io
    >>> from PIL import Image
    >>> buffer = io.BytesIO()
    >>> Image.new("RGB", (1, 1)).save(buffer, "PNG")
    >>> extract(bake_png(buffer.getvalue(), "https://example.org/assertions/1")).payload
    'https://example.org/assertions/1'
    """
    payload = _bakeable(payload)
    if credential is None:
        credential = classify(payload) == "ob3"
    keyword = PNG_KEYWORD_OB3 if credential else PNG_KEYWORD_OB2
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated keyword NUL
    badge = _make_chunk(b"iTXt", keyword.encode("latin-1") + b"\0\0\0\0\0" + payload.encode("utf-8"))

    if len(image) > MAX_BADGE_FILE_BYTES:
        raise ImageError(_("This file is larger than {limit} MB."), limit=MAX_BADGE_FILE_BYTES // 2**20)
    parts = [PNG_SIGNATURE]
    for chunk in png_chunks(image):
        if chunk.is_badge:
            continue
        parts.append(chunk.raw)
        if chunk.type == b"IHDR":
            parts.append(badge)
    return b"".join(parts)


def _bakeable(payload: str) -> str:
    try:
        _kind, text = _payload_from_text(payload, unrecognised=_MSG_NOT_A_BADGE)
    except BadgeFormatError as exc:
        raise BakingError(_("Only badge JSON, a signed badge (JWS) or a URL can be baked into an image.")) from exc
    return text


# --------------------------------------------------------------------------------------------
# SVG
# --------------------------------------------------------------------------------------------


def parse_svg(data: bytes) -> Element:
    """Parse untrusted SVG bytes with entities and external references refused; return the root.

    Raises ``ImageError`` unless the document is well-formed XML with an ``<svg>`` root.

    >>> parse_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>').tag
    '{http://www.w3.org/2000/svg}svg'
    """
    data = data.lstrip(_BOM.encode()).lstrip()
    try:
        root = safe_xml.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ImageError(_("This SVG uses XML entities or external references, which are not allowed.")) from exc
    except (ParseError, ValueError, LookupError, RecursionError) as exc:
        # ValueError/LookupError: expat refusing an encoding declaration it does not support.
        raise ImageError(_("This SVG is not well-formed XML.")) from exc
    if _local_name(root.tag) != "svg":
        raise ImageError(_("This XML document is not an SVG image."))
    return root


def _local_name(tag: object) -> str:
    # Comments and processing instructions have non-string tags.
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _extract_svg(data: bytes) -> Extracted:
    root = parse_svg(data)
    element = next((el for el in root.iter() if el.tag in _SVG_BADGE_TAGS), None)
    if element is None:
        raise NoBadgeInImage(_("This image does not contain a badge."))
    verify = (element.get("verify") or "").strip()
    body = "".join(element.itertext()).strip()
    # A hosted OB 1.x/2.0 badge may carry both the assertion JSON and its URL: the JSON says more,
    # and the verifier re-fetches the hosted copy from its id anyway. Broken JSON falls back to the URL.
    if body and isinstance(_loads(body), dict):
        return Extracted(kind=SourceKind.SVG, payload=body)
    if verify:
        _payload_from_text(verify, unrecognised=_MSG_BAD_BAKED_PAYLOAD)
        return Extracted(kind=SourceKind.SVG, payload=verify)
    if body:
        raise BadgeFormatError(_("The badge data in this SVG is not valid JSON."))
    raise BadgeFormatError(_("The badge element in this SVG is empty."))


def bake_svg(svg: bytes, payload: str, *, credential: bool | None = None) -> bytes:
    """Return ``svg`` with ``payload`` baked in as the first child of the root element.

    JSON goes in a CDATA body (plus the hosted URL in ``verify`` for hosted OB 1.x/2.0 badges);
    a JWS or URL goes in the ``verify`` attribute. Any previous badge element is removed.

    >>> svg = b'<svg xmlns="http://www.w3.org/2000/svg"/>'
    >>> extract(bake_svg(svg, "https://example.org/assertions/1")).payload
    'https://example.org/assertions/1'
    """
    payload = _bakeable(payload)
    if credential is None:
        credential = classify(payload) == "ob3"
    if len(svg) > MAX_BADGE_FILE_BYTES:
        raise ImageError(_("This file is larger than {limit} MB."), limit=MAX_BADGE_FILE_BYTES // 2**20)
    parse_svg(svg)  # the hardened parser vets the document; lxml below only edits what it accepted

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(svg.lstrip(_BOM.encode()).lstrip(), parser)
    except etree.XMLSyntaxError as exc:
        raise ImageError(_("This SVG is not well-formed XML.")) from exc
    for old in [el for el in root.iter() if el.tag in _SVG_BADGE_TAGS]:
        _remove_keeping_tail(old)

    namespace, local = (SVG_NS_OB3, "credential") if credential else (SVG_NS_OB2, "assertion")
    element = etree.Element(f"{{{namespace}}}{local}", nsmap={"openbadges": namespace})
    if payload.startswith("{"):
        # "]]>" cannot appear inside CDATA; plain text is escaped by lxml and reads back the same.
        element.text = payload if "]]>" in payload else etree.CDATA(payload)
        hosted_url = None if credential else _hosted_url(payload)
        if hosted_url:
            element.set("verify", hosted_url)
    else:
        element.set("verify", payload)
    element.tail = root.text
    root.insert(0, element)
    # Declare xmlns:openbadges on <svg>, where the baking spec shows it: first drop a declaration
    # left unused by the removed element (it may name the other version's namespace), then move ours up.
    keep = [prefix for prefix in root.nsmap if prefix and prefix != "openbadges"]
    etree.cleanup_namespaces(root, keep_ns_prefixes=keep)
    if root.nsmap.get("openbadges", namespace) == namespace:
        etree.cleanup_namespaces(root, top_nsmap={"openbadges": namespace}, keep_ns_prefixes=keep)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")


def _remove_keeping_tail(element: Any) -> None:
    parent = element.getparent()
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _hosted_url(payload: str) -> str | None:
    """The hosted-verification URL of OB 1.x/2.0 JSON: ``verify.url`` (1.x) or ``id`` (2.0 hosted)."""
    document = _loads(payload)
    if not isinstance(document, dict):
        return None
    verify = document.get("verify") or document.get("verification")
    if isinstance(verify, dict):
        url = verify.get("url")
        if isinstance(url, str) and looks_like_url(url):
            return url
        if "signed" in str(verify.get("type", "")).lower():
            return None
    identifier = document.get("id")
    return identifier if isinstance(identifier, str) and looks_like_url(identifier) else None
