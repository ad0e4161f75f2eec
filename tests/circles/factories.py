"""Holders, organisers and circles for the circle tests (badges made directly in the database)."""

from __future__ import annotations

import itertools

from django.utils import timezone

from badges.models import Status
from circles import services
from circles.models import Organiser
from tests.conftest import make_learner
from tests.factories import make_badge

CLASS_ID = "https://learning.example.jp/badges/translation"
ISSUER_ID = "https://learning.example.jp/issuer"
_people = itertools.count(1)


def holder_badge(user, *, class_id: str = CLASS_ID, name: str = "Translation volunteer", status=Status.VALID, **fields):
    """A badge of the given class in ``user``'s wallet."""
    fields.setdefault("issuer_name", "Shizuoka Learning Centre")
    fields.setdefault("issuer_id", ISSUER_ID)
    fields.setdefault("issuer_url", "https://learning.example.jp/")
    return make_badge(user, name=name, badge_class_id=class_id, status=status, **fields)


def new_holder(*, class_id: str = CLASS_ID, status=Status.VALID, email: str | None = None, **fields):
    n = next(_people)
    user = make_learner(email or f"holder{n}@example.org", display_name=f"Holder {n}")
    return user, holder_badge(user, class_id=class_id, status=status, **fields)


def join(user, badge, *, nickname: str | None = None, circle=None):
    circle = circle or services.badge_circle(badge)
    return services.join_circle(
        user=user, circle=circle, badge=badge, nickname=nickname or f"nick-{user.pk}", consent=True
    )


def open_circle(members: int = 5, *, class_id: str = CLASS_ID):
    """A circle that opened by itself: ``members`` holders joined. Returns (circle, [(user, membership)])."""
    joined = []
    circle = None
    for _ in range(members):
        user, badge = new_holder(class_id=class_id)
        membership = join(user, badge, circle=circle)
        circle = membership.circle
        joined.append((user, membership))
    return circle, joined


def make_organiser(email: str = "centre@example.org", *, issuers: str = "learning.example.jp") -> Organiser:
    user = make_learner(email, display_name="Centre staff")
    return Organiser.objects.create(
        user=user, organisation_name="Shizuoka Learning Centre", verified=True, issuers=issuers
    )


def make_event(circle, organiser, *, starts_in_hours: float = 1, attendance_badge: bool = True, capacity: int = 30):
    from datetime import timedelta

    start = timezone.now() + timedelta(hours=starts_in_hours)
    return services.create_event(
        circle=circle,
        organiser=organiser,
        title="Autumn meet-up",
        description="Tea and talk.",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="Shizuoka, Aoi-ku",
        online_url="",
        capacity=capacity,
        attendance_badge=attendance_badge,
    )
