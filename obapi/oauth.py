"""django-oauth-toolkit configured for the Open Badges 3.0 API (settings: OAUTH2_PROVIDER)."""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator


class OpenBadgesValidator(OAuth2Validator):
    """OB 3.0 clients authenticate at the token and revocation endpoints with HTTP Basic
    (``client_secret_basic``, the method registration hands out); a secret in the form body is refused."""

    def _authenticate_request_body(self, request):
        return False
