"""Imported badges, their verification history, and the shared cache of remote documents."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from badges.openbadges.identity import host_of, same_site


class Status(models.TextChoices):
    """Mirrors badges.openbadges.result.Status (plus PENDING before the first check)."""

    PENDING = "pending", _("Not checked yet")
    VALID = "valid", _("Verified")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    REVOKED = "revoked", _("Revoked")
    SUSPENDED = "suspended", _("Suspended")
    INVALID = "invalid", _("Failed verification")
    # Worded for every reader: a viewer of a public page is not the recipient.
    RECIPIENT_MISMATCH = "recipient_mismatch", _("Recipient not confirmed")
    UNREACHABLE = "unreachable", _("Could not re-check")
    UNSUPPORTED = "unsupported", _("Cannot be checked yet")


# Verdicts that say something about the badge itself. UNREACHABLE and PENDING say nothing: a
# network failure keeps the last definitive verdict visible.
DEFINITIVE_STATUSES = frozenset(
    {
        Status.VALID,
        Status.EXPIRED,
        Status.NOT_YET_VALID,
        Status.REVOKED,
        Status.SUSPENDED,
        Status.INVALID,
        Status.RECIPIENT_MISMATCH,
        Status.UNSUPPORTED,
    }
)


# Statuses that a passed expiry date turns into EXPIRED without asking the issuer.
EXPIRABLE_STATUSES = (Status.VALID, Status.NOT_YET_VALID, Status.PENDING)


class SourceKind(models.TextChoices):
    PNG = "png", _("Baked PNG image")
    SVG = "svg", _("Baked SVG image")
    JSON = "json", _("Pasted JSON")
    JWT = "jwt", _("Pasted JWT")
    URL = "url", _("Web address")


# Columns a list never needs (the verbatim document, the check details).
LIST_DEFER = ("raw_payload", "hosted_copy", "checks", "criteria_narrative", "evidence", "endorsements", "contained")


class BadgeQuerySet(models.QuerySet):
    def owned_by(self, user) -> BadgeQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def due_for_verification(self, now: datetime) -> BadgeQuerySet:
        return self.filter(next_check_at__lte=now).order_by("next_check_at")

    def expired_but_not_marked(self, now: datetime) -> BadgeQuerySet:
        """Past their expiry date and still shown as good (or as "could not re-check" a good one).

        Revoked, suspended and invalid verdicts win over expiry, so those are left alone.
        """
        showing_good = models.Q(status__in=EXPIRABLE_STATUSES) | models.Q(
            status=Status.UNREACHABLE, last_definitive_status__in=["", *EXPIRABLE_STATUSES]
        )
        return self.filter(showing_good, expires_on__lte=now).order_by("expires_on")

    def for_listing(self) -> BadgeQuerySet:
        """Without the columns no list (page or API) needs: the verbatim document can be large."""
        return self.defer(*LIST_DEFER)


def original_path(instance: Badge, filename: str) -> str:
    # Random names: a badge file's URL must not be guessable from its owner or title.
    suffix = {"png": ".png", "svg": ".svg"}.get(instance.source_kind, ".txt")
    return f"badges/original/{uuid.uuid4().hex}{suffix}"


def thumbnail_path(instance: Badge, filename: str) -> str:
    return f"badges/thumbs/{uuid.uuid4().hex}.png"


class Badge(models.Model):
    """One badge in one learner's wallet: the original kept byte for byte, plus what we parsed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badges")

    # What the learner handed us, never altered.
    source_kind = models.CharField(max_length=8, choices=SourceKind.choices)
    source_url = models.URLField(max_length=2000, blank=True)
    original_file = models.FileField(upload_to=original_path, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    original_sha256 = models.CharField(max_length=64, blank=True)
    # The authoritative payload (for hosted badges the copy fetched from the issuer).
    raw_payload = models.TextField(blank=True)
    # Identifies "the same badge" for duplicate detection: the assertion/credential id, else a hash.
    fingerprint = models.CharField(max_length=64)

    spec_version = models.CharField(max_length=8, blank=True)
    format = models.CharField(max_length=20, blank=True)
    badge_id = models.CharField(_("badge id"), max_length=2000, blank=True)
    badge_class_id = models.CharField(max_length=2000, blank=True)
    name = models.CharField(_("name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    criteria_url = models.URLField(max_length=2000, blank=True)
    criteria_narrative = models.TextField(blank=True)
    image_url = models.TextField(blank=True)
    thumbnail = models.FileField(upload_to=thumbnail_path, blank=True)
    issuer_id = models.CharField(max_length=2000, blank=True)
    issuer_name = models.CharField(_("issuer"), max_length=500, blank=True)
    issuer_url = models.URLField(max_length=2000, blank=True)
    issuer_email = models.EmailField(blank=True)
    issuer_image_url = models.TextField(blank=True)
    # Who the checks proved the issuer to be (a domain, or a DID), unlike the self-declared name and
    # homepage above; and the official name the operator's registry gives that identity, if any.
    verified_issuer = models.CharField(max_length=300, blank=True, db_index=True)
    registered_issuer_name = models.CharField(max_length=500, blank=True)
    issued_on = models.DateTimeField(_("issued on"), null=True, blank=True)
    expires_on = models.DateTimeField(_("expires on"), null=True, blank=True)
    # The learner's identity the badge matched (private: never shown on public pages).
    recipient_identity = models.CharField(max_length=500, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    alignments = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)

    # Verification state. `status` is the headline now; `last_definitive_*` is the last verdict
    # that said something about the badge (kept visible while the issuer is unreachable).
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    checks = models.JSONField(default=list, blank=True)
    # Third parties vouching for the badge, each checked on its own (endorsements.Endorsement.as_json).
    endorsements = models.JSONField(default=list, blank=True)
    # For a CLR: the achievements it holds, each verified (clr.Contained.as_json).
    contained = models.JSONField(default=list, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_definitive_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    last_definitive_at = models.DateTimeField(null=True, blank=True)
    # The checks of that verdict (with the revocation reason), shown beside a later unreachable attempt.
    last_definitive_checks = models.JSONField(default=list, blank=True)
    unreachable_since = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    next_check_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Issued to an address the learner has added but not confirmed: held (pending) until they do.
    awaiting_address = models.EmailField(blank=True)
    # The issuer's hosted copy of this badge's own assertion as last fetched, with its validators:
    # re-checks revalidate it with a conditional GET (badges/batch.py). Kept on the badge, not in
    # the shared document cache, because nothing else ever reads it.
    hosted_copy = models.TextField(blank=True)
    hosted_etag = models.CharField(max_length=500, blank=True)
    hosted_last_modified = models.CharField(max_length=100, blank=True)

    # Learners may hide revoked or expired badges from their public pages.
    hidden_from_public = models.BooleanField(default=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BadgeQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "fingerprint"], name="one_copy_of_a_badge_per_learner"),
        ]

    def __str__(self) -> str:
        return self.name or str(self.public_id)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on <= timezone.now()

    @property
    def status_now(self) -> str:
        """The status a viewer sees: the one definition for pages, the API, printouts and previews.

        While unreachable, the last definitive verdict (``status_note`` gives the dates) until the
        outage passes BADGE_UNVERIFIABLE_AFTER_DAYS, then "could not re-check" itself. A badge past
        its expiry date is expired even before the next scheduled check says so (never valid).
        """
        status = self.status
        if status == Status.UNREACHABLE and self.last_definitive_status and not self.is_unverifiable():
            status = self.last_definitive_status
        if status == Status.VALID and self.is_expired:
            return Status.EXPIRED
        return status

    @property
    def status_now_label(self) -> str:
        return str(Status(self.status_now).label)

    @property
    def status_note(self) -> str:
        """The dates behind an unreachable verdict, e.g. "Verified as of 2 Feb 2026; could not
        re-check since 3 Feb 2026". Empty when the status needs no explanation."""
        if self.status == Status.PENDING and self.unreachable_since is not None:
            since = date_format(timezone.localtime(self.unreachable_since), "DATE_FORMAT")
            return _("Not checked yet: the issuer has not answered since %(since)s.") % {"since": since}
        if self.status != Status.UNREACHABLE or self.unreachable_since is None:
            return ""
        since = date_format(timezone.localtime(self.unreachable_since), "DATE_FORMAT")
        if self.is_unverifiable():
            return _("Could not be verified since %(since)s.") % {"since": since}
        if not self.last_definitive_status or self.last_definitive_at is None:
            return _("Could not be checked yet; trying since %(since)s.") % {"since": since}
        return _("%(verdict)s as of %(date)s; could not re-check since %(since)s.") % {
            "verdict": Status(self.last_definitive_status).label,
            "date": date_format(timezone.localtime(self.last_definitive_at), "DATE_FORMAT"),
            "since": since,
        }

    @property
    def issuer_homepage_host(self) -> str:
        return host_of(self.issuer_url)

    @property
    def issuer_homepage_elsewhere(self) -> bool:
        """The self-declared homepage is not on the verified domain (an impostor's favourite trick)."""
        host = self.issuer_homepage_host
        return bool(host and self.verified_issuer) and not same_site(host, self.verified_issuer)

    def is_unverifiable(self, *, now: datetime | None = None) -> bool:
        """Unreachable for longer than BADGE_UNVERIFIABLE_AFTER_DAYS: no longer shown as verified."""
        if self.status != Status.UNREACHABLE or self.unreachable_since is None:
            return False
        return (now or timezone.now()) - self.unreachable_since >= timedelta(
            days=settings.BADGE_UNVERIFIABLE_AFTER_DAYS
        )


class Verification(models.Model):
    """One verification run of one badge, kept as history (why and when a verdict changed)."""

    class Trigger(models.TextChoices):
        IMPORT = "import", _("Import")
        SCHEDULE = "schedule", _("Scheduled re-check")
        MANUAL = "manual", _("Checked on request")
        EXPIRY = "expiry", _("Expiry date passed")

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="verifications")
    ran_at = models.DateTimeField(default=timezone.now, db_index=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=20, choices=Status.choices)
    previous_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    checks = models.JSONField(default=list)
    errors = models.JSONField(default=list, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # Why the verdict is what it is, in one line (the first failing check; English, for support staff).
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.badge_id}: {self.status} at {self.ran_at:%Y-%m-%d %H:%M}"

    @property
    def changed_status(self) -> bool:
        return bool(self.previous_status) and self.previous_status != self.status


class CachedDocument(models.Model):
    """Remote documents shared by every badge (badge classes, issuers, keys, status lists)."""

    url = models.TextField(unique=True)
    final_url = models.TextField(blank=True)
    body = models.BinaryField()
    content_type = models.CharField(max_length=200, blank=True)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.url


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def not_emailed(self) -> NotificationQuerySet:
        return self.filter(emailed_at__isnull=True)


class Notification(models.Model):
    """An in-app notice that one of a learner's badges changed; e-mailed in the daily digest."""

    class Kind(models.TextChoices):
        REVOKED = "revoked", _("Revoked by the issuer")
        SUSPENDED = "suspended", _("Suspended by the issuer")
        EXPIRED = "expired", _("Expired")
        INVALID = "invalid", _("Failed verification")
        UNVERIFIABLE = "unverifiable", _("Could not be verified for a long time")
        RECOVERED = "recovered", _("Verified again")
        EXPIRES_IN_30_DAYS = "expires_30", _("Expires within 30 days")
        EXPIRES_IN_7_DAYS = "expires_7", _("Expires within 7 days")
        EXPIRES_IN_1_DAY = "expires_1", _("Expires within a day")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_notifications")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Why, as the failing checks read when the notice was made ({"template", "params", "message"}
    # each), so the issuer's reason is told in the reader's language even after later checks.
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set when the digest that mentions it was sent (or skipped: no address). Null = still to send.
    emailed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.badge}"

    @property
    def is_expiry_warning(self) -> bool:
        return self.kind in EXPIRY_WARNINGS.values()

    def mark_read(self, *, now: datetime | None = None) -> None:
        """Marking read again keeps the first reading time."""
        if self.read_at is None:
            self.read_at = now or timezone.now()
            self.save(update_fields=["read_at"])


