"""Admin for the working-day calendar. The calendar is shared by every congress, so no role's
scope reaches it: only superusers (and roles granted core.* permissions) manage it."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from renda.core.masking import mask_phone
from renda.core.models import CalendarDay, CalendarYear, Event, Notification, VerificationCode


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


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The action log is append-only: readable here, never edited."""

    list_display = ["created_at", "content_type", "object_id", "action", "from_status",
                    "to_status", "actor"]
    list_filter = ["content_type", "action"]
    search_fields = ["action", "note", "object_id"]
    list_select_related = ["content_type", "actor"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Event._meta.fields]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, Event, "view")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """Logs written by services: readable by superusers (no role is granted them), never edited."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _allowed(request, self.model, "view")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyLogAdmin):
    """Recipients are personal information: a mobile number is shown masked."""

    list_display = ["created_at", "channel", "masked_recipient", "subject", "status", "attempts",
                    "sent_at"]
    list_filter = ["channel", "status"]
    search_fields = ["subject", "idempotency_key", "provider_id"]
    list_select_related = ["content_type"]
    date_hierarchy = "created_at"
    fields = ["channel", "masked_recipient", "subject", "body", "status", "attempts", "error",
              "provider_id", "redacted", "idempotency_key", "content_type", "object_id",
              "created_at", "sent_at"]
    readonly_fields = fields

    @admin.display(description=_("接收人"))
    def masked_recipient(self, obj: Notification) -> str:
        return mask_phone(obj.recipient) if obj.channel == "sms" else obj.recipient


@admin.register(VerificationCode)
class VerificationCodeAdmin(ReadOnlyLogAdmin):
    """Only when and how often: the hashes say nothing to a reader and stay off the page."""

    list_display = ["created_at", "purpose", "expires_at", "attempts", "used_at"]
    list_filter = ["purpose"]
    date_hierarchy = "created_at"
    fields = ["purpose", "created_at", "expires_at", "attempts", "used_at"]
    readonly_fields = fields
