"""The settings page where a learner creates and revokes API tokens (/accounts/tokens/)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import PersonalAccessToken
from .tokens import create_token, revoke_token


# One field, used only here: kept next to its view rather than in forms.py.
class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “my school's app” or “backup script”."),
    )


@login_required
def tokens(request):
    """GET lists the tokens; POST creates one (shown once, on this response) or revokes one."""
    form = TokenForm()
    new_token = ""
    if request.method == "POST" and "revoke" in request.POST:
        pk = request.POST["revoke"]
        if not pk.isdigit():
            raise Http404
        token = get_object_or_404(PersonalAccessToken.objects.owned_by(request.user), pk=pk)
        revoke_token(token=token)
        messages.success(request, _("The token “%(name)s” was revoked. It no longer works.") % {"name": token.name})
        return redirect("api_tokens")
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            # Rendered, not redirected: the raw token must never sit in a cookie or the session.
            _token, new_token = create_token(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
    ctx = {
        "form": form,
        "new_token": new_token,
        "tokens": PersonalAccessToken.objects.owned_by(request.user),
    }
    response = render(request, "accounts/tokens.html", ctx)
    if new_token:
        response["Cache-Control"] = "no-store"
    return response
