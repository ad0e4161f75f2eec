"""まなび仲間: holder circles, their members, posts, events and Q&A; the "next badge" directory.

Privacy rules that shape these tables: a member is known only by a circle nickname (never the
e-mail), counts below CIRCLES_MIN_COUNT are never shown exactly, and everything that belongs to a
learner cascades away with the account.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.models import Badge


def new_token() -> str:
    # Circle links and check-in codes must not be guessable.
    return secrets.token_urlsafe(12)


class CommunityProfile(models.Model):
    """A learner's community settings (one row, made on first use)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community")
    # Minors: no direct messages, hidden from member lists, portfolios never public.
    under_18 = models.BooleanField(_("I am under 18"), default=False)
    # Opt-in: the learner's badges count towards "holders of X also earned Y" (k-anonymous).
    share_in_suggestions = models.BooleanField(_("Count my badges in “also earned” suggestions"), default=False)

    def __str__(self) -> str:
        return f"community settings of {self.user_id}"


class Organiser(models.Model):
    """A verified organisation's account, set by the operator in the admin. It speaks for the
    issuers listed (issuer ids or host names, one per line) and may activate and run their circles."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organiser")
    organisation_name = models.CharField(_("organisation"), max_length=200)
    verified = models.BooleanField(_("verified organisation"), default=False)
    issuers = models.TextField(
        _("issuer ids or hosts it speaks for"), blank=True, help_text=_("One per line, e.g. learning.example.jp")
    )

    def __str__(self) -> str:
        return self.organisation_name

    def issuer_entries(self) -> set[str]:
        return {line.strip().lower() for line in self.issuers.splitlines() if line.strip()}


class CircleQuerySet(models.QuerySet):
    def with_member_counts(self) -> CircleQuerySet:
        return self.annotate(
            active_members=models.Count("memberships", filter=models.Q(memberships__state=Membership.State.ACTIVE))
        )


class Circle(models.Model):
    """One circle per badge class (made when its first holder opts in) or per programme (a set of
    badge classes an organiser declares)."""

    class Kind(models.TextChoices):
        BADGE_CLASS = "badge_class", _("Holders of one badge")
        PROGRAMME = "programme", _("A programme of badges")

    slug = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BADGE_CLASS)
    name = models.CharField(_("name"), max_length=200)
    # APPI: what the circle is for, stated on the consent screen before anyone joins.
    purpose = models.TextField(_("purpose"), max_length=1000)
    issuer_name = models.CharField(max_length=500, blank=True)
    activated_by = models.ForeignKey(
        Organiser, null=True, blank=True, on_delete=models.SET_NULL, related_name="activated_circles"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CircleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class CircleBadgeClass(models.Model):
    """A badge class whose valid holders may join the circle (``class_key``: see circles.keys)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="badge_classes")
    class_key = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=500, blank=True)
    issuer_id = models.CharField(max_length=2000, blank=True)
    issuer_url = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["circle", "class_key"], name="a_badge_class_once_per_circle")]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Member")
        # The badge is suspended or could not be verified for a long time: back when it is valid again.
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")
        REMOVED = "removed", _("Removed by the organiser")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_memberships")
    # The badge that lets the learner in; re-verification of it keeps the membership honest.
    badge = models.ForeignKey(Badge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    nickname = models.CharField(_("nickname in this circle"), max_length=40)
    intro = models.CharField(_("short introduction"), max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    state_reason = models.CharField(max_length=200, blank=True)
    dm_enabled = models.BooleanField(_("Accept direct messages from members who accept them too"), default=False)
    answers_public = models.BooleanField(_("Show my answers on the public “Ask a holder” page"), default=False)
    consented_at = models.DateTimeField()
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nickname", "id"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "user"], name="one_membership_per_circle"),
        ]

    def __str__(self) -> str:
        return self.nickname

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class Notice(models.Model):
    """An in-app notice about the learner's circles (membership ended or paused, removed…)."""

    class Kind(models.TextChoices):
        ENDED_REVOKED = "ended_revoked", _("Your membership ended: the badge was revoked")
        ENDED_NOT_VALID = "ended_not_valid", _("Your membership ended: the badge is no longer valid")
        PAUSED = "paused", _("Your membership is paused until the badge can be verified again")
        RESUMED = "resumed", _("Your membership is active again")
        REMOVED = "removed", _("An organiser removed you from the circle")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_notices")
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.circle_id})"


