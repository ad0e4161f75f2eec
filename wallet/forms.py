from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Portfolio, ShareLink


class ImportForm(forms.Form):
    """The two text ways in; files come as request.FILES.getlist("files") (several at once)."""

    url = forms.CharField(
        label=_("Link to a badge"),
        required=False,
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    payload = forms.CharField(
        label=_("Badge JSON or JWT"), required=False, widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})
    )


class PortfolioForm(forms.ModelForm):
    class Meta:
        model = Portfolio
        fields = ["title", "description", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "visibility": forms.RadioSelect,
        }
        help_texts = {
            "description": _("Shown at the top of the portfolio. Your e-mail address is never shown."),
        }


class ShareLinkForm(forms.ModelForm):
    class Meta:
        model = ShareLink
        fields = ["name", "expires_on"]
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "name": _("For example “Admissions office of a university” or “A company”."),
            "expires_on": _("Optional. The link stops working after this day."),
        }

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on and expires_on < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return expires_on
