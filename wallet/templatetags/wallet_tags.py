"""Status pills, sanitised Markdown and safe links for badge pages (badge text is third-party)."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from badges import presentation
from badges.models import Badge, Status

register = template.Library()

# Check messages are worded in badges/presentation.py, which the API uses too.
register.filter("check_message", presentation.check_message)
register.simple_tag(presentation.public_check_message, name="public_check_message")

GOOD = {Status.VALID}
BAD = {Status.EXPIRED, Status.REVOKED, Status.SUSPENDED, Status.INVALID, Status.RECIPIENT_MISMATCH}


def status_tone(status: str) -> str:
    if status in GOOD:
        return "ok"
    if status in BAD:
        return "bad"
    return "warn"


@register.inclusion_tag("wallet/_status_pill.html")
def status_pill(badge: Badge):
    """valid / expired / revoked…, or "could not re-check since <date>" while the issuer is down.

    The status is ``Badge.status_now`` (while unreachable the last definitive verdict stays
    visible, until BADGE_UNVERIFIABLE_AFTER_DAYS); the date says since when it is not re-checked.
    """
    status = badge.status_now
    since = badge.unreachable_since if badge.status == Status.UNREACHABLE else None
    return {
        "label": Status(status).label if status in Status.values else status,
        "tone": status_tone(status),
        "status": status,
        "since": since,
        # "could not re-check since …" says it all when there is no earlier verdict to show.
        "show_label": not (since and status == Status.UNREACHABLE),
    }


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else ""


@register.filter
def tone(status: str) -> str:
    return status_tone(status)


@register.filter
def markdown(text: str) -> str:
    """Markdown from an issuer, rendered then sanitised: only harmless tags survive."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, url_schemes={"http", "https", "mailto"}))  # sanitised just above


@register.filter
def http_url(value: str | None) -> str:
    """The value if it is an http(s) URL, else "" (no javascript: or data: links from badges)."""
    if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
        return value
    return ""
