"""API for the learner's badges and notifications: HTTP in, a service call, a serializer out.

Every lookup goes through ``owned_by(request.user)``, so another learner's badge is a 404.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from config.api import BADGE_ID, NOTIFICATION_ID, ImportIPThrottle, error_body, error_responses

from .filters import filter_badges
from .imports import start_import
from .models import Badge, Notification, PendingImport, Verification
from .notifications import mark_notifications_read
from .serializers import (
    BadgeDetailSerializer,
    BadgeImportFileSerializer,
    BadgeImportJsonSerializer,
    BadgeImportSerializer,
    BadgeListFilterSerializer,
    BadgeSerializer,
    BadgeUpdateSerializer,
    NotificationFilterSerializer,
    NotificationSerializer,
    NotificationsReadSerializer,
    PendingImportSerializer,
)
from .services import ImportRefused, remove_badge, reverify_badge, set_badge_hidden

# Refusals that are not "your input is unusable" (422) get their own HTTP status.
IMPORT_REFUSAL_STATUS = {"duplicate": status.HTTP_409_CONFLICT, "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE}

BADGE_EXAMPLE = {
    "id": "6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11",
    "name": "Data Science Basics",
    "issuer": {"name": "Prefectural Learning Centre", "url": "https://learning.example/"},
    "issued_on": "2026-01-15T18:00:00+09:00",
    "expires_on": None,
    "status": "valid",
    "status_label": "Verified",
    "status_note": "",
    "last_checked_at": "2026-03-01T09:12:00+09:00",
    "tags": ["python", "data"],
    "spec_version": "2.0",
    "source_kind": "png",
    "hidden_from_public": False,
    "image_url": "https://manabi.example.jp/badges/6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11/image/",
    "created_at": "2026-01-20T20:31:00+09:00",
}
BADGE_DETAIL_EXAMPLE = {
    **BADGE_EXAMPLE,
    "description": "Learners **explore** data with Python.",
    "criteria_url": "",
    "criteria_narrative": "Complete all six workshops.",
    "evidence": [],
    "alignments": [],
    "format": "ob2-hosted",
    "source_url": "",
    "original_filename": "data-science.png",
    "checks": [
        {"name": "hosted", "result": "pass", "message": "The issuer's copy of the badge was fetched."},
        {"name": "recipient", "result": "pass", "message": "Issued to hana@example.org."},
    ],
    "last_verification": {
        "ran_at": "2026-03-01T09:12:00+09:00",
        "trigger": "schedule",
        "status": "valid",
        "previous_status": "",
    },
}


# DRF's get_object_or_404: a malformed id (not a UUID, not a number) is a 404, not a 500.
def owned_badge(request, public_id) -> Badge:
    return get_object_or_404(Badge.objects.owned_by(request.user), public_id=public_id)


@extend_schema(tags=["badges"])
class BadgeList(generics.ListAPIView):
    serializer_class = BadgeSerializer

    def get_queryset(self):
        return Badge.objects.owned_by(self.request.user).for_listing()

    def filter_queryset(self, queryset):
        params = BadgeListFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        wanted = {key: value for key, value in params.validated_data.items() if value}
        # The wallet page's filter, so both answer the same.
        return filter_badges(queryset, **wanted) if wanted else queryset

    @extend_schema(
        summary="List my badges",
        parameters=[BadgeListFilterSerializer],
        responses={200: BadgeSerializer(many=True), **error_responses(400, 404)},
        examples=[OpenApiExample("A page of badges", value=BADGE_EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["badges"], parameters=[BADGE_ID])
class BadgeDetail(APIView):
    @extend_schema(
        summary="One of my badges, with the last verification's checks",
        responses={200: BadgeDetailSerializer, **error_responses(404)},
        examples=[OpenApiExample("A verified badge", value=BADGE_DETAIL_EXAMPLE, response_only=True)],
    )
    def get(self, request, public_id):
        return Response(BadgeDetailSerializer(owned_badge(request, public_id)).data)

    @extend_schema(
        summary="Hide a badge from (or show it on) my public pages",
        request=BadgeUpdateSerializer,
        responses={200: BadgeDetailSerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Hide it", value={"hidden_from_public": True}, request_only=True)],
    )
    def patch(self, request, public_id):
        badge = owned_badge(request, public_id)
        data = BadgeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        set_badge_hidden(badge=badge, hidden=data.validated_data["hidden_from_public"])
        return Response(BadgeDetailSerializer(badge).data)

    @extend_schema(
        summary="Remove a badge from my wallet (and from every portfolio)",
        responses={204: OpenApiResponse(description="Removed."), **error_responses(404)},
    )
    def delete(self, request, public_id):
        remove_badge(badge=owned_badge(request, public_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["badges"])
class BadgeImport(APIView):
    # The site's JSON parser (badges.parsers: nesting limit) after the file forms.
    parser_classes = [MultiPartParser, FormParser, *api_settings.DEFAULT_PARSER_CLASSES[:1]]
    # Each import fetches from the issuer: a stricter limit than plain reads, per learner and per IP
    # (the web form counts against the same limits: badges.imports.check_import_throttle).
    throttle_scope = "import"
    throttle_classes = [*api_settings.DEFAULT_THROTTLE_CLASSES, ImportIPThrottle]

    @extend_schema(
        summary="Import a badge: a file, a URL or a pasted JSON/JWT",
        description="Send exactly one of `file` (multipart), `url` or `payload` (JSON). The badge is verified "
        "first; a refusal answers with its reason code (see 409, 413 and 422). When imports run in the "
        "background (the default), the answer is 202 with the pending import: follow `status_url` "
        "(GET /api/v1/badges/import/{id}/) until `pending` is false.",
        request={"multipart/form-data": BadgeImportFileSerializer, "application/json": BadgeImportJsonSerializer},
        responses={
            201: BadgeDetailSerializer,
            202: PendingImportSerializer,
            **error_responses(400, 409, 413, 422),
        },
        examples=[
            OpenApiExample("By URL", value={"url": "https://learning.example/assertions/1"}, request_only=True),
            OpenApiExample(
                "Pasted JWT", value={"payload": "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln"}, request_only=True
            ),
            OpenApiExample("Imported", value=BADGE_DETAIL_EXAMPLE, response_only=True, status_codes=["201"]),
        ],
    )
    def post(self, request):
        data = BadgeImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        source = data.validated_data
        outcome = start_import(
            owner=request.user,
            label=source.get("url", "") or getattr(source.get("file"), "name", ""),
            upload=source.get("file"),
            url=source.get("url", ""),
            payload=source.get("payload", ""),
        )
        if outcome.refused is not None:
            return refusal_response(outcome.refused)
        if outcome.pending is not None:
            return Response(
                PendingImportSerializer(outcome.pending).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": pending_api_url(outcome.pending)},
            )
        return Response(BadgeDetailSerializer(outcome.badge).data, status=status.HTTP_201_CREATED)


def pending_api_url(pending: PendingImport) -> str:
    return reverse("api_badge_import_status", args=[pending.public_id])


@extend_schema(tags=["badges"])
class BadgeImportStatus(APIView):
    @extend_schema(
        summary="Follow a pending import",
        responses={200: PendingImportSerializer, **error_responses(404)},
    )
    def get(self, request, public_id):
        pending = get_object_or_404(PendingImport.objects.filter(owner=request.user), public_id=public_id)
        return Response(PendingImportSerializer(pending).data)


def refusal_response(refused: ImportRefused) -> Response:
    """An import refusal in the API's one error shape, keeping its code (a duplicate names the badge)."""
    details = {"badge": str(refused.badge.public_id)} if refused.badge is not None else {}
    return Response(
        error_body(refused.code, refused.message, details),
        status=IMPORT_REFUSAL_STATUS.get(refused.code, status.HTTP_422_UNPROCESSABLE_ENTITY),
    )


