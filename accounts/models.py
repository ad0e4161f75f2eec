"""The learner. Sign-up fields are wired in settings (ACCOUNT_SIGNUP_FIELDS) and accounts/adapters.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


def avatar_path(instance: User, filename: str) -> str:
    # The random file name keeps avatars unguessable and free of the learner's own file names.
    import uuid

    return f"avatars/{uuid.uuid4().hex}.png"


class User(AbstractUser):
    """A learner, identified by e-mail. Further addresses live in allauth's EmailAddress table."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    # Shown on public pages instead of the e-mail, which never appears there. May be a nickname.
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    bio = models.TextField(_("short introduction"), max_length=500, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class DigestFrequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly (Mondays)")
        NEVER = "never", _("Never (no e-mails)")

    # How often news about badges is e-mailed; the notices page shows everything regardless.
    digest_frequency = models.CharField(
        _("e-mails about your badges"), max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.DAILY
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """What strangers see: the display name, or a neutral fallback, never the e-mail."""
        return self.display_name or self.first_name or str(_("Manabi learner"))

    def verified_emails(self) -> list[str]:
        """Every address this account has verified, now or before (``verified_emails_of``)."""
        return verified_emails_of([self.pk]).get(self.pk, [])

    def unverified_emails(self) -> list[str]:
        return list(self.emailaddress_set.filter(verified=False).values_list("email", flat=True))


class VerifiedAddress(models.Model):
    """When the learner had an address verified: from confirmation until removal (open while current)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_addresses")
    email = models.EmailField()
    verified_from = models.DateTimeField()
    verified_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["verified_from", "id"]

    def __str__(self) -> str:
        return f"{self.email} {self.verified_from:%Y-%m-%d}–{self.verified_until or ''}"


class PersonalAccessTokenQuerySet(models.QuerySet):
    def owned_by(self, user) -> PersonalAccessTokenQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class PersonalAccessToken(models.Model):
    """An API key a learner made for a script or an app. Only its SHA-256 is stored: the token
    itself is shown once, when it is created (accounts/tokens.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a learner can tell tokens apart ("mnb_AbC1…") without the secret.
    prefix = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    objects = PersonalAccessTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def verified_emails_of(user_ids) -> dict[int, list[str]]:
    """Every address each account has verified, now or before, sorted, in one query: a school
    address removed at graduation still identifies the badges issued to it (VerifiedAddress keeps
    the history)."""
    from allauth.account.models import EmailAddress

    ids = set(user_ids)
    # No ordering in either half: SQLite refuses ORDER BY inside a UNION's parts.
    current = EmailAddress.objects.filter(user_id__in=ids, verified=True).order_by().values_list("user_id", "email")
    past = VerifiedAddress.objects.filter(user_id__in=ids).order_by().values_list("user_id", "email")
    found: dict[int, set[str]] = {}
    for user_id, email in current.union(past):
        found.setdefault(user_id, set()).add(email)
    return {user_id: sorted(emails) for user_id, emails in found.items()}
