"""How a stored check reads to a person: shared by the badge pages (wallet_tags) and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Badge
from .services import translate


def check_message(check: dict) -> str:
    """A stored check's message in the viewer's language."""
    if check.get("template"):
        return translate(check["template"], check.get("params") or {})
    return check.get("message", "")


def public_check_message(check: dict, badge: Badge) -> str:
    """A check's message for strangers: the recipient's address is private, so never shown."""
    if check.get("name") == "recipient":
        if check.get("result") == "pass":
            return _("The badge was issued to this learner (their address is kept private).")
        return _("The badge's recipient could not be confirmed.")
    message = check_message(check)
    for private in {badge.recipient_identity, badge.owner.email} - {""}:
        message = message.replace(private, "…")
    return message
