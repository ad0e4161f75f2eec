from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObapiConfig(AppConfig):
    name = "obapi"
    verbose_name = _("Open Badges API")

    def ready(self) -> None:
        from accounts.services import DELETE_HOOKS, EXPORT_HOOKS

        from .services import delete_obapi_data, export_obapi_data

        # ready() can run more than once in tests; register each hook once.
        if export_obapi_data not in EXPORT_HOOKS:
            EXPORT_HOOKS.append(export_obapi_data)
        if delete_obapi_data not in DELETE_HOOKS:
            DELETE_HOOKS.append(delete_obapi_data)
