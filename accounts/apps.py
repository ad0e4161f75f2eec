from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from allauth.account.signals import email_confirmed, email_removed

        from .identities import on_email_confirmed, on_email_removed
        from .sites import sync_site

        email_confirmed.connect(on_email_confirmed, dispatch_uid="accounts.address_history_confirmed")
        email_removed.connect(on_email_removed, dispatch_uid="accounts.address_history_removed")

        # Every `migrate` (so every `make run`) brings the Sites record in line with settings.
        post_migrate.connect(sync_site, sender=self, dispatch_uid="accounts.sync_site")
