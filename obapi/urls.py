from django.urls import path
from oauth2_provider import views as oauth_views

from . import api, views

urlpatterns = [
    # The Open Badges 3.0 API (the spec fixes these paths)
    path("ims/ob/v3p0/discovery", api.Discovery.as_view(), name="obapi_discovery"),
    path("ims/ob/v3p0/credentials", api.Credentials.as_view(), name="obapi_credentials"),
    path("ims/ob/v3p0/profile", api.ProfileView.as_view(), name="obapi_profile"),
    # OAuth 2.0 authorization server (django-oauth-toolkit, with our registration and consent page)
    path("oauth/register", api.Register.as_view(), name="obapi_register"),
    path("oauth/authorize", views.ConsentView.as_view(), name="obapi_authorize"),
    path("oauth/token", oauth_views.TokenView.as_view(), name="obapi_token"),
    path("oauth/revoke", oauth_views.RevokeTokenView.as_view(), name="obapi_revoke"),
    path("oauth/clients/<str:client_id>/logo.png", views.client_logo, name="obapi_client_logo"),
    # The learner's pages
    path("connected-apps/", views.connected_apps, name="obapi_connected_apps"),
    path("connected-apps/privacy/", views.privacy, name="obapi_privacy"),
    path("connections/", views.connections_page, name="obapi_connections"),
    path("connections/callback/", views.connection_callback, name="obapi_connection_callback"),
    path("connections/<str:public_id>/", views.connection_action, name="obapi_connection_action"),
]
