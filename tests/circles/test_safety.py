"""Safety: reports and the organiser's moderation queue, blocks, post limits and expiry, direct
messages only by mutual opt-in, and the under-18 setting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from circles import services
from circles.models import Membership, Notice, Post, Report
from circles.services import CircleRefused
from circles.tasks import expire_old_posts
from wallet.models import Portfolio

from .factories import make_organiser, open_circle

pytestmark = pytest.mark.django_db


@pytest.fixture
def circle_of_five(db):
    return open_circle(5)


def test_a_reported_post_reaches_the_queue_and_hiding_it_removes_it_for_everyone(circle_of_five, client):
    circle, members = circle_of_five
    (author, author_m), (reader, _reader_m) = members[:2]
    post = services.create_post(circle=circle, membership=author_m, body="Buy cheap followers at spam.example")
    organiser = make_organiser()

    client.force_login(reader)
    client.post(f"/circles/c/{circle.slug}/report/", {"post": post.pk, "reason": "Spam"})
    assert Report.objects.get().post == post

    client.force_login(organiser.user)
    queue = client.get(f"/circles/c/{circle.slug}/moderation/").content.decode()
    assert "Spam" in queue and "spam.example" in queue
    client.post(f"/circles/c/{circle.slug}/moderation/", {"report": Report.objects.get().pk, "action": "hide"})

    post.refresh_from_db()
    assert post.hidden and Report.objects.get().resolution == Report.Resolution.HIDDEN
    client.force_login(reader)
    assert "spam.example" not in client.get(f"/circles/c/{circle.slug}/").content.decode()


def test_removing_a_reported_member_ends_their_access_with_a_notice(circle_of_five, client):
    circle, members = circle_of_five
    (troll, troll_m), (reader, _m) = members[:2]
    organiser = make_organiser()
    report = services.report(circle=circle, reporter=reader, reason="Harassment", member=troll_m)

    services.resolve_report(report=report, organiser=organiser, action="remove")

    troll_m.refresh_from_db()
    assert troll_m.state == Membership.State.REMOVED
    assert Notice.objects.get(user=troll).kind == Notice.Kind.REMOVED
    client.force_login(troll)
    assert client.get(f"/circles/c/{circle.slug}/members/").status_code == 404
    with pytest.raises(CircleRefused):
        services.join_circle(user=troll, circle=circle, badge=troll_m.badge, nickname="again", consent=True)


def test_only_organisers_speaking_for_the_circle_see_the_queue(circle_of_five, client):
    circle, members = circle_of_five
    client.force_login(members[0][0])
    assert client.get(f"/circles/c/{circle.slug}/moderation/").status_code == 404
    outsider = make_organiser("other@example.org", issuers="other.example")
    client.force_login(outsider.user)
    assert client.get(f"/circles/c/{circle.slug}/moderation/").status_code == 404
    report = services.report(circle=circle, reporter=members[0][0], reason="x", member=members[1][1])
    with pytest.raises(CircleRefused):
        services.resolve_report(report=report, organiser=outsider, action="dismiss")


def test_dismissing_a_report_changes_nothing_else(circle_of_five):
    circle, members = circle_of_five
    post = services.create_post(circle=circle, membership=members[0][1], body="Hello")
    report = services.report(circle=circle, reporter=members[1][0], reason="meh", post=post)

    services.resolve_report(report=report, organiser=make_organiser(), action="dismiss")

    post.refresh_from_db()
    assert not post.hidden and report.resolution == Report.Resolution.DISMISSED


def test_blocking_hides_their_posts_and_stops_messages_both_ways(circle_of_five):
    circle, members = circle_of_five
    (a, am), (b, bm) = members[:2]
    for m in (am, bm):
        m.dm_enabled = True
        m.save()
    services.create_post(circle=circle, membership=bm, body="from b")
    assert services.can_message(am, bm)

    services.block(blocker=a, blocked=b)

    assert [p.body for p in services.visible_posts(circle, viewer=a)] == []
    assert [p.body for p in services.visible_posts(circle, viewer=members[2][0])] == ["from b"]
    assert not services.can_message(am, bm) and not services.can_message(bm, am)
    assert bm not in services.member_list(circle, viewer=a)


def test_posts_are_rate_limited(circle_of_five, settings):
    circle, members = circle_of_five
    settings.CIRCLES_POSTS_PER_HOUR = 3
    for n in range(3):
        services.create_post(circle=circle, membership=members[0][1], body=f"post {n}")

    with pytest.raises(CircleRefused) as refused:
        services.create_post(circle=circle, membership=members[0][1], body="one too many")
    assert refused.value.code == "rate_limited"
    assert Post.objects.count() == 3


def test_posts_expire_after_twelve_months_unless_pinned(circle_of_five):
    circle, members = circle_of_five
    organiser = make_organiser()
    long_ago = timezone.now() - timedelta(days=400)
    old = services.create_post(circle=circle, membership=members[0][1], body="old news", now=long_ago)
    pinned = services.create_post(circle=circle, organiser=organiser, body="Rules", pinned=True, now=long_ago)
    fresh = services.create_post(circle=circle, membership=members[1][1], body="fresh")

    assert expire_old_posts() == 1
    assert set(Post.objects.values_list("pk", flat=True)) == {pinned.pk, fresh.pk}
    assert old.body not in [p.body for p in services.visible_posts(circle, viewer=members[0][0])]


def test_post_bodies_are_plain_text_with_safe_links(circle_of_five, client):
    circle, members = circle_of_five
    services.create_post(
        circle=circle,
        membership=members[0][1],
        body="<script>alert(1)</script><img src=x onerror=alert(2)> see https://learning.example.jp/next\x00",
    )

    client.force_login(members[1][0])
    html = client.get(f"/circles/c/{circle.slug}/").content.decode()

    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://learning.example.jp/next" rel="nofollow">' in html


def test_only_organisers_pin_announcements(circle_of_five, client):
    circle, members = circle_of_five
    member_post = services.create_post(circle=circle, membership=members[0][1], body="pin me", pinned=True)
    assert not member_post.pinned

    organiser = make_organiser()
    client.force_login(organiser.user)
    client.post(f"/circles/c/{circle.slug}/posts/", {"body": "Welcome!", "as": "org", "pinned": "1"})
    announcement = Post.objects.get(body="Welcome!")
    assert announcement.pinned and announcement.author_label == "Shizuoka Learning Centre"
    posts = services.visible_posts(circle, viewer=members[0][0])
    assert posts[0] == announcement


def test_direct_messages_need_both_members_to_opt_in(circle_of_five, client):
    circle, members = circle_of_five
    (a, am), (b, bm) = members[:2]
    am.dm_enabled = True
    am.save()
    with pytest.raises(CircleRefused):
        services.send_message(sender=am, recipient=bm, body="hi")
    client.force_login(a)
    assert client.get(f"/circles/c/{circle.slug}/dm/{bm.pk}/").status_code == 404

    bm.dm_enabled = True
    bm.save()
    client.post(f"/circles/c/{circle.slug}/dm/{bm.pk}/", {"body": "こんにちは"})
    client.force_login(b)
    assert "こんにちは" in client.get(f"/circles/c/{circle.slug}/dm/{am.pk}/").content.decode()


def test_under_18_no_messages_not_listed_and_portfolios_never_public(circle_of_five, client):
    circle, members = circle_of_five
    (minor, minor_m), (adult, adult_m) = members[:2]
    for m in (minor_m, adult_m):
        m.dm_enabled = True
        m.save()
    public = Portfolio.objects.create(owner=minor, title="Mine", visibility=Portfolio.Visibility.PUBLIC)

    client.force_login(minor)
    client.post("/circles/settings/", {"under_18": "on"})

    minor_m.refresh_from_db()
    public.refresh_from_db()
    assert public.visibility == Portfolio.Visibility.UNLISTED
    assert not minor_m.dm_enabled and not services.can_message(adult_m, minor_m)
    # Turning messages back on is refused for a minor.
    services.update_membership(
        membership=minor_m, nickname=minor_m.nickname, intro="", dm_enabled=True, answers_public=True
    )
    minor_m.refresh_from_db()
    assert not minor_m.dm_enabled
    # Hidden from member lists (page and API).
    client.force_login(adult)
    assert minor_m.nickname not in client.get(f"/circles/c/{circle.slug}/members/").content.decode()
    names = [m["nickname"] for m in client.get(f"/api/v1/circles/{circle.slug}/members/").json()]
    assert minor_m.nickname not in names and adult_m.nickname in names
    # A portfolio saved as public by any page or API stays unlisted.
    public.visibility = Portfolio.Visibility.PUBLIC
    public.save()
    public.refresh_from_db()
    assert public.visibility == Portfolio.Visibility.UNLISTED


def test_a_minors_answers_never_appear_on_the_public_page(circle_of_five, client):
    circle, members = circle_of_five
    (minor, minor_m), (adult, adult_m) = members[:2]
    for m in (minor_m, adult_m):
        m.answers_public = True
        m.save()
    services.set_community_settings(user=minor, under_18=True, share_in_suggestions=False)
    question = services.ask_question(circle=circle, user=members[2][0], body="Is the course hard?")
    services.answer_question(question=question, membership=minor_m, body="answer from the minor")
    services.answer_question(question=question, membership=adult_m, body="answer from the adult")

    html = client.get(f"/circles/c/{circle.slug}/ask/").content.decode()

    assert "Is the course hard?" in html and "answer from the adult" in html and "answer from the minor" not in html


def test_odd_ids_in_addresses_are_simply_not_found(circle_of_five, client):
    circle, members = circle_of_five
    client.force_login(members[0][0])
    for path in (
        "/circles/c/a%00b/",
        "/circles/checkin/a%00b/",
        "/next/b/a%00b/",
        "/next/issuers/a%00b/",
        "/api/v1/circles/a%00b/members/",
        f"/circles/c/{'x' * 500}/",
    ):
        assert client.get(path).status_code == 404, path
    organiser = make_organiser()
    client.force_login(organiser.user)
    response = client.post(f"/circles/c/{circle.slug}/moderation/", {"report": "abc", "action": "hide"})
    assert response.status_code == 404
