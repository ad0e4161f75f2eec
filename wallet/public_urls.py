"""Public addresses. They are printed in QR codes and cannot change: tests pin the literal paths.

/p/<slug>/… is a portfolio's main link (unlisted or public); /s/<token>/… a named share link.
Mounted at the site root by config/urls.py.
"""

from django.urls import path, register_converter

from . import viewer_views, views


class QrKindConverter:
    regex = "svg|png"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(QrKindConverter, "qrkind")


def routes(prefix: str, via: str) -> list:
    via_kwargs = {"via": via}
    return [
        path(f"{prefix}/<str:key>/", views.public_portfolio, via_kwargs, name=f"{via}_portfolio"),
        path(f"{prefix}/<str:key>/qr/", views.public_qr_page, via_kwargs, name=f"{via}_portfolio_qr_page"),
        path(f"{prefix}/<str:key>/qr.<qrkind:kind>", views.public_qr, via_kwargs, name=f"{via}_portfolio_qr"),
        path(f"{prefix}/<str:key>/preview.png", views.public_preview, via_kwargs, name=f"{via}_portfolio_preview"),
        path(f"{prefix}/<str:key>/b/<uuid:public_id>/", views.public_badge, via_kwargs, name=f"{via}_badge"),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/qr/", views.public_qr_page, via_kwargs, name=f"{via}_badge_qr_page"
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/qr.<qrkind:kind>",
            views.public_qr,
            via_kwargs,
            name=f"{via}_badge_qr",
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/preview.png",
            views.public_preview,
            via_kwargs,
            name=f"{via}_badge_preview",
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/image",
            views.public_badge_image,
            via_kwargs,
            name=f"{via}_badge_image",
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/verify-now",
            viewer_views.public_verify_now,
            via_kwargs,
            name=f"{via}_badge_verify_now",
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/recipient-check",
            viewer_views.public_recipient_check,
            via_kwargs,
            name=f"{via}_badge_recipient_check",
        ),
        path(
            f"{prefix}/<str:key>/b/<uuid:public_id>/download",
            views.public_badge_download,
            via_kwargs,
            name=f"{via}_badge_download",
        ),
    ]


urlpatterns = routes("p", "public") + routes("s", "shared")
