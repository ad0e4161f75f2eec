"""The API's shapes of a learner's own badges, their checks and notifications. Validation and
shaping only: the work (import, re-check, removal) happens in badges/services.py. The public
shapes (a badge as a portfolio's viewer sees it) are the wallet's: wallet/serializers.py."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.site import absolute_url

from .models import Badge, Notification, Status, Verification
from .presentation import check_message


class IssuerSerializer(serializers.Serializer):
    # No e-mail: the issuer's address is not needed to trust a badge, and public pages show none.
    name = serializers.CharField(source="issuer_name", help_text="The name the issuer declares (self-declared).")
    url = serializers.CharField(source="issuer_url", help_text="The homepage the issuer declares (self-declared).")
    verified = serializers.CharField(
        source="verified_issuer",
        help_text="Who the checks proved the issuer to be: the hosting domain or the signing key's domain or DID.",
    )
    registered_name = serializers.CharField(
        source="registered_issuer_name",
        help_text="The official name from the site's registry of known issuers, or empty.",
    )


class CheckSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Stable check name: hosted, signature, recipient, revocation, expiry…")
    result = serializers.ChoiceField(choices=["pass", "fail", "error", "skipped"])
    message = serializers.CharField(help_text="What was checked, in the request's language.")


class LiveStatusMixin(serializers.Serializer):
    """The status a viewer must see now (an expired badge is expired before the next check says so)."""

    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    status_note = serializers.CharField(read_only=True, help_text="Why the status is uncertain, if it is.")

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_status(self, badge: Badge) -> str:
        return str(badge.status_now)

    def get_status_label(self, badge: Badge) -> str:
        return badge.status_now_label


# What every view of a badge shows, in the learner's API and the public one alike.
SUMMARY_FIELDS = [
    "id",
    "name",
    "issuer",
    "issued_on",
    "expires_on",
    "status",
    "status_label",
    "status_note",
    "last_checked_at",
]
# What the badge certifies (badges/_about.html on the pages), in both APIs too.
ABOUT_FIELDS = ["description", "criteria_url", "criteria_narrative", "tags", "alignments", "evidence"]


class BadgeSerializer(LiveStatusMixin, serializers.ModelSerializer):
    """A badge in the learner's own wallet, as listed."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    issuer = IssuerSerializer(source="*", read_only=True)
    image_url = serializers.SerializerMethodField(help_text="Our PNG thumbnail (session or token required).")

    class Meta:
        model = Badge
        fields = [
            *SUMMARY_FIELDS,
            "tags",
            "spec_version",
            "source_kind",
            "hidden_from_public",
            "image_url",
            "created_at",
        ]
        read_only_fields = fields

    def get_image_url(self, badge: Badge) -> str:
        return absolute_url(reverse("badge_image", args=[badge.public_id]))


class VerificationSerializer(serializers.ModelSerializer):
    previous_status = serializers.CharField(
        read_only=True, help_text="The status before this run; empty for the first."
    )

    class Meta:
        model = Verification
        fields = ["ran_at", "trigger", "status", "previous_status"]
        read_only_fields = fields


class EndorsementSerializer(serializers.Serializer):
    """Someone vouching for the badge, its achievement or its issuer; checked on its own."""

    about = serializers.ChoiceField(choices=["badge", "achievement", "issuer"])
    endorser = serializers.CharField()
    verified = serializers.BooleanField(help_text="The endorsement itself verified (proof, key, status, dates).")
    status = serializers.CharField(help_text="The endorsement's own verdict; never changes the badge's.")
    comment = serializers.CharField(allow_blank=True)


class ContainedSerializer(serializers.Serializer):
    """An achievement inside a Comprehensive Learner Record, verified on its own."""

    name = serializers.CharField()
    issuer = serializers.CharField(allow_blank=True)
    verified = serializers.BooleanField()
    status = serializers.CharField()


