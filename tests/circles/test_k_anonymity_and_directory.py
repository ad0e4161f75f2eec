"""k-anonymity (nothing exact below 5 holders) and the public "next badge" directory."""

from __future__ import annotations

import pytest
from django.utils import translation

from circles import services
from circles.directory import rebuild_directory
from circles.models import AlsoEarned, CommunityProfile, DirectoryEntry
from circles.presentation import count_label
from circles.tasks import rebuild_directory as rebuild_task

from .factories import holder_badge, join, new_holder, open_circle

pytestmark = pytest.mark.django_db

PYTHON = "https://learning.example.jp/badges/python"
STATS = "https://learning.example.jp/badges/statistics"


def co_holders(count: int, *, opted_in: bool = True):
    """``count`` learners who each hold both the Python and the statistics badge."""
    users = []
    for _ in range(count):
        user, _badge = new_holder(class_id=PYTHON, name="Python 入門")
        holder_badge(user, class_id=STATS, name="Statistics basics")
        CommunityProfile.objects.create(user=user, share_in_suggestions=opted_in)
        users.append(user)
    return users


def test_counts_below_five_are_never_exact():
    with translation.override("en"):
        assert count_label(0) == count_label(4) == "fewer than 5"
        assert count_label(5) == "5 people"
    assert count_label(4) == "5人未満" and count_label(12) == "12人"


def test_four_holders_open_nothing_five_open_the_circle(client):
    circle, members = open_circle(4)
    assert not services.is_visible(circle)
    client.force_login(members[0][0])
    page = client.get(f"/circles/c/{circle.slug}/").content.decode()
    assert "5人未満" in page and "waiting" in page
    assert client.get(f"/circles/c/{circle.slug}/members/").status_code == 404
    assert client.get(f"/circles/c/{circle.slug}/ask/").status_code == 404

    user, badge = new_holder()
    join(user, badge, circle=circle)

    assert services.is_visible(circle)
    page = client.get(f"/circles/c/{circle.slug}/").content.decode()
    assert "5人" in page and "5人未満" not in page
    assert client.get(f"/circles/c/{circle.slug}/members/").status_code == 200


def test_an_organiser_can_open_a_small_circle(client):
    from .factories import make_organiser

    circle, members = open_circle(2)
    organiser = make_organiser()
    client.force_login(organiser.user)

    client.post(f"/circles/c/{circle.slug}/activate/")

    circle.refresh_from_db()
    assert services.is_visible(circle) and circle.activated_by == organiser
    client.force_login(members[0][0])
    assert client.get(f"/circles/c/{circle.slug}/members/").status_code == 200


def test_an_organiser_of_another_issuer_cannot_activate(client):
    from .factories import make_organiser

    circle, _members = open_circle(2)
    client.force_login(make_organiser("x@example.org", issuers="other.example").user)
    client.post(f"/circles/c/{circle.slug}/activate/")
    circle.refresh_from_db()
    assert circle.activated_at is None


def test_four_co_holders_give_no_suggestion_and_no_holder_count(client):
    co_holders(4)

    rebuild_task()

    python = DirectoryEntry.objects.get(name="Python 入門")
    assert python.holders == 4 and not AlsoEarned.objects.exists()
    page = client.get(f"/next/b/{python.class_key}/").content.decode()
    assert "5人未満" in page and "Statistics basics" not in page
    listing = client.get("/api/v1/circles/directory/?q=python").json()
    assert listing[0]["holders"] is None


def test_five_co_holders_give_the_suggestion_and_the_count(client):
    co_holders(5)

    rebuild_directory()

    python = DirectoryEntry.objects.get(name="Python 入門")
    suggestion = AlsoEarned.objects.get(source=python)
    assert suggestion.target.name == "Statistics basics" and suggestion.holders == 5
    page = client.get(f"/next/b/{python.class_key}/").content.decode()
    assert "Statistics basics" in page and "5人" in page and "5人未満" not in page
    assert client.get("/api/v1/circles/directory/?q=python").json()[0]["holders"] == 5


