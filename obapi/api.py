"""The Open Badges 3.0 API under /ims/ob/v3p0/ (plus the RFC 7591 registration endpoint).

Thin views: parse, call ``obapi.services``, answer. OAuth 2.0 bearer tokens only (django-oauth-
toolkit), one OB scope per operation, every error an ``Imsx_StatusInfo`` (``obapi.errors``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.contrib.rest_framework import OAuth2Authentication, TokenHasScope
from rest_framework import serializers, status
from rest_framework.parsers import BaseParser, FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import scopes, services
from .discovery import service_description
from .errors import ApiError, exception_handler, status_info
from .registration import register_client

UPSERT_TYPES = {"application/json", "application/vc+ld+json", "application/ld+json", "text/plain"}

# ---------------------------------------------------------------------------------------------
# Schema helpers (drf-spectacular): the spec's shapes, loosely, with examples
# ---------------------------------------------------------------------------------------------


class ImsxStatusInfoSerializer(serializers.Serializer):
    imsx_codeMajor = serializers.ChoiceField(["failure", "processing", "success", "unsupported"])
    imsx_severity = serializers.ChoiceField(["error", "status", "warning"])
    imsx_description = serializers.CharField()
    imsx_codeMinor = serializers.DictField()


class CredentialsPageSerializer(serializers.Serializer):
    credential = serializers.ListField(
        child=serializers.DictField(), help_text="JSON-LD credentials (Data Integrity proofs)."
    )
    compactJwsString = serializers.ListField(child=serializers.CharField(), help_text="VC-JWT credentials.")


class ObProfileSerializer(serializers.Serializer):
    id = serializers.CharField()
    type = serializers.ListField(child=serializers.CharField())
    name = serializers.CharField(required=False)
    url = serializers.URLField(required=False)
    image = serializers.DictField(required=False)
    email = serializers.EmailField(required=False, help_text="Only when the learner agreed to share it.")


def imsx_errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(
            ImsxStatusInfoSerializer,
            description=f"Imsx_StatusInfo (HTTP {code}).",
            examples=[
                OpenApiExample(
                    f"error{code}",
                    value=status_info(code, "Not allowed." if code == 403 else "Something about the request."),
                    response_only=True,
                    status_codes=[str(code)],
                )
            ],
        )
        for code in codes
    }


CREDENTIAL_EXAMPLE = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
    "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:key:z6Mk…", "type": ["Profile"], "name": "Prefectural Learning Centre"},
    "validFrom": "2026-01-15T09:00:00Z",
    "name": "Teamwork",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "achievement": {"id": "urn:uuid:…", "type": ["Achievement"], "name": "Teamwork"},
    },
    "proof": [{"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z…"}],
}
PROFILE_EXAMPLE = {"id": "urn:uuid:6d1f…", "type": ["Profile"], "name": "Hana", "url": "https://hana.example/"}


def media_type_of(request) -> str:
    return (request.META.get("CONTENT_TYPE") or "").split(";", 1)[0].strip().lower()


class RawBody(BaseParser):
    """The body as bytes, whatever its media type (the views check the type themselves): an upsert
    must be stored and echoed exactly as received. Reads at most one byte over the upload limit."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        if stream is None:
            return b""
        return stream.read(settings.BADGE_UPLOAD_MAX_BYTES + 1)


class ObApiView(APIView):
    """Common ground: OAuth 2.0 bearer tokens, one required scope per method, Imsx errors."""

    authentication_classes = [OAuth2Authentication]
    permission_classes = [TokenHasScope]
    # Form parsers first: django-oauth-toolkit reads request.POST while authenticating, which must
    # be a form for form bodies; POST/PUT refuse form bodies anyway (415, checked before that).
    parser_classes = [FormParser, MultiPartParser, RawBody]
    required_scopes_by_method: dict[str, str] = {}
    accepted_media_types = frozenset({"application/json", "application/ld+json"})
    throttle_scope = "obapi"

    def check_content_length(self, request) -> None:
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > settings.BADGE_UPLOAD_MAX_BYTES:
            raise ApiError(413, _("The request body is too large."))

    def body(self, request) -> bytes:
        data = request.data
        body = data if isinstance(data, bytes) else b""
        if len(body) > settings.BADGE_UPLOAD_MAX_BYTES:
            raise ApiError(413, _("The request body is too large."))
        return body

    def get_exception_handler(self):
        return exception_handler

    @property
    def required_scopes(self) -> list[str]:
        return [self.required_scopes_by_method.get(self.request.method, "")]

    def initial(self, request, *args, **kwargs):
        if request.method not in self.required_scopes_by_method and request.method not in ("OPTIONS", "HEAD"):
            raise ApiError(405, _("This method is not allowed here."), minor="not_allowed")
        self.check_content_length(request)
        if request.method in ("POST", "PUT") and media_type_of(request) not in self.accepted_media_types:
            raise ApiError(415, _("Send the credential as application/json or as a compact JWS in text/plain."))
        super().initial(request, *args, **kwargs)
        token = request.auth
        if token is not None and getattr(token, "application_id", None):
            services.touch_consent(user=request.user, application=token.application)

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            super().permission_denied(request, message=message, code=code)
        raise ApiError(
            status.HTTP_403_FORBIDDEN,
            _("This access token was not granted the permission this needs."),
            minor="forbidden",
        )


