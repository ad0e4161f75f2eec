"""The wallet's actions on one badge, mounted at /badges/ beside badges/urls.py by config/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("<uuid:public_id>/add-to-portfolio/", views.badge_add_to_portfolio, name="badge_add_to_portfolio"),
]
