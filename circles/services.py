"""Circle workflows: joining by a valid badge, keeping membership honest, posts, events, Q&A,
safety. Views and the API call these; each refusal is a ``CircleRefused`` with a translated message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.models import Badge, Status

from .keys import badge_class_key, host_of
from .models import (
    Answer,
    Block,
    Circle,
    CircleBadgeClass,
    CommunityProfile,
    DirectMessage,
    Event,
    Membership,
    Notice,
    Organiser,
    Post,
    Question,
    Report,
    Rsvp,
)


class CircleRefused(Exception):
    """Something we will not do, with a stable code and a message in the learner's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------------


def profile_of(user) -> CommunityProfile:
    profile = getattr(user, "_community_profile", None)
    if profile is None:
        profile, _created = CommunityProfile.objects.get_or_create(user=user)
        user._community_profile = profile
    return profile


def is_minor(user) -> bool:
    return user.is_authenticated and CommunityProfile.objects.filter(user=user, under_18=True).exists()


def organiser_of(user) -> Organiser | None:
    """The verified organisation behind this account, if the operator set one."""
    if not user.is_authenticated:
        return None
    return Organiser.objects.filter(user=user, verified=True).first()


def speaks_for(organiser: Organiser | None, circle: Circle) -> bool:
    """An organiser speaks for a circle when every one of its badge classes comes from an issuer
    (id or host) the operator listed for it."""
    if organiser is None:
        return False
    allowed = organiser.issuer_entries()
    classes = list(circle.badge_classes.all())
    return bool(classes) and all(_issued_by(entry, allowed) for entry in classes)


def _issued_by(entry: CircleBadgeClass, allowed: set[str]) -> bool:
    candidates = {entry.issuer_id.lower(), host_of(entry.issuer_id), host_of(entry.issuer_url)} - {""}
    return bool(candidates & allowed)


def membership_of(user, circle: Circle) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(circle=circle, user=user).first()


def active_member_count(circle: Circle) -> int:
    count = getattr(circle, "active_members", None)
    if count is None:
        count = circle.memberships.filter(state=Membership.State.ACTIVE).count()
    return count


def is_visible(circle: Circle) -> bool:
    """A circle opens when an organiser activates it or when enough holders have opted in."""
    return circle.activated_at is not None or active_member_count(circle) >= settings.CIRCLES_MIN_COUNT


def can_enter(user, circle: Circle, *, membership: Membership | None, organiser: Organiser | None) -> bool:
    """Members-only pages: an active member of an open circle, or an organiser speaking for it."""
    if speaks_for(organiser, circle):
        return True
    return membership is not None and membership.is_active and is_visible(circle)


# ---------------------------------------------------------------------------------------------
# Gating by current validity
# ---------------------------------------------------------------------------------------------

ENDING = {Status.REVOKED, Status.EXPIRED, Status.INVALID, Status.RECIPIENT_MISMATCH}


def viewer_status(badge: Badge) -> str:
    """The status a viewer sees now (the badge's one definition of it)."""
    return badge.status_now


def standing_of(badge: Badge) -> str:
    """What the badge means for circle membership: "active", "paused" or "ended"."""
    status = viewer_status(badge)
    if status == Status.VALID:
        return Membership.State.ACTIVE
    if status in ENDING:
        return Membership.State.ENDED
    return Membership.State.PAUSED


def sync_memberships_for_badge(badge: Badge, *, now: datetime | None = None) -> int:
    """Called after a badge's verdict is saved (circles.apps): revoked or no longer valid ends the
    memberships it carried, with a notice; suspended or unverifiable pauses them; valid again resumes
    a paused one. Returns how many memberships changed."""
    now = now or timezone.now()
    memberships = list(
        Membership.objects.filter(badge=badge, state__in=[Membership.State.ACTIVE, Membership.State.PAUSED])
    )
    if not memberships:
        return 0
    standing = standing_of(badge)
    changed = 0
    for membership in memberships:
        if membership.state == standing:
            continue
        if standing != Membership.State.ACTIVE and _carry_on_with_another_badge(membership, instead_of=badge):
            continue
        if standing == Membership.State.ENDED:
            revoked = viewer_status(badge) == Status.REVOKED
            kind = Notice.Kind.ENDED_REVOKED if revoked else Notice.Kind.ENDED_NOT_VALID
        elif standing == Membership.State.PAUSED:
            kind = Notice.Kind.PAUSED
        else:
            kind = Notice.Kind.RESUMED
        membership.state = standing
        membership.state_reason = viewer_status(badge)
        membership.save(update_fields=["state", "state_reason"])
        Notice.objects.create(user_id=membership.user_id, circle_id=membership.circle_id, kind=kind, created_at=now)
        changed += 1
    return changed


