"""Unbaking and baking badges in PNG and SVG, and telling payload kinds apart.

Real baked files from the corpus live in tests/fixtures/baking/ (see the README there); the
deliberately broken PNGs are built here, chunk by chunk, so each test says what is wrong.
"""

from __future__ import annotations

import base64
import json
import struct
import time
import zlib
from pathlib import Path

import pytest

from badges.openbadges import baking
from badges.openbadges.baking import (
    Extracted,
    bake_png,
    bake_svg,
    classify,
    decode_jws_payload_unverified,
    extract,
    is_compact_jws,
    looks_like_url,
)
from badges.openbadges.errors import BadgeFormatError, BakingError, ImageError, NoBadgeInImage
from badges.openbadges.model import SourceKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "baking"
SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_JWS = (FIXTURES / "ob20-signed.jwt").read_text().strip()
OB2_JSON = '{"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://example.org/a/1"}'
OB3_JSON = json.dumps(
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:1"},
    }
)


def read(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def chunk(chunk_type: bytes, data: bytes, *, crc: int | None = None) -> bytes:
    if crc is None:
        crc = zlib.crc32(chunk_type + data)
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def itxt(
    keyword: str,
    text: bytes,
    *,
    compressed: bool = False,
    method: int = 0,
    language: bytes = b"",
    translated: bytes = b"",
) -> bytes:
    body = zlib.compress(text) if compressed else text
    flags = bytes([1 if compressed else 0, method])
    return chunk(b"iTXt", keyword.encode() + b"\0" + flags + language + b"\0" + translated + b"\0" + body)


def png_with(*extra: bytes) -> bytes:
    """The unbaked corpus PNG with ``extra`` chunks inserted right after IHDR."""
    image = read("unbaked.png")
    ihdr_end = 8 + 12 + 13
    return image[:ihdr_end] + b"".join(extra) + image[ihdr_end:]


def png_chunk_types(image: bytes) -> list[tuple[bytes, bytes]]:
    """(type, keyword) for each chunk; keyword only for text chunks."""
    found, pos = [], 8
    while pos < len(image):
        length, kind = struct.unpack(">I4s", image[pos : pos + 8])
        data = image[pos + 8 : pos + 8 + length]
        found.append((kind, data.split(b"\0", 1)[0] if kind in (b"iTXt", b"tEXt", b"zTXt") else b""))
        pos += 12 + length
    return found


def make_jws(payload: dict, header: dict | None = None) -> str:
    def segment(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{segment(header or {'alg': 'RS256'})}.{segment(payload)}.c2lnbmF0dXJl"


# --- Real baked badges from the corpus --------------------------------------------------------


def test_ob20_baked_png_yields_the_hosted_assertion_json():
    found = extract(read("ob20-simple-badge.png"))
    assert found.kind is SourceKind.PNG
    document = json.loads(found.payload)
    assert document["id"] == "https://example.org/beths-robotics-badge.json"
    assert document["verification"] == {"type": "hosted"}
    assert classify(found.payload) == "ob2"


def test_ob10_baked_png_yields_the_assertion_json():
    found = extract(read("ob10-baked.png"))
    assert json.loads(found.payload)["verify"] == {"type": "hosted", "url": "http://a.com/instance"}
    assert classify(found.payload) == "ob2"


def test_ob30_png_with_credential_json_is_an_ob3_payload():
    found = extract(read("ob30-simple-json.png"))
    assert found.kind is SourceKind.PNG
    assert json.loads(found.payload)["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert classify(found.payload) == "ob3"


@pytest.mark.parametrize(
    "name", ["ob30-simple-jwt.png", "ob30-simple-jwt.svg", "ob30-simple-jwt-v1.png", "ob30-simple-jwt-v1.svg"]
)
def test_ob30_vc_jwt_baked_in_png_or_svg_is_a_compact_jws_classified_ob3(name):
    found = extract(read(name))
    assert found.kind is (SourceKind.SVG if name.endswith(".svg") else SourceKind.PNG)
    assert is_compact_jws(found.payload)
    assert found.payload == found.payload.strip()
    assert classify(found.payload) == "ob3"


def test_ob30_svg_carries_credential_json_in_cdata():
    found = extract(read("ob30-simple-json.svg"))
    assert found.kind is SourceKind.SVG
    assert json.loads(found.payload)["id"] == "http://example.com/credentials/3527"
    assert classify(found.payload) == "ob3"


def test_png_with_legacy_text_chunk_yields_assertion_url():
    assert extract(read("legacy-text-url.png")) == Extracted(SourceKind.PNG, "https://example.org/assertion")


def test_png_whose_only_itxt_is_xmp_metadata_has_no_badge():
    with pytest.raises(NoBadgeInImage):
        extract(read("xmp-unbaked.png"))


@pytest.mark.parametrize("name", ["unbaked.png", "unbaked.svg", "unbaked-badgeclass.svg"])
def test_unbaked_images_raise_no_badge_in_image(name):
    with pytest.raises(NoBadgeInImage) as caught:
        extract(read(name))
    assert caught.value.code == "not_baked"


def test_hostile_svg_with_script_tags_parses_but_carries_no_badge():
    with pytest.raises(NoBadgeInImage):
        extract(read("hostile-script.svg"))


def test_svg_with_json_body_and_verify_url_prefers_the_json():
    assert extract(read("ob1-baked.svg")).payload == '{"verify":{"url":"http://example.org"}}'


def test_svg_with_invalid_json_body_falls_back_to_the_verify_url():
    assert extract(read("ob1-bad-json.svg")).payload == "http://example.org"


def test_svg_with_empty_cdata_yields_the_verify_url():
    assert extract(read("ob1-no-json.svg")) == Extracted(SourceKind.SVG, "http://example.org")


def test_json_text_file_named_png_is_read_as_json_not_as_an_image():
    # badgr-server's bad_image.png: the verifier, not the unbaker, rejects this non-badge JSON.
    assert extract(read("json-named-png.png")).kind is SourceKind.JSON


# --- PNG chunk parsing ------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [9, 20, 40, 300, -13, -1])
def test_truncated_png_is_reported_as_damaged(cut):
    image = read("ob20-simple-badge.png")
    with pytest.raises(ImageError) as caught:
        extract(image[:cut])
    assert caught.value.message == "This PNG is damaged or incomplete."


def test_png_chunk_whose_length_runs_past_the_end_is_damaged():
    image = png_with(struct.pack(">I", 10_000) + b"iTXt" + b"openbadges\0")
    with pytest.raises(ImageError):
        extract(image)


def test_png_that_does_not_start_with_ihdr_is_damaged():
    with pytest.raises(ImageError):
        extract(SIGNATURE + itxt("openbadges", b"https://example.org/a") + chunk(b"IEND", b""))


def test_badge_chunk_with_bad_crc_is_refused():
    data = b"openbadges\0\0\0\0\0https://example.org/a"
    with pytest.raises(ImageError, match="checksum"):
        extract(png_with(chunk(b"iTXt", data, crc=0xDEADBEEF)))


def test_bad_crc_on_an_unrelated_chunk_does_not_hide_the_badge():
    image = png_with(itxt("openbadges", b"https://example.org/a"), chunk(b"tEXt", b"Comment\0hi", crc=1))
    assert extract(image).payload == "https://example.org/a"


def test_itxt_badge_is_preferred_over_legacy_text_chunk():
    image = png_with(chunk(b"tEXt", b"openbadges\0https://example.org/old"), itxt("openbadges", OB2_JSON.encode()))
    assert extract(image).payload == OB2_JSON


def test_first_itxt_badge_chunk_wins():
    image = png_with(itxt("openbadgecredential", OB3_JSON.encode()), itxt("openbadges", OB2_JSON.encode()))
    assert extract(image).payload == OB3_JSON


def test_itxt_with_language_tag_and_translated_keyword_is_read_field_by_field():
    image = png_with(
        itxt("openbadges", OB2_JSON.encode(), language=b"en-GB", translated="Offene Abzeichen (Prüfung)".encode())
    )
    assert extract(image).payload == OB2_JSON


def test_itxt_text_is_utf8():
    payload = '{"name": "Prüfung bestanden ✓"}'
    assert extract(png_with(itxt("openbadges", payload.encode()))).payload == payload


def test_compressed_itxt_is_inflated():
    assert extract(png_with(itxt("openbadges", OB2_JSON.encode(), compressed=True))).payload == OB2_JSON


def test_compressed_itxt_inflating_past_the_cap_is_refused():
    bomb = b'{"a": "' + b" " * (baking.MAX_DECOMPRESSED_BYTES + 10) + b'"}'
    with pytest.raises(ImageError, match="too large"):
        extract(png_with(itxt("openbadges", bomb, compressed=True)))


def test_compressed_itxt_with_unknown_method_is_refused():
    with pytest.raises(ImageError, match="compressed"):
        extract(png_with(itxt("openbadges", OB2_JSON.encode(), compressed=True, method=7)))


def test_compressed_itxt_with_corrupt_stream_is_damaged():
    data = b"openbadges\0\x01\x00\0\0" + b"not zlib at all"
    with pytest.raises(ImageError):
        extract(png_with(chunk(b"iTXt", data)))


def test_itxt_missing_its_separators_is_damaged():
    with pytest.raises(ImageError):
        extract(png_with(chunk(b"iTXt", b"openbadges\0\0\0https://example.org/a")))


def test_ztxt_legacy_url_is_read_with_bounded_inflation():
    image = png_with(chunk(b"zTXt", b"openbadges\0\0" + zlib.compress(b"https://example.org/assertion")))
    assert extract(image).payload == "https://example.org/assertion"


def test_badge_chunk_holding_junk_text_is_a_format_error():
    with pytest.raises(BadgeFormatError, match="not JSON"):
        extract(png_with(itxt("openbadges", b"hello world")))


def test_badge_chunk_holding_invalid_json_is_a_format_error():
    with pytest.raises(BadgeFormatError):
        extract(png_with(itxt("openbadges", b"{not json")))


# --- SVG parsing ------------------------------------------------------------------------------

SVG_OB2 = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org">'
    '<ob:assertion verify="https://example.org/a/1"/></svg>'
)


def test_svg_with_bom_whitespace_and_xml_declaration_is_read():
    data = b"\xef\xbb\xbf\n  <?xml version='1.0' encoding='UTF-8'?>\n" + SVG_OB2.encode()
    assert extract(data).payload == "https://example.org/a/1"


def test_svg_given_as_text_is_read():
    assert extract("  " + SVG_OB2).payload == "https://example.org/a/1"


def test_svg_badge_element_is_matched_by_namespace_not_by_prefix():
    wrong_namespace = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://example.org/not-badges">'
        '<openbadges:assertion verify="https://example.org/a/1"/></svg>'
    )
    assert extract(SVG_OB2).payload == "https://example.org/a/1"
    with pytest.raises(NoBadgeInImage):
        extract(wrong_namespace)


def test_svg_entity_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
    )
    with pytest.raises(ImageError, match="entities"):
        extract(bomb)


