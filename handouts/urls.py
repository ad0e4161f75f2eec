"""The owner's pages for packs and permanent links (mounted under /wallet/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("packs/", views.pack_list, name="pack_list"),
    path("packs/<int:pk>/", views.pack_print, name="pack_print"),
    path("packs/<int:pk>/revoke/", views.pack_revoke, name="pack_revoke"),
    path("portfolios/<int:pk>/packs/", views.pack_create, name="pack_create"),
    path("badges/<uuid:public_id>/permanent-link/", views.badge_link_toggle, name="badge_link_toggle"),
]
