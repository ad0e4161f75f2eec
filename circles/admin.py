from django.contrib import admin

from .models import Circle, CircleBadgeClass, DirectoryEntry, Event, Organiser, Report


@admin.register(Organiser)
class OrganiserAdmin(admin.ModelAdmin):
    """The operator marks verified organisations here, with the issuer ids or hosts they speak for."""

    list_display = ("organisation_name", "verified")
    list_filter = ("verified",)
    search_fields = ("organisation_name", "issuers")
    raw_id_fields = ("user",)


class CircleBadgeClassInline(admin.TabularInline):
    model = CircleBadgeClass
    extra = 0


@admin.register(Circle)
class CircleAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "activated_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [CircleBadgeClassInline]
    raw_id_fields = ("activated_by",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "circle", "starts_at", "capacity")
    raw_id_fields = ("circle", "organiser")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Reports show what was reported, never who the members are beyond their nicknames.
    list_display = ("circle", "reason", "resolution", "created_at")
    list_filter = ("resolution",)
    fields = ("circle", "reason", "resolution", "resolved_at", "created_at")
    readonly_fields = fields


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = ("name", "issuer_name", "holders")
    search_fields = ("name", "issuer_name")
    fields = ("name", "issuer_name", "issuer_url", "criteria_url", "holders", "updated_at")
    readonly_fields = fields
