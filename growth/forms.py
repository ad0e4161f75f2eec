from django import forms

from .models import Reflection


class ReflectionForm(forms.ModelForm):
    class Meta:
        model = Reflection
        fields = ["did", "learned", "next_steps", "public", "in_packs"]
        widgets = {
            "did": forms.Textarea(attrs={"rows": 4}),
            "learned": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }
