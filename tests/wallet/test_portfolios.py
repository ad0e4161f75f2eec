"""Making and arranging portfolios (owner pages under /wallet/portfolios/)."""

import pytest

from tests.factories import make_badge
from wallet.models import Portfolio

pytestmark = pytest.mark.django_db


def order_of(portfolio):
    return [entry.badge.name for entry in portfolio.entries.select_related("badge")]


def test_new_portfolio_is_private_with_an_unguessable_link(auth_client, user):
    response = auth_client.post(
        "/wallet/portfolios/", {"title": "Admissions", "description": "", "visibility": "private"}
    )

    portfolio = Portfolio.objects.get(owner=user)
    assert response["Location"] == f"/wallet/portfolios/{portfolio.pk}/"
    assert portfolio.visibility == Portfolio.Visibility.PRIVATE
    assert len(portfolio.slug) >= 20


def test_rename_describe_and_change_visibility(auth_client, portfolio):
    auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/",
        {"title": "Job hunting", "description": "Hello", "visibility": "unlisted"},
    )

    portfolio.refresh_from_db()
    assert (portfolio.title, portfolio.description, portfolio.visibility) == ("Job hunting", "Hello", "unlisted")


def test_choose_badges_keeps_existing_order_and_appends_new_ones(auth_client, user, portfolio, badge):
    second = make_badge(user, name="Second")
    third = make_badge(user, name="Third")

    auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/badges/",
        {"badges": [str(third.public_id), str(badge.public_id), str(second.public_id)]},
    )
    assert order_of(portfolio) == ["Data science basics", "Third", "Second"]

    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/badges/", {"badges": [str(second.public_id)]})
    assert order_of(portfolio) == ["Second"]


def test_someone_elses_badge_cannot_be_put_in_my_portfolio(auth_client, other_user, portfolio):
    theirs = make_badge(other_user, name="Not mine")

    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/badges/", {"badges": [str(theirs.public_id)]})

    assert "Not mine" not in order_of(portfolio)


def test_up_and_down_buttons_reorder_without_javascript(auth_client, user, portfolio, badge):
    second = make_badge(user, name="Second")
    auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/badges/", {"badges": [str(badge.public_id), str(second.public_id)]}
    )

    response = auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/move/", {"badge": second.public_id, "direction": "up"}
    )

    assert response["Location"].endswith(f"#entry-{second.public_id}")
    assert order_of(portfolio) == ["Second", "Data science basics"]
    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/move/", {"badge": second.public_id, "direction": "down"})
    assert order_of(portfolio) == ["Data science basics", "Second"]


def test_drag_and_drop_posts_the_whole_order(auth_client, user, portfolio, badge):
    second = make_badge(user, name="Second")
    third = make_badge(user, name="Third")
    auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/badges/",
        {"badges": [str(badge.public_id), str(second.public_id), str(third.public_id)]},
    )

    response = auth_client.post(
        f"/wallet/portfolios/{portfolio.pk}/order/",
        {"order": f"{third.public_id},{badge.public_id},{second.public_id}"},
        HTTP_ACCEPT="application/json",
    )

    assert response.json() == {"ok": True}
    assert order_of(portfolio) == ["Third", "Data science basics", "Second"]


def test_order_page_has_keyboard_buttons_and_drag_handles(auth_client, portfolio, badge):
    html = auth_client.get(f"/wallet/portfolios/{portfolio.pk}/").content.decode()

    assert 'draggable="true"' in html
    assert 'name="direction" value="up"' in html and 'name="direction" value="down"' in html


def test_reset_link_makes_the_old_link_404(auth_client, unlisted_portfolio):
    old = unlisted_portfolio.slug
    assert auth_client.get(f"/p/{old}/").status_code == 200

    auth_client.post(f"/wallet/portfolios/{unlisted_portfolio.pk}/reset-link/")

    unlisted_portfolio.refresh_from_db()
    assert unlisted_portfolio.slug != old
    assert auth_client.get(f"/p/{old}/").status_code == 404
    assert auth_client.get(f"/p/{unlisted_portfolio.slug}/").status_code == 200


def test_delete_asks_first_and_keeps_the_badges(auth_client, portfolio, badge):
    assert "Delete this portfolio?" in auth_client.get(f"/wallet/portfolios/{portfolio.pk}/delete/").content.decode()

    auth_client.post(f"/wallet/portfolios/{portfolio.pk}/delete/")

    assert not Portfolio.objects.filter(pk=portfolio.pk).exists()
    badge.refresh_from_db()


@pytest.mark.parametrize("who", ["other_user", "anonymous"])
@pytest.mark.parametrize(
    "method, path",
    [
        ("get", ""),
        ("post", ""),
        ("post", "badges/"),
        ("post", "move/"),
        ("post", "order/"),
        ("post", "reset-link/"),
        ("get", "delete/"),
        ("post", "delete/"),
        ("post", "links/"),
        ("post", "print/"),
    ],
)
def test_private_portfolio_pages_are_404_for_other_learners_and_visitors(
    client, other_user, portfolio, who, method, path
):
    if who == "other_user":
        client.force_login(other_user)
    slug = portfolio.slug

    response = getattr(client, method)(
        f"/wallet/portfolios/{portfolio.pk}/{path}", {"title": "x", "visibility": "public"}
    )

    assert response.status_code == 404
    portfolio.refresh_from_db()
    assert (portfolio.title, portfolio.slug, portfolio.visibility) == ("Admissions", slug, "private")
    assert client.get(f"/p/{slug}/").status_code == 404


def test_portfolio_list_shows_only_my_portfolios(auth_client, other_user, portfolio):
    Portfolio.objects.create(owner=other_user, title="Kenji's portfolio")

    html = auth_client.get("/wallet/portfolios/").content.decode()

    assert "Admissions" in html
    assert "Kenji&#x27;s portfolio" not in html and "Kenji's portfolio" not in html
