"""Template tags for what an OB 3.0 badge says beyond the stored fields (read in the viewer's language)."""

from __future__ import annotations

from django import template

from badges.models import Badge
from badges.openbadges.ob3_details import Details, details

register = template.Library()


@register.simple_tag(takes_context=True)
def ob3_details(context, badge: Badge) -> Details | None:
    """The badge's OB 3.0 details with multilingual values in the page's language (None for OB 2.0)."""
    if not badge.spec_version.startswith("3") or not badge.raw_payload:
        return None
    request = context.get("request")
    language = getattr(request, "LANGUAGE_CODE", None) or "ja"
    return details(badge.raw_payload, languages=(language, "ja", "en"))
