"""Image safety for uploaded badges and badge images fetched from issuers.

``inspect_image`` is the gate: size cap before any parsing, a pixel cap checked from the header
before any pixel is decoded, then a full decode to catch truncated files. Only PNG, JPEG, GIF,
WebP and SVG pass. SVGs are parsed with entities and external references refused, but are never
rasterised here: the site shows them through ``<img>`` under a strict Content-Security-Policy,
which keeps any ``<script>`` inside inert.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from PIL import Image, ImageOps

from .baking import IMAGE_BOMB_MESSAGE, MAX_IMAGE_PIXELS, PNG_SIGNATURE, parse_svg, png_chunks
from .errors import ImageError
from .i18n import gettext_noop as _

MAX_IMAGE_BYTES = 5 * 1024 * 1024
__all__ = ["MAX_IMAGE_BYTES", "MAX_IMAGE_PIXELS", "ImageInfo", "inspect_image", "make_thumbnail"]

# MPO is how Pillow names JPEGs from cameras that embed a second picture.
_RASTER_FORMATS = {"PNG": "png", "JPEG": "jpeg", "MPO": "jpeg", "GIF": "gif", "WEBP": "webp"}
_SVG_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*")


@dataclass(frozen=True)
class ImageInfo:
    """What ``inspect_image`` learned. SVG sizes are None when the file gives no plain pixel size."""

    format: str  # "png", "jpeg", "gif", "webp" or "svg"
    width: int | None
    height: int | None


def inspect_image(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_IMAGE_PIXELS) -> ImageInfo:
    """Check that ``data`` is a sound PNG, JPEG, GIF, WebP or SVG within the limits; ``ImageError`` if not.

    For a 256×256 PNG it gives ``ImageInfo(format='png', width=256, height=256)``.
    """
    if len(data) > max_bytes:
        raise ImageError(_("The image is larger than {limit} MB."), limit=_megabytes(max_bytes))
    if not data.strip():
        raise ImageError(_("This file is empty."))
    if _looks_like_xml(data):
        return _inspect_svg(data)
    return _inspect_raster(data, max_pixels=max_pixels)


def make_thumbnail(data: bytes, *, size: int = 256) -> bytes | None:
    """A PNG (RGBA) no larger than ``size``×``size`` for a raster image; None for SVG.

    SVGs get no thumbnail on purpose: rasterising untrusted SVG server-side is its own attack
    surface, and browsers scale them fine inside ``<img>``. Raises ``ImageError`` like
    ``inspect_image`` for anything unsafe.

    Whatever the input format, the thumbnail is PNG bytes (they start ``b"\\x89PNG"``).
    """
    info = inspect_image(data)
    if info.format == "svg":
        return None
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (size, size))  # JPEG only: decode at a reduced scale, saving memory
            image = ImageOps.exif_transpose(image) or image
            thumbnail = image.convert("RGBA")
        thumbnail.thumbnail((size, size))
        out = io.BytesIO()
        thumbnail.save(out, format="PNG", optimize=True)
    except Exception as exc:
        raise ImageError(_("This image could not be processed.")) from exc
    return out.getvalue()


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:g}"


def _looks_like_xml(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"<")


def _inspect_svg(data: bytes) -> ImageInfo:
    root = parse_svg(data)
    width, height = _svg_length(root.get("width")), _svg_length(root.get("height"))
    if width is None or height is None:
        view_box = (root.get("viewBox") or "").replace(",", " ").split()
        if len(view_box) == 4:
            width, height = _svg_length(view_box[2]), _svg_length(view_box[3])
    return ImageInfo(format="svg", width=width, height=height)


def _svg_length(value: str | None) -> int | None:
    match = _SVG_LENGTH.fullmatch(value or "")
    return round(float(match.group(1))) if match else None


def _inspect_raster(data: bytes, *, max_pixels: int) -> ImageInfo:
    bomb = ImageError(IMAGE_BOMB_MESSAGE)
    if data.startswith(PNG_SIGNATURE):
        # Pillow stops reading at the last pixel; our own walk also insists on every chunk through IEND.
        for _chunk in png_chunks(data):
            pass
    # Pillow reports malformed input with a zoo of exception types (OSError, SyntaxError,
    # ValueError, struct.error, EOFError, ...); all of them mean "this file is broken".
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = _RASTER_FORMATS.get(image.format or "")
            width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb from exc
    except Exception as exc:
        raise ImageError(_("This file is not an image we accept (PNG, JPEG, GIF, WebP or SVG).")) from exc
    if kind is None:
        raise ImageError(_("This file is not an image we accept (PNG, JPEG, GIF, WebP or SVG)."))
    # Checked from the header, before a single pixel is decoded.
    if width * height > max_pixels:
        raise bomb
    damaged = ImageError(_("This {format} is damaged or incomplete."), format=kind.upper())
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # structure and checksums, without decoding
        # verify() leaves the image unusable, so decoding needs a fresh open.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise bomb from exc
    except Exception as exc:
        raise damaged from exc
    return ImageInfo(format=kind, width=width, height=height)
