from django.contrib import admin

from .models import Portfolio, PortfolioEntry, PrintSnapshot, ShareLink


class PortfolioEntryInline(admin.TabularInline):
    model = PortfolioEntry
    raw_id_fields = ["badge"]
    extra = 0


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "visibility", "updated_at"]
    list_filter = ["visibility"]
    raw_id_fields = ["owner"]
    inlines = [PortfolioEntryInline]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "expires_on", "revoked_at", "created_at"]
    raw_id_fields = ["portfolio"]


@admin.register(PrintSnapshot)
class PrintSnapshotAdmin(admin.ModelAdmin):
    list_display = ["portfolio", "printed_at"]
    raw_id_fields = ["portfolio"]
