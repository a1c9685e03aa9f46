from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionsConfig(AppConfig):
    name = "renda.opinions"
    label = "opinions"
    verbose_name = _("民意直通")

    def ready(self) -> None:
        import datetime

        from django.conf import settings

        from renda.core.schedule import register_periodic
        from renda.opinions import permissions, settings_registry

        permissions.register()
        settings_registry.register()
        register_periodic("opinions.supervision", "renda.opinions.tasks.supervision_sweep_task",
                          every=datetime.timedelta(seconds=settings.RENDA_SWEEP_INTERVAL))
