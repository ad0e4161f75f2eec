"""Writes that change what a learner's public pages show bump their page version (page_cache).

Saves and deletes arrive here; the few bulk updates that bypass signals (a portfolio's order,
its "touched" time) call ``page_cache.changed`` themselves (wallet/services.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from badges.batch import badges_changed
from badges.models import Badge

from . import page_cache
from .models import BadgeLink, Portfolio, ShareLink


def _badge_changed(sender, instance: Badge, **kwargs) -> None:
    page_cache.changed(instance.owner_id)


def _portfolio_changed(sender, instance: Portfolio, **kwargs) -> None:
    page_cache.changed(instance.owner_id)


def _share_link_changed(sender, instance: ShareLink, **kwargs) -> None:
    owner_id = Portfolio.objects.filter(pk=instance.portfolio_id).values_list("owner_id", flat=True).first()
    page_cache.changed(owner_id)


def _badge_link_changed(sender, instance: BadgeLink, created: bool = False, **kwargs) -> None:
    if created:  # made on first view of a badge page, which already shows it: nothing cached is wrong
        return
    owner_id = Badge.objects.filter(pk=instance.badge_id).values_list("owner_id", flat=True).first()
    page_cache.changed(owner_id)


def _learner_changed(sender, instance, **kwargs) -> None:
    page_cache.changed(instance.pk)


def _batch_changed(sender, owner_ids, **kwargs) -> None:
    for owner_id in owner_ids:
        page_cache.changed(owner_id)


def connect() -> None:
    badges_changed.connect(_batch_changed, dispatch_uid="public-pages-batch")
    for signal in (post_save, post_delete):
        signal.connect(_badge_changed, sender=Badge, dispatch_uid="public-pages-badge")
        signal.connect(_portfolio_changed, sender=Portfolio, dispatch_uid="public-pages-portfolio")
        signal.connect(_share_link_changed, sender=ShareLink, dispatch_uid="public-pages-share-link")
        signal.connect(_badge_link_changed, sender=BadgeLink, dispatch_uid="public-pages-badge-link")
        signal.connect(_learner_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="public-pages-learner")