def test_svg_external_entity_is_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    )
    with pytest.raises(ImageError):
        extract(xxe)


def test_xml_whose_root_is_not_svg_is_refused():
    with pytest.raises(ImageError, match="not an SVG"):
        extract('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>')


def test_malformed_svg_is_refused():
    with pytest.raises(ImageError, match="well-formed"):
        extract("<svg><unclosed></svg>")


def test_svg_badge_element_with_invalid_json_and_no_verify_is_a_format_error():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><a:assertion xmlns:a="http://openbadges.org">{x</a:assertion></svg>'
    with pytest.raises(BadgeFormatError, match="not valid JSON"):
        extract(svg)


def test_empty_svg_badge_element_is_a_format_error():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><a:credential xmlns:a="https://purl.imsglobal.org/ob/v3p0"/></svg>'
    with pytest.raises(BadgeFormatError, match="empty"):
        extract(svg)


# --- Text input -------------------------------------------------------------------------------


def test_pasted_json_is_returned_stripped():
    assert extract(f"\n  {OB2_JSON}  \n") == Extracted(SourceKind.JSON, OB2_JSON)


def test_pasted_json_bytes_with_bom_are_read():
    assert extract(b"\xef\xbb\xbf" + OB2_JSON.encode()).payload == OB2_JSON


def test_pasted_url_is_returned_as_url():
    assert extract(" https://example.org/assertions/1\n") == Extracted(
        SourceKind.URL, "https://example.org/assertions/1"
    )


def test_pasted_compact_jws_is_returned_as_jwt():
    assert extract(OB2_JWS.encode() + b"\n") == Extracted(SourceKind.JWT, OB2_JWS)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t",
        "",
        b"\x00\x01\x02\xff\xfe",
        b"\xc3\x28 not utf-8",
        "{not json",
        "[1, 2]",
        '{"a": 1',
        "hello",
        "ftp://example.org/badge",
        "badge.example.org",
        "{" * 50_000,
    ],
)
def test_unrecognisable_input_is_a_format_error(data):
    with pytest.raises(BadgeFormatError):
        extract(data)


