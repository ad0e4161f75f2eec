from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from badges.models import Status
from tests.factories import make_badge

pytestmark = pytest.mark.django_db


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get("/wallet/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_empty_wallet_invites_the_first_import(auth_client):
    response = auth_client.get("/wallet/")

    assert "You have no badges yet." in response.content.decode()
    assert 'href="/wallet/import/"' in response.content.decode()


def test_each_card_shows_thumbnail_name_issuer_date_and_status(auth_client, user):
    badge = make_badge(
        user,
        name="Volunteer translator",
        issuer_name="Shizuoka Prefecture",
        issued_on=timezone.make_aware(datetime(2026, 3, 4, 12)),
    )

    html = auth_client.get("/wallet/").content.decode()

    assert f'src="/badges/{badge.public_id}/image/"' in html
    assert "Volunteer translator" in html
    assert "Shizuoka Prefecture" in html
    assert "March 4, 2026" in html
    assert 'data-status="valid"' in html


def test_status_pills_never_call_revoked_or_expired_badges_valid(auth_client, user):
    make_badge(user, name="Revoked one", status=Status.REVOKED)
    make_badge(user, name="Expired by date", expires_on=timezone.now() - timedelta(days=1))

    html = auth_client.get("/wallet/").content.decode()

    assert 'data-status="revoked"' in html
    assert 'data-status="expired"' in html
    assert 'data-status="valid"' not in html


def test_unreachable_issuer_keeps_the_last_verdict_and_says_since_when(auth_client, user):
    since = timezone.now() - timedelta(days=2)
    make_badge(user, status=Status.UNREACHABLE, unreachable_since=since)

    html = auth_client.get("/wallet/").content.decode()

    assert f"Verified · could not re-check since {date_format(timezone.localtime(since), 'DATE_FORMAT')}" in html


def test_long_unreachable_badge_is_no_longer_shown_as_verified(auth_client, user):
    make_badge(user, status=Status.UNREACHABLE, unreachable_since=timezone.now() - timedelta(days=40))

    html = auth_client.get("/wallet/").content.decode()

    assert 'data-status="unreachable"' in html
    assert ">Verified" not in html


def test_counts_by_year_issuer_and_skill(auth_client, user):
    make_badge(user, issuer_name="City Library", issued_on=timezone.make_aware(datetime(2025, 6, 1)), tags=["reading"])
    make_badge(user, issuer_name="City Library", issued_on=timezone.make_aware(datetime(2026, 6, 1)), tags=["reading"])
    make_badge(user, issuer_name="Tech School", issued_on=timezone.make_aware(datetime(2026, 7, 1)))

    response = auth_client.get("/wallet/")

    assert response.context["by_year"] == [(2026, 2), (2025, 1)]
    assert response.context["by_issuer"] == [("City Library", 2), ("Tech School", 1)]
    assert response.context["by_skill"] == [("reading", 2)]
    assert "3 badges" in response.content.decode()


def test_filters_by_issuer_tag_status_and_text(auth_client, user):
    make_badge(user, name="Python course", issuer_name="Tech School", tags=["python"])
    make_badge(user, name="Reading club", issuer_name="City Library", tags=["reading"])
    make_badge(user, name="Old first aid", issuer_name="Red Cross", status=Status.REVOKED)

    def names(**params):
        return [b.name for b in auth_client.get("/wallet/", params).context["shown"]]

    assert names(issuer="Tech School") == ["Python course"]
    assert names(tag="reading") == ["Reading club"]
    assert names(status="revoked") == ["Old first aid"]
    assert names(q="club READING") == ["Reading club"]
    assert names(q="nothing like this") == []


def test_timeline_groups_badges_by_year(auth_client, user):
    make_badge(user, name="Older", issued_on=timezone.make_aware(datetime(2024, 1, 5)))
    make_badge(user, name="Newer", issued_on=timezone.make_aware(datetime(2026, 1, 5)))

    response = auth_client.get("/wallet/", {"view": "timeline"})

    assert list(response.context["timeline"]) == [2026, 2024]
    assert '<ol class="timeline">' in response.content.decode()


def test_other_learners_badges_never_appear(auth_client, other_user):
    make_badge(other_user, name="Kenji's secret badge")

    assert "Kenji's secret badge" not in auth_client.get("/wallet/").content.decode()


@pytest.mark.parametrize("count", [1, 10, 50])
def test_wallet_home_runs_a_fixed_number_of_queries(auth_client, user, count, django_assert_num_queries):
    for n in range(count):
        make_badge(user, tags=[f"skill {n % 3}"], thumbnail=False)

    # session, user, badges, the header's unread notices; growth: milestones known, the new ones
    # saved (one INSERT), then marked seen (one UPDATE)
    with django_assert_num_queries(7):
        response = auth_client.get("/wallet/")

    assert len(response.context["shown"]) == count
