"""Draw the installable app's icons (static/img/icon-*.png) from the logo's shapes, with Pillow.

Run once after changing the logo: python scripts/make_app_icons.py  (the PNGs are committed).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "img"
BLUE, GOLD, WHITE = "#1c5bb8", "#f2b400", "#ffffff"


def draw(size: int, *, maskable: bool) -> Image.Image:
    scale = 8  # draw large, shrink: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGB" if maskable else "RGBA", (big, big), WHITE if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # The logo lives in a 32-unit box; maskable icons keep it inside the 80 % safe zone.
    inset = big * (0.2 if maskable else 0.04)
    unit = (big - 2 * inset) / 32

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * unit, inset + y * unit

    pen.polygon([at(10, 21), at(7, 30), at(12, 28), at(15, 32), at(16, 23)], fill=GOLD)
    pen.polygon([at(22, 21), at(25, 30), at(20, 28), at(17, 32), at(16, 23)], fill=GOLD)
    pen.ellipse([at(6, 3), at(26, 23)], fill=BLUE)
    pen.line([at(11, 13), at(14, 16), at(21, 9)], fill=WHITE, width=int(2.6 * unit), joint="curve")
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    for size in (192, 512):
        draw(size, maskable=False).save(OUT / f"icon-{size}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    print("icons written to", OUT)