@pytest.mark.parametrize(
    "header", [b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a\x01\x00", b"RIFF\x00\x00\x00\x00WEBPVP8 "]
)
def test_other_image_formats_cannot_carry_a_badge(header):
    with pytest.raises(NoBadgeInImage, match="Only PNG and SVG"):
        extract(header + b"\x00" * 32)


def test_input_over_the_size_cap_is_refused_before_parsing():
    with pytest.raises(BadgeFormatError, match="larger than 5 MB"):
        extract(SIGNATURE + b"\x00" * baking.MAX_BADGE_FILE_BYTES)


# --- Payload helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.org/a/1", True),
        ("http://a.com/instance", True),
        ("  HTTPS://Example.org  ", True),
        ("ftp://example.org", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("http://[::1", False),
        ("example.org/a", False),
        ("", False),
        ("https://example.org/a\x00b", False),
        ("https://example.org/\u3000x", False),
        ("eyJhbGciOiJFZERTQSJ9." + "A" * 100_000 + ".sig", False),
    ],
)
def test_looks_like_url(text, expected):
    assert looks_like_url(text) is expected


def test_looks_like_url_refuses_a_long_token_without_scanning_it():
    token = "eyJhbGciOiJFZERTQSJ9." + "A" * 5_000_000 + ".sig"
    started = time.perf_counter()
    for _ in range(100):
        looks_like_url(token)
    assert time.perf_counter() - started < 0.5  # the old character loop took seconds


