"""The installable app: web app manifest, service worker, offline page, and what the worker may keep.

The service worker (templates/pwa/sw.js) keeps the site's shell for everyone, and — only for a
signed-in learner — the pages this module marks with ``X-Manabi-Offline: keep``: the wallet list and
QR pages the learner opened. Signing out clears them (``Clear-Site-Data`` plus a message to the worker).
"""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

OFFLINE_HEADER = "X-Manabi-Offline"
# Views whose pages a signed-in learner may see again on a train with no signal.
KEPT_OFFLINE = {"wallet_home"}
KEPT_OFFLINE_SUFFIXES = ("_portfolio_qr_page", "_badge_qr_page")


@cache_control(max_age=3600, public=True)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "Manabi",
        "short_name": "Manabi",
        "description": _("Your Open Badges, verified, with a QR code to show from your phone."),
        "id": "/",
        "start_url": reverse("wallet_home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1c5bb8",
        "lang": getattr(request, "LANGUAGE_CODE", "ja"),
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("img/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    shell = [
        static("css/site.css"),
        static("css/wallet.css"),
        static("js/site.js"),
        static("js/qr.js"),
        static("img/logo.svg"),
        static("img/icon-192.png"),
        reverse("offline"),
    ]
    response = render(
        request,
        "pwa/sw.js",
        {"shell_json": json.dumps(shell), "static_prefix": static(""), "offline_url": reverse("offline")},
        content_type="application/javascript",
    )
    # Always the newest worker; it controls the whole site although served from one path.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "pwa/offline.html")


class OfflineCopyMiddleware:
    """Marks the pages the service worker may keep, and makes signing out forget them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        name = match.url_name if match else ""
        if name == "account_logout" and request.method == "POST":
            # Nothing private stays on the device: HTTP cache, Cache Storage and the worker go.
            response["Clear-Site-Data"] = '"cache", "storage"'
        elif (
            request.method == "GET"
            and response.status_code == 200
            and request.user.is_authenticated
            and (name in KEPT_OFFLINE or (name or "").endswith(KEPT_OFFLINE_SUFFIXES))
        ):
            response[OFFLINE_HEADER] = "keep"
        return response
