from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import User

AVATAR_MAX_BYTES = 2 * 1024 * 1024


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "bio", "avatar", "preferred_language", "digest_frequency"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "display_name": _("Shown on your public pages. A nickname is fine; your e-mail is never shown."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["digest_frequency"].required = False

    def clean_digest_frequency(self):
        # Left out of a form post (an older page, the API): keep what the learner chose before.
        return self.cleaned_data.get("digest_frequency") or self.instance.digest_frequency

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if avatar and getattr(avatar, "size", 0) > AVATAR_MAX_BYTES:
            raise forms.ValidationError(_("The image is larger than 2 MB. Please choose a smaller one."))
        return avatar


class SignupDetailsForm(forms.Form):
    """Extra sign-up fields (allauth's ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown on your public pages and in mails. A nickname is fine; your e-mail is never shown."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password


LANGUAGE_CHOICES = settings.LANGUAGES
