"""The owner's pages for one badge: details and verification, re-check, download, hide, remove."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .files import badge_download_response, badge_image_response, baked_download_response
from .models import Badge, Verification
from .services import remove_badge, reverify_badge, set_badge_hidden

# Apps append callables `fn(request, badge) -> SafeString` here: a rendered section they own of the
# badge page ("detail": the wallet's "Show and share") or of the removal page ("remove": the
# portfolios the badge will leave).
BADGE_PAGE_PANELS: dict[str, list] = {"detail": [], "remove": []}


def _panels(page: str, request, badge: Badge) -> list[SafeString]:
    return [panel(request, badge) for panel in BADGE_PAGE_PANELS[page]]


# No @login_required on these pages: the scoped queryset already answers 404 to anonymous
# visitors, exactly as to other learners, so "not yours" never differs from "not there".
def owned_badge(request, public_id) -> Badge:
    return get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)


def badge_detail(request, public_id):
    badge = owned_badge(request, public_id)
    history = list(badge.verifications.all()[:100])
    ctx = {
        "badge": badge,
        "checks": badge.checks or [],
        # The history that matters: the first verdict and every change since.
        "changes": [v for v in history if v.changed_status or not v.previous_status],
        "runs": len(history),
        "panels": _panels("detail", request, badge),
    }
    return render(request, "badges/detail.html", ctx)


@require_POST
def badge_reverify(request, public_id):
    badge = owned_badge(request, public_id)
    verification = reverify_badge(badge=badge, trigger=Verification.Trigger.MANUAL)
    messages.success(request, _("Checked again just now: %(status)s.") % {"status": verification.get_status_display()})
    return redirect("badge_detail", public_id=badge.public_id)


def badge_download(request, public_id):
    badge = owned_badge(request, public_id)
    if request.GET.get("baked"):
        return baked_download_response(badge)
    return badge_download_response(badge)


def badge_image(request, public_id):
    return badge_image_response(owned_badge(request, public_id))


def badge_remove(request, public_id):
    badge = owned_badge(request, public_id)
    if request.method == "POST":
        name = badge.name
        remove_badge(badge=badge)
        messages.success(request, _("“%(name)s” was removed from your wallet.") % {"name": name})
        return redirect("wallet_home")
    return render(request, "badges/remove.html", {"badge": badge, "panels": _panels("remove", request, badge)})


@require_POST
def badge_visibility(request, public_id):
    badge = owned_badge(request, public_id)
    hidden = request.POST.get("hidden") == "1"
    set_badge_hidden(badge=badge, hidden=hidden)
    if hidden:
        messages.success(request, _("This badge is now hidden from your public pages."))
    else:
        messages.success(request, _("This badge is shown on your public pages again."))
    return redirect("badge_detail", public_id=badge.public_id)