# ---------------------------------------------------------------------------------------------
# Circles for a badge, joining and leaving
# ---------------------------------------------------------------------------------------------


def _carry_on_with_another_badge(membership: Membership, *, instead_of: Badge) -> bool:
    """A member who holds another valid badge of the circle's classes stays, carried by that one."""
    other = qualifying_badge(membership.user, membership.circle, exclude=instead_of.pk)
    if other is None:
        return False
    Membership.objects.filter(pk=membership.pk).update(badge=other)
    return True


def badge_removed(*, badge: Badge) -> None:
    """The learner removed the badge: the memberships it carried move to another valid badge of
    the same classes, or end (no notice: the learner did it)."""
    for membership in Membership.objects.filter(
        badge=badge, state__in=[Membership.State.ACTIVE, Membership.State.PAUSED]
    ):
        if not _carry_on_with_another_badge(membership, instead_of=badge):
            Membership.objects.filter(pk=membership.pk).update(state=Membership.State.ENDED, state_reason="removed")


def circles_for_badge(badge: Badge) -> list[Circle]:
    """The circles this badge can open: its own badge-class circle (if made) and any programmes."""
    key = badge_class_key(badge)
    return list(Circle.objects.filter(badge_classes__class_key=key).with_member_counts().order_by("kind", "id"))


def badge_circle(badge: Badge) -> Circle:
    """The badge class's own circle, made the first time a holder asks for it."""
    key = badge_class_key(badge)
    existing = Circle.objects.filter(kind=Circle.Kind.BADGE_CLASS, badge_classes__class_key=key).first()
    if existing is not None:
        return existing
    name = badge.name or _("(untitled)")
    with transaction.atomic():
        circle = Circle.objects.create(
            kind=Circle.Kind.BADGE_CLASS,
            name=name[:200],
            issuer_name=badge.issuer_name[:500],
            purpose=_(
                "Holders of “%(badge)s” from %(issuer)s share information, give each other advice on their "
                "projects and meet up. Your nickname, your short introduction and what you post are shown to "
                "the other members only."
            )
            % {"badge": name, "issuer": badge.issuer_name or _("its issuer")},
        )
        CircleBadgeClass.objects.create(
            circle=circle,
            class_key=key,
            name=name[:500],
            issuer_id=badge.issuer_id[:2000],
            issuer_url=badge.issuer_url[:2000],
        )
    return circle


def qualifying_badge(user, circle: Circle, *, exclude: int | None = None) -> Badge | None:
    """One of the learner's badges that lets them into the circle now (valid), if any."""
    keys = set(circle.badge_classes.values_list("class_key", flat=True))
    for badge in Badge.objects.owned_by(user).exclude(pk=exclude).defer("raw_payload", "checks"):
        if badge_class_key(badge) in keys and standing_of(badge) == Membership.State.ACTIVE:
            return badge
    return None


