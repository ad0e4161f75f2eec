from django.urls import path

from . import token_views, views

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.switch_language, name="switch_language"),
    path("language/anonymous/", views.switch_language_anonymous, name="switch_language_anonymous"),
    path("export/", views.export, name="account_export"),
    path("delete/", views.delete, name="account_delete"),
    path("tokens/", token_views.tokens, name="api_tokens"),
]
