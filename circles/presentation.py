"""How circle numbers are worded: exact only from CIRCLES_MIN_COUNT (k-anonymity), never below."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def count_label(count: int) -> str:
    """``count_label(4) == "fewer than 5"``; ``count_label(12) == "12 people"`` (in the active language)."""
    k = settings.CIRCLES_MIN_COUNT
    if count < k:
        return _("fewer than %(k)s") % {"k": k}
    return ngettext("%(count)s person", "%(count)s people", count) % {"count": count}


def exact_count(count: int) -> int | None:
    """For the API: the number, or None below k."""
    return count if count >= settings.CIRCLES_MIN_COUNT else None