def join_circle(
    *, user, circle: Circle, badge: Badge, nickname: str, intro: str = "", consent: bool, now: datetime | None = None
) -> Membership:
    """Join with a badge that is valid now, under a nickname, after agreeing to the circle's purpose."""
    now = now or timezone.now()
    if not consent:
        raise CircleRefused("consent_required", _("Please read the circle's purpose and agree to it to join."))
    nickname = " ".join(nickname.split())
    if not nickname:
        raise CircleRefused("nickname_required", _("Choose a nickname for this circle."))
    if "@" in nickname:
        raise CircleRefused("nickname_email", _("A nickname may not contain “@”: e-mail addresses are never shown."))
    if badge.owner_id != user.pk or badge_class_key(badge) not in set(
        circle.badge_classes.values_list("class_key", flat=True)
    ):
        raise CircleRefused("not_holder", _("This badge does not open this circle."))
    if standing_of(badge) != Membership.State.ACTIVE:
        raise CircleRefused("not_valid", _("Only holders of a badge that is valid now can join."))
    existing = membership_of(user, circle)
    if existing is not None and existing.state == Membership.State.REMOVED:
        raise CircleRefused("removed", _("An organiser removed you from this circle."))
    if Membership.objects.filter(circle=circle, nickname__iexact=nickname).exclude(user=user).exists():
        raise CircleRefused("nickname_taken", _("Another member uses this nickname. Please choose another."))
    fields = {
        "badge": badge,
        "nickname": nickname[:40],
        "intro": " ".join(intro.split())[:200],
        "state": Membership.State.ACTIVE,
        "state_reason": "",
        "consented_at": now,
    }
    try:
        with transaction.atomic():
            membership, _created = Membership.objects.update_or_create(circle=circle, user=user, defaults=fields)
    except IntegrityError:
        raise CircleRefused("nickname_taken", _("Another member uses this nickname. Please choose another."))
    return membership


def leave_circle(*, membership: Membership) -> None:
    """Leaving deletes the membership and with it the learner's posts, answers and RSVPs there."""
    membership.delete()


def update_membership(
    *, membership: Membership, nickname: str, intro: str, dm_enabled: bool, answers_public: bool
) -> Membership:
    nickname = " ".join(nickname.split())
    if not nickname:
        raise CircleRefused("nickname_required", _("Choose a nickname for this circle."))
    if "@" in nickname:
        raise CircleRefused("nickname_email", _("A nickname may not contain “@”: e-mail addresses are never shown."))
    clash = Membership.objects.filter(circle_id=membership.circle_id, nickname__iexact=nickname)
    if clash.exclude(pk=membership.pk).exists():
        raise CircleRefused("nickname_taken", _("Another member uses this nickname. Please choose another."))
    membership.nickname = nickname[:40]
    membership.intro = " ".join(intro.split())[:200]
    membership.dm_enabled = dm_enabled and not is_minor(membership.user)
    membership.answers_public = answers_public
    membership.save()
    return membership


def member_list(circle: Circle, *, viewer) -> list[Membership]:
    """Active members by nickname. Minors never appear; neither do members the viewer blocked."""
    blocked = Block.objects.filter(blocker=viewer).values("blocked") if viewer.is_authenticated else []
    return list(
        circle.memberships.filter(state=Membership.State.ACTIVE)
        .exclude(user__community__under_18=True)
        .exclude(user__in=blocked)
        .only("id", "nickname", "intro", "dm_enabled", "user_id", "circle_id")
        .order_by("nickname", "id")[: settings.CIRCLES_PAGE_SIZE * 10]
    )


# ---------------------------------------------------------------------------------------------
# Organisers
# ---------------------------------------------------------------------------------------------


def activate_circle(*, circle: Circle, organiser: Organiser, now: datetime | None = None) -> None:
    if not speaks_for(organiser, circle):
        raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
    if circle.activated_at is None:
        circle.activated_by = organiser
        circle.activated_at = now or timezone.now()
        circle.save(update_fields=["activated_by", "activated_at"])


