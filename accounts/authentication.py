"""`Authorization: Bearer <token>` for the API, with personal access tokens (accounts/tokens.py)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import find_token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # no token: let session authentication (the site's own JS) have a go
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        token = find_token(raw)
        # Unknown, revoked and malformed tokens get the same answer.
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid or was revoked."))
        _use_preferred_language(request, token.user)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to anonymous requests.
        return f'{self.keyword} realm="api"'


def _use_preferred_language(request, user) -> None:
    """The learner's saved language wins over Accept-Language, as on the site.

    accounts.middleware.PreferredLanguageMiddleware does this for sessions, but it runs before DRF
    knows who sent a token, so token requests catch up here (before the view builds any message).
    """
    if not user.preferred_language:
        return  # nothing saved: the browser's (or script's) Accept-Language stays
    translation.activate(user.preferred_language)
    # On the Django request: DRF's Request only proxies reads of the attributes it lacks.
    getattr(request, "_request", request).LANGUAGE_CODE = user.preferred_language


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Tells drf-spectacular how the token is sent (the "Authorize" button in Swagger UI)."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal access token from /accounts/tokens/."}
