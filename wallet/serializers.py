"""The API's shapes of portfolios: the owner's view and the public one (by link)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from badges.models import Badge
from badges.serializers import BadgeSerializer, PublicBadgeSummarySerializer

from .models import Portfolio
from .services import absolute_url


class PortfolioBadgeSerializer(BadgeSerializer):
    class Meta(BadgeSerializer.Meta):
        fields = ["id", "name", "issuer", "status", "status_label", "hidden_from_public"]
        read_only_fields = fields


class PortfolioSerializer(serializers.ModelSerializer):
    """A portfolio of the learner's own; ``badges`` are in the portfolio's order."""

    badges = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField(
        help_text="The main link (works only while visibility is unlisted or public)."
    )

    class Meta:
        model = Portfolio
        fields = ["id", "title", "description", "visibility", "public_url", "badges", "created_at", "updated_at"]
        read_only_fields = ["id", "public_url", "badges", "created_at", "updated_at"]

    @extend_schema_field(PortfolioBadgeSerializer(many=True))
    def get_badges(self, portfolio: Portfolio) -> list[dict]:
        badges = [entry.badge for entry in portfolio.entries.all()]
        return PortfolioBadgeSerializer(badges, many=True, context=self.context).data

    def get_public_url(self, portfolio: Portfolio) -> str:
        return absolute_url(reverse("public_portfolio", args=[portfolio.slug]))


class PortfolioUpdateSerializer(serializers.ModelSerializer):
    """What PATCH changes: visibility has its own endpoint, badges and order theirs."""

    class Meta:
        model = Portfolio
        fields = ["title", "description"]


class PortfolioBadgeIdsSerializer(serializers.Serializer):
    badges = serializers.ListField(
        child=serializers.UUIDField(), max_length=1000, help_text="Badge ids, in the order wanted."
    )

    def owned_badges(self, user) -> list[Badge]:
        """The learner's badges among the ids, in the order given (unknown ids are a 400)."""
        ids = list(dict.fromkeys(self.validated_data["badges"]))
        found = {badge.public_id: badge for badge in Badge.objects.owned_by(user).filter(public_id__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            # Someone else's badge is reported exactly like a badge that does not exist.
            raise serializers.ValidationError({"badges": [_("No such badge: %(id)s") % {"id": i} for i in missing]})
        return [found[i] for i in ids]


class PortfolioVisibilitySerializer(serializers.Serializer):
    visibility = serializers.ChoiceField(choices=Portfolio.Visibility.choices)


class PublicPortfolioSerializer(serializers.ModelSerializer):
    """What anyone with the link sees: the learner's public name, never an e-mail or a hidden badge."""

    learner = serializers.CharField(source="owner.public_name", read_only=True)
    page_url = serializers.SerializerMethodField(help_text="The portfolio's public web page.")
    badges = serializers.SerializerMethodField()

    class Meta:
        model = Portfolio
        fields = ["title", "description", "learner", "page_url", "badges", "updated_at"]
        read_only_fields = fields

    def get_page_url(self, portfolio: Portfolio) -> str:
        return absolute_url(reverse("public_portfolio", args=[portfolio.slug]))

    @extend_schema_field(PublicBadgeSummarySerializer(many=True))
    def get_badges(self, portfolio: Portfolio) -> list[dict]:
        context = {**self.context, "portfolio": portfolio}
        return PublicBadgeSummarySerializer(self.context["badges"], many=True, context=context).data
