from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from accounts.services import DELETE_HOOKS, EXPORT_HOOKS, FILE_EXPORT_HOOKS

        from .services import delete_wallet_files, export_wallet, export_wallet_files

        # ready() can run more than once in tests; register each hook once.
        if export_wallet not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(export_wallet)
        if export_wallet_files not in FILE_EXPORT_HOOKS:
            FILE_EXPORT_HOOKS.append(export_wallet_files)
        if delete_wallet_files not in DELETE_HOOKS:
            DELETE_HOOKS.append(delete_wallet_files)
