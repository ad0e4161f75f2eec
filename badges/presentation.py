"""How verification reads to people: core messages in the viewer's language, stored checks on
badge pages (wallet_tags) and in the API, and the JSON shape of a result (CLI and API)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from badges.openbadges.i18n import Message, format_message
from badges.openbadges.result import VerificationResult

from .models import Badge


def translate(template: str, params: dict[str, Any] | None = None) -> str:
    """A core message (English template marked with gettext_noop) in the active language.

    Parameters may be nested messages (a check's "reason": a ``Message`` or its stored form
    ``{"template", "params"}``), translated the same way, or marked phrases ("key document");
    anything else (URLs, names) is not in the catalogue and comes back unchanged.
    """
    translated = {key: _translate_param(value) for key, value in (params or {}).items()}
    return format_message(_(template), translated)


def _translate_param(value: Any) -> Any:
    if isinstance(value, Message):
        return translate(value.template, dict(value.params))
    if isinstance(value, dict) and "template" in value:
        return translate(value["template"], value.get("params") or {})
    if isinstance(value, str) and ISO_TIMESTAMP.match(value):
        return local_date_text(value)
    if isinstance(value, str) and value:
        return _(value)
    return value


# The core writes dates into check messages as ISO 8601 ("2026-02-01T10:00:00+09:00").
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def local_date_text(value: str) -> str:
    """An ISO date or timestamp as the viewer reads dates: their language, the site's time zone
    (a time only when the timestamp has one that is not midnight)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if "T" not in value:
        return date_format(parsed.date(), "DATE_FORMAT")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, UTC)
    local = timezone.localtime(parsed)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return date_format(local, "DATE_FORMAT")
    return date_format(local, "DATETIME_FORMAT")


def check_message(check: dict) -> str:
    """A stored check's message in the viewer's language."""
    if check.get("template"):
        return translate(check["template"], check.get("params") or {})
    return check.get("message", "")


def public_check_message(check: dict, badge: Badge) -> str:
    """A check's message for strangers: the recipient's address is private, so never shown."""
    if check.get("name") == "recipient":
        if check.get("result") == "pass":
            period = _past_verified_period(badge)
            if period is not None:
                return _(
                    "The badge was issued to this learner, to an address they verified from %(start)s "
                    "to %(end)s (the address is kept private)."
                ) % {
                    "start": date_format(timezone.localtime(period.verified_from), "DATE_FORMAT"),
                    "end": date_format(timezone.localtime(period.verified_until), "DATE_FORMAT"),
                }
            return _("The badge was issued to this learner (their address is kept private).")
        return _("The badge's recipient could not be confirmed.")
    message = check_message(check)
    for private in {badge.recipient_identity, badge.owner.email} - {""}:
        message = message.replace(private, "…")
    return message


def _past_verified_period(badge: Badge):
    """The closed verified period of the address the badge was issued to, if it is no longer current."""
    from accounts.models import VerifiedAddress

    if not badge.recipient_identity:
        return None
    periods = list(VerifiedAddress.objects.filter(user_id=badge.owner_id, email__iexact=badge.recipient_identity))
    if not periods or any(p.verified_until is None for p in periods):
        return None
    return max(periods, key=lambda p: p.verified_until)


def result_as_json(result: VerificationResult) -> dict[str, Any]:
    """The CLI's and the API's JSON shape of a verification result."""
    parsed = result.badge
    return {
        "endorsements": [
            {k: v for k, v in endorsement.as_json().items() if k != "checks"} for endorsement in result.endorsements
        ],
        "contained": [{k: v for k, v in item.as_json().items() if k != "checks"} for item in result.contained],
        "status": str(result.status),
        "spec_version": str(parsed.spec_version) if parsed else None,
        "format": str(parsed.format) if parsed else None,
        "checks": [
            {"name": c.name, "result": str(c.result), "message": translate(c.message, c.params)} for c in result.checks
        ],
        "badge": None
        if parsed is None
        else {
            "name": parsed.name,
            "issuer": {"name": parsed.issuer.name, "url": parsed.issuer.url},
            "issued_on": parsed.issued_on.isoformat() if parsed.issued_on else None,
            "expires_on": parsed.expires_on.isoformat() if parsed.expires_on else None,
            "recipient": [r.identity for r in parsed.recipients],
        },
        "errors": list(result.errors),
    }
