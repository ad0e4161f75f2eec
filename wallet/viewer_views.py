"""Viewer checks on public badge pages: "Verify now" and "Was this issued to the person I'm dealing with?".

Thin views over ``badges.viewer_checks``: rate-limited per viewer (IP address) and per badge,
no login, and the answer rendered on the same public badge page. The recipient form never echoes
what was typed, so no response can carry the address on file.

The forms carry no CSRF token: the pages they sit on are served whole from a shared cache to
every visitor (page_cache), and a per-visitor token would make each copy private. A token would
protect nothing here either: these checks act for nobody's account and answer only the browser
that asked. What a forged cross-site form could still do (spend the rate limit) is refused by the
browser's own headers instead: ``Sec-Fetch-Site`` and ``Origin`` must not name another site.
"""

from __future__ import annotations

import functools
from http import HTTPStatus
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from badges.viewer_checks import issued_to, take, verify_now

from .views import Reach, _public_badge, public_badge_context, public_page


class RecipientForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address the person gave you"), max_length=254)


def sent_from_another_site(request) -> bool:
    """What the browser says about where the form was sent from (absent headers: not a browser form).

    ``Sec-Fetch-Site``, when sent, is the answer: a page cannot set it, and it still names the site
    when the browser hides the origin (``Origin: null`` under a "no-referrer" policy). Browsers
    without it are judged by ``Origin``.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return False
    parts = urlsplit(origin)
    return parts.scheme != request.scheme or parts.netloc != request.get_host()


def viewer_check(view):
    """A viewer check's form target: POST only, no CSRF token (see above), not from another site."""

    @csrf_exempt
    @require_POST
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if sent_from_another_site(request):
            return render(request, "403_csrf.html", status=HTTPStatus.FORBIDDEN)
        return view(request, *args, **kwargs)

    return wrapper


def _viewer(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def viewer_limited(request, badge, scope: str) -> bool:
    """Count one viewer check of ``badge``; True once the viewer or the badge used up the window."""
    per_viewer, per_badge, window = settings.VIEWER_CHECK_LIMITS[scope]
    return not (
        take(f"{scope}:viewer", _viewer(request), limit=per_viewer, per_seconds=window)
        and take(f"{scope}:badge", str(badge.pk), limit=per_badge, per_seconds=window)
    )


def _page(request, reach: Reach, badge, status: int = HTTPStatus.OK, **extra):
    ctx = public_badge_context(request, reach, badge)
    ctx.update(extra)
    return render(request, "wallet/public_badge.html", ctx, status=status)


@viewer_check
@public_page
def public_verify_now(request, reach: Reach, public_id):
    badge = _public_badge(reach, public_id)
    if viewer_limited(request, badge, "verify"):
        return _page(request, reach, badge, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="verify")
    outcome = verify_now(badge)
    badge.refresh_from_db()
    return _page(request, reach, badge, viewer_check=outcome)


@viewer_check
@public_page
def public_recipient_check(request, reach: Reach, public_id):
    badge = _public_badge(reach, public_id)
    if viewer_limited(request, badge, "recipient"):
        return _page(request, reach, badge, HTTPStatus.TOO_MANY_REQUESTS, viewer_limited="recipient")
    form = RecipientForm(request.POST)
    if not form.is_valid():
        return _page(request, reach, badge, HTTPStatus.BAD_REQUEST, recipient_invalid=True)
    matched = issued_to(badge, form.cleaned_data["email"])
    return _page(request, reach, badge, recipient_answer="match" if matched else "no_match")