def create_programme(*, organiser: Organiser, name: str, purpose: str, entries) -> Circle:
    """A programme circle over badge classes from the directory that the organiser speaks for."""
    name, purpose = name.strip(), purpose.strip()
    if not name or not purpose:
        raise CircleRefused("invalid", _("A programme needs a name and a purpose."))
    entries = list(entries)
    if not entries:
        raise CircleRefused("invalid", _("Choose at least one badge for the programme."))
    allowed = organiser.issuer_entries()
    with transaction.atomic():
        circle = Circle.objects.create(kind=Circle.Kind.PROGRAMME, name=name[:200], purpose=purpose[:1000])
        for entry in entries:
            row = CircleBadgeClass(
                circle=circle,
                class_key=entry.class_key,
                name=entry.name[:500],
                issuer_id=entry.issuer_id[:2000],
                issuer_url=entry.issuer_url[:2000],
            )
            if not _issued_by(row, allowed):
                raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
            row.save()
        circle.issuer_name = entries[0].issuer_name[:500]
        circle.activated_by, circle.activated_at = organiser, timezone.now()
        circle.save()
    return circle


def organiser_circles(organiser: Organiser) -> list[Circle]:
    """Circles whose badge classes the organisation issues (bounded: the first 200)."""
    allowed = organiser.issuer_entries()
    query = Q(pk__in=[])
    for entry in allowed:
        query |= Q(badge_classes__issuer_id__iexact=entry)
        query |= Q(badge_classes__issuer_id__icontains=f"://{entry}")
        query |= Q(badge_classes__issuer_url__icontains=f"://{entry}")
    circles = Circle.objects.filter(query).distinct().with_member_counts().prefetch_related("badge_classes")[:200]
    return [circle for circle in circles if speaks_for(organiser, circle)]


# ---------------------------------------------------------------------------------------------
# Posts
# ---------------------------------------------------------------------------------------------


def clean_text(text: str, *, limit: int) -> str:
    """Plain text only: control characters dropped (newlines kept), trimmed, bounded. Shown escaped."""
    kept = "".join(ch for ch in text if ch in "\n\t" or ch >= " ")
    return kept.strip()[:limit]


def _check_rate(count: int, limit: int) -> None:
    if count >= limit:
        raise CircleRefused("rate_limited", _("You are posting too fast. Please wait a while and try again."))


def create_post(
    *,
    circle: Circle,
    body: str,
    membership: Membership | None = None,
    organiser: Organiser | None = None,
    pinned: bool = False,
    now: datetime | None = None,
) -> Post:
    now = now or timezone.now()
    body = clean_text(body, limit=2000)
    if not body:
        raise CircleRefused("empty", _("Write something first."))
    if organiser is not None:
        if not speaks_for(organiser, circle):
            raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
        recent = Post.objects.filter(organiser=organiser, created_at__gte=now - timedelta(hours=1)).count()
    else:
        if (
            membership is None
            or not membership.is_active
            or not is_visible(circle)
            or membership.circle_id != circle.pk
        ):
            raise CircleRefused("not_member", _("Only members of this circle can post."))
        pinned = False  # announcements are the organisers'
        recent = Post.objects.filter(membership=membership, created_at__gte=now - timedelta(hours=1)).count()
    _check_rate(recent, settings.CIRCLES_POSTS_PER_HOUR)
    return Post.objects.create(
        circle=circle,
        membership=membership if organiser is None else None,
        organiser=organiser,
        body=body,
        pinned=pinned,
        created_at=now,
        expires_at=now + timedelta(days=settings.CIRCLES_POST_RETENTION_DAYS),
    )


def visible_posts(circle: Circle, *, viewer, limit: int | None = None) -> list[Post]:
    """Newest first, pinned announcements on top; hidden, expired and blocked authors' posts left out."""
    now = timezone.now()
    posts = (
        circle.posts.filter(hidden=False)
        .filter(Q(pinned=True) | Q(expires_at__gt=now))
        .select_related("membership", "organiser")
    )
    if viewer.is_authenticated:
        posts = posts.exclude(membership__user__in=Block.objects.filter(blocker=viewer).values("blocked"))
    return list(posts[: limit or settings.CIRCLES_PAGE_SIZE])


def set_pinned(*, post: Post, organiser: Organiser, pinned: bool) -> None:
    if not speaks_for(organiser, post.circle):
        raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
    post.pinned = pinned
    post.save(update_fields=["pinned"])


def expire_posts(*, now: datetime | None = None) -> int:
    """Delete posts older than their 12 months, except pinned ones. Idempotent."""
    now = now or timezone.now()
    deleted, _rows = Post.objects.filter(pinned=False, expires_at__lte=now).delete()
    return deleted


