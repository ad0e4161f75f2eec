"""The circles panel of the badge page: join the badge's circle, find the next badge."""

from django import template

register = template.Library()


@register.inclusion_tag("circles/_badge_panel.html", takes_context=True)
def circle_panel(context, badge):
    from circles.views import badge_panel_context

    return badge_panel_context(context["request"].user, badge)
