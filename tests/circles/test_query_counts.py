"""Circle pages and API lists run the same number of SQL queries whatever the number of members,
posts or questions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from circles import services

from .factories import join, make_organiser, new_holder, open_circle

pytestmark = pytest.mark.django_db

PAGES = {
    "circle page (posts)": lambda c: f"/circles/c/{c.slug}/",
    "members": lambda c: f"/circles/c/{c.slug}/members/",
    "ask a holder": lambda c: f"/circles/c/{c.slug}/ask/",
    "my circles": lambda c: "/circles/",
    "directory": lambda c: "/next/",
    "API: members": lambda c: f"/api/v1/circles/{c.slug}/members/",
    "API: posts": lambda c: f"/api/v1/circles/{c.slug}/posts/",
    "API: my circles": lambda c: "/api/v1/circles/",
}


def grow(circle, viewer_membership, organiser, to: int) -> None:
    """Bring the circle to ``to`` members, each with a post and an answer to a question."""
    question = services.ask_question(circle=circle, user=viewer_membership.user, body=f"Q{to}")
    while circle.memberships.count() < to:
        user, badge = new_holder()
        membership = join(user, badge, circle=circle)
        membership.answers_public = True
        membership.save()
        services.create_post(circle=circle, membership=membership, body=f"hello from {membership.nickname}")
        services.answer_question(question=question, membership=membership, body="an answer")
    services.create_post(circle=circle, organiser=organiser, body="Announcement", pinned=True)


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_members_and_posts(page, client):
    from circles.directory import rebuild_directory

    circle, members = open_circle(5)
    viewer, viewer_membership = members[0]
    organiser = make_organiser()
    client.force_login(viewer)
    counts = []
    for size in (5, 12, 25):
        grow(circle, viewer_membership, organiser, size)
        rebuild_directory()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(PAGES[page](circle))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] == counts[2], counts
