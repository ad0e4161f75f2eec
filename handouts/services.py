"""Permanent badge links and submission packs: making them, turning them off, reading them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop

from badges.models import Badge, Status
from config.site import absolute_url
from growth.services import reflections_for_pack
from wallet.models import Portfolio

from .models import Pack, PackItem

# The recipient check as a stranger may read it: the learner's address is never copied into a pack.
PUBLIC_RECIPIENT_PASS = gettext_noop("The badge was issued to this learner (their address is kept private).")
PUBLIC_RECIPIENT_OTHER = gettext_noop("The badge's recipient could not be confirmed.")


def viewer_status(badge: Badge) -> str:
    """The status a viewer sees (the one definition lives with the badge)."""
    return badge.status_now


# ---------------------------------------------------------------------------------------------
# Submission packs (提出版)
# ---------------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def public_checks(badge: Badge) -> list[dict[str, Any]]:
    """The badge's checks as a stranger may read them, with no private address left in them."""
    private = {badge.recipient_identity, badge.owner.email} - {""}
    out = []
    for check in badge.checks or []:
        check = dict(check)
        if check.get("name") == "recipient":
            template = PUBLIC_RECIPIENT_PASS if check.get("result") == "pass" else PUBLIC_RECIPIENT_OTHER
            check.update(template=template, message=template, params={})
        else:
            check["params"] = {key: _scrub(value, private) for key, value in (check.get("params") or {}).items()}
            check["message"] = _scrub(check.get("message", ""), private)
        out.append(check)
    return out


def _scrub(value: Any, private: set[str]) -> Any:
    if isinstance(value, str):
        for secret in private:
            value = value.replace(secret, "…")
    return value


def freeze(badge: Badge, *, now: datetime) -> dict[str, Any]:
    """What the reader is shown as "as submitted": text, dates and the verdict at ``now``."""
    return {
        "name": badge.name,
        "issuer_name": badge.issuer_name,
        "issuer_url": badge.issuer_url,
        # The issuer identity the checks proved, as the issuer line on every page shows it.
        "verified_issuer": badge.verified_issuer,
        "registered_issuer_name": badge.registered_issuer_name,
        "issuer_homepage_elsewhere": badge.issuer_homepage_elsewhere,
        "issuer_homepage_host": badge.issuer_homepage_host,
        "description": badge.description,
        "criteria_url": badge.criteria_url,
        "criteria_narrative": badge.criteria_narrative,
        "evidence": badge.evidence or [],
        "issued_on": _iso(badge.issued_on),
        "expires_on": _iso(badge.expires_on),
        "status": viewer_status(badge),
        "checked_at": _iso(badge.last_definitive_at or badge.last_checked_at),
        "unreachable_since": _iso(badge.unreachable_since) if badge.status == Status.UNREACHABLE else None,
        "checks": public_checks(badge),
        "submitted_at": now.isoformat(),
    }


@transaction.atomic
def create_pack(*, portfolio: Portfolio, audience: str, note: str = "", now: datetime | None = None) -> Pack:
    """Freeze the portfolio's public badges, in order, into a pack for ``audience``."""
    now = now or timezone.now()
    owner = portfolio.owner
    pack = Pack.objects.create(
        owner=owner,
        portfolio=portfolio,
        audience=audience,
        note=note,
        title=portfolio.title,
        learner_name=owner.public_name,
        created_at=now,
    )
    badges = list(portfolio.public_badges().select_related("owner"))
    reflections = reflections_for_pack(badges)
    PackItem.objects.bulk_create(
        PackItem(
            pack=pack,
            number=number,
            badge=badge,
            submitted={**freeze(badge, now=now), "reflection": reflections.get(badge.pk)},
        )
        for number, badge in enumerate(badges, start=1)
    )
    return pack


def revoke_pack(*, pack: Pack) -> None:
    if pack.revoked_at is None:
        pack.revoked_at = timezone.now()
        pack.save(update_fields=["revoked_at"])


def pack_url(pack: Pack) -> str:
    return absolute_url(reverse("pack", args=[pack.token]))


def pack_item_url(pack: Pack, item: PackItem) -> str:
    return absolute_url(reverse("pack_item", args=[pack.token, item.number]))


def submitted_date(item: PackItem, key: str) -> datetime | None:
    value = item.submitted.get(key)
    return parse_datetime(value) if value else None
