"""Image safety: what an uploaded or fetched badge image must pass before we store or show it."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from badges.openbadges.baking import bake_png, extract
from badges.openbadges.errors import ImageError, NoBadgeInImage
from badges.openbadges.images import ImageInfo, inspect_image, make_thumbnail

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "baking"


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def raster(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "teal").save(out, format=fmt)
    return out.getvalue()


def png_declaring(width: int, height: int, *, rows: int = 1) -> bytes:
    """A tiny 1-bit grey PNG whose header claims ``width``×``height``; only ``rows`` rows of data follow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * rows, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- What passes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ob20-simple-badge.png", ImageInfo("png", 21, 19)),
        ("ob30-simple-json.png", ImageInfo("png", 981, 941)),
        ("xmp-unbaked.png", ImageInfo("png", 256, 256)),
    ],
)
def test_real_badge_pngs_pass_with_their_size(name, expected):
    assert inspect_image(read(name)) == expected


@pytest.mark.parametrize(("fmt", "kind"), [("JPEG", "jpeg"), ("GIF", "gif"), ("WEBP", "webp"), ("PNG", "png")])
def test_common_raster_formats_pass(fmt, kind):
    assert inspect_image(raster(fmt)) == ImageInfo(kind, 40, 30)


def test_a_freshly_baked_png_is_still_a_sound_image():
    assert inspect_image(bake_png(read("unbaked.png"), "https://example.org/a/1")).format == "png"


def test_svg_passes_with_size_from_width_and_height_or_viewbox():
    sized = b'<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80"/>'
    boxed = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 256"/>'
    relative = b'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="50%"/>'
    assert inspect_image(sized) == ImageInfo("svg", 120, 80)
    assert inspect_image(boxed) == ImageInfo("svg", 512, 256)
    assert inspect_image(relative) == ImageInfo("svg", None, None)


def test_hostile_svg_with_scripts_still_parses_as_an_image_but_carries_no_badge():
    # Passing here does not make it safe to inline: the site serves SVGs only via <img> under a CSP.
    assert inspect_image(read("hostile-script.svg")).format == "svg"
    with pytest.raises(NoBadgeInImage):
        extract(read("hostile-script.svg"))


# --- What is refused ------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [8, 20, 100, 1000, 2000, -1])
def test_truncated_png_is_damaged_or_incomplete(cut):
    with pytest.raises(ImageError) as caught:
        inspect_image(read("unbaked.png")[:cut])
    assert caught.value.message == "This PNG is damaged or incomplete."


def test_png_cut_inside_its_pixel_data_is_damaged_or_incomplete():
    image = read("ob30-simple-json.png")
    with pytest.raises(ImageError) as caught:
        inspect_image(image[: len(image) // 2])
    assert caught.value.message == "This PNG is damaged or incomplete."


def test_truncated_jpeg_is_damaged_or_incomplete():
    photo = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(photo, format="JPEG")
    with pytest.raises(ImageError, match="JPEG is damaged"):
        inspect_image(photo.getvalue()[: len(photo.getvalue()) // 2])


def test_png_header_declaring_ten_billion_pixels_is_a_decompression_bomb():
    bomb = png_declaring(100_000, 100_000)
    assert len(bomb) < 200
    with pytest.raises(ImageError) as caught:
        inspect_image(bomb)
    assert caught.value.message == "This image is too large to process safely (decompression bomb)."


def test_small_file_expanding_past_the_pixel_limit_is_refused_before_decoding():
    bomb = png_declaring(8_000, 8_000, rows=8_000)  # 64 megapixels in about 8 KB
    assert len(bomb) < 20_000
    with pytest.raises(ImageError, match="decompression bomb"):
        inspect_image(bomb)


def test_pixel_limit_is_set_per_call_without_touching_pillow_globals():
    before = Image.MAX_IMAGE_PIXELS
    with pytest.raises(ImageError, match="decompression bomb"):
        inspect_image(raster("PNG", (100, 100)), max_pixels=9_999)
    assert inspect_image(raster("PNG", (100, 100)), max_pixels=10_000).width == 100
    assert Image.MAX_IMAGE_PIXELS == before


def test_file_over_the_size_cap_is_refused_before_parsing():
    with pytest.raises(ImageError) as caught:
        inspect_image(b"\x00" * (5 * 1024 * 1024 + 1))
    assert caught.value.message == "The image is larger than 5 MB."
    with pytest.raises(ImageError, match=r"larger than 1\.5 MB"):
        inspect_image(b"<svg/>" + b" " * 2_000_000, max_bytes=1536 * 1024)


@pytest.mark.parametrize("data", [b"", b"   ", b"\x00\x01\x02garbage\xff" * 10, b'{"some": "json"}', b"GIF89a"])
def test_garbage_is_not_an_image(data):
    with pytest.raises(ImageError):
        inspect_image(data)


def test_json_file_named_png_is_not_an_image():
    with pytest.raises(ImageError, match="not an image we accept"):
        inspect_image(read("json-named-png.png"))


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO"])
def test_formats_other_than_png_jpeg_gif_webp_svg_are_refused(fmt):
    with pytest.raises(ImageError, match="not an image we accept"):
        inspect_image(raster(fmt, (16, 16)))


def test_svg_entity_bomb_is_refused():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY l0 "lol">{lol}]><svg xmlns="http://www.w3.org/2000/svg">&l9;</svg>'
    with pytest.raises(ImageError, match="entities"):
        inspect_image(bomb.encode())


def test_xml_that_is_not_svg_is_refused():
    with pytest.raises(ImageError, match="not an SVG"):
        inspect_image(b'<?xml version="1.0"?><html><script>alert(1)</script></html>')


# --- Thumbnails ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_thumbnail_is_a_png_within_the_requested_size(fmt):
    thumb = make_thumbnail(raster(fmt, (400, 200)), size=64)
    with Image.open(io.BytesIO(thumb)) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (64, 32), "RGBA")


def test_thumbnail_of_a_real_badge_keeps_small_images_small():
    with Image.open(io.BytesIO(make_thumbnail(read("ob20-simple-badge.png")))) as image:
        assert image.size == (21, 19)


def test_svg_gets_no_thumbnail():
    assert make_thumbnail(read("unbaked.svg")) is None


def test_thumbnail_refuses_what_inspection_refuses():
    with pytest.raises(ImageError, match="decompression bomb"):
        make_thumbnail(png_declaring(100_000, 100_000))
    with pytest.raises(ImageError):
        make_thumbnail(read("unbaked.png")[:500])
