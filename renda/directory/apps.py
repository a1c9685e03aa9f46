from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "renda.directory"
    label = "directory"
    verbose_name = _("组织与代表")

    def ready(self) -> None:
        from renda.directory import permissions, settings_registry

        permissions.register()
        settings_registry.register()
