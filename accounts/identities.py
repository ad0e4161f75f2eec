"""The history of a learner's verified addresses (accounts.VerifiedAddress), kept by allauth's signals.

A badge issued to an address this account verified keeps matching after the address is removed;
a badge that waits for an address to be confirmed is released for checking when it is.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .models import VerifiedAddress

# Apps append callables ``fn(user, email)`` run when an address is confirmed (badges waiting for it).
ADDRESS_CONFIRMED_HOOKS: list = []
# Apps append callables ``fn(user, email) -> list[str]``: names of things issued to that address,
# shown before the learner removes it (the badges app lists its badges).
ISSUED_TO_HOOKS: list = []


def issued_to(*, user, email: str) -> list[str]:
    return [name for hook in ISSUED_TO_HOOKS for name in hook(user=user, email=email)]


def record_confirmed(*, user, email: str, now: datetime | None = None) -> VerifiedAddress:
    """Open a verified period for ``email`` (idempotent while one is open)."""
    now = now or timezone.now()
    open_row = VerifiedAddress.objects.filter(user=user, email__iexact=email, verified_until__isnull=True).first()
    if open_row is not None:
        return open_row
    return VerifiedAddress.objects.create(user=user, email=email, verified_from=now)


def record_removed(*, user, email: str, was_verified: bool, now: datetime | None = None) -> None:
    """Close the verified period; an address verified before the history began gets one from sign-up."""
    now = now or timezone.now()
    closed = VerifiedAddress.objects.filter(user=user, email__iexact=email, verified_until__isnull=True).update(
        verified_until=now
    )
    if not closed and was_verified:
        VerifiedAddress.objects.create(user=user, email=email, verified_from=user.date_joined, verified_until=now)


def period_of(*, user, email: str) -> VerifiedAddress | None:
    """The latest verified period of ``email`` on this account, if it has one."""
    return VerifiedAddress.objects.filter(user=user, email__iexact=email).order_by("-verified_from").first()


def on_email_confirmed(sender, request=None, email_address=None, **kwargs) -> None:
    user = email_address.user
    record_confirmed(user=user, email=email_address.email)
    for hook in ADDRESS_CONFIRMED_HOOKS:
        hook(user=user, email=email_address.email)


def on_email_removed(sender, request=None, user=None, email_address=None, **kwargs) -> None:
    record_removed(user=user, email=email_address.email, was_verified=email_address.verified)
