"""Admin for the directory, scoped by the access layer (see `renda.accounts.admin_mixins`).

Every model keeps its history (django-simple-history). A deputy's contact and identity fields
appear only to users who hold "directory.view_deputy_private" on that deputy, and each showing
is logged. The deputy and station lists carry the Excel roster import and export.
"""

import dataclasses
import datetime
import logging
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from renda.accounts import access
from renda.accounts.admin_mixins import ScopedAdminMixin, ScopedInlineMixin, cached_has_perm
from renda.core import config
from renda.directory.models import (
    Area,
    Congress,
    CongressSetting,
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    HandlingUnit,
    Mandate,
    PlenarySession,
    ReceptionDay,
    ReceptionSchedule,
    Station,
    StationAssignment,
    Term,
)
from renda.directory.roster.admin_views import RosterAdminMixin
from renda.directory.roster.common import MOBILE_RE

logger = logging.getLogger(__name__)

PRIVATE_PERM = "directory.view_deputy_private"
RelatedOnly = admin.RelatedOnlyFieldListFilter


class Base(ScopedAdminMixin, SimpleHistoryAdmin):
    """Scoped, with history."""

    list_per_page = 50


# Inlines ---------------------------------------------------------------------------------------


class TermInline(ScopedInlineMixin, admin.TabularInline):
    model = Term
    extra = 0
    fields = ["number", "start_date", "end_date"]
    show_change_link = True


class CongressSettingForm(forms.ModelForm):
    """Offers the registered keys only, labelled with what they mean and their default."""

    key = forms.ChoiceField(label=_("配置项"), choices=())

    class Meta:
        model = CongressSetting
        fields = ["congress", "key", "value", "effective_from", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [
            (spec.key, _("%(label)s（%(key)s，默认 %(default)s）")
             % {"label": spec.label, "key": spec.key, "default": spec.default})
            for spec in sorted(config.REGISTRY.values(), key=lambda s: s.key)
        ]


class CongressSettingInline(ScopedInlineMixin, admin.TabularInline):
    model = CongressSetting
    form = CongressSettingForm
    extra = 0
    fields = ["key", "value", "effective_from", "note"]


class PlenarySessionInline(ScopedInlineMixin, admin.TabularInline):
    model = PlenarySession
    extra = 0
    fields = ["number", "start_date", "end_date"]


class ConstituencyInline(ScopedInlineMixin, admin.TabularInline):
    model = Constituency
    extra = 0
    fields = ["number", "name", "area", "seats"]
    autocomplete_fields = ["area"]


class MandateInline(ScopedInlineMixin, admin.TabularInline):
    model = Mandate
    extra = 0
    fields = ["term", "constituency", "start_date", "end_date", "status"]
    autocomplete_fields = ["term", "constituency"]


class DeputyStationInline(ScopedInlineMixin, admin.TabularInline):
    model = StationAssignment
    extra = 0
    fields = ["station", "role", "since"]
    autocomplete_fields = ["station"]


class DeputyGroupInline(ScopedInlineMixin, admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["group", "role"]
    autocomplete_fields = ["group"]


class GroupMemberInline(ScopedInlineMixin, admin.TabularInline):
    model = GroupMembership
    extra = 0
    fields = ["deputy", "role"]
    autocomplete_fields = ["deputy"]


class StationDeputyInline(ScopedInlineMixin, admin.TabularInline):
    model = StationAssignment
    extra = 0
    fields = ["deputy", "role", "since"]
    autocomplete_fields = ["deputy"]


class ReceptionScheduleInline(ScopedInlineMixin, admin.StackedInline):
    model = ReceptionSchedule
    extra = 0
    fields = [("title", "frequency"), ("weekday", "week_of_month"), ("start_time", "end_time"),
              ("valid_from", "valid_until"), "deputies"]
    autocomplete_fields = ["deputies"]


class ReceptionDayInline(ScopedInlineMixin, admin.TabularInline):
    """Recent and coming days only; the full record is on the reception-day list."""

    model = ReceptionDay
    extra = 0
    fields = ["date", "start_time", "end_time", "title", "topic", "is_cancelled", "deputies"]
    autocomplete_fields = ["deputies"]
    verbose_name_plural = _("近期接待日")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        since = timezone.localdate() - datetime.timedelta(days=30)
        return super().get_queryset(request).filter(date__gte=since)


# Organisations ---------------------------------------------------------------------------------


@admin.register(Area)
class AreaAdmin(Base):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Congress)
class CongressAdmin(Base):
    list_display = ["name", "short_name", "level", "area", "has_standing_committee"]
    list_filter = ["level", "has_standing_committee"]
    search_fields = ["name", "short_name", "area__name"]
    list_select_related = ["area"]
    autocomplete_fields = ["area"]
    inlines = [TermInline, CongressSettingInline]


@admin.register(Term)
class TermAdmin(Base):
    list_display = ["__str__", "congress", "number", "start_date", "end_date"]
    list_filter = [("congress", RelatedOnly)]
    search_fields = ["congress__name", "congress__short_name"]
    list_select_related = ["congress"]
    autocomplete_fields = ["congress"]
    inlines = [PlenarySessionInline, ConstituencyInline]


@admin.register(PlenarySession)
class PlenarySessionAdmin(Base):
    list_display = ["__str__", "start_date", "end_date"]
    list_filter = [("term__congress", RelatedOnly)]
    search_fields = ["term__congress__name", "term__congress__short_name"]
    list_select_related = ["term__congress"]
    autocomplete_fields = ["term"]
    date_hierarchy = "start_date"


@admin.register(HandlingUnit)
class HandlingUnitAdmin(Base):
    list_display = ["name", "short_name", "code", "kind", "area", "parent", "is_active"]
    list_filter = ["kind", "is_active", ("area", RelatedOnly)]
    search_fields = ["name", "short_name", "code"]
    list_select_related = ["area", "parent"]
    autocomplete_fields = ["parent", "area"]


@admin.register(Constituency)
class ConstituencyAdmin(Base):
    list_display = ["name", "number", "term", "area", "seats"]
    list_filter = [("term__congress", RelatedOnly)]
    search_fields = ["name", "area__name"]
    list_select_related = ["term__congress", "area"]
    autocomplete_fields = ["term", "area"]


@admin.register(CongressSetting)
class CongressSettingAdmin(Base):
    form = CongressSettingForm
    list_display = ["key", "congress", "value", "effective_from", "note"]
    list_filter = ["key", ("congress", RelatedOnly)]
    search_fields = ["key", "note"]
    list_select_related = ["congress"]
    autocomplete_fields = ["congress"]


# Deputies --------------------------------------------------------------------------------------


class _PrivateHiddenHelper(HistoricalRecordContextHelper):
    """History deltas without the private fields, for users who may not read them."""

    def context_for_delta_changes(self, delta: Any) -> list[dict[str, Any]]:
        changes = [c for c in delta.changes if c.field not in Deputy.PRIVATE_FIELDS]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))