# ---------------------------------------------------------------------------------------------
# Events, RSVPs and check-in
# ---------------------------------------------------------------------------------------------


def create_event(*, circle: Circle, organiser: Organiser, **fields) -> Event:
    if not speaks_for(organiser, circle):
        raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
    if fields["ends_at"] <= fields["starts_at"]:
        raise CircleRefused("invalid", _("An event must end after it starts."))
    if not 1 <= fields.get("capacity", 30) <= settings.CIRCLES_MAX_EVENT_CAPACITY:
        raise CircleRefused(
            "invalid", _("Capacity must be between 1 and %(max)s.") % {"max": settings.CIRCLES_MAX_EVENT_CAPACITY}
        )
    return Event.objects.create(circle=circle, organiser=organiser, **fields)


def going_count(event: Event) -> int:
    return event.rsvps.filter(answer=Rsvp.Answer.GOING).count()


def rsvp(*, event: Event, membership: Membership, going: bool) -> Rsvp:
    """Say you are going (while places last) or not going any more."""
    if not membership.is_active or membership.circle_id != event.circle_id:
        raise CircleRefused("not_member", _("Only members of this circle can answer."))
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        answer = Rsvp.objects.filter(event=locked, membership=membership).first()
        if not going:
            if answer is not None:
                answer.answer = Rsvp.Answer.CANCELLED
                answer.save(update_fields=["answer"])
                return answer
            return Rsvp.objects.create(event=locked, membership=membership, answer=Rsvp.Answer.CANCELLED)
        if answer is not None and answer.answer == Rsvp.Answer.GOING:
            return answer
        if going_count(locked) >= locked.capacity:
            raise CircleRefused("full", _("This event is full."))
        if answer is None:
            return Rsvp.objects.create(event=locked, membership=membership, answer=Rsvp.Answer.GOING)
        answer.answer = Rsvp.Answer.GOING
        answer.save(update_fields=["answer"])
        return answer


def checkin_window(event: Event) -> tuple[datetime, datetime]:
    margin = timedelta(hours=settings.CIRCLES_CHECKIN_MARGIN_HOURS)
    return event.starts_at - margin, event.ends_at + margin


def check_in(*, event: Event, user, now: datetime | None = None) -> Rsvp:
    """The member scanned the venue's code. Members who did not RSVP are welcome while places last.
    With an attendance badge, the credential is issued and lands in their wallet, verified."""
    now = now or timezone.now()
    opens, closes = checkin_window(event)
    if not opens <= now <= closes:
        raise CircleRefused("closed", _("Check-in for this event is not open now."))
    membership = membership_of(user, event.circle)
    if membership is None or not membership.is_active:
        raise CircleRefused("not_member", _("Only members of this circle can check in."))
    answer = Rsvp.objects.filter(event=event, membership=membership, answer=Rsvp.Answer.GOING).first()
    if answer is None:
        answer = rsvp(event=event, membership=membership, going=True)
    if answer.checked_in_at is None:
        answer.checked_in_at = now
        answer.save(update_fields=["checked_in_at"])
    if event.attendance_badge and answer.attendance_badge_id is None:
        from .attendance import issue_attendance_badge

        issue_attendance_badge(rsvp=answer, now=now)
    return answer


# ---------------------------------------------------------------------------------------------
# Ask a holder
# ---------------------------------------------------------------------------------------------


def ask_question(*, circle: Circle, user, body: str, now: datetime | None = None) -> Question:
    now = now or timezone.now()
    if not user.is_authenticated:
        raise CircleRefused("not_authenticated", _("Sign in to ask a question."))
    body = clean_text(body, limit=500)
    if not body:
        raise CircleRefused("empty", _("Write your question first."))
    recent = Question.objects.filter(asker=user, created_at__gte=now - timedelta(hours=1)).count()
    _check_rate(recent, settings.CIRCLES_QUESTIONS_PER_HOUR)
    return Question.objects.create(circle=circle, asker=user, body=body, created_at=now)


