"""A learner's notices: marking them read, and the daily digest that lists what changed.

Notices are created by the services as verdicts change (badges.services._notify); this module
sends them, in the learner's language, marks them sent, and marks them read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from config.site import absolute_url

from .models import Notification

logger = logging.getLogger(__name__)


def mark_notifications_read(*, user, ids: Iterable[int] | None = None, now: datetime | None = None) -> int:
    """Mark this learner's unread notices read (all of them, or those ``ids``); returns how many.

    Notices already read keep their first reading time; other learners' ids are ignored.
    """
    notices = Notification.objects.filter(user=user).unread()
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=now or timezone.now())


def send_digests(*, now: datetime | None = None) -> int:
    """Send every learner with unsent notices one digest; returns the number of e-mails sent."""
    now = now or timezone.now()
    user_ids = Notification.objects.not_emailed().values_list("user_id", flat=True).distinct().order_by()
    sent = 0
    for user_id in list(user_ids):
        sent += send_digest(user=get_user_model().objects.get(pk=user_id), now=now)
    return sent


def send_digest(*, user, now: datetime | None = None) -> bool:
    """Claim this learner's unsent notices and mail them; a second run finds nothing to send."""
    now = now or timezone.now()
    with transaction.atomic():
        notices = list(Notification.objects.not_emailed().filter(user=user).select_for_update().select_related("badge"))
        if not notices:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
        if not user.email:
            return False  # nowhere to send; the in-app notices remain
        message = _digest_message(user, notices)
        # Sent inside the transaction: if the mail server refuses, the notices stay unsent for tomorrow.
        message.send()
    return True


def _digest_message(user, notices: list[Notification]) -> EmailMultiAlternatives:
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        ctx = {
            "user": user,
            "notices": notices,
            "wallet_url": absolute_url(reverse("wallet_home")),
            "LANGUAGE_CODE": language,
        }
        subject = render_to_string("badges/email/digest_subject.txt", ctx).strip()
        text = render_to_string("badges/email/digest.txt", ctx)
        html = render_to_string("badges/email/digest.html", ctx)
    message = EmailMultiAlternatives(subject=" ".join(subject.split()), body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message
