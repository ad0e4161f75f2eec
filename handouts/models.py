"""What a learner hands out: dated submission packs (提出版). (A badge's permanent link, which
they also outlive, is wallet.models.BadgeLink.)

Packs outlive the portfolio they came from: resetting a portfolio's link, making it private or
removing a badge from it never changes or breaks them. Only the learner turning one off does
(the page then answers 410 and says so).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import Badge
from wallet.models import Portfolio


def new_token() -> str:
    return secrets.token_urlsafe(16)


class PackQuerySet(models.QuerySet):
    def owned_by(self, user) -> PackQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Pack(models.Model):
    """A dated, frozen copy of what a learner submitted to one audience, with its own link."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="packs")
    portfolio = models.ForeignKey(Portfolio, on_delete=models.SET_NULL, null=True, blank=True, related_name="packs")
    audience = models.CharField(_("submitted to"), max_length=120)
    note = models.TextField(_("note for the reader"), max_length=2000, blank=True)
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    # Frozen at submission: what the reader was shown then, whatever changes later.
    title = models.CharField(max_length=120, blank=True)
    learner_name = models.CharField(max_length=80)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.audience

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PackItem(models.Model):
    """One badge as submitted: its text, dates and verdict (with checks) at that moment."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveIntegerField()  # 1, 2, … as printed; part of the item's address
    badge = models.ForeignKey(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="pack_items")
    submitted = models.JSONField(default=dict)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["pack", "number"], name="one_item_number_per_pack")]

    def __str__(self) -> str:
        return f"{self.pack_id}#{self.number}"
