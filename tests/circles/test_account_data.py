"""Circle data is in the account export and goes with the account."""

from __future__ import annotations

import pytest

from accounts.services import delete_account, export_account
from circles import services
from circles.models import Block, DirectMessage, Membership, Post, Question, Report, Rsvp

from .factories import make_event, make_organiser, open_circle

pytestmark = pytest.mark.django_db


def test_export_has_memberships_posts_rsvps_and_questions():
    circle, members = open_circle(5)
    user, membership = members[0]
    services.create_post(circle=circle, membership=membership, body="my post")
    services.rsvp(event=make_event(circle, make_organiser()), membership=membership, going=True)
    services.ask_question(circle=circle, user=user, body="my question")

    data = export_account(user=user)["circles"]

    [mine] = data["memberships"]
    assert mine["nickname"] == membership.nickname and mine["posts"][0]["body"] == "my post"
    assert mine["rsvps"][0]["answer"] == "going"
    assert data["questions"][0]["body"] == "my question"


def test_deleting_the_account_deletes_the_circle_data():
    circle, members = open_circle(5)
    (user, membership), (other, other_m) = members[:2]
    for m in (membership, other_m):
        m.dm_enabled = True
        m.save()
    services.create_post(circle=circle, membership=membership, body="mine")
    services.send_message(sender=membership, recipient=other_m, body="dm")
    services.report(circle=circle, reporter=user, reason="r", member=other_m)
    services.block(blocker=other, blocked=user)
    services.ask_question(circle=circle, user=user, body="q")
    services.rsvp(event=make_event(circle, make_organiser()), membership=membership, going=True)

    delete_account(user=user)

    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not Post.objects.filter(body="mine").exists()
    assert not DirectMessage.objects.exists() and not Report.objects.exists() and not Block.objects.exists()
    assert not Question.objects.exists() and not Rsvp.objects.exists()
    assert Membership.objects.filter(pk=other_m.pk).exists()
