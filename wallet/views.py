"""The learner's wallet: collection, import, portfolios, print; and the public pages anyone may open."""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections import Counter
from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from badges.downloads import hosted_copy_url, public_download_allowed
from badges.files import badge_image_response, baked_download_response
from badges.filters import filter_badges, skills_of, year_of
from badges.imports import as_result, check_import_throttle, pending_result, start_import
from badges.models import Badge, PendingImport, Status
from badges.services import ImportRefused
from badges.views import owned_badge

from . import page_cache, previews
from .forms import ImportForm, PortfolioForm, ShareLinkForm
from .links import badge_url, permanent_badge_url, portfolio_url, public_url, share_link_url
from .models import BadgeLink, Portfolio, PrintSnapshot, ShareLink
from .qr import make_qr
from .services import (
    add_badge_to_portfolio,
    counts_as_view,
    create_portfolio,
    create_share_link,
    linkedin_add_url,
    move_badge,
    permanent_link,
    record_print_snapshot,
    record_share_link_view,
    reorder_portfolio,
    reset_portfolio_link,
    revoke_share_link,
    set_portfolio_badges,
    share_urls,
)
from .wording import badge_description, collection_description, preview_subtitle, shareable

# ---------------------------------------------------------------------------------------------
# Wallet home
# ---------------------------------------------------------------------------------------------


@login_required
def wallet_home(request):
    # One query for the whole collection: counts and filters are worked out from it in Python, so
    # the page costs the same number of queries for 1 badge or 500.
    badges = list(Badge.objects.owned_by(request.user).for_listing())
    filters = {
        "issuer": request.GET.get("issuer", ""),
        "tag": request.GET.get("tag", ""),
        "status": request.GET.get("status", ""),
        "year": request.GET.get("year", ""),
        "query": request.GET.get("q", "").strip(),
    }
    shown = filter_badges(badges, **filters)
    timeline: dict[int | None, list[Badge]] = {}
    for badge in sorted(shown, key=lambda b: b.issued_on or b.created_at, reverse=True):
        timeline.setdefault(year_of(badge), []).append(badge)
    ctx = {
        "badges": badges,
        "shown": shown,
        "filters": filters,
        "filtering": any(filters.values()),
        "view": "timeline" if request.GET.get("view") == "timeline" else "grid",
        "timeline": timeline,
        "by_year": sorted(Counter(year_of(b) for b in badges if b.issued_on).items(), reverse=True),
        "by_issuer": Counter(b.issuer_name for b in badges if b.issuer_name).most_common(),
        "by_skill": Counter(skill for b in badges for skill in skills_of(b)).most_common(20),
        "by_status": [(s, Status(s).label, n) for s, n in Counter(b.status_now for b in badges).most_common()],
    }
    return render(request, "wallet/home.html", ctx)


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


