from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "renda.duties"
    label = "duties"
    verbose_name = _("代表履职")

    def ready(self) -> None:
        import datetime

        from renda.core.schedule import register_periodic
        from renda.duties import collectors, permissions, settings_registry

        permissions.register()
        settings_registry.register()
        collectors.register_builtin()
        register_periodic("duties.collect", "renda.duties.tasks.collect_task",
                          every=datetime.timedelta(hours=1))
        register_periodic("duties.quota_reminders", "renda.duties.tasks.quota_reminders_task",
                          every=datetime.timedelta(days=1))
