"""The owner's pages for one badge: details and verification, re-check, download, hide, remove."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wallet.models import Portfolio
from wallet.previews import fallback_badge_png
from wallet.services import (
    absolute_url,
    add_badge_to_portfolio,
    linkedin_add_url,
    remove_badge,
    set_badge_hidden,
)

from .models import Badge, SourceKind, Verification
from .services import reverify_badge

# Badge files come from third parties. Served back, they must never run as a page on our origin:
# always a download, and sandboxed even if a browser ignores that.
UNTRUSTED_FILE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
    "X-Content-Type-Options": "nosniff",
}
CONTENT_TYPES = {
    SourceKind.PNG: ("image/png", ".png"),
    SourceKind.SVG: ("image/svg+xml", ".svg"),
    SourceKind.JWT: ("text/plain; charset=utf-8", ".jwt"),
}


# No @login_required on these pages: the scoped queryset already answers 404 to anonymous
# visitors, exactly as to other learners, so "not yours" never differs from "not there".
def _owned_badge(request, public_id) -> Badge:
    return get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)


def badge_download_response(badge: Badge) -> HttpResponse:
    """The original file as the learner imported it (a baked badge can be checked elsewhere)."""
    content_type, suffix = CONTENT_TYPES.get(badge.source_kind, ("application/json", ".json"))
    filename = f"badge-{badge.public_id}{suffix}"
    if badge.original_file and badge.source_kind in (SourceKind.PNG, SourceKind.SVG):
        response = FileResponse(
            badge.original_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    else:
        # Pasted or linked badges: the issuer's copy we verified.
        response = HttpResponse(badge.raw_payload, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for name, value in UNTRUSTED_FILE_HEADERS.items():
        response[name] = value
    return response


def badge_image_response(badge: Badge) -> HttpResponse:
    """The picture for cards and pages: our PNG thumbnail, the original SVG (sandboxed), or a
    neutral medal. Never the multi-megabyte original PNG."""
    if badge.thumbnail:
        response = FileResponse(badge.thumbnail.open("rb"), content_type="image/png")
    elif badge.source_kind == SourceKind.SVG and badge.original_file:
        # <img> never runs an SVG's scripts; the headers cover someone opening the URL directly.
        response = FileResponse(badge.original_file.open("rb"), content_type="image/svg+xml")
        response["Content-Disposition"] = "inline"
        for name, value in UNTRUSTED_FILE_HEADERS.items():
            response[name] = value
    else:
        response = HttpResponse(fallback_badge_png(), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def badge_detail(request, public_id):
    badge = _owned_badge(request, public_id)
    history = list(badge.verifications.all()[:100])
    portfolios = list(Portfolio.objects.owned_by(request.user).prefetch_related("entries"))
    containing = [p for p in portfolios if any(e.badge_id == badge.pk for e in p.entries.all())]
    shared = next((p for p in containing if p.is_shared and not badge.hidden_from_public), None)
    public_url = absolute_url(reverse("public_badge", args=[shared.slug, badge.public_id])) if shared else ""
    ctx = {
        "badge": badge,
        "checks": badge.checks or [],
        # The history that matters: the first verdict and every change since.
        "changes": [v for v in history if v.changed_status or not v.previous_status],
        "runs": len(history),
        "containing": containing,
        "addable": [p for p in portfolios if p not in containing],
        "public_url": public_url,
        "linkedin_url": linkedin_add_url(badge=badge, cert_url=public_url) if public_url else "",
    }
    return render(request, "badges/detail.html", ctx)


@require_POST
def badge_reverify(request, public_id):
    badge = _owned_badge(request, public_id)
    verification = reverify_badge(badge=badge, trigger=Verification.Trigger.MANUAL)
    messages.success(request, _("Checked again just now: %(status)s.") % {"status": verification.get_status_display()})
    return redirect("badge_detail", public_id=badge.public_id)


def badge_download(request, public_id):
    return badge_download_response(_owned_badge(request, public_id))


def badge_image(request, public_id):
    return badge_image_response(_owned_badge(request, public_id))


def badge_remove(request, public_id):
    badge = _owned_badge(request, public_id)
    if request.method == "POST":
        name = badge.name
        remove_badge(badge=badge)
        messages.success(request, _("“%(name)s” was removed from your wallet.") % {"name": name})
        return redirect("wallet_home")
    return render(request, "badges/remove.html", {"badge": badge, "portfolios": badge.portfolios.all()})


@require_POST
def badge_visibility(request, public_id):
    badge = _owned_badge(request, public_id)
    hidden = request.POST.get("hidden") == "1"
    set_badge_hidden(badge=badge, hidden=hidden)
    if hidden:
        messages.success(request, _("This badge is now hidden from your public pages."))
    else:
        messages.success(request, _("This badge is shown on your public pages again."))
    return redirect("badge_detail", public_id=badge.public_id)


@require_POST
def badge_add_to_portfolio(request, public_id):
    badge = _owned_badge(request, public_id)
    portfolio = get_object_or_404(Portfolio.objects.owned_by(request.user), pk=request.POST.get("portfolio") or 0)
    if add_badge_to_portfolio(portfolio=portfolio, badge=badge):
        messages.success(request, _("Added to “%(title)s”.") % {"title": portfolio.title})
    else:
        messages.info(request, _("It was already in “%(title)s”.") % {"title": portfolio.title})
    return redirect("badge_detail", public_id=badge.public_id)
