"""The owner's badge pages, mounted at /badges/ by config/urls.py (the wallet adds its own there)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<uuid:public_id>/", views.badge_detail, name="badge_detail"),
    path("<uuid:public_id>/check/", views.badge_reverify, name="badge_reverify"),
    path("<uuid:public_id>/download/", views.badge_download, name="badge_download"),
    path("<uuid:public_id>/image/", views.badge_image, name="badge_image"),
    path("<uuid:public_id>/remove/", views.badge_remove, name="badge_remove"),
    path("<uuid:public_id>/visibility/", views.badge_visibility, name="badge_visibility"),
]
