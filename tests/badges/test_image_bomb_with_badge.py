"""A PNG that declares more pixels than the limit is a decompression bomb, even with a valid badge baked in.

Refused by the core's extraction, by import and by ``manage.py verify_badge``, with the message
every other image bomb gets.
"""

from __future__ import annotations

import json

import pytest
from django.utils.translation import gettext

from badges.models import Badge
from badges.openbadges.baking import IMAGE_BOMB_MESSAGE, bake_png, extract
from badges.openbadges.errors import ImageError
from badges.openbadges.fetching import DictFetch
from badges.openbadges.result import Status
from badges.openbadges.verification import verify
from badges.services import ImportRefused, import_badge
from tests.badges.test_import_badge import upload
from tests.badges.test_verify_badge_command import cli, write  # noqa: F401 (the cli fixture)
from tests.openbadges.test_images import png_declaring
from tests.openbadges.test_ob3_support import NOW
from tests.support.signed import DidKeyIssuer


@pytest.fixture
def bomb_with_badge(issuer_server) -> bytes:
    issuer = DidKeyIssuer(issuer_server).publish()
    return bake_png(png_declaring(100_000, 100_000), issuer.data_integrity())


def test_the_core_refuses_a_baked_bomb_before_reading_its_badge(bomb_with_badge):
    with pytest.raises(ImageError) as caught:
        extract(bomb_with_badge)
    assert caught.value.message == IMAGE_BOMB_MESSAGE

    result = verify(bomb_with_badge, fetch=DictFetch(), now=NOW)
    assert result.status is Status.INVALID
    assert result.check("format").text == IMAGE_BOMB_MESSAGE


def test_a_sound_png_of_the_same_badge_still_imports_and_verifies(issuer_server):
    issuer = DidKeyIssuer(issuer_server).publish()
    result = verify(bake_png(png_declaring(64, 64, rows=64), issuer.data_integrity()), fetch=DictFetch(), now=NOW)
    assert result.check("format").text != IMAGE_BOMB_MESSAGE


@pytest.mark.django_db
def test_import_refuses_a_baked_bomb_with_the_bomb_message(user, bomb_with_badge):
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=upload(bomb_with_badge))
    assert refused.value.code == "bad_format"
    assert str(refused.value.message) == gettext(IMAGE_BOMB_MESSAGE)  # the same words as every other bomb
    assert Badge.objects.count() == 0


def test_verify_badge_refuses_a_baked_bomb(bomb_with_badge, cli, tmp_path):  # noqa: F811
    run = cli(write(tmp_path, "bomb.png", bomb_with_badge), "--json")
    assert run.code == 1
    report = run.json()
    assert report["status"] == "invalid"
    assert "decompression bomb" in json.dumps(report, ensure_ascii=False) or "爆弾" in run.stdout
