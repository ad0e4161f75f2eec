"""Which of a learner's badges match a search: the one filter behind the wallet page and the API.

Tags (a JSON list) and the live status (expiry is judged now) are matched in Python; one learner's
wallet is small, and the list is already loaded once for the page's counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from .models import Badge


def year_of(badge: Badge) -> int | None:
    return timezone.localtime(badge.issued_on).year if badge.issued_on else None


def skills_of(badge: Badge) -> list[str]:
    """The badge's tags and the names of the skills it aligns to, each once."""
    names = [str(tag) for tag in badge.tags or [] if tag]
    names += [a.get("name", "") for a in badge.alignments or [] if isinstance(a, dict) and a.get("name")]
    return list(dict.fromkeys(names))


def matches(
    badge: Badge, *, issuer: str = "", tag: str = "", status: str = "", year: str = "", query: str = ""
) -> bool:
    """Blank means "any"; ``query`` wants every word somewhere in the name, issuer, description or skills."""
    if issuer and badge.issuer_name != issuer:
        return False
    if tag and tag not in skills_of(badge):
        return False
    if status and badge.status_now != status:
        return False
    if year and str(year_of(badge)) != year:
        return False
    if query:
        text = " ".join([badge.name, badge.issuer_name, badge.description, *skills_of(badge)]).casefold()
        return all(word in text for word in query.casefold().split())
    return True


def filter_badges(badges: Iterable[Badge], **filters: str) -> list[Badge]:
    return [badge for badge in badges if matches(badge, **filters)]
