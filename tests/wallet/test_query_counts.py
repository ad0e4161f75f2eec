"""Every page that lists badges runs the same number of SQL queries with 1, 10 or 50 badges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from badges.models import Verification
from tests.factories import make_badge
from wallet.models import Portfolio
from wallet.services import add_badge_to_portfolio, create_portfolio, record_print_snapshot

SIZES = (1, 10, 50)


def queries_for(client, path: str, **headers) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **headers)
    assert response.status_code == 200, path
    return len(captured)


def wallet_of(user, count: int) -> Portfolio:
    portfolio = create_portfolio(owner=user, title=f"{count} badges", visibility=Portfolio.Visibility.UNLISTED)
    badges = [make_badge(user, thumbnail=False, tags=["python"]) for _ in range(count)]
    for badge in badges:
        add_badge_to_portfolio(portfolio=portfolio, badge=badge)
    record_print_snapshot(portfolio=portfolio, badges=badges)
    return portfolio


PAGES = {
    "wallet home": lambda p: "/wallet/",
    "wallet timeline": lambda p: "/wallet/?view=timeline",
    "portfolio list": lambda p: "/wallet/portfolios/",
    "portfolio (owner)": lambda p: f"/wallet/portfolios/{p.pk}/",
    "public portfolio": lambda p: f"/p/{p.slug}/",
    "API: my badges": lambda p: "/api/v1/badges/?page_size=100",
    "API: my portfolio": lambda p: f"/api/v1/portfolios/{p.pk}/",
    "API: public portfolio": lambda p: f"/api/v1/public/portfolios/{p.slug}/",
}


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_the_number_of_badges(page, client, user, db):
    client.force_login(user)
    counts = []
    for size in SIZES:
        user.badges.all().delete()
        user.portfolios.all().delete()
        portfolio = wallet_of(user, size)
        counts.append(queries_for(client, PAGES[page](portfolio)))
    assert len(set(counts)) == 1, dict(zip(SIZES, counts, strict=True))


def test_printout_query_count_does_not_grow_with_the_number_of_badges(client, user, db):
    client.force_login(user)
    counts = []
    for size in SIZES:
        user.portfolios.all().delete()
        portfolio = wallet_of(user, size)
        snapshot = portfolio.print_snapshots.latest("printed_at")
        counts.append(queries_for(client, f"/wallet/portfolios/{portfolio.pk}/print/{snapshot.public_id}/"))
    assert len(set(counts)) == 1, dict(zip(SIZES, counts, strict=True))


def test_badge_page_query_count_does_not_grow_with_its_history(client, user, db):
    client.force_login(user)
    badge = make_badge(user)
    counts = []
    for runs in SIZES:
        Verification.objects.filter(badge=badge).delete()
        for _ in range(runs):
            Verification.objects.create(badge=badge, trigger="schedule", status="valid", previous_status="valid")
        counts.append(queries_for(client, f"/badges/{badge.public_id}/"))
    assert len(set(counts)) == 1, dict(zip(SIZES, counts, strict=True))
