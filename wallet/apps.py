from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WalletConfig(AppConfig):
    name = "wallet"
    verbose_name = _("Wallet")

    def ready(self) -> None:
        from accounts.services import DELETE_HOOKS, EXPORT_HOOKS, FILE_EXPORT_HOOKS
        from badges import services as badge_services
        from badges import views as badge_views

        from . import signals
        from .services import delete_wallet_files, export_wallet, export_wallet_files, touch_portfolios_holding
        from .views import badge_removal_panel, badge_share_panel

        signals.connect()

        # ready() can run more than once in tests; register each hook once.
        if export_wallet not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(export_wallet)
        if export_wallet_files not in FILE_EXPORT_HOOKS:
            FILE_EXPORT_HOOKS.append(export_wallet_files)
        if delete_wallet_files not in DELETE_HOOKS:
            DELETE_HOOKS.append(delete_wallet_files)
        if touch_portfolios_holding not in badge_services.REMOVE_HOOKS:
            badge_services.REMOVE_HOOKS.append(touch_portfolios_holding)
        for page, panel in (("detail", badge_share_panel), ("remove", badge_removal_panel)):
            if panel not in badge_views.BADGE_PAGE_PANELS[page]:
                badge_views.BADGE_PAGE_PANELS[page].append(panel)
