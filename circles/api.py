"""Circles in the REST API (/api/v1/circles/…): same authentication, throttles and error shape as the
rest of /api/v1/. Members are only ever nicknames; no response carries an e-mail address."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from badges.models import Badge
from config.api import error_responses

from . import services
from .directory import search
from .keys import lookup_text
from .models import Circle, Event, Membership, Rsvp
from .presentation import exact_count
from .services import CircleRefused

REFUSAL_STATUS = {
    "not_member": status.HTTP_403_FORBIDDEN,
    "not_organiser": status.HTTP_403_FORBIDDEN,
    "removed": status.HTTP_403_FORBIDDEN,
    "full": status.HTTP_409_CONFLICT,
    "nickname_taken": status.HTTP_409_CONFLICT,
    "rate_limited": status.HTTP_429_TOO_MANY_REQUESTS,
}


def refusal(refused: CircleRefused) -> exceptions.APIException:
    error = exceptions.APIException(detail=refused.message, code=refused.code)
    error.status_code = REFUSAL_STATUS.get(refused.code, status.HTTP_422_UNPROCESSABLE_ENTITY)
    return error


SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The circle's id.")
EVENT_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The event's id.")


# ---------------------------------------------------------------------------------------------
# Serializers (nicknames and counts only; counts are null below k)
# ---------------------------------------------------------------------------------------------


class CircleSerializer(serializers.Serializer):
    id = serializers.CharField(source="slug")
    name = serializers.CharField()
    kind = serializers.CharField()
    purpose = serializers.CharField()
    issuer_name = serializers.CharField()
    is_open = serializers.SerializerMethodField(help_text="Activated by an organiser or joined by at least k holders.")
    member_count = serializers.SerializerMethodField(help_text="Exact from 5 members; null below (k-anonymity).")
    organisation = serializers.SerializerMethodField()

    def get_is_open(self, circle) -> bool:
        return services.is_visible(circle)

    def get_member_count(self, circle) -> int | None:
        return exact_count(services.active_member_count(circle))

    def get_organisation(self, circle) -> str | None:
        return circle.activated_by.organisation_name if circle.activated_by_id else None


class MembershipSerializer(serializers.Serializer):
    circle = CircleSerializer()
    nickname = serializers.CharField()
    intro = serializers.CharField()
    state = serializers.CharField(help_text="active, paused (badge suspended/unverifiable), ended, removed")
    dm_enabled = serializers.BooleanField()
    answers_public = serializers.BooleanField()
    joined_at = serializers.DateTimeField()


class MembershipUpdateSerializer(serializers.Serializer):
    nickname = serializers.CharField(max_length=40)
    intro = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    dm_enabled = serializers.BooleanField(required=False, default=False)
    answers_public = serializers.BooleanField(required=False, default=False)


class JoinSerializer(serializers.Serializer):
    badge = serializers.UUIDField(help_text="The id of your badge that opens the circle (valid now).")
    circle = serializers.CharField(required=False, allow_blank=True, help_text="A programme circle's id (optional).")
    nickname = serializers.CharField(max_length=40)
    intro = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(help_text="You read the circle's purpose and agree to it.")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nickname = serializers.CharField()
    intro = serializers.CharField()


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = serializers.CharField(source="author_label")
    body = serializers.CharField()
    pinned = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class PostCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    online_url = serializers.CharField()
    capacity = serializers.IntegerField()
    attendance_badge = serializers.BooleanField()
    going_count = serializers.SerializerMethodField(help_text="Exact from 5; null below.")

    def get_going_count(self, event) -> int | None:
        return exact_count(services.going_count(event))


class RsvpSerializer(serializers.Serializer):
    event = serializers.IntegerField(source="event_id")
    answer = serializers.CharField()
    checked_in_at = serializers.DateTimeField(allow_null=True)
    attendance_badge = serializers.SerializerMethodField(help_text="The attendance badge's id in your wallet.")

    def get_attendance_badge(self, rsvp) -> str | None:
        return str(rsvp.attendance_badge.public_id) if rsvp.attendance_badge_id else None


class RsvpUpdateSerializer(serializers.Serializer):
    going = serializers.BooleanField()


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=40, help_text="The code in the venue's QR link (/circles/checkin/<token>/)."
    )


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.CharField(source="class_key")
    name = serializers.CharField()
    issuer_name = serializers.CharField()
    issuer_url = serializers.CharField()
    criteria_url = serializers.CharField()
    holders = serializers.SerializerMethodField(help_text="Exact from 5 holders; null below.")

    def get_holders(self, entry) -> int | None:
        return exact_count(entry.holders)


class SearchTextField(serializers.CharField):
    """Search words: control characters (NUL included) are dropped, not refused."""

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = "".join(ch for ch in data if ch >= " ")
        return super().run_validation(data)


class DirectoryQuerySerializer(serializers.Serializer):
    q = SearchTextField(max_length=100, required=False, allow_blank=True, default="")


# ---------------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------------


def _circle(slug: str) -> Circle:
    return get_object_or_404(Circle.objects.with_member_counts().select_related("activated_by"), slug=lookup_text(slug))


def _inside(request, slug: str) -> tuple[Circle, Membership | None]:
    circle = _circle(slug)
    membership = services.membership_of(request.user, circle)
    organiser = services.organiser_of(request.user)
    if not services.can_enter(request.user, circle, membership=membership, organiser=organiser):
        raise exceptions.NotFound()
    return circle, membership


def _own_membership(request, slug: str) -> Membership:
    return get_object_or_404(
        Membership.objects.select_related("circle__activated_by"), circle__slug=lookup_text(slug), user=request.user
    )


@extend_schema(tags=["circles"])
class MyCircles(APIView):
    @extend_schema(
        summary="The circles I joined", responses={200: MembershipSerializer(many=True), **error_responses()}
    )
    def get(self, request):
        memberships = Membership.objects.filter(user=request.user).select_related("circle__activated_by")[:200]
        return Response(MembershipSerializer(memberships, many=True).data)


@extend_schema(tags=["circles"])
class Join(APIView):
    throttle_scope = "circles_write"

    @extend_schema(
        summary="Join a circle with one of my badges (valid now)",
        request=JoinSerializer,
        responses={201: MembershipSerializer, **error_responses(400, 404, 409, 422)},
    )
    def post(self, request):
        data = JoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        badge = get_object_or_404(Badge.objects.owned_by(request.user), public_id=data.validated_data["badge"])
        slug = data.validated_data.get("circle")
        circle = _circle(slug) if slug else services.badge_circle(badge)
        try:
            membership = services.join_circle(
                user=request.user,
                circle=circle,
                badge=badge,
                nickname=data.validated_data["nickname"],
                intro=data.validated_data["intro"],
                consent=data.validated_data["consent"],
            )
        except CircleRefused as refused:
            raise refusal(refused)
        membership = _own_membership(request, membership.circle.slug)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["circles"], parameters=[SLUG])
class CircleDetail(APIView):
    @extend_schema(
        summary="A circle (open circles, or ones I joined)", responses={200: CircleSerializer, **error_responses(404)}
    )
    def get(self, request, slug):
        circle = _circle(slug)
        if not services.is_visible(circle) and services.membership_of(request.user, circle) is None:
            raise exceptions.NotFound()
        return Response(CircleSerializer(circle).data)


@extend_schema(tags=["circles"], parameters=[SLUG])
class MyMembership(APIView):
    throttle_scope = "circles_write"

    @extend_schema(summary="My membership of a circle", responses={200: MembershipSerializer, **error_responses(404)})
    def get(self, request, slug):
        return Response(MembershipSerializer(_own_membership(request, slug)).data)

    @extend_schema(
        summary="Change my nickname, introduction and choices",
        request=MembershipUpdateSerializer,
        responses={200: MembershipSerializer, **error_responses(400, 404, 409, 422)},
    )
    def patch(self, request, slug):
        membership = _own_membership(request, slug)
        data = MembershipUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.update_membership(membership=membership, **data.validated_data)
        except CircleRefused as refused:
            raise refusal(refused)
        return Response(MembershipSerializer(membership).data)

    @extend_schema(
        summary="Leave the circle (my posts there are deleted)", responses={204: None, **error_responses(404)}
    )
    def delete(self, request, slug):
        services.leave_circle(membership=_own_membership(request, slug))
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["circles"], parameters=[SLUG])
class Members(APIView):
    @extend_schema(
        summary="Members (nicknames only)", responses={200: MemberSerializer(many=True), **error_responses(404)}
    )
    def get(self, request, slug):
        circle, _membership = _inside(request, slug)
        return Response(MemberSerializer(services.member_list(circle, viewer=request.user), many=True).data)


@extend_schema(tags=["circles"], parameters=[SLUG])
class Posts(APIView):
    throttle_scope = "circles_write"

    @extend_schema(
        summary="Posts, pinned announcements first", responses={200: PostSerializer(many=True), **error_responses(404)}
    )
    def get(self, request, slug):
        circle, _membership = _inside(request, slug)
        return Response(PostSerializer(services.visible_posts(circle, viewer=request.user), many=True).data)

    @extend_schema(
        summary="Post to the circle (plain text)",
        request=PostCreateSerializer,
        responses={201: PostSerializer, **error_responses(400, 404, 422)},
    )
    def post(self, request, slug):
        circle, membership = _inside(request, slug)
        data = PostCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            post = services.create_post(circle=circle, membership=membership, body=data.validated_data["body"])
        except CircleRefused as refused:
            raise refusal(refused)
        return Response(PostSerializer(post).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["circles"], parameters=[SLUG])
class Events(APIView):
    @extend_schema(summary="Upcoming meet-ups", responses={200: EventSerializer(many=True), **error_responses(404)})
    def get(self, request, slug):
        circle, _membership = _inside(request, slug)
        events = circle.events.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")[:50]
        return Response(EventSerializer(events, many=True).data)


@extend_schema(tags=["circles"], parameters=[SLUG, EVENT_ID])
class EventRsvp(APIView):
    throttle_scope = "circles_write"

    @extend_schema(summary="My answer to a meet-up", responses={200: RsvpSerializer, **error_responses(404)})
    def get(self, request, slug, pk):
        circle, membership = _inside(request, slug)
        answer = get_object_or_404(
            Rsvp.objects.select_related("attendance_badge"), event__circle=circle, event__pk=pk, membership=membership
        )
        return Response(RsvpSerializer(answer).data)

    @extend_schema(
        summary="Say I am going (or not)",
        request=RsvpUpdateSerializer,
        responses={200: RsvpSerializer, **error_responses(400, 404, 409, 422)},
    )
    def put(self, request, slug, pk):
        circle, membership = _inside(request, slug)
        event = get_object_or_404(Event, circle=circle, pk=pk)
        if membership is None:
            raise exceptions.NotFound()
        data = RsvpUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            answer = services.rsvp(event=event, membership=membership, going=data.validated_data["going"])
        except CircleRefused as refused:
            raise refusal(refused)
        return Response(RsvpSerializer(answer).data)


@extend_schema(tags=["circles"])
class CheckIn(APIView):
    throttle_scope = "circles_write"

    @extend_schema(
        summary="Check in at a meet-up with the venue's code (issues the attendance badge, if any)",
        request=CheckInSerializer,
        responses={200: RsvpSerializer, **error_responses(400, 404, 422)},
    )
    def post(self, request):
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = get_object_or_404(
            Event.objects.select_related("circle", "organiser"), checkin_token=data.validated_data["token"]
        )
        try:
            answer = services.check_in(event=event, user=request.user)
        except CircleRefused as refused:
            raise refusal(refused)
        return Response(RsvpSerializer(answer).data)


@extend_schema(tags=["circles"])
class Directory(APIView):
    permission_classes = [AllowAny]
    throttle_scope = "public"

    @extend_schema(
        summary="Search the directory of badges held in Manabi (public)",
        parameters=[DirectoryQuerySerializer],
        responses={200: DirectoryEntrySerializer(many=True), **error_responses(400, public=True)},
    )
    def get(self, request):
        params = DirectoryQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        entries = search(params.validated_data["q"])[: settings.CIRCLES_PAGE_SIZE]
        return Response(DirectoryEntrySerializer(entries, many=True).data)
