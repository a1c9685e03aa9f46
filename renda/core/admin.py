"""Admin for the working-day calendar. The calendar is shared by every congress, so no role's
scope reaches it: only superusers (and roles granted core.* permissions) manage it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from renda.core.models import CalendarDay, CalendarYear


def _allowed(request: HttpRequest, model: type, action: str) -> bool:
    # core imports no other app at module level; the access layer lives in accounts.
    from renda.accounts.admin_mixins import cached_has_perm, perm_name

    return cached_has_perm(request, perm_name(model, action))


class CalendarAdminBase(SimpleHistoryAdmin):
    """Checks through the one permission layer, like every other admin page."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, self.model, "view") or _allowed(request, self.model, "change")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, self.model, "change")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _allowed(request, self.model, "add")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, self.model, "delete")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdminBase):
    list_display = ["date", "kind", "name", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["name", "date"]
    date_hierarchy = "date"
    ordering = ["-date"]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminBase):
    list_display = ["year", "note", "updated_at"]
    search_fields = ["year", "note"]
    ordering = ["-year"]
