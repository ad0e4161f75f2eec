from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoutsConfig(AppConfig):
    """What a learner hands out and must keep working: permanent badge links and submission packs."""

    name = "handouts"
    verbose_name = _("Handouts")
