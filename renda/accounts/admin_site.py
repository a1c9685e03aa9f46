"""The back office: Django's admin, closed to staff who set up a second factor and skipped it."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class RendaAdminSite(admin.AdminSite):
    site_header = _("人大代表履职服务平台 · 管理后台")
    site_title = _("Renda 管理后台")
    index_title = _("后台首页")

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        # A user who enrolled a TOTP device must have used it in this session.
        from renda.accounts.services import has_second_factor

        user = request.user
        return not has_second_factor(user) or user.is_verified()


class RendaAdminConfig(AdminConfig):
    default_site = "renda.accounts.admin_site.RendaAdminSite"
