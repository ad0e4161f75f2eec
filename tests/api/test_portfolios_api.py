"""The learner's portfolios through the API: create, read, change, choose and order badges,
visibility, a new link, delete. Another learner gets 404 for all of it."""

from __future__ import annotations

import pytest

from tests.factories import make_badge
from wallet.models import Portfolio

from .support import assert_error

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    return [b["id"] for b in response.json()["badges"]]


def test_create_a_portfolio(hana, user):
    response = hana.post(
        "/api/v1/portfolios/",
        {"title": "Admissions", "description": "For AO.", "visibility": "unlisted"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    portfolio = Portfolio.objects.owned_by(user).get()
    assert body["id"] == portfolio.pk
    assert body["visibility"] == "unlisted" and body["badges"] == []
    assert body["public_url"].endswith(f"/p/{portfolio.slug}/")


def test_create_needs_a_title_and_a_known_visibility(hana, user):
    error = assert_error(hana.post("/api/v1/portfolios/", {"visibility": "everyone"}, format="json"), 400, "invalid")

    assert set(error["details"]["fields"]) == {"title", "visibility"}
    assert not Portfolio.objects.exists()


def test_list_and_read_my_portfolios(hana, portfolio, badge):
    listed = hana.get("/api/v1/portfolios/").json()
    detail = hana.get(f"/api/v1/portfolios/{portfolio.pk}/")

    assert [p["id"] for p in listed["results"]] == [portfolio.pk]
    assert detail.status_code == 200
    assert ids(detail) == [str(badge.public_id)]
    assert detail.json()["badges"][0]["status"] == "valid"


def test_portfolios_need_authentication(api_client, portfolio):
    assert_error(api_client.get("/api/v1/portfolios/"), 401, "not_authenticated")
    assert_error(api_client.get(f"/api/v1/portfolios/{portfolio.pk}/"), 401, "not_authenticated")
    assert_error(api_client.post("/api/v1/portfolios/", {"title": "x"}), 401, "not_authenticated")


def test_rename_a_portfolio(hana, portfolio):
    response = hana.patch(f"/api/v1/portfolios/{portfolio.pk}/", {"title": "University"}, format="json")

    assert response.status_code == 200 and response.json()["title"] == "University"
    portfolio.refresh_from_db()
    assert portfolio.title == "University" and portfolio.description == "For my AO application."


def test_rename_refuses_an_empty_title(hana, portfolio):
    assert_error(hana.patch(f"/api/v1/portfolios/{portfolio.pk}/", {"title": ""}, format="json"), 400, "invalid")


def test_choose_badges_keeps_order_and_appends_new_ones(hana, user, portfolio, badge):
    second, third = make_badge(user, name="Second"), make_badge(user, name="Third")

    response = hana.put(
        f"/api/v1/portfolios/{portfolio.pk}/badges/",
        {"badges": [str(third.public_id), str(badge.public_id), str(second.public_id)]},
        format="json",
    )

    assert response.status_code == 200
    assert ids(response) == [str(badge.public_id), str(third.public_id), str(second.public_id)]


def test_choose_badges_refuses_another_learners_badge_like_a_missing_one(hana, other_user, portfolio, badge):
    theirs = make_badge(other_user, name="Kenji's")

    error = assert_error(
        hana.put(f"/api/v1/portfolios/{portfolio.pk}/badges/", {"badges": [str(theirs.public_id)]}, format="json"),
        400,
        "invalid",
    )

    assert error["details"]["fields"]["badges"] == [f"No such badge: {theirs.public_id}"]
    assert list(portfolio.badges.all()) == [badge]


def test_order_badges(hana, user, portfolio, badge):
    second = make_badge(user, name="Second")
    hana.put(
        f"/api/v1/portfolios/{portfolio.pk}/badges/",
        {"badges": [str(badge.public_id), str(second.public_id)]},
        format="json",
    )

    response = hana.post(
        f"/api/v1/portfolios/{portfolio.pk}/order/", {"badges": [str(second.public_id)]}, format="json"
    )

    assert response.status_code == 200
    assert ids(response) == [str(second.public_id), str(badge.public_id)]


def test_order_needs_a_list_of_ids(hana, portfolio):
    response = hana.post(f"/api/v1/portfolios/{portfolio.pk}/order/", {"badges": ["not-a-uuid"]}, format="json")

    assert_error(response, 400, "invalid")


def test_change_visibility(hana, portfolio):
    response = hana.post(f"/api/v1/portfolios/{portfolio.pk}/visibility/", {"visibility": "public"}, format="json")

    assert response.status_code == 200 and response.json()["visibility"] == "public"
    portfolio.refresh_from_db()
    assert portfolio.visibility == Portfolio.Visibility.PUBLIC


def test_change_visibility_refuses_an_unknown_value(hana, portfolio):
    response = hana.post(f"/api/v1/portfolios/{portfolio.pk}/visibility/", {"visibility": "friends"}, format="json")

    assert_error(response, 400, "invalid")


def test_reset_link_gives_a_new_slug_and_the_old_link_stops_working(hana, api_client, unlisted_portfolio):
    old = unlisted_portfolio.slug

    response = hana.post(f"/api/v1/portfolios/{unlisted_portfolio.pk}/reset-link/")

    unlisted_portfolio.refresh_from_db()
    assert response.status_code == 200
    assert unlisted_portfolio.slug != old
    assert response.json()["public_url"].endswith(f"/p/{unlisted_portfolio.slug}/")
    assert_error(api_client.get(f"/api/v1/public/portfolios/{old}/"), 404, "not_found")


def test_delete_a_portfolio_keeps_its_badges(hana, portfolio, badge):
    response = hana.delete(f"/api/v1/portfolios/{portfolio.pk}/")

    assert response.status_code == 204
    assert not Portfolio.objects.filter(pk=portfolio.pk).exists()
    badge.refresh_from_db()


@pytest.mark.parametrize(
    "method, suffix, data",
    [
        ("get", "", None),
        ("patch", "", {"title": "Mine now"}),
        ("delete", "", None),
        ("put", "badges/", {"badges": []}),
        ("post", "order/", {"badges": []}),
        ("post", "visibility/", {"visibility": "public"}),
        ("post", "reset-link/", None),
    ],
)
def test_another_learners_portfolio_is_404_for_every_endpoint(kenji, portfolio, method, suffix, data):
    slug = portfolio.slug

    response = getattr(kenji, method)(f"/api/v1/portfolios/{portfolio.pk}/{suffix}", data, format="json")

    assert_error(response, 404, "not_found")
    portfolio.refresh_from_db()
    assert (portfolio.title, portfolio.visibility, portfolio.slug) == ("Admissions", "private", slug)
    assert portfolio.entries.count() == 1


def test_put_is_not_allowed_on_a_portfolio(hana, portfolio):
    assert_error(hana.put(f"/api/v1/portfolios/{portfolio.pk}/", {"title": "x"}), 405, "method_not_allowed")
