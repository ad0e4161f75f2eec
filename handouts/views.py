"""Permanent badge pages (/b/<code>/), submission packs (/k/<token>/) and the owner's pages for them."""

from __future__ import annotations

import base64
import functools
from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from badges.downloads import hosted_copy_url, public_download_allowed
from badges.files import badge_image_response, baked_download_response, fallback_badge_png
from badges.models import Badge, Status
from badges.viewer_checks import issued_to, verify_now
from wallet import page_cache, previews
from wallet.links import permanent_badge_url as permanent_url
from wallet.models import BadgeLink, Portfolio
from wallet.qr import make_qr
from wallet.services import set_permanent_link_enabled, share_urls
from wallet.viewer_views import RecipientForm, viewer_check, viewer_limited
from wallet.wording import badge_description, preview_subtitle

from .forms import PackForm
from .models import Pack, PackItem
from .services import (
    create_pack,
    pack_item_url,
    pack_url,
    revoke_pack,
    viewer_status,
)

# A fixed pixel size for printed QR codes: sharp on paper and easy to find in a PDF.
PRINT_QR_PIXELS = 292


class Gone(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


def _gone_page(view):
    """A link the learner turned off (or whose badge they removed) answers 410 with a page saying so."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Gone as gone:
            return render(request, "handouts/gone.html", {"reason": gone.reason}, status=HTTPStatus.GONE)

    return wrapper


def _qr_response(target: str, kind: str, *, download_name: str, download: bool) -> HttpResponse:
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(make_qr(target, kind=kind), content_type=content_type)
    if download:
        response["Content-Disposition"] = f'attachment; filename="{download_name}.{kind}"'
    return response


def _qr_data_uri(url: str) -> str:
    png = make_qr(url, kind="png", border=2, size=PRINT_QR_PIXELS)
    return "data:image/png;base64," + base64.b64encode(png).decode()


# ---------------------------------------------------------------------------------------------
# /b/<code>/: a badge's permanent page
# ---------------------------------------------------------------------------------------------


def _owner_of_link(code: str, **_kwargs) -> int | None:
    return BadgeLink.objects.filter(code=code).values_list("badge__owner_id", flat=True).first()


def _owner_of_pack(token: str, **_kwargs) -> int | None:
    return Pack.objects.filter(token=token).values_list("owner_id", flat=True).first()


def _linked_badge(code: str) -> tuple[BadgeLink, Badge]:
    link = get_object_or_404(BadgeLink.objects.select_related("badge__owner"), code=code)
    if link.badge is None:
        raise Gone("removed")
    if link.disabled_at is not None or link.badge.hidden_from_public:
        raise Gone("off")
    return link, link.badge


def _badge_link_context(link: BadgeLink, badge: Badge) -> dict:
    page_url = permanent_url(link)
    status = viewer_status(badge)
    ctx = {
        "link": link,
        "badge": badge,
        "learner": badge.owner.public_name,
        "status": status,
        "description": badge_description(badge, learner=badge.owner.public_name),
        "download_allowed": public_download_allowed(badge),
        "hosted_copy_url": hosted_copy_url(badge),
        "page_url": page_url,
        "preview_url": page_url + "preview.png",
        # Sharing actions only for a badge that is valid now.
        "share": share_urls(url=page_url, text=badge.name) if status == Status.VALID else None,
        "verify_now_url": reverse("badge_link_verify_now", args=[link.code]),
        "recipient_check_url": reverse("badge_link_recipient_check", args=[link.code]),
    }
    return ctx


def _badge_link_page(request, link: BadgeLink, badge: Badge, status: int = HTTPStatus.OK, **extra):
    ctx = _badge_link_context(link, badge)
    ctx.update(extra)
    return render(request, "handouts/badge_link.html", ctx, status=status)


@page_cache.whole_page(_owner_of_link)
@_gone_page
def badge_link(request, code: str):
    link, badge = _linked_badge(code)
    return _badge_link_page(request, link, badge)


@viewer_check
@_gone_page
def badge_link_verify_now(request, code: str):
    """The viewer checks of public badge pages (wallet.viewer_views), on the permanent page."""
    link, badge = _linked_badge(code)
    if viewer_limited(request, badge, "verify"):
        return _badge_link_page(request, link, badge, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="verify")
    outcome = verify_now(badge)
    badge.refresh_from_db()
    return _badge_link_page(request, link, badge, viewer_check=outcome)


@viewer_check
@_gone_page
def badge_link_recipient_check(request, code: str):
    link, badge = _linked_badge(code)
    if viewer_limited(request, badge, "recipient"):
        return _badge_link_page(request, link, badge, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="recipient")
    form = RecipientForm(request.POST)
    if not form.is_valid():
        return _badge_link_page(request, link, badge, HTTPStatus.BAD_REQUEST, recipient_invalid=True)
    matched = issued_to(badge, form.cleaned_data["email"])
    return _badge_link_page(request, link, badge, recipient_answer="match" if matched else "no_match")


@_gone_page
def badge_link_qr(request, code: str, kind: str):
    link, _badge = _linked_badge(code)
    return _qr_response(permanent_url(link), kind, download_name="manabi-qr-badge", download="download" in request.GET)


@page_cache.whole_page(_owner_of_link)
@_gone_page
def badge_link_qr_page(request, code: str):
    link, _badge = _linked_badge(code)
    target = permanent_url(link)
    ctx = {
        "target": target,
        "short": target.split("://", 1)[-1],
        "svg_url": reverse("badge_link_qr", args=[code, "svg"]),
        "back_url": reverse("badge_link", args=[code]),
    }
    return render(request, "wallet/qr_page.html", ctx)


@_gone_page
def badge_link_image(request, code: str):
    return badge_image_response(_linked_badge(code)[1])


@_gone_page
def badge_link_download(request, code: str):
    badge = _linked_badge(code)[1]
    if not public_download_allowed(badge):
        # What would be served names the learner's e-mail address in clear: never to strangers.
        raise Http404
    return baked_download_response(badge)


@_gone_page
def badge_link_preview(request, code: str):
    _link, badge = _linked_badge(code)
    thumb = None
    if badge.thumbnail:
        try:
            with badge.thumbnail.open("rb") as handle:
                thumb = handle.read()
        except OSError:
            thumb = None
    png = previews.make_preview(title=badge.name, subtitle=preview_subtitle(badge), images=[thumb])
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=600"
    return response


# ---------------------------------------------------------------------------------------------
# /k/<token>/: a submission pack, for its reader
# ---------------------------------------------------------------------------------------------


def _active_pack(token: str) -> Pack:
    pack = get_object_or_404(Pack.objects.all(), token=token)
    if not pack.is_active:
        raise Gone("pack_off")
    return pack


def _items(pack: Pack) -> list[PackItem]:
    return list(pack.items.select_related("badge__owner"))


@page_cache.whole_page(_owner_of_pack)
@_gone_page
def pack_page(request, token: str):
    pack = _active_pack(token)
    ctx = {"pack": pack, "items": _items(pack)}
    return render(request, "handouts/pack.html", ctx)


def _pack_item(token: str, number: int) -> tuple[Pack, PackItem]:
    pack = _active_pack(token)
    return pack, get_object_or_404(pack.items.select_related("badge__owner"), number=number)


def _pack_item_page(request, pack: Pack, item: PackItem, status: int = HTTPStatus.OK, **extra):
    ctx = {"pack": pack, "item": item, "frozen": item.submitted}
    if item.badge is not None:
        ctx["badge"] = item.badge
        ctx["verify_now_url"] = reverse("pack_item_verify_now", args=[pack.token, item.number])
        ctx["recipient_check_url"] = reverse("pack_item_recipient_check", args=[pack.token, item.number])
    ctx.update(extra)
    return render(request, "handouts/pack_item.html", ctx, status=status)


@page_cache.whole_page(_owner_of_pack)
@_gone_page
def pack_item_page(request, token: str, number: int):
    pack, item = _pack_item(token, number)
    return _pack_item_page(request, pack, item)


def _live_pack_item(token: str, number: int) -> tuple[Pack, PackItem]:
    pack, item = _pack_item(token, number)
    if item.badge is None:  # removed from the wallet after submission: nothing left to check
        raise Http404
    return pack, item


@viewer_check
@_gone_page
def pack_item_verify_now(request, token: str, number: int):
    pack, item = _live_pack_item(token, number)
    if viewer_limited(request, item.badge, "verify"):
        return _pack_item_page(request, pack, item, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="verify")
    outcome = verify_now(item.badge)
    item.badge.refresh_from_db()
    return _pack_item_page(request, pack, item, viewer_check=outcome)


@viewer_check
@_gone_page
def pack_item_recipient_check(request, token: str, number: int):
    pack, item = _live_pack_item(token, number)
    if viewer_limited(request, item.badge, "recipient"):
        return _pack_item_page(request, pack, item, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="recipient")
    form = RecipientForm(request.POST)
    if not form.is_valid():
        return _pack_item_page(request, pack, item, HTTPStatus.BAD_REQUEST, recipient_invalid=True)
    matched = issued_to(item.badge, form.cleaned_data["email"])
    return _pack_item_page(request, pack, item, recipient_answer="match" if matched else "no_match")


@_gone_page
def pack_item_image(request, token: str, number: int):
    pack = _active_pack(token)
    item = get_object_or_404(pack.items.select_related("badge"), number=number)
    if item.badge is None:
        return HttpResponse(fallback_badge_png(), content_type="image/png")
    return badge_image_response(item.badge)


@_gone_page
def pack_qr(request, token: str, kind: str):
    pack = _active_pack(token)
    return _qr_response(pack_url(pack), kind, download_name="manabi-qr-pack", download="download" in request.GET)


# ---------------------------------------------------------------------------------------------
# The owner's side
# ---------------------------------------------------------------------------------------------


def _owned_pack(request, pk: int) -> Pack:
    return get_object_or_404(Pack.objects.owned_by(request.user), pk=pk)


@require_POST
def pack_create(request, pk: int):
    portfolio = get_object_or_404(Portfolio.objects.owned_by(request.user), pk=pk)
    form = PackForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("portfolio_detail", args=[portfolio.pk]) + "#packs")
    pack = create_pack(portfolio=portfolio, **form.cleaned_data)
    return redirect("pack_print", pk=pack.pk)


@login_required
def pack_list(request):
    packs = Pack.objects.owned_by(request.user).prefetch_related("items")
    return render(request, "handouts/pack_list.html", {"packs": packs})


def pack_print(request, pk: int):
    """The A4 printout: what the document is, each badge with what it certifies, its status at
    submission (colour, icon and words) and a QR code to its current status."""
    pack = _owned_pack(request, pk)
    rows = []
    for item in _items(pack):
        url = pack_item_url(pack, item)
        rows.append(
            {
                "item": item,
                "frozen": item.submitted,
                "url": url,
                "short": url.split("://", 1)[-1],
                "qr": _qr_data_uri(url),
            }
        )
    url = pack_url(pack)
    ctx = {
        "pack": pack,
        "rows": rows,
        "pack_url": url,
        "pack_short": url.split("://", 1)[-1],
        "pack_qr": _qr_data_uri(url),
    }
    return render(request, "handouts/pack_print.html", ctx)


@require_POST
def pack_revoke(request, pk: int):
    pack = _owned_pack(request, pk)
    revoke_pack(pack=pack)
    messages.success(request, _("The pack “%(name)s” no longer opens.") % {"name": pack.audience})
    return redirect("pack_list")


@require_POST
def badge_link_toggle(request, public_id):
    badge = get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)
    enabled = request.POST.get("enabled") == "1"
    set_permanent_link_enabled(badge=badge, enabled=enabled)
    if enabled:
        messages.success(request, _("This badge has its own permanent link now."))
    else:
        messages.success(request, _("The badge's permanent link is turned off. It shows “no longer available”."))
    return redirect("badge_detail", public_id=badge.public_id)
