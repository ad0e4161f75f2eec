"""Learners hear about badge changes once a day, in their language, never as a flood."""

from __future__ import annotations

import pytest
from django.core import mail

from badges.models import Badge, Notification, Status
from badges.notifications import send_digests
from badges.tasks import send_notification_digests

pytestmark = pytest.mark.django_db


def notice(user, kind: str, name: str = "Data Science Basics") -> Notification:
    badge = Badge.objects.create(
        owner=user,
        fingerprint=f"fp-{name}-{kind}",
        name=name,
        status=Status.REVOKED,
        issuer_name="Prefectural Learning Centre",
        source_kind="url",
    )
    return Notification.objects.create(user=user, badge=badge, kind=kind)


def test_one_digest_lists_every_change_and_is_sent_once(user, other_user):
    user.preferred_language = "en"
    user.save()
    notice(user, "revoked", "Data Science Basics")
    notice(user, "expired", "First Aid")
    notice(other_user, "recovered", "Calligraphy")

    assert send_notification_digests.run() == 2
    assert send_digests() == 0  # nothing new: nothing sent again

    [hana] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Data Science Basics" in hana.body and "First Aid" in hana.body
    assert "Revoked by the issuer" in hana.body and "Expired" in hana.body
    # Deep links to each badge, not just the wallet.
    for badge in Badge.objects.filter(owner=user):
        assert f"http://127.0.0.1:8000/badges/{badge.public_id}/" in hana.body
    assert hana.subject.startswith("[Manabi] ")
    assert Notification.objects.not_emailed().count() == 0
    # Still unread in the app until the learner opens it.
    assert Notification.objects.unread().count() == 3


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_digest_is_written_in_the_learners_language(user, language):
    user.preferred_language = language
    user.save()
    notice(user, "revoked")
    send_digests()
    [message] = mail.outbox
    html = message.alternatives[0][0]
    assert f'<html lang="{language}">' in html


def test_a_failing_mail_server_keeps_the_notices_for_the_next_digest(user, settings):
    settings.EMAIL_BACKEND = "tests.badges.test_notifications.BrokenBackend"
    notice(user, "revoked")
    with pytest.raises(ConnectionError):
        send_digests()
    assert Notification.objects.not_emailed().count() == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP server down")
