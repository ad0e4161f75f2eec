"""What every page's header needs to know about the learner's notices (one COUNT query)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def notices(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        from .models import Notification

        return Notification.objects.filter(user=user).unread().count()

    # Lazy: pages that never render the header (files, JSON) never run the query.
    return {"unread_notice_count": SimpleLazyObject(count)}
