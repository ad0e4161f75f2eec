"""Reading frozen pack copies in templates: stored ISO dates, and a status icon for print."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime

from badges.models import Status

register = template.Library()

ICONS = {Status.VALID: "✓", Status.EXPIRED: "✗", Status.REVOKED: "✗", Status.SUSPENDED: "✗", Status.INVALID: "✗"}


@register.filter
def iso_datetime(value: str | None) -> datetime | None:
    """A stored ISO timestamp as a datetime, so ``|date`` shows it in the site's time zone."""
    return parse_datetime(value) if value else None


@register.filter
def status_icon(status: str) -> str:
    """A shape that survives black-and-white printing: ✓ valid, ✗ not valid, ! not known."""
    return ICONS.get(status, "!")