def _import_one(request, *, label: str, **source) -> dict:
    return as_result(start_import(owner=request.user, label=label, **source))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def import_badges(request):
    results: list[dict] = []
    # Not `request.POST or None`: a files-only submission has an empty POST and must still count.
    form = ImportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            # The API's import limits, per learner and per IP, count the web form too.
            check_import_throttle(request)
        except ImportRefused as refused:
            results.append(
                {"label": "", "ok": False, "pending": False, "code": refused.code, "message": refused.message}
            )
            if _wants_json(request):
                return JsonResponse({"results": results}, status=429)
            ctx = {"form": form, "results": results, "max_mb": settings.BADGE_UPLOAD_MAX_BYTES // (1024 * 1024)}
            return render(request, "wallet/import.html", ctx, status=429)
        # Each item on its own: one refused file never stops the others.
        for upload in request.FILES.getlist("files"):
            results.append(_import_one(request, label=upload.name, upload=upload))
        if form.cleaned_data["url"]:
            url = form.cleaned_data["url"]
            results.append(_import_one(request, label=url, url=url))
        if form.cleaned_data["payload"]:
            results.append(_import_one(request, label=_("Pasted badge"), payload=form.cleaned_data["payload"]))
        if not results:
            results.append(
                {
                    "label": "",
                    "ok": False,
                    "code": "empty",
                    "message": _("Choose a badge file, paste a link, or paste the badge's JSON or JWT."),
                }
            )
        if _wants_json(request):
            return JsonResponse({"results": results})
        form = ImportForm()
    ctx = {
        "form": form,
        "results": results,
        "recent": [pending_result(p) for p in PendingImport.objects.filter(owner=request.user)[:10]],
        "max_mb": settings.BADGE_UPLOAD_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "wallet/import.html", ctx)


@login_required
def import_status(request, public_id):
    """One pending import as JSON (the page polls it), or the import page for a plain refresh."""
    pending = get_object_or_404(PendingImport.objects.filter(owner=request.user), public_id=public_id)
    if _wants_json(request):
        return JsonResponse(pending_result(pending))
    return redirect("import_badges")


# ---------------------------------------------------------------------------------------------
# Portfolios (owner)
# ---------------------------------------------------------------------------------------------


# Pages of one portfolio have no @login_required: the scoped queryset answers 404 to anonymous
# visitors exactly as to other learners ("not yours" looks like "not there").
def _owned_portfolio(request, pk: int) -> Portfolio:
    return get_object_or_404(Portfolio.objects.owned_by(request.user), pk=pk)


@login_required
def portfolio_list(request):
    form = PortfolioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        portfolio = create_portfolio(owner=request.user, **form.cleaned_data)
        messages.success(request, _("Portfolio created. Now choose its badges."))
        return redirect("portfolio_detail", pk=portfolio.pk)
    portfolios = Portfolio.objects.owned_by(request.user).prefetch_related("entries")
    return render(request, "wallet/portfolio_list.html", {"form": form, "portfolios": portfolios})


def portfolio_detail(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    form = PortfolioForm(request.POST or None, instance=portfolio)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Portfolio saved."))
        return redirect("portfolio_detail", pk=portfolio.pk)
    entries = list(portfolio.entries.select_related("badge"))
    chosen = {entry.badge_id for entry in entries}
    all_badges = list(Badge.objects.owned_by(request.user).for_listing())
    links = list(portfolio.share_links.prefetch_related("views"))
    for link in links:
        link.view_days = list(link.views.all())
        link.view_total = sum(view.count for view in link.view_days)
        link.url = share_link_url(link)
    page_url = portfolio_url(portfolio)
    ctx = {
        "portfolio": portfolio,
        "form": form,
        "entries": entries,
        "all_badges": [(b, b.pk in chosen) for b in all_badges],
        # A submission warns about badges the reader would see as not valid (with their status).
        "warn_entries": [e for e in entries if e.badge.status_now != Status.VALID],
        "links": links,
        "link_form": ShareLinkForm(),
        "public_url": page_url,
        "share": share_urls(url=page_url, text=portfolio.title),
    }
    return render(request, "wallet/portfolio_detail.html", ctx)


@require_POST
def portfolio_badges(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    ids = request.POST.getlist("badges")
    badges = list(Badge.objects.owned_by(request.user).filter(public_id__in=[i for i in ids if _is_uuid(i)]))
    badges.sort(key=lambda b: ids.index(str(b.public_id)))  # new ones join in the order they were ticked
    set_portfolio_badges(portfolio=portfolio, badges=badges)
    messages.success(request, _("Badges updated."))
    return redirect(reverse("portfolio_detail", args=[portfolio.pk]) + "#order")


@require_POST
def portfolio_move(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    badge = get_object_or_404(portfolio.badges.all(), public_id=_uuid_or_404(request.POST.get("badge", "")))
    move_badge(portfolio=portfolio, badge=badge, offset=-1 if request.POST.get("direction") == "up" else 1)
    # Back to the same row, so a keyboard user can keep pressing the same button.
    return redirect(reverse("portfolio_detail", args=[portfolio.pk]) + f"#entry-{badge.public_id}")


@require_POST
def portfolio_order(request, pk: int):
    """Drag and drop (wallet.js) posts the whole order at once."""
    portfolio = _owned_portfolio(request, pk)
    reorder_portfolio(portfolio=portfolio, badge_ids=request.POST.get("order", "").split(","))
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("portfolio_detail", pk=portfolio.pk)


@require_POST
def portfolio_reset_link(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    reset_portfolio_link(portfolio=portfolio)
    messages.success(request, _("The portfolio has a new link. The old link no longer works."))
    return redirect("portfolio_detail", pk=portfolio.pk)


def portfolio_delete(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    if request.method == "POST":
        portfolio.delete()
        messages.success(request, _("Portfolio deleted. Your badges are still in your wallet."))
        return redirect("portfolio_list")
    return render(request, "wallet/portfolio_delete.html", {"portfolio": portfolio})


@require_POST
def share_link_create(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        create_share_link(portfolio=portfolio, **form.cleaned_data)
        messages.success(request, _("Share link created."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(reverse("portfolio_detail", args=[portfolio.pk]) + "#links")


@require_POST
def share_link_revoke(request, pk: int, link_pk: int):
    portfolio = _owned_portfolio(request, pk)
    link = get_object_or_404(portfolio.share_links.all(), pk=link_pk)
    revoke_share_link(link=link)
    messages.success(request, _("The link “%(name)s” no longer works.") % {"name": link.name})
    return redirect(reverse("portfolio_detail", args=[portfolio.pk]) + "#links")


# ---------------------------------------------------------------------------------------------
# The wallet's panels on the badge pages (registered in apps.py: badges.views.BADGE_PAGE_PANELS)
# ---------------------------------------------------------------------------------------------


def badge_share_panel(request, badge: Badge) -> str:
    """The portfolios holding the badge, its public page and LinkedIn button, adding and hiding."""
    portfolios = list(Portfolio.objects.owned_by(request.user).prefetch_related("entries"))
    containing = [p for p in portfolios if any(e.badge_id == badge.pk for e in p.entries.all())]
    shared = next((p for p in containing if p.is_shared and not badge.hidden_from_public), None)
    # A badge already public through a portfolio gets its permanent link without asking: that is
    # what its QR code, printouts and LinkedIn give out, and it survives the portfolio's changes.
    link = permanent_link(badge=badge) if shared else BadgeLink.objects.filter(badge=badge).first()
    permanent = permanent_badge_url(link) if link and link.is_active and not badge.hidden_from_public else ""
    valid_now = badge.status_now == Status.VALID
    ctx = {
        "badge": badge,
        "containing": containing,
        "addable": [p for p in portfolios if p not in containing],
        "link": link,
        "public_url": permanent,
        # Sharing actions only for a badge that is valid now.
        "linkedin_url": linkedin_add_url(badge=badge, cert_url=permanent, cert_id=link.code)
        if permanent and valid_now
        else "",
        "valid_now": valid_now,
    }
    return render_to_string("wallet/_badge_share_panel.html", ctx, request=request)


def badge_removal_panel(request, badge: Badge) -> str:
    """On the removal page: the portfolios the badge will leave."""
    return render_to_string("wallet/_badge_removal_panel.html", {"portfolios": badge.portfolios.all()}, request=request)


@require_POST
def badge_add_to_portfolio(request, public_id):
    badge = owned_badge(request, public_id)
    portfolio = get_object_or_404(Portfolio.objects.owned_by(request.user), pk=request.POST.get("portfolio") or 0)
    if add_badge_to_portfolio(portfolio=portfolio, badge=badge):
        messages.success(request, _("Added to “%(title)s”.") % {"title": portfolio.title})
    else:
        messages.info(request, _("It was already in “%(title)s”.") % {"title": portfolio.title})
    return redirect("badge_detail", public_id=badge.public_id)


# ---------------------------------------------------------------------------------------------
# Print
# ---------------------------------------------------------------------------------------------


def _public_entries(portfolio: Portfolio) -> list[Badge]:
    """The badges a viewer sees, in order: one query whatever their number."""
    return list(portfolio.public_badges().for_listing())


@require_POST
def portfolio_print(request, pk: int):
    portfolio = _owned_portfolio(request, pk)
    snapshot = record_print_snapshot(portfolio=portfolio, badges=_public_entries(portfolio))
    return redirect("portfolio_printout", pk=portfolio.pk, snapshot_id=snapshot.public_id)


def _qr_data_uri(url: str) -> str:
    import base64

    # A fixed pixel size: small on paper, sharp when printed, and easy to count in a PDF.
    return "data:image/png;base64," + base64.b64encode(make_qr(url, kind="png", border=2, size=292)).decode()


def _qr_svg_data_uri(url: str) -> str:
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(make_qr(url, kind="svg")).decode()


def portfolio_printout(request, pk: int, snapshot_id):
    portfolio = _owned_portfolio(request, pk)
    snapshot = get_object_or_404(portfolio.print_snapshots.all(), public_id=snapshot_id)
    badges = [b for b in _public_entries(portfolio) if snapshot.status_of(b)]
    rows = []
    for badge in badges:
        url = badge_url(portfolio, badge) + f"?printed={snapshot.public_id}"
        # Under the QR, a link short enough to type: without the scheme and the snapshot id.
        short = url.split("://", 1)[-1].split("?", 1)[0]
        rows.append(
            {"badge": badge, "status": snapshot.status_of(badge), "url": url, "short": short, "qr": _qr_data_uri(url)}
        )
    printed_url = portfolio_url(portfolio)
    ctx = {
        "portfolio": portfolio,
        "snapshot": snapshot,
        "rows": rows,
        "portfolio_url": printed_url,
        "portfolio_short": printed_url.split("://", 1)[-1],
        "portfolio_qr": _qr_data_uri(printed_url),
        "learner": portfolio.owner.public_name,
    }
    return render(request, "wallet/print.html", ctx)


# ---------------------------------------------------------------------------------------------
# Public pages: /p/<slug>/… (the main link) and /s/<token>/… (a named share link)
# ---------------------------------------------------------------------------------------------


class LinkGone(Exception):
    def __init__(self, link: ShareLink) -> None:
        self.link = link


def public_page(view=None, *, whole_page_cache: bool = False):
    """Reach a portfolio by its main link or a share link (``via``); an expired or revoked share
    link answers 410 with a page saying so, not a bare 404.

    With ``whole_page_cache`` an anonymous visitor gets the whole page from the cache while it is
    current (wallet/page_cache.py): no query at all for a main link, one count for a share link.
    """
    if view is None:
        return functools.partial(public_page, whole_page_cache=whole_page_cache)

    @functools.wraps(view)
    def wrapper(request, via: str, key: str, **kwargs):
        anonymous = whole_page_cache and page_cache.is_anonymous_read(request)
        if anonymous:
            request.anonymous_public_page = True  # base.html: a language switch without a token
            entry = page_cache.lookup(request)
            if entry is not None:
                if entry.share_link_id is not None and counts_as_view(
                    user=request.user, user_agent=request.headers.get("User-Agent", ""), owner_id=entry.owner_id
                ):
                    record_share_link_view(link=ShareLink(pk=entry.share_link_id))
                return page_cache.respond(request, entry)
        try:
            reach = _reach(via, key)
        except LinkGone as gone:
            ctx = {"link": gone.link, "expired": gone.link.revoked_at is None}
            return render(request, "wallet/link_gone.html", ctx, status=HTTPStatus.GONE)
        if not anonymous:
            response = view(request, reach, **kwargs)
            return page_cache.mark_signed_in(response) if whole_page_cache else response
        owner_id = reach.portfolio.owner_id
        version = page_cache.current_version(owner_id)  # before rendering: see page_cache.store
        response = view(request, reach, **kwargs)
        link_id = getattr(request, "counted_share_link_id", None)  # a hit counts as a view too
        entry = page_cache.store(request, response, owner_id=owner_id, version=version, share_link_id=link_id)
        return response if entry is None else page_cache.respond(request, entry)

    return wrapper


class Reach:
    """How the viewer got here: the portfolio, the share link if any, and URL names to link with."""

    def __init__(self, via: str, key: str, portfolio: Portfolio, link: ShareLink | None) -> None:
        self.via, self.key, self.portfolio, self.link = via, key, portfolio, link

    def url(self, name: str, *args) -> str:
        return reverse(f"{self.via}_{name}", args=[self.key, *args])

    def absolute_url(self, name: str, *args) -> str:
        return public_url(f"{self.via}_{name}", self.key, *args)

    def page_url(self, badge: Badge | None = None) -> str:
        """The page a QR code of this way in opens: the portfolio's, or one badge's."""
        if badge is None:
            return portfolio_url(self.portfolio, via=self.via, key=self.key)
        return badge_url(self.portfolio, badge, via=self.via, key=self.key)

    @property
    def noindex(self) -> bool:
        return self.link is not None or self.portfolio.visibility != Portfolio.Visibility.PUBLIC


def _reach(via: str, key: str) -> Reach:
    if via == "shared":
        link = get_object_or_404(ShareLink.objects.select_related("portfolio__owner"), token=key)
        if not link.is_active:
            raise LinkGone(link)
        return Reach(via, key, link.portfolio, link)
    portfolio = get_object_or_404(Portfolio.objects.shared().select_related("owner"), slug=key)
    return Reach(via, key, portfolio, None)


def _public_badge(reach: Reach, public_id) -> Badge:
    return get_object_or_404(reach.portfolio.public_badges().select_related("owner"), public_id=public_id)


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@public_page(whole_page_cache=True)
def public_portfolio(request, reach: Reach):
    portfolio = reach.portfolio
    if reach.link is not None:
        # A later visit served from the cache is counted by the same rule (public_page).
        request.counted_share_link_id = reach.link.pk
    if reach.link is not None and counts_as_view(
        user=request.user, user_agent=request.headers.get("User-Agent", ""), owner_id=portfolio.owner_id
    ):
        record_share_link_view(link=reach.link)
    page_url = reach.page_url()
    badges = _public_entries(portfolio)
    ctx = {
        "reach": reach,
        "portfolio": portfolio,
        "learner": portfolio.owner.public_name,
        "badges": badges,
        "grid_key": _grid_cache_key(request, reach, badges),
        "og_description": collection_description(badges, learner=portfolio.owner.public_name),
        "page_url": page_url,
        "preview_url": reach.absolute_url("portfolio_preview"),
        "share": share_urls(url=page_url, text=portfolio.title),
    }
    return render(request, "wallet/public_portfolio.html", ctx)


def _grid_cache_key(request, reach: Reach, badges: list[Badge]) -> str:
    """Rendering the badge grid is most of the page's cost. Its cached copy is keyed by every
    badge's last change (a re-check or an edit shows at once) and lives 60 s, so a badge whose
    expiry date passes between checks is shown as expired within a minute."""
    stamps = ",".join(f"{b.public_id}:{b.updated_at.timestamp()}" for b in badges)
    raw = f"{request.LANGUAGE_CODE}|{reach.via}|{reach.key}|{stamps}"
    return hashlib.sha256(raw.encode()).hexdigest()


@public_page(whole_page_cache=True)
def public_badge(request, reach: Reach, public_id):
    badge = _public_badge(reach, public_id)
    return render(request, "wallet/public_badge.html", public_badge_context(request, reach, badge))


def public_badge_context(request, reach: Reach, badge: Badge) -> dict:
    """What the public badge page shows (viewer checks render the same page with their answer)."""
    snapshot = None
    if _is_uuid(request.GET.get("printed", "")):
        snapshot = PrintSnapshot.objects.filter(portfolio=reach.portfolio, public_id=request.GET["printed"]).first()
    page_url = reach.page_url(badge)
    return {
        "reach": reach,
        "portfolio": reach.portfolio,
        "learner": reach.portfolio.owner.public_name,
        "badge": badge,
        "snapshot": snapshot,
        "printed_status": snapshot.status_of(badge) if snapshot else None,
        "description": badge_description(badge, learner=reach.portfolio.owner.public_name),
        "shareable": shareable(badge),
        "page_url": page_url,
        "preview_url": reach.absolute_url("badge_preview", badge.public_id),
        "share": share_urls(url=page_url, text=badge.name),
        "download_allowed": public_download_allowed(badge),
        "hosted_copy_url": hosted_copy_url(badge),
    }


def _qr_target(reach: Reach, public_id) -> str:
    """A badge's QR code holds its permanent link (it outlives this portfolio link), unless the
    learner turned that off; the portfolio's holds the way the viewer came in."""
    if public_id is None:
        return reach.page_url(None)
    badge = _public_badge(reach, public_id)
    link = permanent_link(badge=badge)
    return permanent_badge_url(link) if link.is_active else reach.page_url(badge)


@public_page
def public_qr(request, reach: Reach, kind: str, public_id=None):
    target = _qr_target(reach, public_id)
    content_type = "image/svg+xml" if kind == "svg" else "image/png"
    response = HttpResponse(make_qr(target, kind=kind), content_type=content_type)
    name = "manabi-qr-badge" if public_id else "manabi-qr"
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@public_page(whole_page_cache=True)
def public_qr_page(request, reach: Reach, public_id=None):
    target = _qr_target(reach, public_id)
    suffix = ("badge_qr", public_id) if public_id else ("portfolio_qr",)
    ctx = {
        "reach": reach,
        "target": target,
        "short": target.split("://", 1)[-1],
        "title": reach.portfolio.title,
        # Inline, so the page alone is all a phone needs to show the code offline.
        "svg_data_uri": _qr_svg_data_uri(target),
        "svg_url": reach.url(suffix[0], *suffix[1:], "svg"),
        "back_url": reach.url("badge", public_id) if public_id else reach.url("portfolio"),
    }
    return render(request, "wallet/qr_page.html", ctx)


def _thumbnail_bytes(badge: Badge) -> bytes | None:
    if not badge.thumbnail:
        return None
    try:
        with badge.thumbnail.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


@public_page
def public_preview(request, reach: Reach, public_id=None):
    """The Open Graph / Twitter card picture for link previews."""
    learner = reach.portfolio.owner.public_name
    if public_id is None:
        badges = _public_entries(reach.portfolio)
        title, subtitle = (
            reach.portfolio.title,
            _("%(name)s · %(count)s badges") % {"name": learner, "count": len(badges)},
        )
    else:
        badges = [_public_badge(reach, public_id)]
        title, subtitle = badges[0].name, preview_subtitle(badges[0])
    png = previews.make_preview(title=title, subtitle=subtitle, images=[_thumbnail_bytes(b) for b in badges[:4]])
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=600"
    return response


@public_page
def public_badge_image(request, reach: Reach, public_id):
    return badge_image_response(_public_badge(reach, public_id))


@public_page
def public_badge_download(request, reach: Reach, public_id):
    badge = _public_badge(reach, public_id)
    if not public_download_allowed(badge):
        # What would be served names the learner's e-mail address in clear: never to strangers.
        raise Http404
    return baked_download_response(badge)
