"""Growth pages, mounted at /growth/ by config/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.timeline, name="growth_timeline"),
    path("<int:year>/", views.year_page, name="growth_year"),
    path("<int:year>/preview.png", views.year_preview, name="growth_year_preview"),
    path("shared/<str:token>/", views.year_shared, name="growth_year_shared"),
    path("shared/<str:token>/preview.png", views.year_shared_preview, name="growth_year_shared_preview"),
    path("reflections/<uuid:public_id>/", views.reflection_edit, name="reflection_edit"),
]
