from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "renda.projects"
    label = "projects"
    verbose_name = _("民生实事项目")

    def ready(self) -> None:
        from renda.projects import permissions, settings_registry

        permissions.register()
        settings_registry.register()
        if self.apps.is_installed("renda.duties"):
            from renda.duties.collectors import register_collector
            from renda.projects.ballots import ballots_cast_collector

            register_collector("projects_ballots", ballots_cast_collector)