def log_private_shown(request: HttpRequest, deputy_pk: Any, where: str) -> None:
    logger.info("deputy private fields shown: user=%s deputy=%s view=%s",
                request.user.pk, deputy_pk, where)


@admin.register(Deputy)
class DeputyAdmin(RosterAdminMixin, Base):
    roster_kind = "deputies"
    list_display = ["name", "gender", "party", "occupation", "congresses", "is_public"]
    list_filter = ["gender", "is_public", ("mandates__term__congress", RelatedOnly),
                   "mandates__status"]
    search_fields = ["name", "occupation"]
    inlines = [MandateInline, DeputyStationInline, DeputyGroupInline]
    public_fields = ["name", "gender", "ethnicity", "birth_year", "party", "occupation", "bio",
                     "photo", "is_public"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        mandates = Mandate.objects.select_related("term__congress")
        return super().get_queryset(request).prefetch_related(Prefetch("mandates", mandates))

    @admin.display(description=_("所在人大"))
    def congresses(self, obj: Deputy) -> str:
        separator = pgettext("list separator", "、")
        return separator.join(sorted({str(m.term.congress) for m in obj.mandates.all()}))

    def private_allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        return cached_has_perm(request, PRIVATE_PERM, obj if obj is not None and obj.pk else None)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        fieldsets: list = [(None, {"fields": self.public_fields})]
        if self.private_allowed(request, obj):
            fieldsets.append((_("联系方式和身份信息（保密，查看会被记录）"),
                              {"fields": list(Deputy.PRIVATE_FIELDS)}))
        return fieldsets

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [] if self.private_allowed(request, obj) else list(Deputy.PRIVATE_FIELDS)

    def render_change_form(self, request: HttpRequest, context: dict, add: bool = False,
                           change: bool = False, form_url: str = "", obj: Any = None
                           ) -> HttpResponse:
        if obj is not None and obj.pk and self.private_allowed(request, obj):
            log_private_shown(request, obj.pk, "change")
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request: HttpRequest, object_id: str,
                     extra_context: dict | None = None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        if self.private_allowed(request, Deputy(pk=object_id)):
            log_private_shown(request, object_id, "history")
        return response

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str,
                          extra_context: dict | None = None) -> HttpResponse:
        response = super().history_form_view(request, object_id, version_id, extra_context)
        if self.private_allowed(request, Deputy(pk=object_id)):
            log_private_shown(request, object_id, "history_version")
        return response

    def get_historical_record_context_helper(self, request: HttpRequest,
                                             historical_record: Any) -> Any:
        if self.private_allowed(request, Deputy(pk=historical_record.id)):
            return super().get_historical_record_context_helper(request, historical_record)
        return _PrivateHiddenHelper(self.model, historical_record)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet,
                           search_term: str) -> tuple[QuerySet, bool]:
        """A mobile or ID number, typed in full, finds the deputies whose private fields the
        user may read; no partial match, so the search cannot be used to guess them."""
        found, duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().upper()
        if not (MOBILE_RE.match(term) or len(term) == 18):
            return found, duplicates
        exact = queryset.filter(Q(mobile=term) | Q(id_number=term))
        private = access.scope_filter(request.user, PRIVATE_PERM, exact)
        logger.info("deputy search by private field: user=%s", request.user.pk)
        combined = queryset.filter(Q(pk__in=found.values("pk")) | Q(pk__in=private.values("pk")))
        return combined, duplicates


