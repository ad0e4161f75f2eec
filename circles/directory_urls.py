"""次のバッジ, mounted at /next/ by config/urls.py (public and indexable)."""

from django.urls import path

from . import directory_views as views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("issuers/", views.issuers, name="directory_issuers"),
    path("issuers/<str:issuer_key>/", views.issuer, name="directory_issuer"),
    path("b/<str:class_key>/", views.entry, name="directory_entry"),
    path("b/<str:class_key>/image.png", views.entry_image, name="directory_entry_image"),
    path("b/<str:class_key>/preview.png", views.entry_preview, name="directory_entry_preview"),
]
