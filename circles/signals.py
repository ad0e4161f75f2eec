"""Receivers connected in circles.apps: how circles hear about badges and portfolios without either
app knowing circles exist."""

from __future__ import annotations


def badge_saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if raw or created:
        return  # fixtures load as they are; a new badge carries no membership yet
    from .services import sync_memberships_for_badge

    sync_memberships_for_badge(instance)


def portfolio_saving(sender, instance, raw: bool = False, **kwargs) -> None:
    from .models import CommunityProfile

    if raw or instance.visibility != instance.Visibility.PUBLIC:
        return
    if CommunityProfile.objects.filter(user_id=instance.owner_id, under_18=True).exists():
        instance.visibility = instance.Visibility.UNLISTED
