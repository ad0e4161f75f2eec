"""A Content-Security-Policy on every page (CONTENT_SECURITY_POLICY in settings): our own scripts
only, so badge data can never run code.

Django 5.2 has no built-in CSP (6.0 does). The API's Swagger UI / Redoc pages and the admin are left
to their own defaults, since they rely on inline scripts of their own.
"""

from django.conf import settings

EXEMPT_PREFIXES = ("/admin/", "/api/v1/docs/", "/api/v1/redoc/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES) and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        return response
