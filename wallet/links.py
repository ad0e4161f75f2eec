"""The public addresses of portfolios and their badges, absolute (MANABI_SITE_URL), in one place.

What a QR code, a printout, a share button, the API and the badge page give out is built here,
so a printed code and the page it was printed from never disagree. ``via``/``key`` name the way in:
``public``/the portfolio's slug (``/p/…``, the default) or ``shared``/a share link's token (``/s/…``).
"""

from __future__ import annotations

from django.urls import reverse

from badges.models import Badge
from config.site import absolute_url

from .models import BadgeLink, Portfolio, ShareLink


def public_url(name: str, *args) -> str:
    """Any public page by its URL name, e.g. ``public_url("public_badge_image", slug, badge_id)``."""
    return absolute_url(reverse(name, args=args))


def portfolio_url(portfolio: Portfolio, *, via: str = "public", key: str = "") -> str:
    return public_url(f"{via}_portfolio", key or portfolio.slug)


def badge_url(portfolio: Portfolio, badge: Badge, *, via: str = "public", key: str = "") -> str:
    """A badge's public page: what its QR code opens and what LinkedIn links to."""
    return public_url(f"{via}_badge", key or portfolio.slug, badge.public_id)


def permanent_badge_url(link: BadgeLink) -> str:
    """A badge's own address, /b/<code>/: what per-badge QR codes, printouts and LinkedIn give out."""
    return public_url("badge_link", link.code)


def share_link_url(link: ShareLink) -> str:
    return public_url("shared_portfolio", link.token)
