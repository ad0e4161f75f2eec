from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.switch_language, name="switch_language"),
    path("export/", views.export, name="account_export"),
    path("delete/", views.delete, name="account_delete"),
]
