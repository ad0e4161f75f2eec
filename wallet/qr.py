"""QR codes as bytes (SVG or PNG). Views stream them; printed codes can never change, so callers
only ever pass permanent URLs."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def make_qr(data: str, *, kind: str = "svg", box_size: int = 10, border: int = 4, size: int | None = None) -> bytes:
    """``kind`` is "svg" or "png". ``size`` (PNG only) scales the PNG to exactly size×size pixels.

    >>> make_qr("https://manabi.example/p/abc/")[:5]
    b'<?xml'
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.BytesIO()
    if kind == "svg":
        qr.make_image(image_factory=qrcode.image.svg.SvgPathFillImage).save(out)
        return out.getvalue()
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("L")
    if size:
        # Nearest neighbour keeps the modules sharp.
        from PIL import Image

        image = image.resize((size, size), Image.Resampling.NEAREST)
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
