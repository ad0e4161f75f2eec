"""Sentences about status that leave the site (link previews, meta descriptions, share texts).

Each is derived from the status a viewer sees and says no more than the checks showed: a badge
that is not valid now is never called verified (検証済み／確認済み), in any language.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from badges.models import Badge, Status


def badge_description(badge: Badge, *, learner: str) -> str:
    """One badge: "verified with its issuer on <date>" only while it is valid now."""
    status = badge.status_now
    params = {"name": badge.name, "issuer": _issuer_for(badge, status), "learner": learner}
    if status == Status.VALID and badge.last_definitive_at:
        params["date"] = date_format(localtime(badge.last_definitive_at), "DATE_FORMAT")
        return _("%(name)s, issued by %(issuer)s to %(learner)s; verified with its issuer on %(date)s.") % params
    params["status"] = Status(status).label
    return _("%(name)s, issued by %(issuer)s to %(learner)s. Status now: %(status)s.") % params


def _issuer_for(badge: Badge, status: str) -> str:
    """The issuer with its verified identity; "verified" is said only of a badge valid now."""
    if status == Status.VALID:
        return issuer_line(badge)
    name = badge.registered_issuer_name or badge.issuer_name
    return f"{name} ({badge.verified_issuer})" if badge.verified_issuer else name


def collection_description(badges: Iterable[Badge], *, learner: str) -> str:
    """A collection: "N badges, M verified today" (the second part only when M > 0)."""
    statuses = [badge.status_now for badge in badges]
    total, valid = len(statuses), statuses.count(Status.VALID)
    counted = ngettext("%(name)s · %(count)s badge", "%(name)s · %(count)s badges", total) % {
        "name": learner,
        "count": total,
    }
    if not valid:
        return counted
    return ngettext("%(counted)s, %(valid)s verified today", "%(counted)s, %(valid)s verified today", valid) % {
        "counted": counted,
        "valid": valid,
    }


def issuer_line(badge: Badge) -> str:
    """The issuer as a preview image says it: the registered or declared name with the verified identity."""
    name = badge.registered_issuer_name or badge.issuer_name
    if not badge.verified_issuer:
        return _("%(name)s (not verified)") % {"name": name}
    return _("%(name)s (verified: %(identity)s)") % {"name": name, "identity": badge.verified_issuer}


def preview_subtitle(badge: Badge) -> str:
    """Under a badge's name on its preview picture: the issuer, and the status unless valid now."""
    status = badge.status_now
    if status == Status.VALID:
        return issuer_line(badge)
    return f"{issuer_line(badge)} · {Status(status).label}"


def shareable(badge: Badge) -> bool:
    """Sharing actions (LinkedIn, X, LINE, Facebook) are offered only for a badge valid now."""
    return badge.status_now == Status.VALID
