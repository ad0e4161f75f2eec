from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Pack


class PackForm(forms.ModelForm):
    class Meta:
        model = Pack
        fields = ["audience", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "audience": _("For example 「A大学 総合型選抜」. Shown at the top of the printout."),
            "note": _("Optional. Printed under the title."),
        }
