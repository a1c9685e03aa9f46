from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "renda.opinions"
    label = "opinions"
    verbose_name = _("民意直通")

    def ready(self) -> None:
        from renda.opinions import permissions, settings_registry

        permissions.register()
        settings_registry.register()
