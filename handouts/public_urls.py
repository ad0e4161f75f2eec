"""Public addresses printed on paper and given to LinkedIn: they never change (tests pin them).

/b/<code>/ is one badge's permanent page; /k/<token>/ a submission pack, /k/<token>/<n>/ its n-th badge.
"""

from django.urls import path

from wallet.public_urls import QrKindConverter  # noqa: F401  (registers the "qrkind" converter)

from . import views

urlpatterns = [
    path("b/<str:code>/", views.badge_link, name="badge_link"),
    path("b/<str:code>/qr/", views.badge_link_qr_page, name="badge_link_qr_page"),
    path("b/<str:code>/qr.<qrkind:kind>", views.badge_link_qr, name="badge_link_qr"),
    path("b/<str:code>/image", views.badge_link_image, name="badge_link_image"),
    path("b/<str:code>/download", views.badge_link_download, name="badge_link_download"),
    path("b/<str:code>/verify-now", views.badge_link_verify_now, name="badge_link_verify_now"),
    path("b/<str:code>/recipient-check", views.badge_link_recipient_check, name="badge_link_recipient_check"),
    path("b/<str:code>/preview.png", views.badge_link_preview, name="badge_link_preview"),
    path("k/<str:token>/", views.pack_page, name="pack"),
    path("k/<str:token>/qr.<qrkind:kind>", views.pack_qr, name="pack_qr"),
    path("k/<str:token>/<int:number>/", views.pack_item_page, name="pack_item"),
    path("k/<str:token>/<int:number>/image", views.pack_item_image, name="pack_item_image"),
    path("k/<str:token>/<int:number>/verify-now", views.pack_item_verify_now, name="pack_item_verify_now"),
    path(
        "k/<str:token>/<int:number>/recipient-check",
        views.pack_item_recipient_check,
        name="pack_item_recipient_check",
    ),
]
