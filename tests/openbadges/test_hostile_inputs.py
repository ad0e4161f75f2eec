"""Hostile input costs milliseconds and gets a clear refusal, never a crash or seconds of CPU."""

from __future__ import annotations

import base64
import io
import json
import struct
import time
import zlib
from datetime import UTC, datetime

import pytest
from PIL import Image

from badges.openbadges import baking, jsonld
from badges.openbadges.errors import BadgeFormatError, ImageError
from badges.openbadges.fetching import DictFetch, Fetched
from badges.openbadges.result import Status
from badges.openbadges.verification import verify
from tests.support.hostile_servers import deep_json
from tests.support.poison import poison_credential, poison_text

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_poison_graph_credential_is_refused_within_its_work_budget_before_any_key_is_fetched() -> None:
    fetch = DictFetch()
    started = time.process_time()
    result = verify(poison_text(8), fetch=fetch, now=NOW)
    assert time.process_time() - started < 1.0  # unbounded, this is > 30 s of CPU
    assert result.status is Status.INVALID
    signature = next(c for c in result.checks if c.name == "signature")
    assert "too complex" in signature.text
    assert fetch.calls == []


def test_a_small_poison_graph_costs_no_more_than_the_budget_allows() -> None:
    unsigned = {k: v for k, v in poison_credential(6).items() if k != "proof"}
    with pytest.raises(jsonld.CanonicalisationTooCostly):
        jsonld.canonize(unsigned)
    # The same graph with a budget large enough still canonicalises: the budget is the only change.
    assert jsonld.canonize({k: v for k, v in poison_credential(3).items() if k != "proof"})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(deep_json().decode(), id="pasted-json-array"),
        pytest.param('{"@context": "https://w3id.org/openbadges/v2", "x": ' + deep_json().decode() + "}", id="ob2"),
        pytest.param(
            '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "x": '
            + deep_json(1000).decode()
            + "}",
            id="ob3-json",
        ),
        pytest.param(_b64(b'{"alg":"RS256"}') + "." + _b64(deep_json()) + ".c2ln", id="jws-payload"),
        pytest.param(_b64(b'{"alg":"EdDSA"}') + "." + _b64(b'{"vc": ' + deep_json() + b"}") + ".c2ln", id="vc-jwt"),
    ],
)
def test_deeply_nested_json_anywhere_is_refused_not_a_crash(payload: str) -> None:
    result = verify(payload, fetch=DictFetch(), now=NOW)
    assert result.status in (Status.INVALID, Status.UNSUPPORTED)


def test_deeply_nested_json_from_an_issuer_is_a_clear_format_error() -> None:
    fetched = Fetched(url="https://issuer.example/a", body=deep_json())
    with pytest.raises(BadgeFormatError, match="nested more than 64 levels"):
        fetched.json()
    hosted = "https://issuer.example/a"
    result = verify(hosted, fetch=DictFetch({hosted: deep_json()}), now=NOW)
    assert result.status is Status.INVALID


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (200, 0, 0, 255)).save(out, format="PNG")
    return out.getvalue()


def _with_declared_size(png: bytes, width: int, height: int) -> bytes:
    # Rewrite IHDR's width and height (and its CRC): the file stays small, the header lies.
    ihdr_start = len(baking.PNG_SIGNATURE)
    data = bytearray(png)
    body = bytearray(data[ihdr_start + 8 : ihdr_start + 8 + 13])
    body[0:8] = struct.pack(">II", width, height)
    data[ihdr_start + 8 : ihdr_start + 8 + 13] = body
    crc = zlib.crc32(b"IHDR" + bytes(body)) & 0xFFFFFFFF
    data[ihdr_start + 8 + 13 : ihdr_start + 8 + 17] = struct.pack(">I", crc)
    return bytes(data)


def test_png_declaring_30000_by_30000_pixels_is_refused_even_when_it_carries_a_badge() -> None:
    payload = json.dumps({"@context": "https://w3id.org/openbadges/v2", "id": "https://issuer.example/a"})
    bomb = _with_declared_size(baking.bake_png(_png(4, 4), payload), 30000, 30000)
    with pytest.raises(ImageError) as caught:
        baking.extract(bomb)
    assert caught.value.message == baking.IMAGE_BOMB_MESSAGE  # the same message as every other bomb
    result = verify(bomb, fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert result.checks[0].text == baking.IMAGE_BOMB_MESSAGE


def test_a_poison_graph_under_an_ecdsa_sd_2023_base_proof_is_refused_within_the_budget() -> None:
    import time

    from badges.openbadges import ecdsa_sd

    credential = poison_credential(8)
    credential["proof"] = {**credential["proof"], "cryptosuite": "ecdsa-sd-2023"}
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    started = time.monotonic()
    with pytest.raises(jsonld.CanonicalisationTooCostly):
        ecdsa_sd.canonicalize_and_group(unsigned, ecdsa_sd.hmac_labeller(b"k" * 32), {"mandatory": ["/issuer"]})
    assert time.monotonic() - started < 10
