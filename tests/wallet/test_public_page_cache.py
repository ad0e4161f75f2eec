"""Anonymous visitors get whole public pages from the cache, and never a stale verdict.

A page is cached per page and language, invalidated by a version bumped on every write that can
change it (never by a query per read), and served with ETag/Last-Modified, 304s, a Cache-Control a
shared cache may honour, and no cookie.
"""

from __future__ import annotations

import pytest
from django.test import Client

from badges.models import Badge, Status
from badges.services import import_badge, reverify_badge, set_badge_hidden
from tests.factories import make_badge
from tests.support.hosted import HostedBadge
from wallet.models import Portfolio
from wallet.services import (
    add_badge_to_portfolio,
    create_portfolio,
    create_share_link,
    reorder_portfolio,
    reset_portfolio_link,
    revoke_share_link,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(unlisted_portfolio):
    return f"/p/{unlisted_portfolio.slug}/"


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_second_anonymous_visit_costs_no_sql_and_sets_no_cookie(client, page, badge, django_assert_num_queries):
    first = client.get(page)
    with django_assert_num_queries(0):
        second = client.get(page)

    assert second.content == first.content
    for response in (first, second):
        assert not response.cookies, "an anonymous public page must carry no Set-Cookie"
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response["ETag"] and response["Last-Modified"]
    assert "csrfmiddlewaretoken" not in first.content.decode()


def test_the_qr_page_is_cached_too(client, unlisted_portfolio, badge, django_assert_num_queries):
    url = f"/p/{unlisted_portfolio.slug}/qr/"
    client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_the_public_badge_page_with_its_viewer_checks_is_cached_too(
    unlisted_portfolio, badge, django_assert_num_queries
):
    # Its "Verify now" and recipient forms carry no per-visitor token (wallet/viewer_views.py).
    url = f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/"
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)

    assert second.content == first.content and 'class="viewer-check"' in first.content.decode()
    assert "csrfmiddlewaretoken" not in first.content.decode() and not first.cookies
    assert second["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_a_page_rendered_with_a_per_visitor_token_is_never_stored(rf, user):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from wallet import page_cache

    request = rf.get("/p/anything/")
    request.LANGUAGE_CODE = "ja"
    get_token(request)  # what {% csrf_token %} does while rendering

    assert page_cache.store(request, HttpResponse("<form>"), owner_id=user.pk, version=None, share_link_id=None) is None


def test_a_conditional_request_gets_304_while_nothing_changed(client, page, badge, unlisted_portfolio):
    etag = client.get(page)["ETag"]
    assert client.get(page, HTTP_IF_NONE_MATCH=etag).status_code == 304

    unlisted_portfolio.title = "Admissions 2027"
    unlisted_portfolio.save()
    response = client.get(page, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and "Admissions 2027" in response.content.decode()


def test_each_language_is_cached_on_its_own(client, page, badge):
    japanese = html(client, page)
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="ja"' in japanese and 'lang="en"' in english


def test_revoked_at_the_issuer_then_rechecked_shows_on_the_next_request(client, user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    badge = import_badge(owner=user, url=hosted.assertion_url)
    portfolio = create_portfolio(owner=user, title="AO", visibility=Portfolio.Visibility.UNLISTED)
    add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    urls = [f"/p/{portfolio.slug}/", f"/p/{portfolio.slug}/b/{badge.public_id}/"]
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    for url in urls:
        assert "Verified" in html(english, url) and "Revoked" not in html(english, url)

    hosted.revoke()
    reverify_badge(badge=badge)

    assert Badge.objects.get(pk=badge.pk).status == Status.REVOKED
    for url in urls:
        assert "Revoked" in html(english, url)


@pytest.mark.parametrize(
    "change",
    [
        "title",
        "order",
        "hide",
        "display_name",
        "badge_name",
        "new_badge",
    ],
)
def test_every_write_that_changes_the_page_shows_at_once(client, user, page, unlisted_portfolio, badge, change):
    second = make_badge(user, name="Second badge")
    add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=second)
    before = html(client, page)

    if change == "title":
        unlisted_portfolio.title = "Renamed portfolio"
        unlisted_portfolio.save()
        assert "Renamed portfolio" in html(client, page)
    elif change == "order":
        assert before.index("Data science basics") < before.index("Second badge")
        reorder_portfolio(portfolio=unlisted_portfolio, badge_ids=[str(second.public_id)])
        after = html(client, page)
        assert after.index("Second badge") < after.index("Data science basics")
    elif change == "hide":
        set_badge_hidden(badge=second, hidden=True)
        assert "Second badge" not in html(client, page)
    elif change == "display_name":
        user.display_name = "Hana Yamada"
        user.save()
        assert "Hana Yamada" in html(client, page)
    elif change == "badge_name":
        second.name = "Renamed badge"
        second.save()
        assert "Renamed badge" in html(client, page)
    elif change == "new_badge":
        add_badge_to_portfolio(portfolio=unlisted_portfolio, badge=make_badge(user, name="Third badge"))
        assert "Third badge" in html(client, page)


def test_a_reset_link_and_a_revoked_share_link_stop_working_at_once(client, unlisted_portfolio, badge):
    link = create_share_link(portfolio=unlisted_portfolio, name="University A")
    old_page, shared = f"/p/{unlisted_portfolio.slug}/", f"/s/{link.token}/"
    html(client, old_page), html(client, shared)

    reset_portfolio_link(portfolio=unlisted_portfolio)
    revoke_share_link(link=link)

    assert client.get(old_page).status_code == 404
    assert client.get(shared).status_code == 410


def test_share_link_visits_are_counted_even_from_the_cache(client, unlisted_portfolio, badge):
    link = create_share_link(portfolio=unlisted_portfolio, name="University A")
    for _ in range(3):
        html(client, f"/s/{link.token}/")
    assert sum(link.views.values_list("count", flat=True)) == 3


def test_the_signed_in_owner_always_gets_a_fresh_private_page(auth_client, page, unlisted_portfolio, badge):
    html(Client(), page)  # an anonymous visit fills the cache
    Portfolio.objects.filter(pk=unlisted_portfolio.pk).update(title="Changed behind the cache")

    response = auth_client.get(page)

    assert "Changed behind the cache" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"


def test_the_anonymous_language_switch_needs_no_token_and_touches_no_account(user, page, badge):
    client = Client(enforce_csrf_checks=True)
    assert 'action="/accounts/language/anonymous/"' in html(client, page)

    response = client.post("/accounts/language/anonymous/", {"language": "en", "next": page})

    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    assert 'lang="en"' in html(client, page)
    user.refresh_from_db()
    assert user.preferred_language != "en" or user.preferred_language == ""


def test_a_reflection_made_public_shows_at_once(unlisted_portfolio, badge):
    from growth.models import Reflection

    url = f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/"
    visitor = Client()
    assert "Translated a museum guide" not in html(visitor, url)

    Reflection.objects.create(badge=badge, did="Translated a museum guide", public=True)

    assert "Translated a museum guide" in html(visitor, url)
