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

        from django.db.models.signals import post_delete, post_save

        from .models import Reflection

        # A public reflection shows on the badge's public page: its learner's cached pages change.
        for signal in (post_save, post_delete):
            signal.connect(_reflection_changed, sender=Reflection, dispatch_uid="public-pages-reflection")


def _reflection_changed(sender, instance, **kwargs) -> None:
    from badges.models import Badge
    from wallet import page_cache

    page_cache.changed(Badge.objects.filter(pk=instance.badge_id).values_list("owner_id", flat=True).first())
