"""API for the learner's own profile."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import error_responses

from .serializers import ProfileSerializer

PROFILE_EXAMPLE = {
    "email": "hana@example.org",
    "display_name": "Hana",
    "bio": "High-school student in Shizuoka; I like data and translation.",
    "preferred_language": "ja",
    "public_name": "Hana",
    "avatar_url": None,
    "date_joined": "2026-01-10T19:02:00+09:00",
}


@extend_schema(tags=["profile"])
class Profile(APIView):
    @extend_schema(
        summary="My profile",
        responses={200: ProfileSerializer, **error_responses()},
        examples=[OpenApiExample("Hana", value=PROFILE_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        return Response(ProfileSerializer(request.user).data)

    @extend_schema(
        summary="Change my display name, introduction or language",
        request=ProfileSerializer,
        responses={200: ProfileSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "New name", value={"display_name": "Hana S.", "preferred_language": "en"}, request_only=True
            ),
            OpenApiExample("Saved", value={**PROFILE_EXAMPLE, "display_name": "Hana S."}, response_only=True),
        ],
    )
    def patch(self, request):
        # A plain update of the learner's own row, as the profile page's ModelForm.save() does.
        data = ProfileSerializer(request.user, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        data.save()
        return Response(data.data)