def test_compact_jws_needs_a_json_header_with_alg():
    assert is_compact_jws(OB2_JWS)
    assert is_compact_jws(make_jws({"a": 1}))
    assert not is_compact_jws("badge.example.org")
    assert not is_compact_jws("abc.def.ghi")
    assert not is_compact_jws(make_jws({"a": 1}, header={"typ": "JWT"}))
    assert not is_compact_jws(OB2_JWS + ".extra")


def test_jws_payload_is_decoded_without_verification():
    assert decode_jws_payload_unverified(OB2_JWS)["id"] == "https://example.org/beths-robotics-badge.json"


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.W10.c2ln", "x.!!!.y"])
def test_jws_payload_that_is_not_a_json_object_is_a_format_error(token):
    with pytest.raises(BadgeFormatError):
        decode_jws_payload_unverified(token)


@pytest.mark.parametrize(
    ("payload", "family"),
    [
        (OB3_JSON, "ob3"),
        ('{"@context": "https://www.w3.org/2018/credentials/v1", "type": "Thing"}', "ob3"),
        ('{"@context": [{"@vocab": "x"}, "https://www.w3.org/ns/credentials/v2"]}', "ob3"),
        ('{"type": ["VerifiableCredential"]}', "ob3"),
        (make_jws({"vc": {"type": ["VerifiableCredential"]}, "iss": "did:example:1"}), "ob3"),
        (make_jws(json.loads(OB3_JSON)), "ob3"),
        (OB2_JSON, "ob2"),
        (OB2_JWS, "ob2"),
        ('{"uid": "123abc", "verify": {"type": "hosted", "url": "http://a.com/instance"}}', "ob2"),
        ("https://example.org/assertions/1", "ob2"),
        ("{not json", "ob2"),
        ("", "ob2"),
        ("[" * 10_000, "ob2"),
    ],
)
def test_classify_tells_ob3_credentials_from_everything_else(payload, family):
    assert classify(payload) == family


# --- Baking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [OB2_JSON, OB3_JSON, OB2_JWS, "https://example.org/assertions/1"])
def test_baking_a_png_then_extracting_gives_the_payload_back(payload):
    baked = bake_png(read("unbaked.png"), payload)
    assert extract(baked) == Extracted(SourceKind.PNG, payload)


def test_baked_png_chunk_sits_right_after_ihdr_with_the_version_keyword():
    assert png_chunk_types(bake_png(read("unbaked.png"), OB3_JSON))[:2] == [
        (b"IHDR", b""),
        (b"iTXt", b"openbadgecredential"),
    ]
    assert png_chunk_types(bake_png(read("unbaked.png"), OB2_JSON))[1] == (b"iTXt", b"openbadges")


