"""Wallet workflows: portfolios, their order and links, print snapshots, removal, export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import IO, Any
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify

from accounts.services import ExportFile
from badges.models import Badge, SourceKind

from . import page_cache
from .models import BadgeLink, Portfolio, PortfolioEntry, PrintSnapshot, ShareLink, ShareLinkView, new_slug

# ---------------------------------------------------------------------------------------------
# Badges (hooks registered in apps.py)
# ---------------------------------------------------------------------------------------------


def touch_portfolios_holding(*, badge: Badge) -> None:
    """A badge is about to be removed: the portfolios that held it changed (badges.services.REMOVE_HOOKS)."""
    Portfolio.objects.filter(entries__badge=badge).update(updated_at=timezone.now())


# ---------------------------------------------------------------------------------------------
# Portfolios
# ---------------------------------------------------------------------------------------------


def create_portfolio(
    *, owner, title: str, description: str = "", visibility: str = Portfolio.Visibility.PRIVATE
) -> Portfolio:
    return Portfolio.objects.create(owner=owner, title=title, description=description, visibility=visibility)


def _touch(portfolio: Portfolio) -> None:
    # updated_at is part of what "changed since" means for viewers and caches.
    Portfolio.objects.filter(pk=portfolio.pk).update(updated_at=timezone.now())
    page_cache.changed(portfolio.owner_id)


@transaction.atomic
def add_badge_to_portfolio(*, portfolio: Portfolio, badge: Badge) -> bool:
    """Append ``badge`` at the end; False if it was already there."""
    if portfolio.entries.filter(badge=badge).exists():
        return False
    last = portfolio.entries.aggregate(last=Max("position"))["last"]
    PortfolioEntry.objects.create(portfolio=portfolio, badge=badge, position=0 if last is None else last + 1)
    _touch(portfolio)
    return True


@transaction.atomic
def set_portfolio_badges(*, portfolio: Portfolio, badges: list[Badge]) -> None:
    """Make ``badges`` the portfolio's badges: kept ones keep their order, new ones go last."""
    wanted = {badge.pk for badge in badges}
    portfolio.entries.exclude(badge_id__in=wanted).delete()
    present = set(portfolio.entries.values_list("badge_id", flat=True))
    last = portfolio.entries.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    for badge in badges:
        if badge.pk not in present:
            position += 1
            PortfolioEntry.objects.create(portfolio=portfolio, badge=badge, position=position)
    _touch(portfolio)


@transaction.atomic
def reorder_portfolio(*, portfolio: Portfolio, badge_ids: list[str]) -> None:
    """Put the badges with these public ids first, in this order; unknown ids are ignored."""
    entries = list(portfolio.entries.select_related("badge").select_for_update())
    rank = {public_id: index for index, public_id in enumerate(badge_ids)}
    entries.sort(key=lambda e: (rank.get(str(e.badge.public_id), len(rank)), e.position, e.pk))
    for position, entry in enumerate(entries):
        entry.position = position
    PortfolioEntry.objects.bulk_update(entries, ["position"])
    _touch(portfolio)


@transaction.atomic
def move_badge(*, portfolio: Portfolio, badge: Badge, offset: int) -> None:
    """Move one badge up (offset -1) or down (+1): the keyboard and no-JS way to order."""
    order = [str(e.badge.public_id) for e in portfolio.entries.select_related("badge")]
    index = order.index(str(badge.public_id))
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    reorder_portfolio(portfolio=portfolio, badge_ids=order)


def reset_portfolio_link(*, portfolio: Portfolio) -> None:
    """A new main link: the old one stops working at once (404)."""
    portfolio.slug = new_slug()
    portfolio.save(update_fields=["slug", "updated_at"])


# ---------------------------------------------------------------------------------------------
# Share links
# ---------------------------------------------------------------------------------------------


def permanent_link(*, badge: Badge) -> BadgeLink:
    """The badge's permanent link (/b/<code>/), made on first use; one the learner turned off stays off."""
    link = BadgeLink.objects.filter(badge=badge).first()
    if link is None:
        link, _created = BadgeLink.objects.get_or_create(badge=badge)
    return link


def set_permanent_link_enabled(*, badge: Badge, enabled: bool) -> BadgeLink:
    link = permanent_link(badge=badge)
    link.disabled_at = None if enabled else (link.disabled_at or timezone.now())
    link.save(update_fields=["disabled_at"])
    return link


def create_share_link(*, portfolio: Portfolio, name: str, expires_on: date | None = None) -> ShareLink:
    return ShareLink.objects.create(portfolio=portfolio, name=name, expires_on=expires_on)


