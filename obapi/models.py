"""What the Open Badges 3.0 API keeps beyond django-oauth-toolkit's own tables.

Manabi as a host: ``ClientInfo`` (RFC 7591 metadata a registered client sent), ``Consent`` (a learner's
current "yes" to one client), ``ProfileDetails`` (profile fields the API exchanges that the account
has no place for). Manabi as a client of other hosts: ``Connection`` (tokens encrypted at rest).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClientInfo(models.Model):
    """RFC 7591 client metadata for an application registered through ``/oauth/register``."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="ob_client"
    )
    client_uri = models.URLField(_("client address"), max_length=2000, blank=True)
    logo_uri = models.URLField(max_length=2000, blank=True)
    tos_uri = models.URLField(max_length=2000, blank=True)
    policy_uri = models.URLField(max_length=2000, blank=True)
    software_id = models.CharField(max_length=255, blank=True)
    software_version = models.CharField(max_length=100, blank=True)
    contacts = models.JSONField(default=list, blank=True)
    # The logo as a small PNG, fetched once through the SSRF-safe fetcher; empty = not shown.
    logo_png = models.BinaryField(blank=True, default=b"")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("registered client")
        verbose_name_plural = _("registered clients")

    def __str__(self) -> str:
        return self.application.name or self.application.client_id


class ConsentQuerySet(models.QuerySet):
    def owned_by(self, user) -> ConsentQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class Consent(models.Model):
    """One learner's current consent to one client: which scopes, and whether it may see the e-mail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ob_consents")
    application = models.ForeignKey("oauth2_provider.Application", on_delete=models.CASCADE, related_name="+")
    scope = models.TextField(_("permissions"))
    share_email = models.BooleanField(_("may see my e-mail address"), default=False)
    granted_at = models.DateTimeField(_("connected"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("connected app")
        verbose_name_plural = _("connected apps")
        ordering = ["-granted_at"]
        constraints = [models.UniqueConstraint(fields=["user", "application"], name="one_consent_per_client")]

    def __str__(self) -> str:
        return f"{self.user} → {self.application}"


class ProfileDetails(models.Model):
    """Profile fields a client may read and update through ``/ims/ob/v3p0/profile``."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ob_profile")
    url = models.URLField(_("web page"), max_length=2000, blank=True)
    image = models.URLField(_("image address"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("Open Badges profile")
        verbose_name_plural = _("Open Badges profiles")

    def __str__(self) -> str:
        return str(self.user)


class ConnectionQuerySet(models.QuerySet):
    def owned_by(self, user) -> ConnectionQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Connection(models.Model):
    """Another Open Badges host (a wallet, a school's platform) the learner connected to pull from."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for your approval at the other site")
        ACTIVE = "active", _("Connected")
        RECONNECT = "reconnect", _("Needs reconnecting")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ob_connections")
    base_url = models.URLField(_("address"), max_length=2000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # The endpoints read from the host's discovery document (authorization, token, credentials…).
    endpoints = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)

    client_id = models.CharField(max_length=255, blank=True)
    # Secrets below are Fernet tokens (obapi.crypto), never plain text.
    client_secret_enc = models.TextField(blank=True)
    access_token_enc = models.TextField(blank=True)
    refresh_token_enc = models.TextField(blank=True)
    access_expires_at = models.DateTimeField(null=True, blank=True)
    scope = models.TextField(blank=True)
    # The authorization in progress: the OAuth "state" we sent and the PKCE verifier (encrypted).
    auth_state = models.CharField(max_length=64, blank=True, db_index=True)
    pkce_verifier_enc = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    # Where the next pull starts (`since`): the start of the last complete pull.
    pulled_until = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True, db_index=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last problem"), blank=True)
    imported_count = models.PositiveIntegerField(_("badges received"), default=0)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("connected host")
        verbose_name_plural = _("connected hosts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name or self.base_url
