from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "renda.suggestions"
    label = "suggestions"
    verbose_name = _("代表建议")

    def ready(self) -> None:
        import datetime

        from django.conf import settings

        from renda.core.schedule import register_periodic
        from renda.suggestions import permissions, settings_registry

        permissions.register()
        settings_registry.register()
        register_periodic(
            "suggestions.supervision", "renda.suggestions.tasks.supervision_sweep_task",
            every=datetime.timedelta(seconds=settings.RENDA_SWEEP_INTERVAL))
