"""Growth pages: the milestone timeline, 学びの1年 (a year in numbers, with a share image), reflections."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from badges.models import Badge
from wallet.previews import make_preview

from .forms import ReflectionForm
from .models import Milestone, Reflection
from .services import year_summary, years_with_badges

YEAR_SALT = "growth.year-summary"
FIRST_YEAR = 2000


def _checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise Http404
    return year


@login_required
def timeline(request):
    milestones = list(Milestone.objects.filter(user=request.user).select_related("badge")[:500])
    return render(request, "growth/timeline.html", {"milestones": milestones, "years": years_with_badges(request.user)})


def share_token(user, year: int) -> str:
    return signing.dumps({"u": user.pk, "y": year}, salt=YEAR_SALT, compress=True)


def _summary_image(summary, learner: str) -> HttpResponse:
    subtitle = _("%(name)s · %(count)s badges, %(valid)s valid today") % {
        "name": learner,
        "count": summary.count,
        "valid": summary.valid_now,
    }
    png = make_preview(title=_("A year of learning %(year)s") % {"year": summary.year}, subtitle=subtitle, images=[])
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=600"
    return response


@login_required
def year_page(request, year: int):
    summary = year_summary(request.user, _checked_year(year))
    token = share_token(request.user, year)
    ctx = {
        "summary": summary,
        "learner": request.user.public_name,
        "share_url": request.build_absolute_uri(reverse("growth_year_shared", args=[token])),
        "preview_url": reverse("growth_year_preview", args=[year]),
        "public": False,
    }
    return render(request, "growth/year.html", ctx)


@login_required
def year_preview(request, year: int):
    return _summary_image(year_summary(request.user, _checked_year(year)), request.user.public_name)


def _shared(token: str):
    try:
        data = signing.loads(token, salt=YEAR_SALT)
    except signing.BadSignature:
        raise Http404 from None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None:
        raise Http404
    return user, _checked_year(int(data.get("y", 0)))


def year_shared(request, token: str):
    """The shared version: counts and the learner's public name only — no badge names, no e-mail."""
    user, year = _shared(token)
    summary = year_summary(user, year)
    ctx = {
        "summary": summary,
        "learner": user.public_name,
        "share_url": request.build_absolute_uri(),
        "preview_url": request.build_absolute_uri(reverse("growth_year_shared_preview", args=[token])),
        "public": True,
    }
    return render(request, "growth/year.html", ctx)


def year_shared_preview(request, token: str):
    user, year = _shared(token)
    return _summary_image(year_summary(user, year), user.public_name)


@login_required
def reflection_edit(request, public_id):
    badge = get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)
    reflection = Reflection.objects.filter(badge=badge).first() or Reflection(badge=badge)
    form = ReflectionForm(request.POST or None, instance=reflection)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reflection was saved."))
        return redirect("badge_detail", public_id=badge.public_id)
    return render(request, "growth/reflection_form.html", {"form": form, "badge": badge})