class BadgeDetailSerializer(BadgeSerializer):
    """One badge with what the last verification checked (messages in the request's language)."""

    checks = serializers.SerializerMethodField()
    endorsements = EndorsementSerializer(many=True, read_only=True)
    contained = ContainedSerializer(many=True, read_only=True, help_text="For a CLR: the achievements it holds.")
    last_verification = serializers.SerializerMethodField()
    # Empty when the badge has none, so not format "uri" in the schema.
    criteria_url = serializers.CharField(read_only=True)
    source_url = serializers.CharField(read_only=True, help_text="The URL it was imported from, if any.")

    class Meta(BadgeSerializer.Meta):
        fields = [
            *BadgeSerializer.Meta.fields,
            *(field for field in ABOUT_FIELDS if field not in BadgeSerializer.Meta.fields),
            "format",
            "source_url",
            "original_filename",
            "checks",
            "endorsements",
            "contained",
            "last_verification",
        ]
        read_only_fields = fields

    def _last(self, badge: Badge) -> Verification | None:
        if not hasattr(badge, "_last_verification"):
            badge._last_verification = badge.verifications.first()
        return badge._last_verification

    @extend_schema_field(CheckSerializer(many=True))
    def get_checks(self, badge: Badge) -> list[dict]:
        last = self._last(badge)
        # The badge's own list can be newer (an expiry flip adds its line without a network run).
        checks = badge.checks if badge.checks or last is None else last.checks
        return [{"name": c.get("name", ""), "result": c.get("result", ""), "message": check_message(c)} for c in checks]

    @extend_schema_field(VerificationSerializer(allow_null=True))
    def get_last_verification(self, badge: Badge) -> dict | None:
        last = self._last(badge)
        return VerificationSerializer(last).data if last is not None else None


class BadgeUpdateSerializer(serializers.Serializer):
    hidden_from_public = serializers.BooleanField(help_text="Hide this badge from every public portfolio page.")


class BadgeImportSerializer(serializers.Serializer):
    """Exactly one of: a file (multipart), a URL, or a pasted payload (JSON or JWT)."""

    file = serializers.FileField(required=False, help_text="A baked PNG or SVG, or a .json/.jwt file.")
    # Plain strings: badges/services.py gives the refusal (bad_url, too_large…) the web import gives.
    url = serializers.CharField(required=False, max_length=2000, help_text="The assertion's URL (https://…).")
    payload = serializers.CharField(required=False, help_text="The badge's JSON or compact JWT/JWS.")

    def validate(self, attrs: dict) -> dict:
        given = [key for key in ("file", "url", "payload") if attrs.get(key)]
        if len(given) != 1:
            raise serializers.ValidationError("Send exactly one of: file, url, payload.", code="one_source")
        return attrs


class BadgeImportJsonSerializer(serializers.Serializer):
    """The JSON form of an import (documentation only: BadgeImportSerializer validates)."""

    url = serializers.CharField(required=False, max_length=2000, help_text="The assertion's URL (https://…).")
    payload = serializers.CharField(required=False, help_text="The badge's JSON or compact JWT/JWS.")


class BadgeImportFileSerializer(serializers.Serializer):
    """The multipart form of an import (documentation only)."""

    file = serializers.FileField(help_text="A baked PNG or SVG, or a .json/.jwt file.")


class QueryText(serializers.CharField):
    """A text query parameter: a NUL character (which no name or tag holds) matches nothing
    instead of failing the request, so every string the schema allows is answered."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data.replace("\x00", "\ufffd") if isinstance(data, str) else data)
        return value


class BadgeListFilterSerializer(serializers.Serializer):
    # Blank means "any", as on the wallet page (an empty form field is sent as ?issuer=).
    status = serializers.ChoiceField(
        choices=Status.choices, required=False, allow_blank=True, help_text="The live status."
    )
    issuer = QueryText(required=False, allow_blank=True, help_text="The issuer's exact name.")
    tag = QueryText(required=False, allow_blank=True, help_text="One of the badge's tags.")


class NotificationBadgeSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)

    class Meta:
        model = Badge
        fields = ["id", "name"]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer):
    badge = NotificationBadgeSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "badge", "created_at", "read_at"]
        read_only_fields = fields


class NotificationFilterSerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only notifications not read yet.")


class NotificationsReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were marked as read.")


class PendingImportSerializer(serializers.Serializer):
    """An import handed to a worker: follow ``status_url`` until ``pending`` is false."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    state = serializers.ChoiceField(choices=["queued", "running", "done", "refused"], read_only=True)
    pending = serializers.BooleanField(source="is_pending", read_only=True)
    code = serializers.CharField(read_only=True, help_text="imported, or the refusal's code (as for a 422).")
    message = serializers.CharField(read_only=True)
    badge = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()

    def get_badge(self, pending) -> str | None:
        return str(pending.badge.public_id) if pending.badge_id else None

    def get_status_url(self, pending) -> str:
        from django.urls import reverse

        return reverse("api_badge_import_status", args=[pending.public_id])
