from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoutsConfig(AppConfig):
    """What a learner hands out and must keep working: permanent badge links and submission packs."""

    name = "handouts"
    verbose_name = _("Handouts")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from wallet import page_cache

        from .models import Pack

        def pack_changed(sender, instance: Pack, **kwargs) -> None:
            page_cache.changed(instance.owner_id)  # a pack withdrawn: its cached pages answer 410 at once

        for signal in (post_save, post_delete):
            signal.connect(pack_changed, sender=Pack, dispatch_uid="public-pages-pack")
