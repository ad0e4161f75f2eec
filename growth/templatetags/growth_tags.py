from django import template

from ..services import progress_for, public_reflection

register = template.Library()


@register.inclusion_tag("growth/_progress.html", takes_context=True)
def growth_progress(context, badges):
    request = context["request"]
    return {"progress": progress_for(request.user, badges), "request": request}


@register.inclusion_tag("growth/_public_reflection.html")
def shown_reflection(badge):
    return {"reflection": public_reflection(badge)}


@register.inclusion_tag("growth/_own_reflection.html")
def own_reflection(badge):
    from ..models import Reflection

    return {"reflection": Reflection.objects.filter(badge=badge).first(), "badge": badge}
