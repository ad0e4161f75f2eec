"""The REST API, version 1 (mounted at /api/v1/ by config/urls.py). Schema and docs included.

Ids in paths are plain strings on purpose: a malformed id reaches the view and gets the API's JSON
404 (with a uuid/int converter Django's resolver would answer with an HTML page).

Owner endpoints need a session (the site's JS) or `Authorization: Bearer <token>`; /public/ ones
need nothing but the portfolio's link. Shared plumbing (errors, throttles) is in config/api.py.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from accounts import api as accounts_api
from badges import api as badges_api
from wallet import api as wallet_api

urlpatterns = [
    # Badges
    path("badges/", badges_api.BadgeList.as_view(), name="api_badge_list"),
    path("badges/import/", badges_api.BadgeImport.as_view(), name="api_badge_import"),
    path("badges/import/<uuid:public_id>/", badges_api.BadgeImportStatus.as_view(), name="api_badge_import_status"),
    path("badges/<str:public_id>/", badges_api.BadgeDetail.as_view(), name="api_badge_detail"),
    path("badges/<str:public_id>/reverify/", badges_api.BadgeReverify.as_view(), name="api_badge_reverify"),
    # Portfolios
    path("portfolios/", wallet_api.PortfolioList.as_view(), name="api_portfolio_list"),
    path("portfolios/<str:pk>/", wallet_api.PortfolioDetail.as_view(), name="api_portfolio_detail"),
    path("portfolios/<str:pk>/badges/", wallet_api.PortfolioBadges.as_view(), name="api_portfolio_badges"),
    path("portfolios/<str:pk>/order/", wallet_api.PortfolioOrder.as_view(), name="api_portfolio_order"),
    path("portfolios/<str:pk>/visibility/", wallet_api.PortfolioVisibility.as_view(), name="api_portfolio_visibility"),
    path("portfolios/<str:pk>/reset-link/", wallet_api.PortfolioResetLink.as_view(), name="api_portfolio_reset_link"),
    # Profile and notifications
    path("profile/", accounts_api.Profile.as_view(), name="api_profile"),
    path("notifications/", badges_api.NotificationList.as_view(), name="api_notification_list"),
    path("notifications/read-all/", badges_api.NotificationsReadAll.as_view(), name="api_notifications_read_all"),
    path("notifications/<str:pk>/read/", badges_api.NotificationRead.as_view(), name="api_notification_read"),
    # Circles (まなび仲間): membership, posts, meet-ups and the public badge directory
    path("circles/", include("circles.api_urls")),
    # Public, read-only (what a QR code's reader fetches)
    path("public/portfolios/<str:slug>/", wallet_api.PublicPortfolio.as_view(), name="api_public_portfolio"),
    path(
        "public/portfolios/<str:slug>/badges/<str:public_id>/",
        wallet_api.PublicBadge.as_view(),
        name="api_public_badge",
    ),
    # OpenAPI 3 schema, and its two readers served from bundled files (drf-spectacular-sidecar)
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
]
