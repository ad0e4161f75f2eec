"""Viewer checks on a badge's permanent page, /b/<code>/: the same "Verify now" and recipient check as
on portfolio badge pages, against a real issuer on 127.0.0.1, without ever showing the address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from badges.models import Badge
from badges.services import import_badge
from tests.support.hosted import HostedBadge
from wallet.services import permanent_link, set_permanent_link_enabled

pytestmark = pytest.mark.django_db

ADDRESS = "hana@example.org"


@pytest.fixture
def limits(settings):
    settings.VIEWER_CHECK_LIMITS = {"verify": (3, 5, 600), "recipient": (3, 5, 600)}


def publish(user, issuer_server) -> tuple[Badge, str]:
    hosted = HostedBadge(issuer_server, recipient=ADDRESS, hashed=False).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    return badge, f"/b/{permanent_link(badge=badge).code}/"


def test_the_permanent_page_offers_both_viewer_checks(client, user, issuer_server, limits):
    _badge, page = publish(user, issuer_server)
    html = client.get(page).content.decode()
    assert f'action="{page}verify-now"' in html
    assert f'action="{page}recipient-check"' in html
    assert ADDRESS not in html


def test_verify_now_on_the_permanent_page_asks_the_issuer_again_and_shows_the_checks(
    client, user, issuer_server, limits
):
    badge, page = publish(user, issuer_server)
    Badge.objects.filter(pk=badge.pk).update(last_checked_at=timezone.now() - timedelta(hours=1))
    before = issuer_server.hit_count("/assertions/1")

    response = client.post(page + "verify-now")

    assert response.status_code == 200
    assert issuer_server.hit_count("/assertions/1") == before + 1
    html = response.content.decode()
    assert 'class="checks' in html and "viewer-checks" in html
    assert ADDRESS not in html
    badge.refresh_from_db()
    assert timezone.now() - badge.last_checked_at < timedelta(seconds=30)


def test_the_recipient_check_on_the_permanent_page_answers_only_match_or_no_match(
    client, user, issuer_server, limits, settings
):
    settings.LANGUAGE_CODE = "en"
    _badge, page = publish(user, issuer_server)

    right = client.post(page + "recipient-check", {"email": ADDRESS}, HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.post(page + "recipient-check", {"email": "kenji@example.org"}, HTTP_ACCEPT_LANGUAGE="en")

    assert right.status_code == wrong.status_code == 200
    assert "Matches the recipient of this badge." in right.content.decode()
    assert "Does not match the recipient of this badge." in wrong.content.decode()
    for response in (right, wrong):
        assert ADDRESS not in response.content.decode()
    assert "kenji@example.org" not in wrong.content.decode()


def test_viewer_checks_on_the_permanent_page_are_rate_limited_per_viewer(client, user, issuer_server, limits):
    _badge, page = publish(user, issuer_server)
    codes = [client.post(page + "recipient-check", {"email": "x@example.org"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.post(page + "verify-now", REMOTE_ADDR="192.0.2.9").status_code == 200


def test_a_permanent_link_turned_off_answers_410_to_viewer_checks(client, user, issuer_server, limits):
    badge, page = publish(user, issuer_server)
    set_permanent_link_enabled(badge=badge, enabled=False)
    assert client.post(page + "verify-now").status_code == 410
    assert client.post(page + "recipient-check", {"email": ADDRESS}).status_code == 410
    assert client.get(page + "verify-now").status_code == 405
