"""Pages of the Open Badges API: the OAuth consent page, "connected apps" (clients with access to the
wallet), and "other wallets" (hosts this learner connected to pull badges from)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.forms import AllowForm
from oauth2_provider.models import get_application_model
from oauth2_provider.settings import oauth2_settings
from oauth2_provider.views import AuthorizationView
from oauthlib.oauth2.rfc6749.errors import InvalidRequestError

from . import connections, scopes, services
from .models import ClientInfo, Connection, Consent


class ConsentForm(AllowForm):
    granted = forms.MultipleChoiceField(
        choices=[(scope, scope) for scope in scopes.ALL], required=False, widget=forms.CheckboxSelectMultiple
    )
    share_email = forms.BooleanField(required=False, label=gettext_lazy("Also share my e-mail address"))


class ConsentView(AuthorizationView):
    """DOT's authorization endpoint with Manabi's consent page: the client named (and its logo if
    we could fetch it safely), each requested permission a checkbox, e-mail sharing opt-in."""

    template_name = "obapi/authorize.html"
    form_class = ConsentForm

    def validate_authorization_request(self, request):
        # PKCE with S256 only, refused before the learner is asked anything (oauthlib would take a
        # missing method as "plain"; DOT refuses "plain" only once the code is being issued).
        scopes_, credentials = super().validate_authorization_request(request)
        if credentials.get("code_challenge_method") != "S256":
            error = InvalidRequestError(
                description="PKCE with code_challenge_method=S256 is required.", state=credentials.get("state")
            )
            raise OAuthToolkitError(error=error, redirect_uri=credentials["redirect_uri"])
        return scopes_, credentials

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = kwargs.get("application") or context.get("application")
        requested = scopes.known_only(" ".join(kwargs.get("scopes") or context.get("scopes") or []))
        all_scopes = oauth2_settings.SCOPES
        context["requested"] = [(scope, all_scopes.get(scope, scope)) for scope in requested]
        context["client_info"] = ClientInfo.objects.filter(application=application).first() if application else None
        return context

    def get_initial(self):
        initial = super().get_initial()
        initial["granted"] = scopes.known_only(initial.get("scope") or "")
        return initial

    def form_valid(self, form):
        requested = scopes.known_only(form.cleaned_data.get("scope") or "")
        chosen = [scope for scope in requested if scope in form.cleaned_data.get("granted", [])]
        allow = form.cleaned_data.get("allow") and bool(chosen)
        form.cleaned_data["allow"] = allow
        form.cleaned_data["scope"] = " ".join(chosen or requested)
        response = super().form_valid(form)
        if allow and response.status_code in (301, 302):
            application = get_application_model().objects.get(client_id=form.cleaned_data["client_id"])
            services.record_consent(
                user=self.request.user,
                application=application,
                scope=" ".join(chosen),
                share_email=form.cleaned_data.get("share_email", False),
            )
        return response

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        return _allow_redirect_to(response, context.get("redirect_uri") or "")


def _allow_redirect_to(response: HttpResponse, redirect_uri: str) -> HttpResponse:
    """The consent form posts here and we redirect to the client: browsers apply form-action to
    that redirect, so the client's origin joins 'self' on this page only."""
    parts = urlsplit(redirect_uri)
    if parts.scheme in ("https", "http") and parts.netloc:
        origin = f"{parts.scheme}://{parts.netloc}"
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def client_logo(request, client_id: str):
    info = ClientInfo.objects.filter(application__client_id=client_id).exclude(logo_png=b"").first()
    if info is None:
        raise Http404
    response = HttpResponse(bytes(info.logo_png), content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


# ---------------------------------------------------------------------------------------------
# Connected apps (clients with access to this wallet)
# ---------------------------------------------------------------------------------------------


@login_required
def connected_apps(request):
    if request.method == "POST":
        pk = request.POST.get("revoke", "")
        if not pk.isdigit():
            raise Http404
        consent = get_object_or_404(Consent.objects.owned_by(request.user).select_related("application"), pk=pk)
        name = consent.application.name
        services.revoke_consent(consent=consent)
        messages.success(request, _("“%(name)s” can no longer use your wallet.") % {"name": name})
        return redirect("obapi_connected_apps")
    consents = Consent.objects.owned_by(request.user).select_related("application", "application__ob_client")
    all_scopes = oauth2_settings.SCOPES
    rows = [
        (
            consent,
            getattr(consent.application, "ob_client", None),
            [all_scopes.get(s, s) for s in scopes.known_only(consent.scope)],
        )
        for consent in consents
    ]
    return render(request, "obapi/connected_apps.html", {"rows": rows})


def privacy(request):
    return render(request, "obapi/privacy.html")


# ---------------------------------------------------------------------------------------------
# Other wallets and platforms this learner pulls badges from
# ---------------------------------------------------------------------------------------------


class ConnectForm(forms.Form):
    address = forms.CharField(
        label=gettext_lazy("Address of the other wallet or platform"),
        max_length=2000,
        help_text=gettext_lazy("For example https://wallet.example.jp — Manabi finds its Open Badges 3.0 API there."),
    )


def _callback_uri(request) -> str:
    return request.build_absolute_uri(reverse("obapi_connection_callback"))


@login_required
def connections_page(request):
    form = ConnectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _connection, authorize_url = connections.start_connection(
                owner=request.user, address=form.cleaned_data["address"], redirect_uri=_callback_uri(request)
            )
        except connections.ConnectError as exc:
            form.add_error("address", exc.message)
        else:
            # Not a redirect: the form's CSP (form-action 'self') would stop a redirect to another
            # origin. This page sends the learner on with a refresh and a link.
            return render(
                request, "obapi/connect_continue.html", {"authorize_url": authorize_url, "connection": _connection}
            )
    items = Connection.objects.owned_by(request.user).exclude(state=Connection.State.PENDING)
    return render(request, "obapi/connections.html", {"form": form, "connections": items})


@login_required
def connection_callback(request):
    try:
        connection = connections.finish_connection(
            owner=request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
            redirect_uri=_callback_uri(request),
        )
    except connections.ConnectError as exc:
        messages.error(request, exc.message)
        return redirect("obapi_connections")
    from .tasks import enqueue_pull

    enqueue_pull(connection.pk)
    messages.success(
        request, _("Connected to %(name)s. Its badges will appear in your wallet shortly.") % {"name": connection.name}
    )
    return redirect("obapi_connections")


@login_required
@require_POST
def connection_action(request, public_id: str):
    connection = get_object_or_404(Connection.objects.owned_by(request.user), public_id=_uuid_or_404(public_id))
    if "disconnect" in request.POST:
        name = str(connection)
        revoked = connections.disconnect(connection=connection)
        if revoked:
            messages.success(
                request,
                _("Disconnected from %(name)s. Badges you already received stay in your wallet.") % {"name": name},
            )
        else:
            messages.warning(
                request,
                _(
                    "Disconnected from %(name)s, but it could not be told to cancel Manabi's access; it may still list Manabi."
                )
                % {"name": name},
            )
    else:
        from .tasks import enqueue_pull

        enqueue_pull(connection.pk)
        messages.success(request, _("Checking %(name)s for new badges now.") % {"name": connection})
    return redirect("obapi_connections")


def _uuid_or_404(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None