def answer_question(*, question: Question, membership: Membership, body: str) -> Answer:
    if not membership.is_active or membership.circle_id != question.circle_id:
        raise CircleRefused("not_member", _("Only members of this circle can answer."))
    body = clean_text(body, limit=1000)
    if not body:
        raise CircleRefused("empty", _("Write something first."))
    recent = Answer.objects.filter(membership=membership, created_at__gte=timezone.now() - timedelta(hours=1))
    _check_rate(recent.count(), settings.CIRCLES_POSTS_PER_HOUR)
    return Answer.objects.create(question=question, membership=membership, body=body)


def public_questions(circle: Circle) -> list[Question]:
    """What a prospective learner reads: questions with the answers their authors allowed to show
    (never a minor's), under the member's nickname only."""
    from django.db.models import Prefetch

    shown = Answer.objects.filter(
        hidden=False, membership__answers_public=True, membership__state=Membership.State.ACTIVE
    ).exclude(membership__user__community__under_18=True)
    return list(
        circle.questions.filter(hidden=False)
        .prefetch_related(Prefetch("answers", queryset=shown.select_related("membership"), to_attr="shown_answers"))
        .order_by("-created_at", "-id")[: settings.CIRCLES_PAGE_SIZE]
    )


# ---------------------------------------------------------------------------------------------
# Safety: reports, moderation, blocks, direct messages, minors
# ---------------------------------------------------------------------------------------------


def report(*, circle: Circle, reporter, reason: str, **target) -> Report:
    reason = clean_text(reason, limit=500)
    if not reason:
        raise CircleRefused("empty", _("Say briefly what is wrong."))
    recent = Report.objects.filter(reporter=reporter, created_at__gte=timezone.now() - timedelta(hours=1)).count()
    _check_rate(recent, settings.CIRCLES_POSTS_PER_HOUR)
    return Report.objects.create(circle=circle, reporter=reporter, reason=reason, **target)


def moderation_queue(circle: Circle) -> list[Report]:
    return list(
        circle.reports.filter(resolution=Report.Resolution.OPEN)
        .select_related("post", "member", "question", "answer")
        .order_by("created_at", "id")[:100]
    )


def resolve_report(*, report: Report, organiser: Organiser, action: str, now: datetime | None = None) -> None:
    """``action``: "hide" (the reported content), "remove" (the member) or "dismiss"."""
    if not speaks_for(organiser, report.circle):
        raise CircleRefused("not_organiser", _("Your organisation does not speak for this circle's badges."))
    now = now or timezone.now()
    with transaction.atomic():
        if action == "hide":
            for item in (report.post, report.question, report.answer):
                if item is not None:
                    item.hidden = True
                    item.save(update_fields=["hidden"])
            report.resolution = Report.Resolution.HIDDEN
        elif action == "remove":
            member = report.member or (report.post.membership if report.post else None)
            member = member or (report.answer.membership if report.answer else None)
            if member is None:
                raise CircleRefused("invalid", _("There is no member to remove in this report."))
            member.state = Membership.State.REMOVED
            member.save(update_fields=["state"])
            Notice.objects.create(user_id=member.user_id, circle_id=member.circle_id, kind=Notice.Kind.REMOVED)
            report.resolution = Report.Resolution.REMOVED
        elif action == "dismiss":
            report.resolution = Report.Resolution.DISMISSED
        else:
            raise CircleRefused("invalid", _("Unknown moderation action."))
        report.resolved_at = now
        report.save(update_fields=["resolution", "resolved_at"])


def block(*, blocker, blocked) -> None:
    if blocker.pk != blocked.pk:
        Block.objects.get_or_create(blocker=blocker, blocked=blocked)


def is_blocked_between(a, b) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def can_message(sender: Membership, recipient: Membership) -> bool:
    """Direct messages only between two active members of the same circle who both turned them on,
    never with a minor, never across a block."""
    return (
        sender.circle_id == recipient.circle_id
        and sender.pk != recipient.pk
        and sender.is_active
        and recipient.is_active
        and sender.dm_enabled
        and recipient.dm_enabled
        and not is_minor(sender.user)
        and not is_minor(recipient.user)
        and not is_blocked_between(sender.user, recipient.user)
    )


