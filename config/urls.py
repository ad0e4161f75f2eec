from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from config.health import healthz

urlpatterns = [
    path("", account_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("accounts.urls")),
    path("wallet/", include("wallet.urls")),
    path("api/v1/", include("config.api_urls")),
    path("badges/", include("badges.urls")),
    path("badges/", include("wallet.badge_urls")),
    # Public portfolio and share links (/p/…, /s/…): printed QR codes point here, keep them stable.
    path("", include("wallet.public_urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]

# JSON errors under /api/, the site's HTML pages everywhere else (config/api.py).
handler404 = "config.api.page_not_found"
handler500 = "config.api.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