# ---------------------------------------------------------------------------------------------
# Discovery and registration (no token needed)
# ---------------------------------------------------------------------------------------------


class Discovery(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "public"

    def get_exception_handler(self):
        return exception_handler

    @extend_schema(
        operation_id="ob_getServiceDescription",
        summary="Open Badges 3.0 service description (OpenAPI document with the OAuth 2.0 endpoints)",
        tags=["Open Badges 3.0 API"],
        auth=[],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                examples=[
                    OpenApiExample(
                        "discovery", value={"openapi": "3.0.1", "info": {"title": "Manabi"}}, response_only=True
                    )
                ],
            ),
            **imsx_errors(429),
        },
    )
    def get(self, request):
        return Response(service_description(request.build_absolute_uri("/").rstrip("/")))


class RegistrationRequestSerializer(serializers.Serializer):
    client_name = serializers.CharField(max_length=200)
    client_uri = serializers.URLField()
    redirect_uris = serializers.ListField(child=serializers.URLField(), max_length=10)
    logo_uri = serializers.URLField(required=False)
    tos_uri = serializers.URLField(required=False)
    policy_uri = serializers.URLField(required=False)
    software_id = serializers.CharField(required=False, max_length=255)
    software_version = serializers.CharField(required=False, max_length=100)
    scope = serializers.CharField(required=False, max_length=2000)
    token_endpoint_auth_method = serializers.CharField(required=False)
    grant_types = serializers.ListField(child=serializers.CharField(), required=False)
    response_types = serializers.ListField(child=serializers.CharField(), required=False)


class RegistrationResponseSerializer(RegistrationRequestSerializer):
    client_id = serializers.CharField()
    client_secret = serializers.CharField()
    client_id_issued_at = serializers.IntegerField()
    client_secret_expires_at = serializers.IntegerField()


