from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CommunityProfile, DirectoryEntry, Membership


class JoinForm(forms.Form):
    nickname = forms.CharField(label=_("Nickname in this circle"), max_length=40)
    intro = forms.CharField(label=_("Short introduction (optional)"), max_length=200, required=False)
    consent = forms.BooleanField(
        label=_("I have read the purpose of this circle and agree that its members see my nickname and introduction."),
        required=False,
    )


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["nickname", "intro", "dm_enabled", "answers_public"]


class CommunitySettingsForm(forms.ModelForm):
    class Meta:
        model = CommunityProfile
        fields = ["under_18", "share_in_suggestions"]
        help_texts = {
            "under_18": _(
                "Under 18: no direct messages, you are not listed among circle members, and your portfolios "
                "are never public (unlisted or private only)."
            ),
            "share_in_suggestions": _(
                "Your badges are counted, with at least 4 other learners', in suggestions such as “holders of X "
                "also earned Y”. Nobody can see who holds what."
            ),
        }


class EventForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False, widget=forms.Textarea)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.URLField(label=_("Online meeting link"), max_length=500, required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=500, initial=30)
    attendance_badge = forms.BooleanField(label=_("Give checked-in members an attendance badge"), required=False)


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme name"), max_length=200)
    purpose = forms.CharField(label=_("Purpose (shown before anyone joins)"), max_length=1000, widget=forms.Textarea)
    badges = forms.ModelMultipleChoiceField(
        label=_("Badges of the programme"), queryset=DirectoryEntry.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organiser, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        query = Q(pk__in=[])
        for entry in organiser.issuer_entries():
            query |= Q(issuer_id__iexact=entry) | Q(issuer_id__icontains=f"://{entry}")
            query |= Q(issuer_url__icontains=f"://{entry}")
        self.fields["badges"].queryset = DirectoryEntry.objects.filter(query).order_by("name")
