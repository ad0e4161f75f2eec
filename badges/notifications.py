"""A learner's notices: marking them read, and the daily digest that lists what changed.

Notices are created by the services as verdicts change (badges.services._notify); this module
sends them, in the learner's language, marks them sent, and marks them read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from config.site import absolute_url

from .models import EXPIRY_WARNINGS, Badge, Notification, Status

DigestFrequency = User.DigestFrequency

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
    """Send every learner with unsent notices one digest, as often as each asked for (daily, on
    Mondays for weekly); returns the number of e-mails sent."""
    now = now or timezone.now()
    frequencies = [DigestFrequency.DAILY]
    if timezone.localtime(now).weekday() == 0:
        frequencies.append(DigestFrequency.WEEKLY)
    user_ids = (
        Notification.objects.not_emailed()
        .filter(user__digest_frequency__in=frequencies)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by()
    )
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
        if not user.email or user.digest_frequency == DigestFrequency.NEVER:
            return False  # nowhere to send, or not wanted; the in-app notices remain
        message = _digest_message(user, notices)
        # Sent inside the transaction: if the mail server refuses, the notices stay unsent for tomorrow.
        message.send()
    return True


def _digest_message(user, notices: list[Notification]) -> EmailMultiAlternatives:
    language = user.preferred_language or settings.LANGUAGE_CODE
    token = frequency_token(user)
    with translation.override(language):
        items = [
            {
                "notice": notice,
                "reasons": notice_reason_texts(notice),
                "url": absolute_url(reverse("badge_detail", args=[notice.badge.public_id])),
            }
            for notice in notices
        ]
        ctx = {
            "user": user,
            "items": items,
            "notices": notices,
            "wallet_url": absolute_url(reverse("wallet_home")),
            "notices_url": absolute_url(reverse("notice_list")),
            "frequency_url": absolute_url(reverse("notice_email_frequency", args=[token])),
            "frequency": user.get_digest_frequency_display(),
            "LANGUAGE_CODE": language,
        }
        subject = render_to_string("badges/email/digest_subject.txt", ctx).strip()
        text = render_to_string("badges/email/digest.txt", ctx)
        html = render_to_string("badges/email/digest.html", ctx)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    unsubscribe = absolute_url(reverse("notice_email_stop", args=[token]))
    headers = {
        # RFC 8058: mail apps show an "unsubscribe" button that POSTs here, with no sign-in.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email], headers=headers)
    message.attach_alternative(html, "text/html")
    return message


def notice_reason_texts(notice: Notification) -> list[str]:
    """Why, in the active language: the failing checks' messages stored with the notice."""
    from .presentation import check_message

    return [text for text in (check_message(check) for check in notice.reasons) if text]


# ---------------------------------------------------------------------------------------------
# How often mails come: changed from a link in the mail itself, without signing in
# ---------------------------------------------------------------------------------------------

FREQUENCY_SALT = "badges.notifications.digest-frequency"


def frequency_token(user) -> str:
    return signing.dumps({"u": user.pk}, salt=FREQUENCY_SALT, compress=True)


def user_for_frequency_token(token: str):
    """The learner a mail's link was made for, or None (tampered, or the account is gone)."""
    try:
        data = signing.loads(token, salt=FREQUENCY_SALT, max_age=FREQUENCY_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()


# A link in an old mail keeps working for a year.
FREQUENCY_TOKEN_MAX_AGE = 365 * 24 * 3600


def set_digest_frequency(*, user, frequency: str) -> None:
    if frequency not in DigestFrequency.values:
        raise ValueError(frequency)
    user.digest_frequency = frequency
    user.save(update_fields=["digest_frequency"])


# ---------------------------------------------------------------------------------------------
# Expiry warnings: 30, 7 and 1 day before a badge expires, each once
# ---------------------------------------------------------------------------------------------

# Badges whose headline says they are good now: only those are worth a warning.
WARNABLE_STATUSES = (Status.VALID, Status.PENDING, Status.NOT_YET_VALID)
EXPIRY_WARNING_BATCH = 2000


def warn_expiring_badges(*, now: datetime | None = None, limit: int = EXPIRY_WARNING_BATCH) -> int:
    """Give each badge about to expire the warning for the closest threshold it has crossed, once.

    A badge imported 20 days before it expires gets the 30-day warning, then the 7-day and 1-day
    ones; never a warning for a badge already revoked, suspended, invalid or expired. Idempotent:
    a second run the same minute creates nothing. Returns the number of warnings created.
    """
    now = now or timezone.now()
    horizon = now + timedelta(days=max(EXPIRY_WARNINGS))
    showing_good = Q(status__in=WARNABLE_STATUSES) | Q(
        status=Status.UNREACHABLE, last_definitive_status__in=["", *WARNABLE_STATUSES]
    )
    candidates = (
        Badge.objects.filter(showing_good, expires_on__gt=now, expires_on__lte=horizon)
        .order_by("expires_on")
        .only("pk", "owner_id", "expires_on", "status", "last_definitive_status", "unreachable_since")[:limit]
    )
    candidates = list(candidates)
    given = set(
        Notification.objects.filter(badge__in=candidates, kind__in=EXPIRY_WARNINGS.values()).values_list(
            "badge_id", "kind"
        )
    )
    warnings = []
    for badge in candidates:
        if badge.is_unverifiable(now=now):
            continue
        days_left = badge.expires_on - now
        kind = EXPIRY_WARNINGS[min(d for d in EXPIRY_WARNINGS if days_left <= timedelta(days=d))]
        if (badge.pk, kind) not in given:
            warnings.append(Notification(user_id=badge.owner_id, badge=badge, kind=kind, created_at=now))
    Notification.objects.bulk_create(warnings)
    return len(warnings)
