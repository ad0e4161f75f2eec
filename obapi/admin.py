"""Admin: registered clients and consents (DOT registers applications, grants and tokens itself),
connected hosts without their secrets."""

from django.contrib import admin

from .models import ClientInfo, Connection, Consent, ProfileDetails


@admin.register(ClientInfo)
class ClientInfoAdmin(admin.ModelAdmin):
    list_display = ("__str__", "client_uri", "software_id", "registered_at")
    search_fields = ("application__name", "client_uri", "software_id")
    exclude = ("logo_png",)
    readonly_fields = ("application", "registered_at")


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "application", "share_email", "granted_at", "last_used_at")
    search_fields = ("user__email", "application__name")
    readonly_fields = ("user", "application", "granted_at", "last_used_at")


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "base_url", "state", "last_pulled_at", "imported_count", "consecutive_failures")
    list_filter = ("state",)
    search_fields = ("name", "base_url", "owner__email")
    # Encrypted secrets and the PKCE verifier stay out of the admin entirely.
    exclude = ("client_secret_enc", "access_token_enc", "refresh_token_enc", "pkce_verifier_enc", "auth_state")
    readonly_fields = (
        "owner",
        "endpoints",
        "client_id",
        "created_at",
        "connected_at",
        "last_pulled_at",
        "pulled_until",
    )


@admin.register(ProfileDetails)
class ProfileDetailsAdmin(admin.ModelAdmin):
    list_display = ("user", "url")
    search_fields = ("user__email",)
