"""API for portfolios: the owner's CRUD and ordering, and the public read-only view by link.

Owner endpoints reach portfolios through ``owned_by(request.user)`` (another learner's is a 404);
the public ones only through ``Portfolio.objects.shared()`` (a private portfolio is a 404 too).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from badges.api import BADGE_EXAMPLE
from badges.serializers import SUMMARY_FIELDS
from config.api import BADGE_ID, PORTFOLIO_ID, PORTFOLIO_SLUG, error_responses

from .models import Portfolio
from .serializers import (
    PortfolioBadgeIdsSerializer,
    PortfolioSerializer,
    PortfolioUpdateSerializer,
    PortfolioVisibilitySerializer,
    PublicBadgeSerializer,
    PublicPortfolioSerializer,
)
from .services import (
    create_portfolio,
    reorder_portfolio,
    reset_portfolio_link,
    set_portfolio_badges,
)

PORTFOLIO_EXAMPLE = {
    "id": 7,
    "title": "Admissions 2026",
    "description": "Badges for my AO application.",
    "visibility": "unlisted",
    "public_url": "https://manabi.example.jp/p/q3Zk8mV0b2xV1cW9yYbN1A/",
    "badges": [
        {
            "id": "6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11",
            "name": "Data Science Basics",
            "issuer": {"name": "Prefectural Learning Centre", "url": "https://learning.example/"},
            "status": "valid",
            "status_label": "Verified",
            "hidden_from_public": False,
        }
    ],
    "created_at": "2026-02-01T10:00:00+09:00",
    "updated_at": "2026-02-03T21:15:00+09:00",
}
PUBLIC_BADGE_EXAMPLE = {
    **{field: BADGE_EXAMPLE[field] for field in SUMMARY_FIELDS},
    "image_url": "https://manabi.example.jp/p/q3Zk8mV0b2xV1cW9yYbN1A/b/6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11/image",
    "page_url": "https://manabi.example.jp/p/q3Zk8mV0b2xV1cW9yYbN1A/b/6a1f2c1e-8d0b-4f43-9a37-0d5f3f1b2c11/",
}


# DRF's get_object_or_404: a malformed id (not a UUID, not a number) is a 404, not a 500.
def owned_portfolio(request, pk: str) -> Portfolio:
    return get_object_or_404(Portfolio.objects.owned_by(request.user), pk=pk)


def _with_badges(portfolio: Portfolio) -> Portfolio:
    # Reload with the entries and their badges in order: the response shows the new state.
    return Portfolio.objects.prefetch_related("entries__badge").get(pk=portfolio.pk)


@extend_schema(tags=["portfolios"])
class PortfolioList(generics.ListAPIView):
    serializer_class = PortfolioSerializer

    def get_queryset(self):
        return Portfolio.objects.owned_by(self.request.user).prefetch_related("entries__badge")

    @extend_schema(
        summary="List my portfolios",
        responses={200: PortfolioSerializer(many=True), **error_responses(404)},
        examples=[OpenApiExample("A page of portfolios", value=PORTFOLIO_EXAMPLE, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Create a portfolio",
        request=PortfolioSerializer,
        responses={201: PortfolioSerializer, **error_responses(400)},
        examples=[
            OpenApiExample(
                "New portfolio",
                value={"title": "Admissions 2026", "description": "For my application.", "visibility": "private"},
                request_only=True,
            ),
            OpenApiExample("Created", value={**PORTFOLIO_EXAMPLE, "badges": []}, response_only=True),
        ],
    )
    def post(self, request):
        data = PortfolioSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        portfolio = create_portfolio(owner=request.user, **data.validated_data)
        return Response(PortfolioSerializer(_with_badges(portfolio)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["portfolios"], parameters=[PORTFOLIO_ID])
class PortfolioDetail(APIView):
    @extend_schema(
        summary="One of my portfolios",
        responses={200: PortfolioSerializer, **error_responses(404)},
        examples=[OpenApiExample("A portfolio", value=PORTFOLIO_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk: str):
        return Response(PortfolioSerializer(_with_badges(owned_portfolio(request, pk))).data)

    @extend_schema(
        summary="Change a portfolio's title or introduction",
        request=PortfolioUpdateSerializer,
        responses={200: PortfolioSerializer, **error_responses(400, 404)},
        examples=[OpenApiExample("Rename", value={"title": "University applications"}, request_only=True)],
    )
    def patch(self, request, pk: str):
        # A plain update of two text fields, as the web form's ModelForm.save() does.
        data = PortfolioUpdateSerializer(owned_portfolio(request, pk), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        portfolio = data.save()
        return Response(PortfolioSerializer(_with_badges(portfolio)).data)

    @extend_schema(
        summary="Delete a portfolio (its badges stay in the wallet)",
        responses={204: OpenApiResponse(description="Deleted."), **error_responses(404)},
    )
    def delete(self, request, pk: str):
        owned_portfolio(request, pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["portfolios"], parameters=[PORTFOLIO_ID])
class PortfolioBadges(APIView):
    @extend_schema(
        summary="Choose a portfolio's badges",
        description="Badges kept keep their place, new ones go last, badges not listed leave the portfolio.",
        request=PortfolioBadgeIdsSerializer,
        responses={200: PortfolioSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("Two badges", value={"badges": [PUBLIC_BADGE_EXAMPLE["id"]]}, request_only=True),
            OpenApiExample("Updated", value=PORTFOLIO_EXAMPLE, response_only=True),
        ],
    )
    def put(self, request, pk: str):
        portfolio = owned_portfolio(request, pk)
        data = PortfolioBadgeIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        set_portfolio_badges(portfolio=portfolio, badges=data.owned_badges(request.user))
        return Response(PortfolioSerializer(_with_badges(portfolio)).data)


@extend_schema(tags=["portfolios"], parameters=[PORTFOLIO_ID])
class PortfolioOrder(APIView):
    @extend_schema(
        summary="Set the order of a portfolio's badges",
        description="The listed badges come first, in this order; the others follow in their current order.",
        request=PortfolioBadgeIdsSerializer,
        responses={200: PortfolioSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("New order", value={"badges": [PUBLIC_BADGE_EXAMPLE["id"]]}, request_only=True),
            OpenApiExample("Reordered", value=PORTFOLIO_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request, pk: str):
        portfolio = owned_portfolio(request, pk)
        data = PortfolioBadgeIdsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reorder_portfolio(portfolio=portfolio, badge_ids=[str(i) for i in data.validated_data["badges"]])
        return Response(PortfolioSerializer(_with_badges(portfolio)).data)


@extend_schema(tags=["portfolios"], parameters=[PORTFOLIO_ID])
class PortfolioVisibility(APIView):
    @extend_schema(
        summary="Change who can see a portfolio",
        description="private: only you; unlisted: anyone with the link; public: anyone.",
        request=PortfolioVisibilitySerializer,
        responses={200: PortfolioSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("Share by link", value={"visibility": "unlisted"}, request_only=True),
            OpenApiExample("Shared", value=PORTFOLIO_EXAMPLE, response_only=True),
        ],
    )
    def post(self, request, pk: str):
        portfolio = owned_portfolio(request, pk)
        data = PortfolioVisibilitySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        portfolio.visibility = data.validated_data["visibility"]
        portfolio.save(update_fields=["visibility", "updated_at"])
        return Response(PortfolioSerializer(_with_badges(portfolio)).data)


@extend_schema(tags=["portfolios"], parameters=[PORTFOLIO_ID])
class PortfolioResetLink(APIView):
    @extend_schema(
        summary="Give a portfolio a new link (the old one stops working at once)",
        request=None,
        responses={200: PortfolioSerializer, **error_responses(404)},
        examples=[OpenApiExample("New link", value=PORTFOLIO_EXAMPLE, response_only=True)],
    )
    def post(self, request, pk: str):
        portfolio = owned_portfolio(request, pk)
        reset_portfolio_link(portfolio=portfolio)
        return Response(PortfolioSerializer(_with_badges(portfolio)).data)


# ---------------------------------------------------------------------------------------------
# Public, read-only: what an admissions office fetches after scanning a QR code
# ---------------------------------------------------------------------------------------------


def shared_portfolio(slug: str) -> Portfolio:
    return get_object_or_404(Portfolio.objects.shared().select_related("owner"), slug=slug)


def public_badges(portfolio: Portfolio):
    """The badges a viewer sees, as on the public pages (the same queryset method)."""
    return portfolio.public_badges().select_related("owner")


class PublicEndpoint(APIView):
    # No authentication at all: the link is the key, and a stray Authorization header or session
    # must not change the answer. Throttled per IP, more strictly than the learner's own API.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "public"


@extend_schema(tags=["public"], parameters=[PORTFOLIO_SLUG])
class PublicPortfolio(PublicEndpoint):
    @extend_schema(
        summary="A shared portfolio by its link, with live statuses",
        description="Works for unlisted and public portfolios; a private portfolio or an old link is a 404. "
        "Never includes e-mail addresses or badges the learner hid.",
        responses={200: PublicPortfolioSerializer, **error_responses(404, public=True)},
        examples=[
            OpenApiExample(
                "A portfolio",
                value={
                    "title": "Admissions 2026",
                    "description": "Badges for my AO application.",
                    "learner": "Hana",
                    "page_url": "https://manabi.example.jp/p/q3Zk8mV0b2xV1cW9yYbN1A/",
                    "badges": [PUBLIC_BADGE_EXAMPLE],
                    "updated_at": "2026-02-03T21:15:00+09:00",
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str):
        portfolio = shared_portfolio(slug)
        context = {"badges": public_badges(portfolio)}
        return Response(PublicPortfolioSerializer(portfolio, context=context).data)


@extend_schema(tags=["public"], parameters=[PORTFOLIO_SLUG, BADGE_ID])
class PublicBadge(PublicEndpoint):
    @extend_schema(
        summary="One badge of a shared portfolio, with its live status and checks",
        responses={200: PublicBadgeSerializer, **error_responses(404, public=True)},
        examples=[
            OpenApiExample(
                "A verified badge",
                value={
                    **PUBLIC_BADGE_EXAMPLE,
                    "description": "Learners **explore** data with Python.",
                    "criteria_url": "",
                    "criteria_narrative": "Complete all six workshops.",
                    "tags": ["python", "data"],
                    "alignments": [],
                    "evidence": [],
                    "checks": [
                        {
                            "name": "recipient",
                            "result": "pass",
                            "message": "The badge was issued to this learner (their address is kept private).",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, slug: str, public_id):
        portfolio = shared_portfolio(slug)
        badge = get_object_or_404(public_badges(portfolio), public_id=public_id)
        return Response(PublicBadgeSerializer(badge, context={"portfolio": portfolio}).data)
