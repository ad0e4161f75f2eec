"""Growth: milestones celebrated once and kept, 学びの1年 with true counts, private reflections."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from badges.models import Status
from growth.models import Milestone, Reflection
from tests.factories import make_badge

pytestmark = pytest.mark.django_db


def added(user, days_ago: int, **fields):
    badge = make_badge(user, **fields)
    type(badge).objects.filter(pk=badge.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    badge.refresh_from_db()
    return badge


def test_the_first_badge_is_celebrated_once_then_kept_in_the_timeline(auth_client, user):
    added(user, 1, name="First aid", issuer_name="Red Cross")

    first = auth_client.get(reverse("wallet_home")).content.decode()
    again = auth_client.get(reverse("wallet_home")).content.decode()

    assert "milestone-new" in first and "First aid" in first
    assert "milestone-new" not in again  # shown exactly once
    assert Milestone.objects.filter(user=user).count() == 1
    timeline = auth_client.get(reverse("growth_timeline")).content.decode()
    assert "First aid" in timeline


def test_second_third_fifth_badge_a_new_issuer_and_a_new_field_are_milestones(auth_client, user):
    added(user, 9, name="A", issuer_name="Centre", tags=["python"])
    added(user, 8, name="B", issuer_name="Centre", tags=["python"])
    added(user, 7, name="C", issuer_name="University", tags=["python"])
    added(user, 6, name="D", issuer_name="Centre", tags=["python"])
    added(user, 5, name="E", issuer_name="Centre", tags=["translation"])

    auth_client.get(reverse("wallet_home"))
    auth_client.get(reverse("wallet_home"))

    found = set(Milestone.objects.filter(user=user).values_list("kind", "key", "badge_name"))
    assert found == {
        ("count", "1", "A"),
        ("count", "2", "B"),
        ("count", "3", "C"),
        ("count", "5", "E"),
        ("new_issuer", "University", "C"),
        ("new_field", "translation", "E"),
    }
    assert Milestone.objects.filter(seen_at__isnull=True).count() == 0


def test_a_year_of_learning_is_a_milestone(auth_client, user):
    added(user, 370, name="Long ago")
    auth_client.get(reverse("wallet_home"))
    assert Milestone.objects.filter(user=user, kind="year", key="1").exists()


def test_wallet_home_queries_stay_fixed_with_milestones(auth_client, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for total in (1, 12):
        while user.badges.count() < total:
            added(user, 30 - user.badges.count(), tags=[f"field{user.badges.count()}"])
        Milestone.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            auth_client.get(reverse("wallet_home"))
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_year_page_counts_only_badges_valid_now_as_valid(auth_client, user):
    year = timezone.localdate().year
    start = timezone.now().replace(month=1, day=2)
    make_badge(user, name="Good", issued_on=start)
    make_badge(user, name="Revoked", issued_on=start, status=Status.REVOKED)
    make_badge(user, name="Expired", issued_on=start, status=Status.EXPIRED)
    make_badge(user, name="Last year", issued_on=start.replace(year=year - 1))

    html = auth_client.get(reverse("growth_year", args=[year])).content.decode()

    assert '<strong class="big-number">3</strong>' in html  # earned this year
    assert '<strong class="big-number">1</strong>' in html  # valid today: only "Good"
    assert 'property="og:image:width" content="1200"' in html
    png = auth_client.get(reverse("growth_year_preview", args=[year]))
    assert png["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(png.content)).size == (1200, 630)


def test_the_shared_year_page_shows_numbers_but_no_badge_names_or_email(client, auth_client, user):
    year = timezone.localdate().year
    make_badge(user, name="Secret course", issued_on=timezone.now())
    html = auth_client.get(reverse("growth_year", args=[year])).content.decode()
    share_url = html.split('property="og:url" content="')[1].split('"')[0]

    public = client.get(share_url.replace("http://testserver", "")).content.decode()

    assert "Hana" in public
    assert "Secret course" not in public and user.email not in public
    assert client.get("/growth/shared/forged-token/").status_code == 404


def test_years_outside_the_possible_range_are_404(auth_client):
    assert auth_client.get(reverse("growth_year", args=[1999])).status_code == 404
    assert auth_client.get(reverse("growth_year", args=[timezone.localdate().year + 1])).status_code == 404


# --- reflections -----------------------------------------------------------------------------


def write_reflection(auth_client, badge, **extra):
    data = {"did": "Translated a museum guide", "learned": "Terminology matters", "next_steps": "N2 exam", **extra}
    return auth_client.post(reverse("reflection_edit", args=[badge.public_id]), data)


def test_a_reflection_is_private_by_default_and_never_on_the_public_page(auth_client, client, user, unlisted_portfolio):
    badge = unlisted_portfolio.entries.first().badge
    write_reflection(auth_client, badge)

    assert Reflection.objects.get(badge=badge).public is False
    assert (
        "Translated a museum guide" in auth_client.get(reverse("badge_detail", args=[badge.public_id])).content.decode()
    )
    public = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").content.decode()
    assert "Translated a museum guide" not in public


def test_a_reflection_chosen_to_be_shown_appears_on_the_public_badge_page(
    auth_client, client, user, unlisted_portfolio
):
    badge = unlisted_portfolio.entries.first().badge
    write_reflection(auth_client, badge, public="on")

    public = client.get(f"/p/{unlisted_portfolio.slug}/b/{badge.public_id}/").content.decode()
    assert "Translated a museum guide" in public


def test_someone_elses_badge_has_no_reflection_form(auth_client, other_user):
    theirs = make_badge(other_user)
    assert auth_client.get(reverse("reflection_edit", args=[theirs.public_id])).status_code == 404
    assert write_reflection(auth_client, theirs).status_code == 404
    assert not Reflection.objects.exists()


def test_reflections_are_in_the_export_and_go_with_the_account(auth_client, user, badge):
    from accounts.services import delete_account

    write_reflection(auth_client, badge)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(auth_client.get(reverse("account_export")).streaming_content)))
    data = json.loads(archive.read("account.json"))
    assert data["reflections"][0]["what_i_learned"] == "Terminology matters"
    assert data["milestones"] == [] or isinstance(data["milestones"], list)

    delete_account(user=user)
    assert not Reflection.objects.exists()
    assert not Milestone.objects.exists()


def test_only_a_reflection_marked_for_packs_is_handed_to_a_pack(auth_client, badge):
    from growth.services import reflection_for_pack

    write_reflection(auth_client, badge)
    assert reflection_for_pack(badge) is None  # private by default, packs included

    write_reflection(auth_client, badge, in_packs="on")
    assert reflection_for_pack(badge) == {
        "did": "Translated a museum guide",
        "learned": "Terminology matters",
        "next_steps": "N2 exam",
    }
    assert Reflection.objects.get(badge=badge).public is False  # packs do not make it public