def default_post_expiry() -> datetime:
    return timezone.now() + timedelta(days=365)


class Post(models.Model):
    """Plain text (links made clickable when shown). Pinned announcements never expire."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="posts")
    # Exactly one author: a member (shown by nickname) or an organiser (shown by organisation).
    membership = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="posts")
    organiser = models.ForeignKey(Organiser, null=True, blank=True, on_delete=models.CASCADE, related_name="posts")
    body = models.TextField(_("message"), max_length=2000)
    pinned = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(default=default_post_expiry, db_index=True)

    class Meta:
        ordering = ["-pinned", "-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def author_label(self) -> str:
        if self.organiser_id:
            return self.organiser.organisation_name
        return self.membership.nickname if self.membership_id else str(_("A former member"))


class Event(models.Model):
    """A meet-up, online or in person, run by an organiser of the circle."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="events")
    organiser = models.ForeignKey(Organiser, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), max_length=500, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), default=30)
    attendance_badge = models.BooleanField(_("Give checked-in members an attendance badge"), default=False)
    checkin_token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title


class Rsvp(models.Model):
    class Answer(models.TextChoices):
        GOING = "going", _("Going")
        CANCELLED = "cancelled", _("Not going")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="rsvps")
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.GOING)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # The attendance credential, once issued and imported into the member's wallet.
    attendance_badge = models.ForeignKey(Badge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "membership"], name="one_rsvp_per_member")]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.event_id}: {self.answer}"


class Question(models.Model):
    """ "Ask a holder": a public question from a signed-in learner (shown without any name)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="questions")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_questions")
    body = models.TextField(_("question"), max_length=500)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.body[:40]


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(_("answer"), max_length=1000)
    hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class Report(models.Model):
    """A member's report of a post, a member, a question or an answer; organisers work the queue."""

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        HIDDEN = "hidden", _("Content hidden")
        REMOVED = "removed", _("Member removed")
        DISMISSED = "dismissed", _("Dismissed")

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_reports")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    member = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    answer = models.ForeignKey(Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("what is wrong"), max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, default=Resolution.OPEN, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.reason[:40]


class Block(models.Model):
    """The blocker no longer sees the blocked learner's posts, and neither can message the other."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="circle_blocks")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class DirectMessage(models.Model):
    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="sent_messages")
    recipient = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="received_messages")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


# ---------------------------------------------------------------------------------------------
# The "next badge" directory: rebuilt by a Celery task from the badges held in Manabi
# ---------------------------------------------------------------------------------------------


class DirectoryEntry(models.Model):
    """A badge class that at least one learner holds, valid, in Manabi. Public and indexable:
    only what the issuer published about the class, never anything about a holder."""

    class_key = models.CharField(max_length=64, unique=True)
    issuer_key = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    criteria_url = models.CharField(max_length=2000, blank=True)
    criteria_narrative = models.TextField(blank=True)
    issuer_id = models.CharField(max_length=2000, blank=True)
    issuer_name = models.CharField(max_length=500, blank=True)
    issuer_url = models.CharField(max_length=2000, blank=True)
    # A badge whose thumbnail pictures the class (the issuer's image, resized when imported).
    image_badge = models.ForeignKey(Badge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    holders = models.PositiveIntegerField(default=0)
    # Lower-cased, NFKC-normalised name + issuer + description, for ja/en substring search.
    search_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-holders", "name", "id"]
        # The directory's first pages (no query) read straight from this index.
        indexes = [models.Index(models.F("holders").desc(), "name", "id", name="directory_by_holders")]

    def __str__(self) -> str:
        return self.name


class AlsoEarned(models.Model):
    """Holders of ``source`` also earned ``target``: only pairs co-held by at least k opted-in learners."""

    source = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="also_earned")
    target = models.ForeignKey(DirectoryEntry, on_delete=models.CASCADE, related_name="+")
    holders = models.PositiveIntegerField()

    class Meta:
        ordering = ["-holders", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="one_suggestion_per_pair")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id} ({self.holders})"
