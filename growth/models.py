"""The learner's growth: milestone moments (kept as a timeline) and reflections on each badge."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from badges.models import Badge


class Milestone(models.Model):
    """A moment the study's learners cared about: the 1st, 2nd, 3rd … badge, a new issuer or
    field, a year of learning. Reached once, celebrated once (``seen_at``), kept for the timeline."""

    class Kind(models.TextChoices):
        COUNT = "count", _("Badge count")
        NEW_ISSUER = "new_issuer", _("First badge from a new issuer")
        NEW_FIELD = "new_field", _("First badge in a new field")
        YEAR = "year", _("A year of learning")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # What makes it unique for this learner: the count ("3"), the issuer, the field, the years.
    key = models.CharField(max_length=200)
    badge = models.ForeignKey(Badge, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # Kept apart from the badge, so the timeline still reads right after the badge is removed.
    badge_name = models.CharField(max_length=500, blank=True)
    reached_at = models.DateTimeField()
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-reached_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "kind", "key"], name="one_milestone_of_a_kind")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if self.kind == self.Kind.COUNT:
            count = int(self.key)
            if count == 1:
                return str(_("Your first badge!"))
            return ngettext("%(count)s badge!", "%(count)s badges!", count) % {"count": count}
        if self.kind == self.Kind.NEW_ISSUER:
            return str(_("First badge from %(issuer)s")) % {"issuer": self.key}
        if self.kind == self.Kind.NEW_FIELD:
            return str(_("A new field: %(field)s")) % {"field": self.key}
        years = int(self.key)
        if years == 1:
            return str(_("One year of learning"))
        return ngettext("%(years)s year of learning", "%(years)s years of learning", years) % {"years": years}


class Reflection(models.Model):
    """振り返り: the learner's own words about one badge. Private unless ``public`` is chosen."""

    badge = models.OneToOneField(Badge, on_delete=models.CASCADE, related_name="reflection")
    did = models.TextField(_("What I did"), max_length=2000, blank=True)
    learned = models.TextField(_("What I learned"), max_length=2000, blank=True)
    next_steps = models.TextField(_("What's next"), max_length=2000, blank=True)
    public = models.BooleanField(
        _("Show on the badge's public page"),
        default=False,
        help_text=_("Off by default: only you see your reflection."),
    )
    in_packs = models.BooleanField(
        _("Include in submission packs"),
        default=False,
        help_text=_("A copy goes into each pack you make from now on (e.g. for an admissions office)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reflection on {self.badge_id}"

    @property
    def is_empty(self) -> bool:
        return not (self.did.strip() or self.learned.strip() or self.next_steps.strip())
