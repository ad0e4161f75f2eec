"""`make run`'s circles demo: an organiser, an activated circle of a demo badge and a meet-up."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from circles import services
from circles.models import Circle, DirectoryEntry, Event

pytestmark = pytest.mark.django_db


def test_the_circles_demo_is_ready_for_journey_seven_and_idempotent():
    call_command("load_demo_data", verbosity=0)
    call_command("load_circles_demo", verbosity=0)
    call_command("load_circles_demo", verbosity=0)

    circle = Circle.objects.get()
    assert circle.name == "データサイエンス入門" and services.is_visible(circle)
    assert Event.objects.get().attendance_badge
    assert DirectoryEntry.objects.count() >= 4
