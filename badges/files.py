"""A badge's files as HTTP responses (owner and public pages alike): the original, and its picture."""

from __future__ import annotations

import functools
import io

from django.http import FileResponse, HttpResponse
from PIL import Image, ImageDraw

from .models import Badge, SourceKind
from .openbadges import baking
from .openbadges.errors import OpenBadgesError

# Badge files come from third parties. Served back, they must never run as a page on our origin:
# always a download, and sandboxed even if a browser ignores that.
UNTRUSTED_FILE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
}
CONTENT_TYPES = {
    SourceKind.PNG: ("image/png", ".png"),
    SourceKind.SVG: ("image/svg+xml", ".svg"),
    SourceKind.JWT: ("text/plain; charset=utf-8", ".jwt"),
}


def badge_download_response(badge: Badge) -> HttpResponse:
    """The original file as the learner imported it (a baked badge can be checked elsewhere)."""
    content_type, suffix = CONTENT_TYPES.get(badge.source_kind, ("application/json", ".json"))
    filename = f"badge-{badge.public_id}{suffix}"
    if badge.original_file and badge.source_kind in (SourceKind.PNG, SourceKind.SVG):
        response = FileResponse(
            badge.original_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    else:
        # Pasted or linked badges: the issuer's copy we verified.
        response = HttpResponse(badge.raw_payload, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for name, value in UNTRUSTED_FILE_HEADERS.items():
        response[name] = value
    return response


def baked_badge_bytes(badge: Badge) -> tuple[bytes, str, str] | None:
    """The badge as an image carrying the authoritative copy (the issuer's hosted assertion or the
    verified credential), so anyone can check it elsewhere: ``(bytes, content type, suffix)``.

    A baked upload is served as it is when what it carries is that copy (or only points to it);
    otherwise, and for badges imported by URL or as text, the copy is baked into the badge's
    picture. None when there is no copy to bake.
    """
    payload = (badge.raw_payload or "").strip()
    if not payload:
        return None
    if badge.original_file and badge.source_kind in (SourceKind.PNG, SourceKind.SVG):
        with badge.original_file.open("rb") as handle:
            original = handle.read()
        try:
            carried = baking.extract(original).payload.strip()
        except OpenBadgesError:
            carried = ""
        if carried == payload or baking.looks_like_url(carried):
            return (original, *CONTENT_TYPES[badge.source_kind])
        try:
            if badge.source_kind == SourceKind.SVG:
                return baking.bake_svg(original, payload), *CONTENT_TYPES[SourceKind.SVG]
            return baking.bake_png(original, payload), *CONTENT_TYPES[SourceKind.PNG]
        except OpenBadgesError:
            pass
    picture = fallback_badge_png()
    if badge.thumbnail:
        try:
            with badge.thumbnail.open("rb") as handle:
                picture = handle.read()
        except OSError:
            pass
    try:
        return baking.bake_png(picture, payload), *CONTENT_TYPES[SourceKind.PNG]
    except OpenBadgesError:
        return baking.bake_png(fallback_badge_png(), payload), *CONTENT_TYPES[SourceKind.PNG]


def baked_download_response(badge: Badge) -> HttpResponse:
    """ "Download": a baked image with the authoritative copy (falls back to the original file)."""
    baked = baked_badge_bytes(badge)
    if baked is None:
        return badge_download_response(badge)
    data, content_type, suffix = baked
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="badge-{badge.public_id}{suffix}"'
    for name, value in UNTRUSTED_FILE_HEADERS.items():
        response[name] = value
    return response


def badge_image_response(badge: Badge) -> HttpResponse:
    """The picture for cards and pages: our PNG thumbnail, the original SVG (sandboxed), or a
    neutral medal. Never the multi-megabyte original PNG."""
    if badge.thumbnail:
        response = FileResponse(badge.thumbnail.open("rb"), content_type="image/png")
    elif badge.source_kind == SourceKind.SVG and badge.original_file:
        # <img> never runs an SVG's scripts; the headers cover someone opening the URL directly.
        response = FileResponse(badge.original_file.open("rb"), content_type="image/svg+xml")
        response["Content-Disposition"] = "inline"
        for name, value in UNTRUSTED_FILE_HEADERS.items():
            response[name] = value
    else:
        response = HttpResponse(fallback_badge_png(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@functools.lru_cache(maxsize=1)
def fallback_badge_png() -> bytes:
    """A plain round medal shown when a badge has no usable picture."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((16, 16, 240, 240), fill="#dfe7f3", outline="#1c5bb8", width=10)
    draw.ellipse((88, 88, 168, 168), fill="#1c5bb8")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
