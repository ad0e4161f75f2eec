"""What every API endpoint shares: the one error shape, throttles, and the schema pieces for both.

Every error is ``{"error": {"code": "...", "message": "...", "details": {...}}}``: ``code`` is
stable for programs, ``message`` is in the request's language (Accept-Language), ``details`` is
optional (field errors, the duplicate badge's id, seconds to wait).
"""

from __future__ import annotations

import math
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, serializers, status, throttling
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, reshaped into the one error format (apps answer their own refusals with ``error_body``)."""
    # get_object_or_404 raises Django's Http404: same answer for "not yours" and "not there".
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        response.data = error_body("invalid", _("Some of the data sent is not valid."), {"fields": detail})
        return response
    assert isinstance(exc, exceptions.APIException)
    code = exc.get_codes()
    details = {"retry_after": exc.wait} if isinstance(exc, exceptions.Throttled) and exc.wait else {}
    message = throttled_message(exc.wait) if isinstance(exc, exceptions.Throttled) else str(exc.detail)
    response.data = error_body(code if isinstance(code, str) else exc.default_code, message, details)
    return response


def throttled_message(wait: float | None) -> str:
    """Ours, fully translated (DRF's Japanese catalogue leaves "Expected available in …" in English)."""
    if not wait:
        return _("Too many requests. Please try again later.")
    seconds = math.ceil(wait)
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Too many requests. Please try again in %(count)d minute.",
            "Too many requests. Please try again in %(count)d minutes.",
            minutes,
        ) % {"count": minutes}
    return ngettext(
        "Too many requests. Please try again in %(count)d second.",
        "Too many requests. Please try again in %(count)d seconds.",
        seconds,
    ) % {"count": seconds}


# ---------------------------------------------------------------------------------------------
# Django's handler404/handler500 (config/urls.py): the errors that never reach a DRF view (an
# unknown /api/ path, a bug) still answer in the one JSON shape; every other page keeps its HTML.
# ---------------------------------------------------------------------------------------------


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def _json_error(code: str, message: str, status_code: int) -> JsonResponse:
    # ensure_ascii off, as DRF's own JSON renderer does: Japanese stays readable.
    return JsonResponse(error_body(code, message), status=status_code, json_dumps_params={"ensure_ascii": False})


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        # DRF's own wording, translated by DRF's catalogue: the same message as a view's 404.
        return _json_error("not_found", exceptions.NotFound.default_detail, status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _json_error(
            "server_error", exceptions.APIException.default_detail, status.HTTP_500_INTERNAL_SERVER_ERROR
        )
    # templates/500.html is plain HTML: no context processors, no database (which may be the bug).
    return defaults.server_error(request)


# ---------------------------------------------------------------------------------------------
# Throttles. DRF binds DEFAULT_THROTTLE_RATES when its classes are imported; these read the
# settings on every request, so a test (or a deploy) can change the rates with override_settings.
# ---------------------------------------------------------------------------------------------


class _RatesFromSettings:
    @property
    def THROTTLE_RATES(self) -> dict[str, str]:  # upper case: the attribute DRF reads
        return api_settings.DEFAULT_THROTTLE_RATES


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Per learner (per IP for anonymous requests)."""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Per IP, for anonymous requests only."""


class ScopedRateThrottle(_RatesFromSettings, throttling.ScopedRateThrottle):
    """The stricter limits of one kind of endpoint (a view's ``throttle_scope``: import, public…)."""


class ImportIPThrottle(_RatesFromSettings, throttling.SimpleRateThrottle):
    """Imports per IP address, signed in or not: many accounts behind one address share it."""

    scope = "import_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# ---------------------------------------------------------------------------------------------
# Schema: the error shape and the errors each endpoint documents
# ---------------------------------------------------------------------------------------------


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine code, e.g. not_found, invalid, duplicate, throttled.")
    message = serializers.CharField(help_text="Human-readable, in the request's language.")
    details = serializers.DictField(help_text="Extra data: field errors, a badge id, seconds to wait…")


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


_ERROR_EXAMPLES = {
    400: ("invalid", "Some of the data sent is not valid.", {"fields": {"title": ["This field is required."]}}),
    401: ("not_authenticated", "Authentication credentials were not provided.", {}),
    403: ("permission_denied", "CSRF Failed: CSRF token missing.", {}),
    404: ("not_found", "Not found.", {}),
    409: ("duplicate", "You already have this badge in your wallet: “Data Science Basics”.", {"badge": "3f0c…"}),
    413: ("too_large", "This file is larger than 5 MB, the most a badge may be.", {}),
    422: ("not_yours", "This badge was issued to an e-mail address that is not verified on your account.", {}),
    429: ("throttled", "Request was throttled. Expected available in 42 seconds.", {"retry_after": 42}),
}
_ERROR_DESCRIPTIONS = {
    400: "The input is not valid (details.fields lists the problems).",
    401: "No token or session, or a revoked/unknown token.",
    403: "Signed in by session but the CSRF token is missing.",
    404: "Not found (also for another learner's things).",
    409: "A duplicate of a badge already in the wallet (details.badge is its id).",
    413: "The badge file is too large.",
    422: "The badge was refused: not_yours, invalid, bad_format, unsupported, unreachable, revoked, bad_url, empty.",
    429: "Too many requests; details.retry_after says how many seconds to wait.",
}


def error_responses(*codes: int, public: bool = False) -> dict[int, OpenApiResponse]:
    """Schema entries for the errors an endpoint can answer with. Authenticated endpoints always
    add 401, 403 and 429; public ones (no authentication at all) only 429."""
    wanted = set(codes) | ({429} if public else {401, 403, 429})
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=_ERROR_DESCRIPTIONS[code],
            examples=[
                OpenApiExample(
                    _ERROR_EXAMPLES[code][0],
                    value=error_body(*_ERROR_EXAMPLES[code]),
                    response_only=True,
                    status_codes=[str(code)],
                )
            ],
        )
        for code in sorted(wanted)
    }


# ---------------------------------------------------------------------------------------------
# Schema: path parameters. Paths take plain strings (config/api_urls.py); the schema still says
# what they are, with one example each.
# ---------------------------------------------------------------------------------------------


def path_parameter(name: str, kind: OpenApiTypes, description: str, example: tuple[str, Any]) -> OpenApiParameter:
    title, value = example
    return OpenApiParameter(
        name, kind, OpenApiParameter.PATH, description=description, examples=[OpenApiExample(title, value=value)]
    )


BADGE_ID = path_parameter(
    "public_id", OpenApiTypes.UUID, "The badge's id.", ("A badge", "6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11")
)
NOTIFICATION_ID = path_parameter("id", OpenApiTypes.INT, "The notification's id.", ("A notification", 42))
PORTFOLIO_ID = path_parameter("id", OpenApiTypes.INT, "The portfolio's id.", ("A portfolio", 7))
PORTFOLIO_SLUG = path_parameter(
    "slug",
    OpenApiTypes.STR,
    "The portfolio's link (the part after /p/ in its public address).",
    ("A link", "q3Zk8mV0b2xV1cW9yYbN1A"),
)
