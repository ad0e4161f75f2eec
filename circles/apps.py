from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = _("Circles")

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from accounts.services import DELETE_HOOKS, EXPORT_HOOKS
        from badges import views as badge_views
        from badges.models import Badge
        from badges.services import REMOVE_HOOKS
        from wallet.models import Portfolio

        from . import signals
        from .services import badge_removed, delete_circle_data, export_circles
        from .views import badge_circles_panel

        # A badge's verdict saved (import, re-check, expiry) → the memberships it carries follow it.
        post_save.connect(signals.badge_saved, sender=Badge, dispatch_uid="circles.badge_saved")
        # Minors' portfolios are never public, whichever page or API saves them.
        pre_save.connect(signals.portfolio_saving, sender=Portfolio, dispatch_uid="circles.portfolio_saving")
        # ready() can run more than once in tests; register each hook once.
        if badge_removed not in REMOVE_HOOKS:
            REMOVE_HOOKS.append(badge_removed)  # the learner removes a badge → its memberships move or end
        if badge_circles_panel not in badge_views.BADGE_PAGE_PANELS["detail"]:
            badge_views.BADGE_PAGE_PANELS["detail"].append(badge_circles_panel)  # join the circle, find the next badge
        if export_circles not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(export_circles)
        if delete_circle_data not in DELETE_HOOKS:
            DELETE_HOOKS.append(delete_circle_data)