def send_message(*, sender: Membership, recipient: Membership, body: str) -> DirectMessage:
    if not can_message(sender, recipient):
        raise CircleRefused(
            "dm_not_allowed", _("Direct messages need both members to turn them on (never for under-18 accounts).")
        )
    body = clean_text(body, limit=2000)
    if not body:
        raise CircleRefused("empty", _("Write something first."))
    recent = DirectMessage.objects.filter(sender=sender, created_at__gte=timezone.now() - timedelta(hours=1)).count()
    _check_rate(recent, settings.CIRCLES_POSTS_PER_HOUR)
    return DirectMessage.objects.create(circle_id=sender.circle_id, sender=sender, recipient=recipient, body=body)


def conversation(a: Membership, b: Membership) -> list[DirectMessage]:
    return list(
        DirectMessage.objects.filter(Q(sender=a, recipient=b) | Q(sender=b, recipient=a)).order_by("created_at", "id")[
            :200
        ]
    )


def set_community_settings(*, user, under_18: bool, share_in_suggestions: bool) -> CommunityProfile:
    """Saving "under 18" also turns off direct messages in every circle and makes public portfolios
    unlisted (circles.apps keeps them from turning public again)."""
    profile = profile_of(user)
    profile.under_18 = under_18
    profile.share_in_suggestions = share_in_suggestions
    profile.save()
    if under_18:
        from wallet.models import Portfolio

        Membership.objects.filter(user=user).update(dm_enabled=False)
        Portfolio.objects.filter(owner=user, visibility=Portfolio.Visibility.PUBLIC).update(
            visibility=Portfolio.Visibility.UNLISTED
        )
    return profile


def unread_notices(user) -> list[Notice]:
    return list(Notice.objects.filter(user=user, read_at__isnull=True).select_related("circle")[:50])


# ---------------------------------------------------------------------------------------------
# Account export and deletion (registered with accounts.services in circles.apps)
# ---------------------------------------------------------------------------------------------


def export_circles(*, user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("circle")
    profile = CommunityProfile.objects.filter(user=user).first()
    return {
        "circles": {
            "settings": {
                "under_18": bool(profile and profile.under_18),
                "share_in_suggestions": bool(profile and profile.share_in_suggestions),
            },
            "memberships": [
                {
                    "circle": m.circle.name,
                    "nickname": m.nickname,
                    "intro": m.intro,
                    "state": m.state,
                    "joined_at": m.joined_at.isoformat(),
                    "consented_at": m.consented_at.isoformat(),
                    "posts": [{"body": p.body, "created_at": p.created_at.isoformat()} for p in m.posts.order_by("id")],
                    "answers": [
                        {"question": a.question.body, "body": a.body}
                        for a in m.answers.select_related("question").order_by("id")
                    ],
                    "rsvps": [
                        {
                            "event": r.event.title,
                            "answer": r.answer,
                            "checked_in_at": r.checked_in_at.isoformat() if r.checked_in_at else None,
                        }
                        for r in m.rsvps.select_related("event").order_by("id")
                    ],
                    "messages_sent": [
                        {"body": d.body, "created_at": d.created_at.isoformat()} for d in m.sent_messages.order_by("id")
                    ],
                }
                for m in memberships
            ],
            "questions": [
                {"circle": q.circle.name, "body": q.body, "created_at": q.created_at.isoformat()}
                for q in Question.objects.filter(asker=user).select_related("circle").order_by("id")
            ],
            "reports": [
                {"reason": r.reason, "created_at": r.created_at.isoformat()}
                for r in Report.objects.filter(reporter=user).order_by("id")
            ],
        }
    }


def delete_circle_data(*, user) -> None:
    """Everything of the learner's in circles goes with the account (the cascades do most of it)."""
    Membership.objects.filter(user=user).delete()
    Question.objects.filter(asker=user).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
