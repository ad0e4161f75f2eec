from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = _("Growth")

    def ready(self) -> None:
        from accounts.services import EXPORT_HOOKS

        from .services import export_growth

        if export_growth not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(export_growth)
