"""Admin for duty records, points, duty reports and star ratings: scoped, read-only views with
history. Every write goes through the services (`renda.duties.services`, `reports`, `stars`)
and their pages, which recompute the score cards and log each step; the vote tables of duty
reports are not shown at all (only the counts on the report)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from renda.accounts.admin_mixins import ScopedAdminMixin
from renda.duties.models import (
    DutyRecord,
    DutyReport,
    DutyReportRound,
    PointsRule,
    PointsScheme,
    Quota,
    ScoreCard,
    StarCandidate,
    StarRound,
)


class ReadOnlyBase(ScopedAdminMixin, SimpleHistoryAdmin):
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RuleInline(ReadOnlyInline):
    model = PointsRule
    fields = readonly_fields = ["activity_type", "points", "cap"]


class QuotaInline(ReadOnlyInline):
    model = Quota
    fields = readonly_fields = ["code", "label", "activity_types", "measure", "minimum"]


@admin.register(DutyRecord)
class DutyRecordAdmin(ReadOnlyBase):
    list_display = ["date", "deputy", "activity_type", "title", "source", "status", "points"]
    list_filter = ["source", "status", "activity_type"]
    search_fields = ["title", "deputy__name"]
    date_hierarchy = "date"
    list_select_related = ["deputy"]


@admin.register(PointsScheme)
class PointsSchemeAdmin(ReadOnlyBase):
    list_display = ["title", "congress", "year", "max_total"]
    list_filter = ["year"]
    inlines = [RuleInline, QuotaInline]


@admin.register(ScoreCard)
class ScoreCardAdmin(ReadOnlyBase):
    list_display = ["deputy", "congress", "year", "total", "grade", "computed_at"]
    list_filter = ["year", "grade"]
    search_fields = ["deputy__name"]
    list_select_related = ["deputy", "congress"]


@admin.register(DutyReportRound)
class DutyReportRoundAdmin(ReadOnlyBase):
    list_display = ["title", "congress", "year", "share"]


@admin.register(DutyReport)
class DutyReportAdmin(ReadOnlyBase):
    list_display = ["deputy", "round", "audience", "scheduled_on", "status", "votes_cast",
                    "votes_satisfied"]
    list_filter = ["status", "audience"]
    exclude = ["text"]


@admin.register(StarRound)
class StarRoundAdmin(ReadOnlyBase):
    list_display = ["title", "congress", "year", "kind", "status"]
    list_filter = ["kind", "status"]


@admin.register(StarCandidate)
class StarCandidateAdmin(ReadOnlyBase):
    list_display = ["__str__", "round", "review_average", "public_votes", "combined_score",
                    "stars"]
    list_filter = ["stars"]
