"""Milestones worked out from a learner's badges, the yearly summary, reflections, export."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from badges.models import Badge, Status

from .models import Milestone, Reflection

COUNT_MILESTONES = (1, 2, 3, 5, 10, 20, 30, 50, 100, 200, 500, 1000)


def _fields_of(badge: Badge) -> list[str]:
    return [str(tag).strip()[:200] for tag in (badge.tags or []) if str(tag).strip()]


def milestones_reached(badges: list[Badge], *, now: datetime) -> list[Milestone]:
    """Every milestone these badges add up to, in the order they were reached (not saved)."""
    reached: list[Milestone] = []
    issuers: set[str] = set()
    fields: set[str] = set()
    ordered = sorted(badges, key=lambda b: (b.created_at, b.pk))
    for number, badge in enumerate(ordered, start=1):

        def add(kind: str, key: str, badge: Badge = badge) -> None:
            reached.append(
                Milestone(kind=kind, key=key, badge=badge, badge_name=badge.name[:500], reached_at=badge.created_at)
            )

        if number in COUNT_MILESTONES:
            add(Milestone.Kind.COUNT, str(number))
        issuer = (badge.issuer_name or "").strip()[:200]
        if issuer and issuer not in issuers:
            if issuers:  # the very first badge is its own milestone already
                add(Milestone.Kind.NEW_ISSUER, issuer)
            issuers.add(issuer)
        for name in _fields_of(badge):
            if name not in fields:
                if number > 1:
                    add(Milestone.Kind.NEW_FIELD, name)
                fields.add(name)
    if ordered:
        first = ordered[0].created_at
        years = (now - first).days // 365
        for year in range(1, years + 1):
            reached.append(
                Milestone(kind=Milestone.Kind.YEAR, key=str(year), reached_at=first + timedelta(days=365 * year))
            )
    return reached


@dataclass
class Progress:
    count: int
    newest: Badge | None
    new_milestones: list[Milestone] = field(default_factory=list)
    recent_milestones: list[Milestone] = field(default_factory=list)


def progress_for(user, badges: list[Badge], *, now: datetime | None = None) -> Progress:
    """The wallet home's opening: count, newest badge, and milestones reached but not yet shown.

    Records newly reached milestones and marks the shown ones seen, so each is celebrated exactly
    once; a fixed number of queries whatever the number of badges.
    """
    now = now or timezone.now()
    known = {(m.kind, m.key): m for m in Milestone.objects.filter(user=user)}
    fresh = [m for m in milestones_reached(badges, now=now) if (m.kind, m.key) not in known]
    for milestone in fresh:
        milestone.user = user
    if fresh:
        Milestone.objects.bulk_create(fresh, ignore_conflicts=True)
    all_milestones = sorted([*known.values(), *fresh], key=lambda m: m.reached_at, reverse=True)
    unseen = [m for m in all_milestones if m.seen_at is None]
    if unseen:
        Milestone.objects.filter(user=user, seen_at__isnull=True).update(seen_at=now)
    newest = max(badges, key=lambda b: (b.created_at, b.pk), default=None)
    return Progress(count=len(badges), newest=newest, new_milestones=unseen[:5], recent_milestones=all_milestones[:3])


# ---------------------------------------------------------------------------------------------
# 学びの1年 — one year in numbers
# ---------------------------------------------------------------------------------------------


def is_valid_now(badge: Badge) -> bool:
    return badge.status_now == Status.VALID


@dataclass
class YearSummary:
    year: int
    badges: list[Badge]
    valid_now: int
    issuers: list[tuple[str, int]]
    fields: list[tuple[str, int]]
    by_month: list[int]
    milestones: list[Milestone]

    @property
    def count(self) -> int:
        return len(self.badges)


def badge_date(badge: Badge) -> datetime:
    return timezone.localtime(badge.issued_on or badge.created_at)


def year_summary(user, year: int) -> YearSummary:
    """Badges earned in ``year`` (by issue date, else the day they were added) and how many are
    valid today — "valid" in the one sense viewers see (``Badge.status_now``)."""
    in_year = Q(issued_on__year=year) | Q(issued_on__isnull=True, created_at__year=year)
    badges = list(Badge.objects.owned_by(user).filter(in_year).order_by("issued_on", "created_at"))
    months = [0] * 12
    for badge in badges:
        months[badge_date(badge).month - 1] += 1
    milestones = [m for m in Milestone.objects.filter(user=user) if timezone.localtime(m.reached_at).year == year]
    return YearSummary(
        year=year,
        badges=badges,
        valid_now=sum(1 for b in badges if is_valid_now(b)),
        issuers=Counter(b.issuer_name for b in badges if b.issuer_name).most_common(),
        fields=Counter(name for b in badges for name in _fields_of(b)).most_common(10),
        by_month=months,
        milestones=milestones,
    )


def years_with_badges(user) -> list[int]:
    return sorted(
        {badge_date(b).year for b in Badge.objects.owned_by(user).only("issued_on", "created_at")}, reverse=True
    )


# ---------------------------------------------------------------------------------------------
# Reflections and the account export
# ---------------------------------------------------------------------------------------------


def public_reflection(badge: Badge) -> Reflection | None:
    """The reflection a viewer may read: only one the learner chose to show, and not empty."""
    reflection = Reflection.objects.filter(badge=badge, public=True).first()
    if reflection is None or reflection.is_empty:
        return None
    return reflection


def export_growth(*, user) -> dict[str, Any]:
    reflections = Reflection.objects.filter(badge__owner=user).select_related("badge").order_by("badge__created_at")
    return {
        "reflections": [
            {
                "badge": str(r.badge.public_id),
                "badge_name": r.badge.name,
                "what_i_did": r.did,
                "what_i_learned": r.learned,
                "whats_next": r.next_steps,
                "public": r.public,
                "in_submission_packs": r.in_packs,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in reflections
        ],
        "milestones": [
            {"kind": m.kind, "key": m.key, "badge_name": m.badge_name, "reached_at": m.reached_at.isoformat()}
            for m in Milestone.objects.filter(user=user).order_by("reached_at")
        ],
    }


def reflections_for_pack(badges) -> dict[int, dict[str, str]]:
    """The reflections to freeze into a submission pack, by badge id (one query): only those the
    learner marked for packs, and not empty."""
    chosen = Reflection.objects.filter(badge__in=list(badges), in_packs=True)
    return {
        r.badge_id: {"did": r.did, "learned": r.learned, "next_steps": r.next_steps} for r in chosen if not r.is_empty
    }


def reflection_for_pack(badge: Badge) -> dict[str, str] | None:
    return reflections_for_pack([badge]).get(badge.pk)