class Register(APIView):
    """RFC 7591 dynamic client registration (open, as OB 3.0 requires; throttled per address)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "obapi_register"

    @extend_schema(
        operation_id="ob_registerClient",
        summary="Register an OAuth 2.0 client (RFC 7591)",
        tags=["Open Badges 3.0 API"],
        auth=[],
        request=RegistrationRequestSerializer,
        responses={
            201: OpenApiResponse(
                RegistrationResponseSerializer,
                examples=[
                    OpenApiExample(
                        "registered",
                        value={
                            "client_id": "k2m…",
                            "client_secret": "s3cr…",
                            "client_id_issued_at": 1767225600,
                            "client_secret_expires_at": 0,
                            "client_name": "Prefectural course system",
                            "client_uri": "https://courses.example.jp/",
                            "redirect_uris": ["https://courses.example.jp/ob/callback"],
                            "token_endpoint_auth_method": "client_secret_basic",
                            "grant_types": ["authorization_code", "refresh_token"],
                            "response_types": ["code"],
                            "scope": scopes.CREDENTIAL_UPSERT,
                        },
                        response_only=True,
                    )
                ],
            ),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="RFC 7591 error: invalid_client_metadata or invalid_redirect_uri.",
                examples=[
                    OpenApiExample(
                        "bad",
                        value={"error": "invalid_redirect_uri", "error_description": "…"},
                        response_only=True,
                        status_codes=["400"],
                    )
                ],
            ),
        },
    )
    def post(self, request):
        if len(request.body) > 64 * 1024:
            return Response({"error": "invalid_client_metadata", "error_description": "Too large."}, status=400)
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            data = None
        body, http_status = register_client(data)
        return Response(body, status=http_status, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


# ---------------------------------------------------------------------------------------------
# Credentials and profile
# ---------------------------------------------------------------------------------------------


def _int_param(request, name: str, *, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < minimum:
        raise ApiError(
            400,
            _("“%(name)s” must be a whole number of at least %(min)s.") % {"name": name, "min": minimum},
            minor="invalid_query_parameter",
        )
    value = int(raw)
    return min(value, maximum) if maximum else value


def _since_param(request) -> datetime | None:
    raw = request.query_params.get("since")
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ApiError(
            400, _("“since” must be a date and time like 2026-01-31T09:00:00Z."), minor="invalid_query_parameter"
        )
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Credentials(ObApiView):
    required_scopes_by_method = {"GET": scopes.CREDENTIAL_READ, "POST": scopes.CREDENTIAL_UPSERT}
    accepted_media_types = frozenset(UPSERT_TYPES)

    @extend_schema(
        operation_id="ob_getCredentials",
        summary="The learner's Open Badges 3.0 credentials, paged (X-Total-Count and Link headers)",
        tags=["Open Badges 3.0 API"],
        auth=[{"OAuth2ACG": [scopes.CREDENTIAL_READ]}],
        parameters=[
            OpenApiParameter("limit", int, description="Page size, 1–100 (default 20)."),
            OpenApiParameter("offset", int, description="Index of the first credential (0-based)."),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Only credentials issued or added after this time."
            ),
        ],
        responses={
            200: OpenApiResponse(
                CredentialsPageSerializer,
                examples=[
                    OpenApiExample(
                        "page", value={"credential": [CREDENTIAL_EXAMPLE], "compactJwsString": []}, response_only=True
                    )
                ],
            ),
            **imsx_errors(400, 401, 403, 405, 429, 500),
        },
    )
    def get(self, request):
        limit = _int_param(request, "limit", default=20, minimum=1, maximum=services.MAX_PAGE)
        offset = _int_param(request, "offset", default=0, minimum=0)
        since = _since_param(request)
        page, total = services.credentials_page(request.user, limit=limit, offset=offset, since=since)
        response = Response(page)
        response["X-Total-Count"] = str(total)
        response["Link"] = _link_header(request, limit=limit, offset=offset, total=total)
        return response

    @extend_schema(
        operation_id="ob_upsertCredential",
        summary="Add (201) or replace (200) an Open Badges 3.0 credential, verified like any import",
        tags=["Open Badges 3.0 API"],
        auth=[{"OAuth2ACG": [scopes.CREDENTIAL_UPSERT]}],
        request={"application/json": OpenApiTypes.OBJECT, "text/plain": OpenApiTypes.STR},
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Replaced; the body is the request body, byte for byte.",
                examples=[
                    OpenApiExample("replaced", value=CREDENTIAL_EXAMPLE, response_only=True, status_codes=["200"])
                ],
            ),
            201: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Created; the body is the request body, byte for byte.",
                examples=[
                    OpenApiExample("created", value=CREDENTIAL_EXAMPLE, response_only=True, status_codes=["201"])
                ],
            ),
            **imsx_errors(400, 401, 403, 405, 413, 415, 429, 500, 503),
        },
    )
    def post(self, request):
        body = self.body(request)
        try:
            result = services.upsert_credential(owner=request.user, body=body, media_type=media_type_of(request))
        except services.UpsertRefused as refusal:
            raise ApiError(refusal.http_status, refusal.message) from refusal
        # The spec: the response body is the credential in the request, exactly as sent.
        return HttpResponse(
            body,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
            content_type=request.META.get("CONTENT_TYPE"),
        )


def _link_header(request, *, limit: int, offset: int, total: int) -> str:
    base = request.build_absolute_uri(request.path)
    extra = {"since": request.query_params["since"]} if request.query_params.get("since") else {}

    def link(rel: str, at: int) -> str:
        return f'<{base}?{urlencode({"limit": limit, "offset": at, **extra})}>; rel="{rel}"'

    last = max((total - 1) // limit * limit, 0)
    links = [link("first", 0), link("last", last)]
    if offset + limit < total:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(offset - limit, 0)))
    return ", ".join(links)


class ProfileView(ObApiView):
    required_scopes_by_method = {"GET": scopes.PROFILE_READ, "PUT": scopes.PROFILE_UPDATE}

    def _profile(self, request) -> dict:
        share = services.shares_email(user=request.user, application=request.auth.application)
        return services.profile_of(request.user, share_email=share)

    @extend_schema(
        operation_id="ob_getProfile",
        summary="The learner's profile (the e-mail only if the learner agreed to share it)",
        tags=["Open Badges 3.0 API"],
        auth=[{"OAuth2ACG": [scopes.PROFILE_READ]}],
        responses={
            200: OpenApiResponse(
                ObProfileSerializer, examples=[OpenApiExample("profile", value=PROFILE_EXAMPLE, response_only=True)]
            ),
            **imsx_errors(401, 403, 405, 429, 500),
        },
    )
    def get(self, request):
        return Response(self._profile(request))

    @extend_schema(
        operation_id="ob_putProfile",
        summary="Update the learner's name, web page and image",
        tags=["Open Badges 3.0 API"],
        auth=[{"OAuth2ACG": [scopes.PROFILE_UPDATE]}],
        request=ObProfileSerializer,
        responses={
            200: OpenApiResponse(
                ObProfileSerializer, examples=[OpenApiExample("updated", value=PROFILE_EXAMPLE, response_only=True)]
            ),
            **imsx_errors(400, 401, 403, 405, 429, 500),
        },
    )
    def put(self, request):
        try:
            data = json.loads(self.body(request) or b"null")
        except ValueError:
            raise ApiError(400, _("The request body is not valid JSON.")) from None
        try:
            services.update_profile(request.user, data)
        except services.UpsertRefused as refusal:
            raise ApiError(refusal.http_status, refusal.message) from refusal
        return Response(self._profile(request))