def revoke_share_link(*, link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


# Link-preview fetchers and crawlers: a chat app unfurling the link is not somebody reading it.
PREVIEW_FETCHER_MARKS = (
    "bot",
    "crawler",
    "spider",
    "facebookexternalhit",
    "facebookcatalog",
    "linkedin",
    "slack",
    "whatsapp",
    "telegram",
    "line-poker",
    "skypeuripreview",
    "embedly",
    "pinterest",
    "preview",
    "headlesschrome/",  # scripted, not a person
)


def is_preview_fetcher(user_agent: str) -> bool:
    agent = user_agent.casefold()
    return any(mark in agent for mark in PREVIEW_FETCHER_MARKS)


def counts_as_view(*, user, user_agent: str, owner_id: int) -> bool:
    """A share link's opening counts unless it is the owner's own (signed in) or a preview fetcher."""
    if user.is_authenticated and user.pk == owner_id:
        return False
    return not is_preview_fetcher(user_agent)


def record_share_link_view(*, link: ShareLink, day: date | None = None, now=None) -> None:
    """Count one opening on ``day`` with the time of the last one. Only dates, times and a count
    are stored: no IP, no identity."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    if ShareLinkView.objects.filter(link=link, day=day).update(count=F("count") + 1, last_opened_at=now):
        return
    try:
        with transaction.atomic():
            ShareLinkView.objects.create(link=link, day=day, count=1, first_opened_at=now, last_opened_at=now)
    except IntegrityError:
        # Another request created today's row first.
        ShareLinkView.objects.filter(link=link, day=day).update(count=F("count") + 1, last_opened_at=now)


# ---------------------------------------------------------------------------------------------
# Printing and sharing
# ---------------------------------------------------------------------------------------------


def record_print_snapshot(*, portfolio: Portfolio, badges: list[Badge]) -> PrintSnapshot:
    return PrintSnapshot.objects.create(
        portfolio=portfolio, statuses={str(badge.public_id): badge.status_now for badge in badges}
    )


def linkedin_add_url(*, badge: Badge, cert_url: str, cert_id: str = "") -> str:
    """LinkedIn's "Add licence or certification" form, pre-filled (certUrl: the badge's permanent link)."""
    params: dict[str, Any] = {
        "startTask": "CERTIFICATION_NAME",
        "name": badge.name,
        "organizationName": badge.issuer_name,
        "certUrl": cert_url,
        "certId": cert_id or str(badge.public_id),
    }
    if badge.issued_on:
        issued = timezone.localtime(badge.issued_on)
        params.update(issueYear=issued.year, issueMonth=issued.month)
    if badge.expires_on:
        expires = timezone.localtime(badge.expires_on)
        params.update(expirationYear=expires.year, expirationMonth=expires.month)
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def share_urls(*, url: str, text: str) -> dict[str, str]:
    """Plain links to each network's share form (no scripts from them on our pages)."""
    return {
        "linkedin": "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url}),
        "x": "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": text}),
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        "line": "https://social-plugins.line.me/lineit/share?" + urlencode({"url": url}),
    }


# ---------------------------------------------------------------------------------------------
# Account export and deletion hooks (registered in apps.py)
# ---------------------------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_wallet(*, user) -> dict[str, Any]:
    """The wallet's part of the account export: every badge and portfolio."""
    badges = Badge.objects.owned_by(user).order_by("created_at")
    portfolios = user.portfolios.prefetch_related("entries__badge", "share_links").order_by("created_at")
    return {
        "badges": [
            {
                "public_id": str(badge.public_id),
                "name": badge.name,
                "issuer": badge.issuer_name,
                "issued_on": _iso(badge.issued_on),
                "expires_on": _iso(badge.expires_on),
                "status": badge.status,
                "last_checked_at": _iso(badge.last_checked_at),
                "source_kind": badge.source_kind,
                "source_url": badge.source_url,
                "original_filename": badge.original_filename,
                "original_sha256": badge.original_sha256,
                "hidden_from_public": badge.hidden_from_public,
                "payload": badge.raw_payload,
                "imported_at": _iso(badge.created_at),
            }
            for badge in badges
        ],
        "portfolios": [
            {
                "title": portfolio.title,
                "description": portfolio.description,
                "visibility": portfolio.visibility,
                "created_at": _iso(portfolio.created_at),
                "badges": [str(entry.badge.public_id) for entry in portfolio.entries.all()],
                "share_links": [
                    {"name": link.name, "expires_on": _iso(link.expires_on), "revoked_at": _iso(link.revoked_at)}
                    for link in portfolio.share_links.all()
                ],
            }
            for portfolio in portfolios
        ],
    }


_EXPORT_SUFFIXES = {SourceKind.PNG: "png", SourceKind.SVG: "svg", SourceKind.JSON: "json"}


def _open_original(badge: Badge) -> IO[bytes]:
    if not badge.original_file:
        raise FileNotFoundError(f"badge {badge.public_id} has no original file")
    return badge.original_file.open("rb")


def export_wallet_files(*, user) -> Iterator[ExportFile]:
    """The wallet's files for the export zip: each badge's original, byte for byte, as
    ``badges/<n>-<name>.<png|svg|json|txt>`` (a pasted JWT or a badge's web address is text)."""
    badges = Badge.objects.owned_by(user).only("public_id", "name", "source_kind", "original_file")
    for number, badge in enumerate(badges.order_by("created_at", "pk"), start=1):
        # Letters and digits of any script, and hyphens: a name every file system accepts.
        name = slugify(badge.name, allow_unicode=True)[:60].strip("-_") or "badge"
        yield ExportFile(
            path=f"badges/{number}-{name}.{_EXPORT_SUFFIXES.get(badge.source_kind, 'txt')}",
            open=lambda badge=badge: _open_original(badge),
            about={"badge": str(badge.public_id)},
        )


def delete_wallet_files(*, user) -> None:
    """Badge files are not removed by the database cascade: delete them first."""
    for badge in Badge.objects.owned_by(user).only("original_file", "thumbnail"):
        for field in (badge.original_file, badge.thumbnail):
            if field:
                field.delete(save=False)
