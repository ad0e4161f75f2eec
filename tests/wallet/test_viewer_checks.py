"""Viewer checks on public badge pages: "Verify now" and "Was this issued to the person I'm dealing with?".

Against a real issuer on 127.0.0.1: a viewer (no login) re-runs the badge's checks, rate-limited
per viewer and per badge, answered from the last check while it is fresh, one check per badge at
a time; and compares an address with the recipient, learning only match / no match.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from badges.models import Badge
from badges.services import import_badge
from badges.viewer_checks import verify_now
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio

ADDRESS = "hana@example.org"


@pytest.fixture
def limits(settings):
    settings.VIEWER_CHECK_LIMITS = {"verify": (3, 5, 600), "recipient": (3, 5, 600)}
    return settings.VIEWER_CHECK_LIMITS


def publish(user, issuer_server, *, hashed: bool = True):
    hosted = HostedBadge(issuer_server, recipient=ADDRESS, hashed=hashed).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    portfolio = create_portfolio(owner=user, title="Admissions", description="")
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    portfolio.visibility = Portfolio.Visibility.UNLISTED
    portfolio.save()
    return hosted, badge, f"/p/{portfolio.slug}/b/{badge.public_id}/"


def age(badge: Badge, seconds: int) -> None:
    Badge.objects.filter(pk=badge.pk).update(last_checked_at=timezone.now() - timedelta(seconds=seconds))


@pytest.mark.django_db
def test_verify_now_reruns_the_checks_and_shows_them_with_the_time(client, user, issuer_server, limits):
    hosted, badge, page = publish(user, issuer_server)
    age(badge, 3600)
    before = issuer_server.hit_count("/assertions/1")

    response = client.post(page + "verify-now")

    assert response.status_code == 200
    html = response.content.decode()
    assert "checks" in html and "verify-now" in html
    assert issuer_server.hit_count("/assertions/1") == before + 1
    badge.refresh_from_db()
    assert timezone.now() - badge.last_checked_at < timedelta(seconds=30)


@pytest.mark.django_db
def test_verify_now_answers_from_a_fresh_check_without_asking_the_issuer_again(client, user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    before = issuer_server.hit_count("/assertions/1")
    assert client.post(page + "verify-now").status_code == 200
    assert issuer_server.hit_count("/assertions/1") == before  # imported seconds ago: fresh enough


@pytest.mark.django_db
def test_verify_now_is_rate_limited_per_viewer(client, user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    codes = [client.post(page + "verify-now").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.post(page + "verify-now", REMOTE_ADDR="192.0.2.7").status_code == 200


@pytest.mark.django_db
def test_verify_now_is_rate_limited_per_badge_whoever_asks(client, user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    codes = [client.post(page + "verify-now", REMOTE_ADDR=f"192.0.2.{i}").status_code for i in range(6)]
    assert codes == [200] * 5 + [429]


@pytest.mark.django_db(transaction=True)
def test_concurrent_verify_now_clicks_start_one_check(user, issuer_server, settings):
    hosted, badge, _page = publish(user, issuer_server)
    route = issuer_server.routes["/assertions/1"]
    issuer_server.routes["/assertions/1"] = type(route)(**{**route.__dict__, "delay": 0.5})
    age(badge, 3600)
    before = issuer_server.hit_count("/assertions/1")
    answers = []

    def click():
        try:
            answers.append(verify_now(Badge.objects.get(pk=badge.pk)))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert issuer_server.hit_count("/assertions/1") == before + 1
    assert len(answers) == 5
    assert sum(answer.ran for answer in answers) == 1
    assert len({answer.checked_at for answer in answers}) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("hashed", [True, False], ids=["hashed", "plain"])
def test_the_recipient_check_says_match_or_no_match_and_never_shows_the_address(
    client, user, issuer_server, limits, hashed, caplog
):
    _hosted, _badge, page = publish(user, issuer_server, hashed=hashed)
    caplog.set_level(logging.INFO)
    responses = [client.get(page)]
    responses.append(client.post(page + "recipient-check", {"email": ADDRESS}))
    assert "Matches the recipient" in responses[-1].content.decode() or "一致します" in responses[-1].content.decode()
    responses.append(client.post(page + "recipient-check", {"email": "kenji@example.org"}))
    assert "Does not match" in responses[-1].content.decode() or "一致しません" in responses[-1].content.decode()
    responses.append(client.post(page + "recipient-check", {"email": "not an address"}))
    assert responses[-1].status_code == 400

    for response in responses:
        body = response.content.decode().lower()
        assert ADDRESS not in body
        assert "kenji@example.org" not in body  # what the viewer typed is not echoed either
    assert ADDRESS not in caplog.text
    assert "match" in caplog.text  # counted


@pytest.mark.django_db
def test_the_recipient_check_is_rate_limited(client, user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    codes = [client.post(page + "recipient-check", {"email": f"guess{i}@example.org"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.post(page + "recipient-check", {"email": ADDRESS})
    assert limited.status_code == 429
    assert ADDRESS not in limited.content.decode()


@pytest.mark.django_db
def test_viewer_checks_work_through_a_share_link_and_need_no_login(client, user, issuer_server, limits):
    from wallet.services import create_share_link

    _hosted, badge, _page = publish(user, issuer_server)
    link = create_share_link(portfolio=Portfolio.objects.get(owner=user), name="Employer")
    page = f"/s/{link.token}/b/{badge.public_id}/"
    assert client.post(page + "verify-now").status_code == 200
    assert client.post(page + "recipient-check", {"email": ADDRESS}).status_code == 200


@pytest.mark.django_db
def test_viewer_checks_only_answer_post(client, user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    assert client.get(page + "verify-now").status_code == 405
    assert client.get(page + "recipient-check").status_code == 405


@pytest.mark.django_db
def test_viewer_checks_need_no_token_but_refuse_a_form_sent_from_another_site(user, issuer_server, limits):
    _hosted, _badge, page = publish(user, issuer_server)
    browser = Client(enforce_csrf_checks=True)  # as a real browser: no token is sent, none is needed

    same_site = browser.post(page + "verify-now", HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="http://testserver")
    assert same_site.status_code == 200

    for headers in (
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_ORIGIN": "https://attacker.example"},
        {"HTTP_ORIGIN": "null"},
    ):
        for action in ("verify-now", "recipient-check"):
            refused = browser.post(page + action, {"email": ADDRESS}, **headers)
            assert refused.status_code == 403, (action, headers)
            assert "another site" in refused.content.decode() or "別のサイト" in refused.content.decode()


def test_a_same_origin_form_is_answered_even_when_the_browser_hides_its_origin(user, issuer_server, limits):
    """A browser whose referrer policy is "no-referrer" (a privacy setting or extension) sends
    ``Origin: null`` with its own forms; ``Sec-Fetch-Site`` still says where the form came from."""
    _hosted, _badge, page = publish(user, issuer_server)
    browser = Client(enforce_csrf_checks=True)

    for action in ("verify-now", "recipient-check"):
        answered = browser.post(
            page + action, {"email": ADDRESS}, HTTP_SEC_FETCH_SITE="same-origin", HTTP_ORIGIN="null"
        )
        assert answered.status_code == 200, action
        refused = browser.post(page + action, {"email": ADDRESS}, HTTP_SEC_FETCH_SITE="cross-site", HTTP_ORIGIN="null")
        assert refused.status_code == 403, action