# Days before ``expires_on`` → the warning given then (each once per badge).
EXPIRY_WARNINGS = {
    30: Notification.Kind.EXPIRES_IN_30_DAYS,
    7: Notification.Kind.EXPIRES_IN_7_DAYS,
    1: Notification.Kind.EXPIRES_IN_1_DAY,
}


class KnownIssuer(models.Model):
    """The operator's registry of issuers whose identity is known: a verified domain or DID and
    the official name that goes with it. A badge proved to come from ``identity`` is shown as
    from a "registered issuer" under ``official_name``; any other is "self-declared"."""

    identity = models.CharField(
        _("domain or DID"),
        max_length=300,
        unique=True,
        help_text=_("A domain such as badges.u-tokyo.ac.jp (its subdomains count too), or a DID."),
    )
    official_name = models.CharField(_("official name"), max_length=500)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["official_name"]
        verbose_name = _("known issuer")
        verbose_name_plural = _("known issuers")

    def __str__(self) -> str:
        return f"{self.official_name} ({self.identity})"


class PendingImport(models.Model):
    """One import a learner asked for, run by a worker off the request path.

    The page and the API show it at once as "checking…" and follow it until it is done (the badge)
    or refused (the reason). What was handed in is kept only until the import has run.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        RUNNING = "running", _("Being checked with the issuer")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Not added")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_imports")
    label = models.CharField(max_length=300, blank=True)
    # Exactly one of these, as handed in (bytes of a file, a URL, pasted text); emptied once run.
    filename = models.CharField(max_length=255, blank=True)
    data = models.BinaryField(blank=True, default=b"")
    url = models.TextField(blank=True)
    payload = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    code = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    badge = models.ForeignKey(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label or self.public_id}: {self.state}"

    @property
    def is_pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
