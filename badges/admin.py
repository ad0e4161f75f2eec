"""Admin for operators: badges by status, their history, and a re-verification summary on the list."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from badges.hosts import failing_hosts

from . import registry
from .models import Badge, CachedDocument, KnownIssuer, Notification, Status, Verification


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
    actions = ["recheck_now", "remake_thumbnails"]

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

    @admin.action(description="Make the selected badges' thumbnails again (queued)")
    def remake_thumbnails(self, request, queryset):
        from badges.tasks import remake_thumbnail_task

        ids = list(queryset.values_list("pk", flat=True))
        for pk in ids:
            remake_thumbnail_task.delay(pk)
        self.message_user(request, f"{len(ids)} thumbnails queued.")


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


class KnownIssuerCsvForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One issuer per row: domain or DID, official name, optional note (e.g. a badge network's member list)."
        ),
    )


@admin.register(KnownIssuer)
class KnownIssuerAdmin(admin.ModelAdmin):
    """The registry of known issuers; saving or importing re-labels the badges it covers."""

    list_display = ("official_name", "identity", "note", "updated_at")
    search_fields = ("official_name", "identity", "note")
    change_list_template = "admin/badges/knownissuer/change_list.html"

    def save_model(self, request, obj, form, change):
        previous = KnownIssuer.objects.filter(pk=obj.pk).values_list("identity", flat=True).first() if change else None
        obj.identity = registry.normalise_identity(obj.identity)
        super().save_model(request, obj, form, change)
        for identity in {obj.identity, previous} - {None}:
            registry.refresh_badges(identity)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        registry.refresh_badges(obj.identity)

    def delete_queryset(self, request, queryset):
        identities = list(queryset.values_list("identity", flat=True))
        super().delete_queryset(request, queryset)
        for identity in identities:
            registry.refresh_badges(identity)

    def get_urls(self):
        own = [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv_view),
                name="badges_knownissuer_import_csv",
            )
        ]
        return own + super().get_urls()

    def import_csv_view(self, request):
        form = KnownIssuerCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            raw = form.cleaned_data["file"].read(2 * 1024 * 1024 + 1)
            if len(raw) > 2 * 1024 * 1024:
                form.add_error("file", _("The file is larger than 2 MB."))
            else:
                outcome = registry.import_csv(raw.decode("utf-8-sig", errors="replace"))
                messages.success(
                    request,
                    _("Imported: %(created)s new, %(updated)s updated, %(skipped)s rows skipped.")
                    % {"created": outcome.created, "updated": outcome.updated, "skipped": outcome.skipped},
                )
                return redirect("admin:badges_knownissuer_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import known issuers from CSV"),
            "opts": self.model._meta,
        }
        return render(request, "admin/badges/knownissuer/import_csv.html", context)
