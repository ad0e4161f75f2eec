"""Errors of the Open Badges API in the spec's ``Imsx_StatusInfo`` shape, for every status code."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

logger = logging.getLogger(__name__)

# HTTP status -> the spec's imsx_codeMinorFieldValue vocabulary.
CODE_MINOR = {
    400: "invalid_data",
    401: "unauthorizedrequest",
    403: "forbidden",
    404: "not_found",
    405: "not_allowed",
    406: "not_acceptable",
    413: "invalid_data",
    415: "invalid_data",
    429: "server_busy",
    500: "internal_server_error",
}


def status_info(http_status: int, description: str, *, minor: str | None = None) -> dict[str, Any]:
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": str(description),
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {
                    "imsx_codeMinorFieldName": "manabi",
                    "imsx_codeMinorFieldValue": minor or CODE_MINOR.get(http_status, "unknown"),
                }
            ]
        },
    }


class ApiError(exceptions.APIException):
    """Raised by the OB API views: becomes an ``Imsx_StatusInfo`` response with this status."""

    def __init__(self, http_status: int, description: str, *, minor: str | None = None) -> None:
        super().__init__(description)
        self.status_code = http_status
        self.minor = minor


def error_response(http_status: int, description: str, *, minor: str | None = None, headers=None) -> Response:
    return Response(status_info(http_status, description, minor=minor), status=http_status, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """Every error of an OB API view, including unexpected ones, as ``Imsx_StatusInfo``."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return error_response(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, _("The request body is too large."))
    if isinstance(exc, ApiError):
        return error_response(exc.status_code, str(exc.detail), minor=exc.minor)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        detail = exc.detail if isinstance(exc.detail, str) else _("The request is not valid.")
        return error_response(exc.status_code, detail, headers=headers)
    logger.exception("Open Badges API error", exc_info=exc)
    return error_response(status.HTTP_500_INTERNAL_SERVER_ERROR, _("Something went wrong on our side."))
