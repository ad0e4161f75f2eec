"""The notice centre: what changed, why (the issuer's reason), warnings before expiry, and mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from badges.models import Badge, Notification, Status, Verification
from badges.notifications import frequency_token, send_digests, warn_expiring_badges
from badges.services import import_badge, reverify_badge
from tests.factories import make_badge
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.django_db

IMPORTED_AT = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
REASON = "Issued by mistake: the course was not completed"


@pytest.fixture(autouse=True)
def generous_host_limits(settings):
    settings.BADGE_HOST_REQUESTS_PER_SECOND = 10_000


def revoked_with_reason(user, issuer_server) -> Badge:
    """A hosted badge imported valid, then revoked by its issuer with a reason."""
    hosted = HostedBadge(issuer_server).publish()
    with time_machine.travel(IMPORTED_AT, tick=False):
        badge = import_badge(owner=user, url=hosted.assertion_url)
    issuer_server.serve(
        f"/assertions/{hosted.slug}", {**hosted.assertion(), "revoked": True, "revocationReason": REASON}
    )
    with time_machine.travel(IMPORTED_AT + timedelta(days=1), tick=False):
        reverify_badge(badge=badge, trigger=Verification.Trigger.SCHEDULE)
    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    return badge


def test_a_revocation_shows_on_the_notice_page_with_the_issuers_reason_and_in_the_header(
    auth_client, user, issuer_server
):
    badge = revoked_with_reason(user, issuer_server)

    html = auth_client.get(reverse("notice_list")).content.decode()

    assert "発行元による取り消し" in html  # "Revoked by the issuer", in Japanese first
    assert REASON in html
    assert reverse("badge_detail", args=[badge.public_id]) in html
    assert 'data-unread="1"' in html  # the header's unread count


def test_marking_read_one_or_all_clears_the_header_count(auth_client, user, issuer_server):
    badge = revoked_with_reason(user, issuer_server)
    other = make_badge(user, name="Other")
    Notification.objects.create(user=user, badge=other, kind=Notification.Kind.RECOVERED)
    first = Notification.objects.filter(badge=badge).get()

    auth_client.post(reverse("notices_read"), {"ids": [first.pk]})
    assert Notification.objects.unread().count() == 1
    auth_client.post(reverse("notices_read"))
    assert Notification.objects.unread().count() == 0
    assert "data-unread" not in auth_client.get(reverse("notice_list")).content.decode()


def test_notices_are_grouped_by_badge_newest_first_and_never_show_another_learners(auth_client, user, other_user):
    old, new = make_badge(user, name="Old news"), make_badge(user, name="Fresh news")
    theirs = make_badge(other_user, name="Kenji's badge")
    Notification.objects.create(user=user, badge=old, kind="expired", created_at=IMPORTED_AT)
    Notification.objects.create(user=user, badge=new, kind="revoked", created_at=IMPORTED_AT + timedelta(days=2))
    Notification.objects.create(user=user, badge=old, kind="recovered", created_at=IMPORTED_AT + timedelta(days=1))
    Notification.objects.create(user=other_user, badge=theirs, kind="revoked")

    html = auth_client.get(reverse("notice_list")).content.decode()

    assert html.index("Fresh news") < html.index("Old news")
    assert "Kenji" not in html


def test_the_notice_page_runs_the_same_number_of_queries_for_1_or_30_notices(
    auth_client, user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for total in (1, 30):
        for _ in range(total - Notification.objects.count()):
            Notification.objects.create(user=user, badge=make_badge(user), kind="revoked")
        with CaptureQueriesContext(connection) as captured:
            assert auth_client.get(reverse("notice_list")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- expiry warnings -------------------------------------------------------------------------

EXPIRES = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def kinds(badge) -> list[str]:
    return sorted(Notification.objects.filter(badge=badge).values_list("kind", flat=True))


def test_expiry_warnings_fire_once_each_at_30_7_and_1_day(user):
    badge = make_badge(user, expires_on=EXPIRES)

    with time_machine.travel(EXPIRES - timedelta(days=31), tick=False):
        assert warn_expiring_badges() == 0
    with time_machine.travel(EXPIRES - timedelta(days=30), tick=False):
        assert warn_expiring_badges() == 1
        assert warn_expiring_badges() == 0  # once
    with time_machine.travel(EXPIRES - timedelta(days=20), tick=False):
        assert warn_expiring_badges() == 0
    with time_machine.travel(EXPIRES - timedelta(days=7), tick=False):
        assert warn_expiring_badges() == 1
    with time_machine.travel(EXPIRES - timedelta(days=3), tick=False):
        assert warn_expiring_badges() == 0
    with time_machine.travel(EXPIRES - timedelta(hours=20), tick=False):
        assert warn_expiring_badges() == 1
        assert warn_expiring_badges() == 0
    with time_machine.travel(EXPIRES + timedelta(hours=1), tick=False):
        assert warn_expiring_badges() == 0

    assert kinds(badge) == ["expires_1", "expires_30", "expires_7"]


def test_a_badge_imported_close_to_its_expiry_gets_only_the_warnings_still_ahead(user):
    badge = make_badge(user, expires_on=EXPIRES)
    with time_machine.travel(EXPIRES - timedelta(days=5), tick=False):
        assert warn_expiring_badges() == 1
    assert kinds(badge) == ["expires_7"]


@pytest.mark.parametrize("status", [Status.REVOKED, Status.SUSPENDED, Status.INVALID, Status.EXPIRED])
def test_no_expiry_warning_for_a_badge_that_is_not_valid_anyway(user, status):
    badge = make_badge(user, expires_on=EXPIRES, status=status)
    with time_machine.travel(EXPIRES - timedelta(days=2), tick=False):
        assert warn_expiring_badges() == 0
    assert kinds(badge) == []


def test_expiry_warning_task_runs_the_service():
    from badges.tasks import warn_expiring_badges as task

    assert task.run() == 0


# --- the digest mail -------------------------------------------------------------------------


def test_the_digest_carries_the_reason_a_deep_link_a_prefix_and_a_plain_text_part(user, issuer_server):
    user.preferred_language = "en"
    user.save()
    badge = revoked_with_reason(user, issuer_server)

    assert send_digests() == 1
    [message] = mail.outbox
    link = f"http://127.0.0.1:8000/badges/{badge.public_id}/"
    assert message.subject.startswith("[Manabi] ")
    assert REASON in message.body and link in message.body  # the plain-text part
    html = message.alternatives[0][0]
    assert REASON in html and f'href="{link}"' in html
    assert "/notices/email/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_click_in_the_mail_changes_how_often_mails_come_without_signing_in(client, user):
    token = frequency_token(user)
    page = client.get(reverse("notice_email_frequency", args=[token]))
    assert page.status_code == 200

    client.post(reverse("notice_email_frequency", args=[token]), {"frequency": "weekly"})
    user.refresh_from_db()
    assert user.digest_frequency == "weekly"

    client.post(reverse("notice_email_stop", args=[token]))
    user.refresh_from_db()
    assert user.digest_frequency == "never"


def test_a_tampered_frequency_link_changes_nothing(client, user):
    token = frequency_token(user)[:-2] + "xx"
    response = client.post(reverse("notice_email_frequency", args=[token]), {"frequency": "never"})
    assert response.status_code == 404
    assert client.post(reverse("notice_email_stop", args=[token])).status_code == 404
    user.refresh_from_db()
    assert user.digest_frequency == "daily"


def test_never_means_no_mail_and_weekly_waits_for_monday(user):
    badge = make_badge(user)
    user.digest_frequency = "weekly"
    user.save()
    Notification.objects.create(user=user, badge=badge, kind="revoked")
    tuesday = datetime(2026, 2, 3, 0, 0, tzinfo=UTC)  # 09:00 Tuesday in Tokyo
    assert send_digests(now=tuesday) == 0
    assert send_digests(now=tuesday + timedelta(days=6)) == 1  # Monday

    user.digest_frequency = "never"
    user.save()
    Notification.objects.create(user=user, badge=badge, kind="recovered")
    assert send_digests(now=tuesday + timedelta(days=7)) == 0
    assert len(mail.outbox) == 1
