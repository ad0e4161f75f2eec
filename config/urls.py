from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config import pwa
from config.health import healthz, readyz

urlpatterns = [
    path("", account_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before allauth's own page at the same address: removing an address first lists its badges.
    path("accounts/email/", account_views.email_addresses, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("wallet/", include("wallet.urls")),
    path("wallet/", include("handouts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("badges/", include("badges.urls")),
    path("badges/", include("wallet.badge_urls")),
    path("notices/", include("badges.notice_urls")),
    path("growth/", include("growth.urls")),
    path("circles/", include("circles.urls")),
    path("next/", include("circles.directory_urls")),
    # Open Badges 3.0 API, OAuth 2.0, connected apps and hosts (/ims/ob/v3p0/…, /oauth/…)
    path("", include("obapi.urls")),
    # Public portfolio and share links (/p/…, /s/…): printed QR codes point here, keep them stable.
    path("", include("wallet.public_urls")),
    # A badge's permanent page (/b/…) and submission packs (/k/…): on paper and on LinkedIn, never change.
    path("", include("handouts.public_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # The installable app: manifest and service worker at the root, so the worker controls every page.
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
]

# JSON errors under /api/, the site's HTML pages everywhere else (config/api.py).
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
