"""Account workflows: export and deletion. Other apps add their part of the export via hooks."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import User


def export_account(*, user: User) -> dict[str, Any]:
    """Everything Manabi holds about the learner, as JSON-ready data."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.order_by("email")
        ],
    }
    for contribute in EXPORT_HOOKS:
        data.update(contribute(user=user))
    return data


# Apps append callables `fn(*, user) -> dict` here (wallet adds badges and portfolios).
EXPORT_HOOKS: list = []


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove the learner and, through cascades, everything of theirs (files included)."""
    if user.avatar:
        user.avatar.delete(save=False)
    for cleanup in DELETE_HOOKS:
        cleanup(user=user)
    user.delete()


# Apps append callables `fn(*, user) -> None` that remove files the database cascade cannot.
DELETE_HOOKS: list = []
