"""Property tests: hostile or broken input only ever raises the core's own errors.

A learner can upload anything. Whatever the bytes, ``extract``, ``inspect_image`` and the baking
functions either succeed or raise an ``OpenBadgesError`` subclass whose message we can show;
never a stray ``struct.error``, ``zlib.error``, ``UnicodeDecodeError`` or parser exception.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from badges.openbadges.baking import IMAGE_BOMB_MESSAGE, Extracted, bake_png, bake_svg, classify, extract
from badges.openbadges.errors import ImageError, OpenBadgesError
from badges.openbadges.images import ImageInfo, inspect_image
from tests.openbadges.test_images import png_declaring

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "baking"
REAL_PNGS = [
    (FIXTURES / name).read_bytes()
    for name in ("ob20-simple-badge.png", "ob10-baked.png", "legacy-text-url.png", "unbaked.png")
]
REAL_SVGS = [
    (FIXTURES / name).read_text()
    for name in ("ob30-simple-json.svg", "ob30-simple-jwt.svg", "ob1-baked.svg", "unbaked.svg")
]

bounded = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def survives(data: bytes | str) -> None:
    """Run every entry point on ``data``; only OpenBadgesError may come out."""
    try:
        found = extract(data)
    except OpenBadgesError:
        pass
    else:
        assert isinstance(found, Extracted) and found.payload == found.payload.strip()
        assert classify(found.payload) in ("ob2", "ob3")
    if isinstance(data, bytes):
        try:
            assert isinstance(inspect_image(data), ImageInfo)
        except OpenBadgesError:
            pass


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A real file with a few bytes flipped, inserted or deleted, and maybe truncated."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "set"]))
        if action == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, 8))]
        else:
            data[pos] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@bounded
@given(st.binary(max_size=2048))
def test_random_bytes_raise_only_core_errors(data):
    survives(data)


@bounded
@given(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"\xef\xbb\xbf<svg", b"GIF89a", b"{", b"<"]), st.binary(max_size=512))
def test_random_bytes_behind_a_plausible_header_raise_only_core_errors(header, tail):
    survives(header + tail)


@bounded
@given(mutated(REAL_PNGS))
def test_mutated_real_pngs_raise_only_core_errors(data):
    survives(data)


@bounded
@given(mutated([svg.encode() for svg in REAL_SVGS]))
def test_mutated_real_svgs_raise_only_core_errors(data):
    survives(data)
    survives(data.decode("utf-8", "replace"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@bounded
@given(st.one_of(json_values.map(json.dumps), st.text(alphabet='{}[]":,.-_ 0123456789abcdefhtps/\\\n', max_size=200)))
def test_json_ish_text_raises_only_core_errors(text):
    survives(text)
    survives(text.encode())


@bounded
@given(mutated(REAL_PNGS), st.sampled_from(["https://example.org/a/1", '{"id": "https://example.org/a/1"}']))
@example(png_declaring(100_000, 100_000), "https://example.org/a/1")  # a mutation once found: a pixel bomb
def test_baking_into_mutated_images_raises_only_core_errors(image, payload):
    try:
        baked = bake_png(image, payload)
    except OpenBadgesError:
        return
    try:
        extracted = extract(baked)
    except ImageError as refused:  # the mutation declared a pixel bomb: refused on the way in, rightly
        assert refused.message == IMAGE_BOMB_MESSAGE
        return
    assert extracted.payload == payload


@bounded
@given(mutated([svg.encode() for svg in REAL_SVGS]))
def test_baking_into_mutated_svgs_raises_only_core_errors(svg):
    try:
        baked = bake_svg(svg, "https://example.org/a/1")
    except OpenBadgesError:
        return
    assert extract(baked).payload == "https://example.org/a/1"
