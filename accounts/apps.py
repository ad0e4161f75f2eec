from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from .sites import sync_site

        # Every `migrate` (so every `make run`) brings the Sites record in line with settings.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="accounts.sync_site")
