"""The API's shapes of portfolios: the owner's view, and the public one (by link) with its badges."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from badges.models import Badge
from badges.presentation import public_check_message
from badges.serializers import (
    ABOUT_FIELDS,
    SUMMARY_FIELDS,
    BadgeSerializer,
    CheckSerializer,
    ContainedSerializer,
    EndorsementSerializer,
    IssuerSerializer,
    LiveStatusMixin,
)

from .links import badge_url, portfolio_url, public_url
from .models import Portfolio


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
        return portfolio_url(portfolio)


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


# ---------------------------------------------------------------------------------------------
# Public: what anyone with a portfolio's link may see (never an e-mail address)
# ---------------------------------------------------------------------------------------------


class PublicBadgeSummarySerializer(LiveStatusMixin, serializers.ModelSerializer):
    """A badge as a portfolio lists it. Needs ``portfolio`` in the context (for its URLs)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    issuer = IssuerSerializer(source="*", read_only=True)
    image_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField(help_text="The badge's public web page (the one QR codes open).")

    class Meta:
        model = Badge
        fields = [
            *SUMMARY_FIELDS,
            "image_url",
            "page_url",
        ]
        read_only_fields = fields

    def get_image_url(self, badge: Badge) -> str:
        return public_url("public_badge_image", self.context["portfolio"].slug, badge.public_id)

    def get_page_url(self, badge: Badge) -> str:
        return badge_url(self.context["portfolio"], badge)


class PublicBadgeSerializer(PublicBadgeSummarySerializer):
    """One public badge with its checks; the recipient's address is never included."""

    checks = serializers.SerializerMethodField()
    endorsements = EndorsementSerializer(many=True, read_only=True)
    contained = ContainedSerializer(many=True, read_only=True, help_text="For a CLR: the achievements it holds.")
    criteria_url = serializers.CharField(read_only=True, help_text="Empty when the issuer gives none.")

    class Meta(PublicBadgeSummarySerializer.Meta):
        fields = [
            *PublicBadgeSummarySerializer.Meta.fields,
            *ABOUT_FIELDS,
            "checks",
            "endorsements",
            "contained",
        ]
        read_only_fields = fields

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, badge: Badge) -> list[dict]:
        return [
            {"name": c.get("name", ""), "result": c.get("result", ""), "message": public_check_message(c, badge)}
            for c in badge.checks or []
        ]


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
        return portfolio_url(portfolio)

    @extend_schema_field(PublicBadgeSummarySerializer(many=True))
    def get_badges(self, portfolio: Portfolio) -> list[dict]:
        context = {**self.context, "portfolio": portfolio}
        return PublicBadgeSummarySerializer(self.context["badges"], many=True, context=context).data
