"""Admin for operators: badges by status, their history, and a re-verification summary on the list."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db.models import Count
from django.utils import timezone

from badges.hosts import failing_hosts

from .models import Badge, CachedDocument, Notification, Status, Verification


class VerificationInline(admin.TabularInline):
    model = Verification
    extra = 0
    can_delete = False
    fields = ("ran_at", "trigger", "previous_status", "status", "reason", "duration_ms")
    readonly_fields = fields
    ordering = ("-ran_at",)
    max_num = 0  # history is read-only


@admin.register(Badge)
class BadgeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "owner",
        "issuer_name",
        "status",
        "last_checked_at",
        "next_check_at",
        "consecutive_failures",
    )
    list_filter = ("status", "last_definitive_status", "spec_version", "source_kind")
    search_fields = ("name", "issuer_name", "badge_id", "owner__email")
    raw_id_fields = ("owner",)
    readonly_fields = ("public_id", "fingerprint", "raw_payload", "checks", "created_at", "updated_at")
    date_hierarchy = "created_at"
    inlines = [VerificationInline]
    actions = ["recheck_now"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "reverification": reverification_summary()}
        return super().changelist_view(request, extra_context=extra_context)

    @admin.action(description="Re-check the selected badges now (queued)")
    def recheck_now(self, request, queryset):
        from badges.tasks import reverify_badge_task

        count = 0
        for pk in queryset.values_list("pk", flat=True):
            reverify_badge_task.apply_async(args=(pk, None, Verification.Trigger.MANUAL))
            count += 1
        self.message_user(request, f"{count} checks queued.")


def reverification_summary() -> dict:
    """Counts per status, overdue checks and failing hosts (shown above the badge list)."""
    now = timezone.now()
    counts = dict(Badge.objects.order_by().values_list("status").annotate(n=Count("pk")))
    # Overdue: due for longer than a lease, i.e. not picked up by beat/workers (stuck or backlog).
    lease = timedelta(seconds=settings.BADGE_CHECK_LEASE_SECONDS)
    return {
        "per_status": [(label, counts.get(value, 0), value) for value, label in Status.choices],
        "overdue": Badge.objects.filter(next_check_at__lt=now - lease).count(),
        "failing_hosts": failing_hosts()[:20],
    }


@admin.register(Verification)
class VerificationAdmin(admin.ModelAdmin):
    list_display = ("badge", "ran_at", "trigger", "previous_status", "status", "reason")
    list_filter = ("trigger", "status")
    raw_id_fields = ("badge",)
    date_hierarchy = "ran_at"


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("badge", "user", "kind", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    raw_id_fields = ("badge", "user")


@admin.register(CachedDocument)
class CachedDocumentAdmin(admin.ModelAdmin):
    list_display = ("url", "content_type", "etag", "fetched_at")
    search_fields = ("url",)
    exclude = ("body",)
