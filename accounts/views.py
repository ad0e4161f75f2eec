from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from .forms import DeleteAccountForm, ProfileForm
from .identities import issued_to
from .services import delete_account, export_account_zip


@login_required
def email_addresses(request):
    """allauth's address page, with one step added: before an address is removed, the learner sees
    the badges issued to it (they stay theirs: the address's verified period is kept)."""
    from allauth.account.views import email as allauth_email

    if request.method == "POST" and "action_remove" in request.POST and not request.POST.get("confirmed"):
        email = request.POST.get("email", "")
        address = request.user.emailaddress_set.filter(email__iexact=email).first()
        names = issued_to(user=request.user, email=address.email) if address else []
        if names:
            ctx = {"email": address.email, "names": names}
            return render(request, "accounts/remove_address.html", ctx)
    return allauth_email(request)


def home(request):
    return render(request, "home.html")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    social_enabled = bool(settings.SOCIALACCOUNT_PROVIDERS)
    return render(request, "accounts/profile.html", {"form": form, "social_enabled": social_enabled})


@require_POST
def switch_language(request):
    """Django's set_language, plus remembering the choice on the learner's account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(request.user._meta.get_field("preferred_language").choices):
        request.user.preferred_language = language
        request.user.save(update_fields=["preferred_language"])
    return response


@csrf_exempt
@require_POST
def switch_language_anonymous(request):
    """The language switch on pages served whole from the cache to anyone (wallet/page_cache.py).

    Those pages carry no per-visitor CSRF token (a token would make every copy private), so this
    form target is exempt: it only sets the language cookie and never changes an account, which
    is all a forged request could do.
    """
    return set_language(request)


@login_required
def export(request):
    archive = export_account_zip(user=request.user)
    # The learner's own date (settings.TIME_ZONE), not UTC's.
    stamp = timezone.localdate().strftime("%Y%m%d")
    # FileResponse streams the zip in blocks and closes (so deletes) the temporary file afterwards.
    return FileResponse(
        archive, as_attachment=True, filename=f"manabi-export-{stamp}.zip", content_type="application/zip"
    )


@login_required
def delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user=user)
        messages.success(request, _("Your account and everything in it were deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})
