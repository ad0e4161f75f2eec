from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BadgesConfig(AppConfig):
    name = "badges"
    verbose_name = _("Badges")

    def ready(self) -> None:
        from accounts.identities import ADDRESS_CONFIRMED_HOOKS, ISSUED_TO_HOOKS

        from .services import badges_issued_to, release_badges_awaiting

        # A confirmed address releases the badges held for it (checked at the next due pass).
        if release_badges_awaiting not in ADDRESS_CONFIRMED_HOOKS:
            ADDRESS_CONFIRMED_HOOKS.append(release_badges_awaiting)
        if badges_issued_to not in ISSUED_TO_HOOKS:
            ISSUED_TO_HOOKS.append(badges_issued_to)
