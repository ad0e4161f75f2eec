"""A badge's permanent page (/b/) and a submission pack's pages (/k/) are served whole from the
cache to anonymous visitors, like portfolio pages: no SQL on a repeat visit, no cookie, no
per-visitor token, ETag and 304s, and never a stale verdict or a link that was turned off."""

from __future__ import annotations

import pytest
from django.test import Client

from badges.models import Badge, Status
from badges.services import import_badge, reverify_badge
from handouts.services import create_pack, revoke_pack
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio, permanent_link, set_permanent_link_enabled

pytestmark = pytest.mark.django_db

SHARED_CACHE_CONTROL = "public, max-age=0, must-revalidate"


@pytest.fixture
def published(user, issuer_server):
    """A hosted badge in a pack; returns (the issuer's copy, the badge, its /b/ page, the pack)."""
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    portfolio = create_portfolio(owner=user, title="Admissions", visibility=Portfolio.Visibility.UNLISTED)
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    pack = create_pack(portfolio=portfolio, audience="A大学")
    return hosted, badge, f"/b/{permanent_link(badge=badge).code}/", pack


def pages(published) -> list[str]:
    _hosted, _badge, permanent, pack = published
    return [permanent, f"{permanent}qr/", f"/k/{pack.token}/", f"/k/{pack.token}/1/"]


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_repeat_anonymous_visit_costs_no_sql_and_carries_nothing_per_visitor(published, django_assert_num_queries):
    for url in pages(published):
        visitor = Client()
        first = visitor.get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)

        assert first.status_code == second.status_code == 200, url
        assert second.content == first.content
        for response in (first, second):
            assert not response.cookies, f"{url} set a cookie"
            assert response["Cache-Control"] == SHARED_CACHE_CONTROL
            assert response["ETag"] and response["Last-Modified"]
        assert "csrfmiddlewaretoken" not in first.content.decode(), url


def test_a_conditional_request_gets_304_while_nothing_changed(published):
    for url in pages(published):
        etag = Client().get(url)["ETag"]
        assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_revoked_at_the_issuer_then_rechecked_shows_on_the_next_request(published):
    hosted, badge, permanent, pack = published
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in (permanent, f"/k/{pack.token}/1/"):
        assert "Revoked" not in html(english, url)

    hosted.revoke()
    reverify_badge(badge=badge)

    assert Badge.objects.get(pk=badge.pk).status == Status.REVOKED
    for url in (permanent, f"/k/{pack.token}/1/"):
        assert "Revoked" in html(english, url), url


def test_a_permanent_link_turned_off_answers_410_at_once(published):
    _hosted, badge, permanent, _pack = published
    html(Client(), permanent)

    set_permanent_link_enabled(badge=badge, enabled=False)

    assert Client().get(permanent).status_code == 410
    assert Client().get(f"{permanent}qr/").status_code == 410


def test_a_withdrawn_pack_answers_410_at_once(published):
    *_rest, pack = published
    for url in (f"/k/{pack.token}/", f"/k/{pack.token}/1/"):
        html(Client(), url)

    revoke_pack(pack=pack)

    for url in (f"/k/{pack.token}/", f"/k/{pack.token}/1/"):
        assert Client().get(url).status_code == 410, url


def test_each_language_is_cached_on_its_own(published):
    for url in pages(published):
        assert 'lang="ja"' in html(Client(), url)
        assert 'lang="en"' in html(Client(HTTP_ACCEPT_LANGUAGE="en"), url)


def test_the_signed_in_owner_always_gets_a_fresh_private_page(auth_client, published):
    _hosted, badge, permanent, _pack = published
    html(Client(), permanent)
    Badge.objects.filter(pk=badge.pk).update(name="Renamed behind the cache")

    response = auth_client.get(permanent)

    assert "Renamed behind the cache" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_an_unknown_code_or_token_is_a_plain_404(client):
    assert client.get("/b/no-such-code/").status_code == 404
    assert client.get("/k/no-such-token/").status_code == 404


def test_the_viewer_check_forms_need_no_token_but_refuse_another_site(published, settings):
    settings.VIEWER_CHECK_LIMITS = {"verify": (50, 50, 600), "recipient": (50, 50, 600)}
    _hosted, _badge, permanent, pack = published
    browser = Client(enforce_csrf_checks=True)
    for page in (permanent, f"/k/{pack.token}/1/"):
        for action in ("verify-now", "recipient-check"):
            url = page + action
            assert browser.post(url, {"email": "x@example.org"}, HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
            assert browser.post(url, {"email": "x@example.org"}, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
            assert browser.post(url, HTTP_ORIGIN="https://attacker.example").status_code == 403


def test_a_visitors_own_notice_is_never_stored_in_the_page_everyone_gets(published, other_user):
    """A notice waiting in one visitor's cookie ("The link … no longer works.") shows on the next page
    they open; that page is theirs alone, or anyone could put words of their choosing on a
    learner's public page for every later visitor."""
    from wallet.services import create_share_link

    mallory = Client()
    mallory.force_login(other_user)
    portfolio = create_portfolio(owner=other_user, title="Mine", visibility=Portfolio.Visibility.UNLISTED)
    link = create_share_link(portfolio=portfolio, name="WARNING: this badge is fake, call +81 3 0000 0000")
    mallory.post(f"/wallet/portfolios/{portfolio.pk}/links/{link.pk}/revoke/")  # the redirect is not followed
    anonymous_with_notice = Client()
    anonymous_with_notice.cookies["messages"] = mallory.cookies["messages"].value

    for url in pages(published):
        assert "this badge is fake" in html(anonymous_with_notice, url), url
        assert "this badge is fake" not in html(Client(), url), url
        anonymous_with_notice.cookies["messages"] = mallory.cookies["messages"].value