@extend_schema(tags=["badges"], parameters=[BADGE_ID])
class BadgeReverify(APIView):
    # A re-check asks the issuer again; limited so the API cannot be used to hammer issuers.
    throttle_scope = "reverify"

    @extend_schema(
        summary="Check a badge with its issuer again, now",
        request=None,
        responses={200: BadgeDetailSerializer, **error_responses(404)},
        examples=[OpenApiExample("Checked", value=BADGE_DETAIL_EXAMPLE, response_only=True)],
    )
    def post(self, request, public_id):
        badge = owned_badge(request, public_id)
        reverify_badge(badge=badge, trigger=Verification.Trigger.MANUAL)
        return Response(BadgeDetailSerializer(badge).data)


# ---------------------------------------------------------------------------------------------
# Notifications
# ---------------------------------------------------------------------------------------------

NOTIFICATION_EXAMPLE = {
    "id": 42,
    "kind": "revoked",
    "kind_label": "Revoked by the issuer",
    "badge": {"id": "6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11", "name": "Data Science Basics"},
    "created_at": "2026-03-02T08:00:00+09:00",
    "read_at": None,
}


@extend_schema(tags=["notifications"])
class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    def get_queryset(self):
        params = NotificationFilterSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        notices = Notification.objects.filter(user=self.request.user).select_related("badge")
        return notices.unread() if params.validated_data["unread"] else notices

    @extend_schema(
        summary="My notifications (badges revoked, expired, verified again…)",
        parameters=[NotificationFilterSerializer],
        responses={200: NotificationSerializer(many=True), **error_responses(400, 404)},
        examples=[OpenApiExample("A revocation", value=NOTIFICATION_EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["notifications"], parameters=[NOTIFICATION_ID])
class NotificationRead(APIView):
    @extend_schema(
        summary="Mark one notification as read",
        request=None,
        responses={200: NotificationSerializer, **error_responses(404)},
        examples=[
            OpenApiExample(
                "Read", value={**NOTIFICATION_EXAMPLE, "read_at": "2026-03-02T12:00:00+09:00"}, response_only=True
            )
        ],
    )
    def post(self, request, pk: str):
        notice = get_object_or_404(Notification.objects.filter(user=request.user).select_related("badge"), pk=pk)
        notice.mark_read()
        return Response(NotificationSerializer(notice).data)


@extend_schema(tags=["notifications"])
class NotificationsReadAll(APIView):
    @extend_schema(
        summary="Mark all my notifications as read",
        request=None,
        responses={200: NotificationsReadSerializer, **error_responses()},
        examples=[OpenApiExample("Three marked", value={"marked": 3}, response_only=True)],
    )
    def post(self, request):
        marked = mark_notifications_read(user=request.user)
        return Response({"marked": marked})
