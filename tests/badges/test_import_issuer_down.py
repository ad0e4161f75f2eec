"""Importing while the issuer is down keeps what the badge's own bytes say, marked "not yet checked";
and one rule for revocation at import: revoked badges are kept and shown as revoked with the reason."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from badges.models import Badge, Status
from badges.openbadges.baking import bake_png
from badges.presentation import check_message
from badges.services import import_badge, reverify_badge
from tests.support.hosted import HostedBadge, plain_png
from tests.support.signed import DidKeyIssuer

pytestmark = pytest.mark.django_db


def upload(data: bytes, name: str = "badge.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def baked_with_embedded_class(hosted: HostedBadge) -> bytes:
    """An assertion that carries its badge class and issuer inline, as many issuers bake them."""
    assertion = hosted.assertion()
    assertion["badge"] = {
        "type": "BadgeClass",
        "id": hosted.badge_class_url,
        "name": "Data Science Basics",
        "description": "Learners explore data with Python.",
        "image": hosted.server.url("/images/x.png"),
        "criteria": {"narrative": "Six workshops."},
        "issuer": {"type": "Issuer", "id": hosted.issuer_url, "name": "Prefectural Learning Centre"},
    }
    return bake_png(plain_png(), json.dumps(assertion))


def test_an_import_with_the_issuer_returning_503_has_the_baked_name_and_not_yet_checked(user, issuer_server):
    hosted = HostedBadge(issuer_server)  # nothing published: every document answers…
    issuer_server.serve(f"/assertions/{hosted.slug}", {"error": "maintenance"}, status=503)

    badge = import_badge(owner=user, upload=upload(baked_with_embedded_class(hosted)))

    assert badge.status == Status.PENDING
    assert badge.name == "Data Science Basics"
    assert badge.issuer_name == "Prefectural Learning Centre"
    with translation.override("en"):
        assert Status(badge.status).label == "Not checked yet"
        assert badge.status_note.startswith("Not checked yet: the issuer has not answered since")
        assert "re-check" not in badge.status_note


def test_a_badge_whose_bytes_name_nothing_is_named_after_where_it_comes_from(user, issuer_server):
    hosted = HostedBadge(issuer_server)
    issuer_server.serve(f"/assertions/{hosted.slug}", {}, status=503)

    badge = import_badge(owner=user, upload=upload(hosted.baked_png()))

    host = issuer_server.url("/").split("://", 1)[1].rstrip("/")
    with translation.override("en"):
        badge = Badge.objects.get(pk=badge.pk)
    assert host in badge.name
    assert badge.issuer_name == host


def test_a_url_import_with_the_issuer_down_is_kept_too_not_refused(user, issuer_server):
    hosted = HostedBadge(issuer_server)
    issuer_server.serve(f"/assertions/{hosted.slug}", {}, status=503)

    badge = import_badge(owner=user, url=hosted.assertion_url)

    assert badge.status == Status.PENDING
    assert badge.name


def test_the_first_answer_from_the_issuer_fills_in_the_badge(user, issuer_server):
    hosted = HostedBadge(issuer_server)
    issuer_server.serve(f"/assertions/{hosted.slug}", {}, status=503)
    badge = import_badge(owner=user, upload=upload(hosted.baked_png()))
    hosted.publish()

    reverify_badge(badge=badge)

    assert badge.status == Status.VALID
    assert badge.name == "Data Science Basics"
    assert badge.issuer_name == "Prefectural Learning Centre"


def test_a_second_failed_attempt_is_still_not_yet_checked_never_could_not_recheck(user, issuer_server):
    hosted = HostedBadge(issuer_server)
    issuer_server.serve(f"/assertions/{hosted.slug}", {}, status=503)
    badge = import_badge(owner=user, upload=upload(hosted.baked_png()))

    reverify_badge(badge=badge)

    assert badge.status == Status.PENDING
    assert badge.consecutive_failures == 2


# -- one rule for revocation at import: kept and shown as revoked, with the reason --------------


def revoked_by_410(user, issuer_server) -> Badge:
    hosted = HostedBadge(issuer_server).publish()
    hosted.revoke("Issued by mistake")
    return import_badge(owner=user, url=hosted.assertion_url)


def revoked_by_flag(user, issuer_server) -> Badge:
    hosted = HostedBadge(issuer_server).publish()
    issuer_server.serve(
        f"/assertions/{hosted.slug}", {**hosted.assertion(), "revoked": True, "revocationReason": "Issued by mistake"}
    )
    return import_badge(owner=user, upload=upload(hosted.baked_png()))


def revoked_by_status_list(user, issuer_server) -> Badge:
    issuer = DidKeyIssuer(issuer_server).publish()
    text = issuer.data_integrity(index=3)
    issuer.revoke(3)
    return import_badge(owner=user, payload=text)


@pytest.mark.parametrize("how", [revoked_by_410, revoked_by_flag, revoked_by_status_list])
def test_a_revoked_badge_is_kept_and_shown_as_revoked_with_its_reason_whatever_says_so(user, issuer_server, how):
    badge = how(user, issuer_server)

    assert badge.status == Status.REVOKED
    assert badge.name
    revocation = next(c for c in badge.checks if c["name"] == "revocation")
    assert revocation["result"] == "fail"
    with translation.override("en"):
        assert "revoked" in check_message(revocation).lower()