@admin.register(Mandate)
class MandateAdmin(Base):
    list_display = ["deputy", "term", "constituency", "start_date", "end_date", "status"]
    list_filter = ["status", ("term__congress", RelatedOnly)]
    search_fields = ["deputy__name"]
    list_select_related = ["deputy", "term__congress", "constituency"]
    autocomplete_fields = ["deputy", "term", "constituency"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(Base):
    list_display = ["name", "kind", "congress", "area"]
    list_filter = ["kind", ("congress", RelatedOnly)]
    search_fields = ["name"]
    list_select_related = ["congress", "area"]
    autocomplete_fields = ["congress", "area"]
    inlines = [GroupMemberInline]


@admin.register(GroupMembership)
class GroupMembershipAdmin(Base):
    list_display = ["group", "deputy", "role"]
    list_filter = ["role", ("group", RelatedOnly)]
    search_fields = ["group__name", "deputy__name"]
    list_select_related = ["group", "deputy"]
    autocomplete_fields = ["group", "deputy"]


# Stations --------------------------------------------------------------------------------------


@admin.register(Station)
class StationAdmin(RosterAdminMixin, Base):
    roster_kind = "stations"
    list_display = ["code", "name", "kind", "area", "congress", "hotline", "is_active"]
    list_filter = ["kind", "is_active", ("congress", RelatedOnly)]
    search_fields = ["code", "name", "address"]
    list_select_related = ["area", "congress"]
    autocomplete_fields = ["parent", "area", "congress"]
    inlines = [StationDeputyInline, ReceptionScheduleInline, ReceptionDayInline]


@admin.register(StationAssignment)
class StationAssignmentAdmin(Base):
    list_display = ["station", "deputy", "role", "since"]
    list_filter = ["role", ("station", RelatedOnly)]
    search_fields = ["station__name", "station__code", "deputy__name"]
    list_select_related = ["station", "deputy"]
    autocomplete_fields = ["station", "deputy"]


@admin.register(ReceptionSchedule)
class ReceptionScheduleAdmin(Base):
    list_display = ["station", "title", "frequency", "weekday", "week_of_month", "start_time",
                    "end_time", "valid_from", "valid_until"]
    list_filter = ["frequency", "weekday"]
    search_fields = ["station__name", "station__code", "title"]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "deputies"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(Base):
    list_display = ["station", "date", "start_time", "end_time", "topic", "is_cancelled"]
    list_filter = ["is_cancelled"]
    search_fields = ["station__name", "station__code", "topic", "title"]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "schedule", "deputies"]
    date_hierarchy = "date"