def test_credential_flag_overrides_the_detected_keyword():
    baked = bake_png(read("unbaked.png"), "https://example.org/credentials/1", credential=True)
    assert (b"iTXt", b"openbadgecredential") in png_chunk_types(baked)


def test_rebaking_a_png_replaces_every_previous_badge_chunk():
    image = png_with(chunk(b"tEXt", b"openbadges\0https://example.org/old"))
    baked = bake_png(bake_png(image, OB2_JSON), OB3_JSON)
    badge_chunks = [c for c in png_chunk_types(baked) if c[1] in (b"openbadges", b"openbadgecredential")]
    assert badge_chunks == [(b"iTXt", b"openbadgecredential")]
    assert extract(baked).payload == OB3_JSON


def test_rebaking_keeps_other_metadata_chunks():
    baked = bake_png(read("xmp-unbaked.png"), OB2_JSON)
    assert (b"iTXt", b"XML:com.adobe.xmp") in png_chunk_types(baked)


@pytest.mark.parametrize("image", [b"", b"GIF89a", SIGNATURE + b"\x00\x00"])
def test_baking_into_a_damaged_or_non_png_image_is_an_image_error(image):
    with pytest.raises(ImageError):
        bake_png(image, OB2_JSON)


@pytest.mark.parametrize("payload", ["", "   ", "hello", "{broken"])
def test_baking_a_payload_that_is_not_a_badge_is_refused(payload):
    with pytest.raises(BakingError):
        bake_png(read("unbaked.png"), payload)
    with pytest.raises(BakingError):
        bake_svg(read("unbaked.svg"), payload)


@pytest.mark.parametrize("payload", [OB2_JSON, OB3_JSON, OB2_JWS, "https://example.org/assertions/1"])
def test_baking_an_svg_then_extracting_gives_the_payload_back(payload):
    baked = bake_svg(read("unbaked.svg"), payload)
    assert extract(baked) == Extracted(SourceKind.SVG, payload)


def test_baked_svg_puts_json_in_cdata_and_tokens_in_verify():
    as_json = bake_svg(read("unbaked.svg"), OB3_JSON).decode()
    as_jws = bake_svg(read("unbaked.svg"), OB2_JWS).decode()
    assert "<![CDATA[" in as_json
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in as_json.split(">", 2)[1]
    assert "<openbadges:credential>" in as_json
    assert f'<openbadges:assertion verify="{OB2_JWS}"/>' in as_jws


def test_baked_svg_badge_element_is_the_first_child_of_the_root():
    import defusedxml.ElementTree as ET

    root = ET.fromstring(bake_svg(read("unbaked.svg"), OB2_JSON))
    assert root[0].tag == "{http://openbadges.org}assertion"


def test_baked_hosted_ob2_svg_also_carries_the_assertion_url_in_verify():
    hosted = json.dumps({"id": "https://example.org/a/1", "verification": {"type": "hosted"}})
    legacy = json.dumps({"uid": "1", "verify": {"type": "hosted", "url": "http://a.com/instance"}})
    assert 'verify="https://example.org/a/1"' in bake_svg(read("unbaked.svg"), hosted).decode()
    assert 'verify="http://a.com/instance"' in bake_svg(read("unbaked.svg"), legacy).decode()


def test_rebaking_an_svg_replaces_the_previous_badge_element():
    baked = bake_svg(read("ob1-baked.svg"), OB3_JSON)
    assert baked.count(b":assertion") == 0
    assert baked.count(b"openbadges:credential>") == 2  # one open and one close tag
    assert extract(baked).payload == OB3_JSON


def test_baking_an_svg_keeps_its_doctype_and_content():
    baked = bake_svg(read("ob30-simple-json.svg"), OB2_JWS)
    assert b"<!DOCTYPE svg PUBLIC" in baked
    assert baked.count(b"<g") == read("ob30-simple-json.svg").count(b"<g")
    assert extract(baked).payload == OB2_JWS


def test_json_payload_containing_a_cdata_terminator_still_round_trips():
    payload = '{"name": "a ]]> b <c> & d"}'
    assert extract(bake_svg(read("unbaked.svg"), payload)).payload == payload


def test_baking_into_a_hostile_svg_refuses_entities():
    bomb = b'<!DOCTYPE svg [<!ENTITY a "a">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    with pytest.raises(ImageError):
        bake_svg(bomb, OB2_JSON)
