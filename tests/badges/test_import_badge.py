"""Importing a badge: what lands in the wallet, and every way a bad input changes nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from badges.models import Badge, Status, Verification
from badges.services import ImportRefused, import_badge
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "badge.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_a_baked_png_is_imported_verified_with_its_original_kept(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    png = hosted.baked_png()

    badge = import_badge(owner=user, upload=upload(png))

    assert badge.status == Status.VALID
    assert badge.name == "Data Science Basics"
    assert badge.issuer_name == "Prefectural Learning Centre"
    assert badge.source_kind == "png"
    assert badge.original_file.read() == png
    assert badge.recipient_identity == "" or "hana" in badge.recipient_identity
    assert badge.thumbnail
    assert {c["name"] for c in badge.checks} >= {"hosted", "recipient", "revocation", "expiry"}
    assert Verification.objects.get(badge=badge).trigger == "import"


def test_a_pasted_url_is_imported(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    assert badge.status == Status.VALID
    assert badge.source_url == hosted.assertion_url


def test_pasted_json_is_checked_against_the_hosted_copy(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, payload=json.dumps(hosted.assertion()))
    assert badge.status == Status.VALID
    assert issuer_server.hit_count("/assertions/1") >= 1


def test_a_forged_baked_recipient_does_not_fool_the_import(user, issuer_server):
    # The issuer hosts a badge for someone else; a copy baked with Hana's address is not enough.
    hosted = HostedBadge(issuer_server, recipient="someone.else@example.org").publish()
    forged = HostedBadge(issuer_server, recipient="hana@example.org")
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=upload(forged.baked_png()))
    assert refused.value.code == "not_yours"
    assert hosted.recipient not in refused.value.message
    assert Badge.objects.count() == 0


def test_a_badge_for_an_unverified_address_is_refused_with_advice(user, issuer_server):
    hosted = HostedBadge(issuer_server, recipient="hana.school@example.ac.jp").publish()
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=upload(hosted.baked_png()))
    assert refused.value.code == "not_yours"
    # Japanese first: the learner is told where to add the address, in their language.
    assert "「メールアドレス」" in refused.value.message
    with translation.override("en"):
        with pytest.raises(ImportRefused) as refused:
            import_badge(owner=user, upload=upload(hosted.baked_png()))
    assert "E-mail addresses" in refused.value.message
    assert Badge.objects.count() == 0


def test_the_same_badge_twice_is_refused_naming_the_one_already_held(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    first = import_badge(owner=user, upload=upload(hosted.baked_png()))
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, url=hosted.assertion_url)
    assert refused.value.code == "duplicate"
    assert "Data Science Basics" in refused.value.message
    assert refused.value.badge == first
    assert Badge.objects.count() == 1


def test_a_badge_whose_issuer_is_down_is_kept_as_not_yet_checked_never_lost(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    png = hosted.baked_png()
    issuer_server.stop()

    badge = import_badge(owner=user, upload=upload(png))

    assert badge.status == Status.PENDING
    assert badge.name  # never nameless (here: where it comes from, as its bytes name no badge)
    assert badge.original_file.read() == png
    assert badge.next_check_at is not None
    assert not any(c["status"] == "revoked" for c in badge.checks)


def test_a_revoked_badge_is_imported_and_shown_as_revoked(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    png = hosted.baked_png()
    hosted.revoke()
    badge = import_badge(owner=user, upload=upload(png))
    assert badge.status == Status.REVOKED


def test_a_fifty_megabyte_upload_is_refused_before_it_is_read(user):
    big = SimpleUploadedFile("huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (50 * 1024 * 1024), content_type="image/png")
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=big)
    assert refused.value.code == "too_large"
    assert "MB" in refused.value.message
    assert Badge.objects.count() == 0


def test_a_broken_png_is_refused_with_a_clear_message(user, issuer_server):
    png = HostedBadge(issuer_server).publish().baked_png()
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=upload(png[: len(png) // 2]))
    assert refused.value.code == "bad_format"
    assert refused.value.message
    assert Badge.objects.count() == 0


def test_an_image_without_a_badge_is_refused(user):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, upload=upload(buffer.getvalue()))
    assert refused.value.code == "bad_format"
    assert Badge.objects.count() == 0


def test_a_decompression_bomb_is_refused(user):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    with pytest.raises(ImportRefused):
        import_badge(owner=user, upload=upload(buffer.getvalue()))
    assert Badge.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/badge", "http://10.0.0.5/badge", "http://169.254.169.254/latest/meta-data"]
)
def test_a_private_network_url_is_refused_without_a_request(user, url):
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, url=url)
    assert refused.value.code == "unreachable"
    assert Badge.objects.count() == 0


def test_a_url_that_is_not_http_is_refused(user):
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, url="file:///etc/passwd")
    assert refused.value.code == "bad_url"


def test_garbage_json_is_refused(user):
    with pytest.raises(ImportRefused) as refused:
        import_badge(owner=user, payload='{"hello": "world"}')
    assert refused.value.code in ("bad_format", "unsupported")
    assert Badge.objects.count() == 0
