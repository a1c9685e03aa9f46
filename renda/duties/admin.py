"""Admin for duty records, points, duty reports and star ratings: scoped, read-only views with
history. Every write goes through the services (`renda.duties.services`, `reports`, `stars`)
and their pages, which recompute the score cards and log each step; the vote tables of duty
reports are not shown at all (only the counts on the report)."""


from django.contrib import admin

from renda.accounts.admin_mixins import ReadOnlyInline, ReadOnlyScopedAdmin
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


class RuleInline(ReadOnlyInline):
    model = PointsRule
    fields = readonly_fields = ["activity_type", "points", "cap"]


class QuotaInline(ReadOnlyInline):
    model = Quota
    fields = readonly_fields = ["code", "label", "activity_types", "measure", "minimum"]


@admin.register(DutyRecord)
class DutyRecordAdmin(ReadOnlyScopedAdmin):
    list_display = ["date", "deputy", "activity_type", "title", "source", "status", "points"]
    list_filter = ["source", "status", "activity_type"]
    search_fields = ["title", "deputy__name"]
    date_hierarchy = "date"
    list_select_related = ["deputy"]


@admin.register(PointsScheme)
class PointsSchemeAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "congress", "year", "max_total"]
    list_filter = ["year"]
    inlines = [RuleInline, QuotaInline]


@admin.register(ScoreCard)
class ScoreCardAdmin(ReadOnlyScopedAdmin):
    list_display = ["deputy", "congress", "year", "total", "grade", "computed_at"]
    list_filter = ["year", "grade"]
    search_fields = ["deputy__name"]
    list_select_related = ["deputy", "congress"]


@admin.register(DutyReportRound)
class DutyReportRoundAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "congress", "year", "share"]


@admin.register(DutyReport)
class DutyReportAdmin(ReadOnlyScopedAdmin):
    list_display = ["deputy", "round", "audience", "scheduled_on", "status", "votes_cast",
                    "votes_satisfied"]
    list_filter = ["status", "audience"]
    exclude = ["text"]


@admin.register(StarRound)
class StarRoundAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "congress", "year", "kind", "status"]
    list_filter = ["kind", "status"]


@admin.register(StarCandidate)
class StarCandidateAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "round", "review_average", "public_votes", "combined_score",
                    "stars"]
    list_filter = ["stars"]
