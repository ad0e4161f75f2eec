"""A Content-Security-Policy on every page: our own scripts only, so badge data can never run code.

Django 5.2 has no built-in CSP (6.0 does). The API's Swagger UI / Redoc pages and the admin are left
to their own defaults, since they rely on inline scripts of their own.
"""

from django.conf import settings

POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Inline styles only for the standalone 500 page; no inline scripts anywhere.
        "style-src 'self' 'unsafe-inline'",
        # QR codes on the printout are data: PNGs.
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EXEMPT_PREFIXES = ("/admin/", "/api/v1/docs/", "/api/v1/redoc/")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(EXEMPT_PREFIXES) and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = getattr(settings, "CONTENT_SECURITY_POLICY", POLICY)
        return response
