"""Portfolios (ordered selections of a learner's badges), their share links and print snapshots."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import Badge, BadgeQuerySet


def new_slug() -> str:
    # 16 random bytes: the link is the only key to an unlisted portfolio, so it must be unguessable.
    return secrets.token_urlsafe(16)


def new_code() -> str:
    # 12 random bytes (96 bits) in 16 characters: short enough to type from paper, unguessable.
    return secrets.token_urlsafe(12)


class BadgeLink(models.Model):
    """A badge's own public address, /b/<code>/: printed QR codes and LinkedIn point here."""

    # SET_NULL: a badge removed from the wallet leaves its link behind, answering "gone" (410).
    badge = models.OneToOneField(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="permanent_link")
    code = models.CharField(max_length=24, unique=True, default=new_code, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.code

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None and self.badge_id is not None


class PortfolioQuerySet(models.QuerySet):
    def owned_by(self, user) -> PortfolioQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def shared(self) -> PortfolioQuerySet:
        """Portfolios anyone with the main link may open (unlisted or public)."""
        return self.exclude(visibility=Portfolio.Visibility.PRIVATE)


class Portfolio(models.Model):
    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: only you")
        UNLISTED = "unlisted", _("Unlisted: anyone with the link")
        PUBLIC = "public", _("Public")

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolios")
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("introduction"), max_length=2000, blank=True)
    visibility = models.CharField(
        _("who can see it"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    slug = models.CharField(max_length=40, unique=True, default=new_slug, editable=False)
    badges = models.ManyToManyField(Badge, through="PortfolioEntry", related_name="portfolios")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PortfolioQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.visibility != self.Visibility.PRIVATE

    def public_badges(self) -> BadgeQuerySet:
        """The badges a viewer of this portfolio sees, in the portfolio's order (hidden ones never).

        The one definition for the public pages, the printout and the public API. A badge held
        until the learner confirms the address it was issued to is not shown either.
        """
        return Badge.objects.filter(
            portfolio_entries__portfolio=self, hidden_from_public=False, awaiting_address=""
        ).order_by("portfolio_entries__position", "portfolio_entries__id")


class PortfolioEntry(models.Model):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="entries")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="portfolio_entries")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["portfolio", "badge"], name="a_badge_once_per_portfolio")]

    def __str__(self) -> str:
        return f"{self.portfolio_id}#{self.position}: {self.badge_id}"


class ShareLink(models.Model):
    """A separate link to one portfolio for one audience, with its own expiry and revocation."""

    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="share_links")
    name = models.CharField(_("who it is for"), max_length=120)
    token = models.CharField(max_length=40, unique=True, default=new_slug, editable=False)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class ShareLinkView(models.Model):
    """How often a share link was opened on one day. Deliberately nothing about who opened it."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="views")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["link", "day"], name="one_view_row_per_link_and_day")]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day}: {self.count}"


class PrintSnapshot(models.Model):
    """What each badge's status was when a portfolio was printed, for reviewers scanning it later."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="print_snapshots")
    printed_at = models.DateTimeField(default=timezone.now)
    # {badge public_id: status} for the badges printed, in printed order.
    statuses = models.JSONField(default=dict)

    class Meta:
        ordering = ["-printed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.portfolio_id} printed {self.printed_at:%Y-%m-%d}"

    def status_of(self, badge: Badge) -> str | None:
        return self.statuses.get(str(badge.public_id))
