"""Only holders of a badge that is valid now are members; re-verification keeps it honest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from badges.models import Status, Verification
from badges.services import import_badge, remove_badge, reverify_badge
from circles import services
from circles.models import Membership, Notice
from circles.services import CircleRefused
from tests.support.hosted import HostedBadge

from .factories import holder_badge, join, new_holder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("generous_host_limits")]

IMPORTED_AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def test_a_holder_with_a_valid_badge_joins_under_a_nickname(user, badge):
    badge.badge_class_id = "https://learning.example.jp/badges/ds"
    badge.save()

    membership = join(user, badge, nickname="データ好き")

    assert membership.is_active and membership.nickname == "データ好き" and membership.consented_at
    assert membership.circle.name == badge.name


@pytest.mark.parametrize("status", [Status.REVOKED, Status.SUSPENDED, Status.EXPIRED, Status.UNREACHABLE])
def test_a_badge_that_is_not_valid_now_cannot_join(user, status):
    # UNREACHABLE here: a once-valid badge whose issuer has been down for two months.
    badge = holder_badge(user, status=status, unreachable_since=datetime.now(UTC) - timedelta(days=60))

    with pytest.raises(CircleRefused) as refused:
        join(user, badge)

    assert refused.value.code == "not_valid"
    assert not Membership.objects.exists()


def test_a_badge_past_its_expiry_date_cannot_join_even_before_the_next_check(user):
    badge = holder_badge(user, expires_on=datetime(2020, 1, 1, tzinfo=UTC))

    with pytest.raises(CircleRefused):
        join(user, badge)


def test_joining_needs_consent_and_a_nickname_that_is_not_an_email(user):
    badge = holder_badge(user)
    circle = services.badge_circle(badge)

    for kwargs, code in (
        ({"nickname": "Hana", "consent": False}, "consent_required"),
        ({"nickname": "  ", "consent": True}, "nickname_required"),
        ({"nickname": "hana@example.org", "consent": True}, "nickname_email"),
    ):
        with pytest.raises(CircleRefused) as refused:
            services.join_circle(user=user, circle=circle, badge=badge, **kwargs)
        assert refused.value.code == code
    assert not Membership.objects.exists()


def test_someone_elses_badge_or_another_class_does_not_open_the_circle(user, other_user):
    badge = holder_badge(user)
    circle = services.badge_circle(badge)
    others = holder_badge(other_user, class_id="https://elsewhere.example/badges/x")

    with pytest.raises(CircleRefused):
        services.join_circle(user=other_user, circle=circle, badge=others, nickname="K", consent=True)
    with pytest.raises(CircleRefused):
        services.join_circle(user=other_user, circle=circle, badge=badge, nickname="K", consent=True)


def test_nicknames_are_unique_within_a_circle(user, other_user):
    first = holder_badge(user)
    join(user, first, nickname="Hana")
    second = holder_badge(other_user)

    with pytest.raises(CircleRefused) as refused:
        join(other_user, second, nickname="hana")
    assert refused.value.code == "nickname_taken"


def test_revoked_at_the_issuer_the_next_recheck_ends_the_membership_and_notifies(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    membership = join(user, badge, nickname="Hana")
    hosted.revoke()

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)

    membership.refresh_from_db()
    assert membership.state == Membership.State.ENDED and membership.state_reason == Status.REVOKED
    notice = Notice.objects.get(user=user)
    assert notice.kind == Notice.Kind.ENDED_REVOKED and notice.circle == membership.circle


def test_an_issuer_briefly_down_changes_nothing_for_the_member(user, issuer_server):
    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    membership = join(user, badge)
    issuer_server.stop()

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
        membership.refresh_from_db()
        assert membership.state == Membership.State.ACTIVE
    assert not Notice.objects.exists()


def test_an_issuer_down_for_a_month_pauses_the_membership(user, issuer_server, settings):
    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    membership = join(user, badge)
    issuer_server.stop()

    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    later = IMPORTED_AT + timedelta(days=settings.BADGE_UNVERIFIABLE_AFTER_DAYS + 2)
    with time_machine.travel(later, tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
        membership.refresh_from_db()

    assert membership.state == Membership.State.PAUSED
    assert list(Notice.objects.values_list("kind", flat=True)) == [Notice.Kind.PAUSED]


def test_suspended_pauses_and_valid_again_resumes(user):
    holder, badge = new_holder()
    membership = join(holder, badge)

    badge.status = badge.last_definitive_status = Status.SUSPENDED
    badge.save()
    membership.refresh_from_db()
    assert membership.state == Membership.State.PAUSED

    badge.status = badge.last_definitive_status = Status.VALID
    badge.save()
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert list(Notice.objects.order_by("id").values_list("kind", flat=True)) == ["paused", "resumed"]


def test_an_ended_membership_stays_ended_when_the_badge_changes_again(user):
    holder, badge = new_holder()
    membership = join(holder, badge)
    badge.status = Status.REVOKED
    badge.save()
    badge.status = Status.VALID
    badge.save()

    membership.refresh_from_db()
    assert membership.state == Membership.State.ENDED


def test_a_new_valid_badge_lets_a_former_member_rejoin(user):
    holder, badge = new_holder()
    membership = join(holder, badge, nickname="Again")
    badge.status = Status.REVOKED
    badge.save()
    fresh = holder_badge(holder)

    rejoined = join(holder, fresh, nickname="Again")

    assert rejoined.pk == membership.pk and rejoined.is_active and rejoined.badge == fresh


def test_the_badge_page_offers_the_circle_only_for_a_valid_badge(auth_client, user):
    valid = holder_badge(user)
    revoked = holder_badge(user, status=Status.REVOKED, class_id="https://x.example/b")

    valid_page = auth_client.get(f"/badges/{valid.public_id}/").content.decode()
    revoked_page = auth_client.get(f"/badges/{revoked.public_id}/").content.decode()

    assert f"/circles/join/{valid.public_id}/" in valid_page
    assert f"/circles/join/{revoked.public_id}/" not in revoked_page


def test_joining_through_the_consent_screen(auth_client, user):
    badge = holder_badge(user)

    screen = auth_client.get(f"/circles/join/{badge.public_id}/")
    assert screen.status_code == 200
    html = screen.content.decode()
    assert "circle-purpose" in html and "Translation volunteer" in html

    refused = auth_client.post(f"/circles/join/{badge.public_id}/", {"nickname": "Hana"})
    assert refused.status_code == 200 and not Membership.objects.exists()

    joined = auth_client.post(f"/circles/join/{badge.public_id}/", {"nickname": "Hana", "consent": "on"})
    membership = Membership.objects.get()
    assert joined.status_code == 302 and joined["Location"] == f"/circles/c/{membership.circle.slug}/"


def test_a_member_holding_two_valid_badges_of_the_class_stays_when_one_is_revoked(user):
    first = holder_badge(user)
    second = holder_badge(user)
    membership = join(user, first)

    first.status = Status.REVOKED
    first.save()

    membership.refresh_from_db()
    assert membership.is_active and membership.badge == second
    assert not Notice.objects.exists()


def test_removing_the_badge_from_the_wallet_ends_the_membership(user):
    badge = holder_badge(user)
    membership = join(user, badge)

    remove_badge(badge=badge)

    membership.refresh_from_db()
    assert membership.state == Membership.State.ENDED and membership.badge is None
