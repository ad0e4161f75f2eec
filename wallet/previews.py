"""Link-preview (Open Graph) images, drawn with Pillow."""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
# Debian's fonts-noto-cjk (installed by `make test`); Pillow's default font is the fallback.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                # Index 0 of the Noto CJK collection is Japanese.
                return ImageFont.truetype(path, size=size, index=0)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, max_lines: int) -> list[str]:
    # Character by character, so Japanese (no spaces) wraps as well as English.
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = char.lstrip()
            if len(lines) == max_lines:
                lines[-1] = lines[-1][:-1] + "…"
                return lines
        else:
            line += char
    if line:
        lines.append(line)
    return lines


def _open(data: bytes | None) -> Image.Image | None:
    if not data:
        return None
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
        return image.convert("RGBA")
    except Exception:  # an unreadable thumbnail just means no picture
        return None


def make_preview(*, title: str, subtitle: str, images: list[bytes]) -> bytes:
    """A 1200×630 PNG: up to four badge pictures on the left, title and subtitle on the right."""
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "#f3f5f8")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, HEIGHT - 18, WIDTH, HEIGHT), fill="#1c5bb8")
    pictures = [p for p in (_open(data) for data in images[:4]) if p is not None]
    left = 60
    if pictures:
        cell = 460 if len(pictures) == 1 else 225
        for index, picture in enumerate(pictures):
            picture.thumbnail((cell, cell))
            x = 60 + (index % 2) * (cell + 10) + (cell - picture.width) // 2
            y = 85 + (index // 2) * (cell + 10) + (cell - picture.height) // 2
            canvas.paste(picture, (x, y), picture)
        left = 60 + 470 + 40
    text_width = WIDTH - left - 60
    y = 140
    for line in _wrap(draw, title, _font(58), text_width, 4):
        draw.text((left, y), line, font=_font(58), fill="#1b1f24")
        y += 74
    y += 20
    for line in _wrap(draw, subtitle, _font(34), text_width, 3):
        draw.text((left, y), line, font=_font(34), fill="#4a5361")
        y += 46
    draw.text((left, HEIGHT - 80), "Manabi", font=_font(34), fill="#1c5bb8")
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