def test_only_opted_in_learners_count_towards_suggestions_and_never_minors():
    co_holders(4)
    co_holders(3, opted_in=False)
    minor = co_holders(1)[0]
    CommunityProfile.objects.filter(user=minor).update(under_18=True)

    rebuild_directory()

    assert not AlsoEarned.objects.exists()
    assert DirectoryEntry.objects.get(name="Python 入門").holders == 8


def test_the_rebuild_is_idempotent_and_drops_classes_nobody_holds_validly():
    users = co_holders(5)
    first = rebuild_directory()
    again = rebuild_directory()
    assert first["classes"] == again["classes"] == 2
    assert DirectoryEntry.objects.count() == 2

    from badges.models import Badge, Status

    Badge.objects.filter(badge_class_id=STATS).update(status=Status.REVOKED)
    rebuild_directory()

    assert list(DirectoryEntry.objects.values_list("name", flat=True)) == ["Python 入門"]
    assert not AlsoEarned.objects.exists()
    assert len(users) == 5


def test_directory_search_in_japanese_and_english_any_width_or_case(client):
    new_holder(class_id=PYTHON, name="Python 入門", description="プログラミングの基礎")
    new_holder(class_id=STATS, name="Statistics basics", description="Means and medians")
    rebuild_directory()

    def names(q):
        html = client.get("/next/", {"q": q}).content.decode()
        return [name for name in ("Python 入門", "Statistics basics") if name in html]

    assert names("入門") == ["Python 入門"]
    assert names("ＰＹＴＨＯＮ") == ["Python 入門"]
    assert names("プログラミング") == ["Python 入門"]
    assert names("MEDIANS") == ["Statistics basics"]
    assert names("learning centre") == ["Python 入門", "Statistics basics"] or names("Shizuoka") == [
        "Python 入門",
        "Statistics basics",
    ]
    assert names("nothing-like-this") == []


def test_directory_pages_are_indexable_with_og_previews_and_a_course_link(client):
    new_holder(class_id=PYTHON, name="Python 入門", criteria_url="https://learning.example.jp/courses/python")
    rebuild_directory()
    entry = DirectoryEntry.objects.get()

    html = client.get(f"/next/b/{entry.class_key}/").content.decode()

    assert 'name="robots"' not in html
    assert 'property="og:title" content="Python 入門"' in html
    assert f'property="og:image" content="http://127.0.0.1:8000/next/b/{entry.class_key}/preview.png"' in html
    preview = client.get(f"/next/b/{entry.class_key}/preview.png")
    assert preview.status_code == 200 and preview.content.startswith(b"\x89PNG")
    from io import BytesIO

    from PIL import Image

    assert Image.open(BytesIO(preview.content)).size == (1200, 630)
    assert 'href="https://learning.example.jp/courses/python"' in html
    image = client.get(f"/next/b/{entry.class_key}/image.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    issuers = client.get("/next/issuers/").content.decode()
    assert "Shizuoka Learning Centre" in issuers
    assert client.get(f"/next/issuers/{entry.issuer_key}/").status_code == 200


def test_the_badge_page_links_to_its_directory_entry(auth_client, user):
    badge = holder_badge(user, class_id=PYTHON)
    rebuild_directory()
    entry = DirectoryEntry.objects.get()

    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()

    assert f"/next/b/{entry.class_key}/" in html


def test_the_directory_answers_long_queries_and_odd_pages_calmly(client):
    assert client.get("/next/", {"q": "x" * 5000}).status_code == 200
    assert client.get("/next/", {"q": "py\x00thon"}).status_code == 200
    assert client.get("/next/", {"page": "999"}).status_code == 200
    assert client.get("/next/b/not-a-key/").status_code == 404


def test_the_directory_pages_without_counting_and_stops_at_page_fifty(client, settings):
    settings.CIRCLES_PAGE_SIZE = 2
    for n in range(5):
        new_holder(class_id=f"{PYTHON}/{n}", name=f"Python {n}")
    rebuild_directory()

    first = client.get("/next/").content.decode()
    last = client.get("/next/", {"page": "3"}).content.decode()

    assert "page=2" in first and "page=0" not in first
    assert "page=2" in last and "page=4" not in last
    assert client.get("/next/", {"page": "99999"}).status_code == 200
    assert client.get("/next/", {"page": "abc"}).status_code == 200
