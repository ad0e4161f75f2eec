"""Status pills, sanitised Markdown and safe links for badge pages (badge text is third-party)."""

from __future__ import annotations

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from badges import presentation
from badges.models import Badge, Status
from wallet.services import status_now

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

    While unreachable the last definitive verdict stays visible (a revoked badge stays revoked),
    except after BADGE_UNVERIFIABLE_AFTER_DAYS, when a once-valid badge is no longer called valid.
    """
    status = status_now(badge)
    since = badge.unreachable_since if badge.status == Status.UNREACHABLE else None
    if since and status == Status.VALID and badge.is_unverifiable():
        status = Status.UNREACHABLE
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
