"""The figures of suggestions as files: an Excel workbook of whatever the statistics page
shows (every grouping the user reads), and the annual report of a congress (PDF): totals, the
rates with their definitions, the units, the sessions and the categories of one year.

The PDF is drawn by WeasyPrint with the project's own Noto Sans SC (as the contact cards,
`renda.directory.cards`), embedded, never read from the machine or the network. Every export
and report is logged as an `Event` on the congress (who, what, which selection).
"""

import dataclasses
import io
from typing import Any

import openpyxl
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from renda.core.deadlines import local_zone
from renda.core.workflow import event_append
from renda.directory.cards import FONT_FILES, LocalFileFetcher, font_path
from renda.directory.models import Congress
from renda.opinions.stats import Ratio
from renda.suggestions.models import Assignment, ContactRecord, Evaluation, Suggestion
from renda.suggestions.selectors.stats import StatScope
from renda.suggestions.stats import (
    Definitions,
    Figures,
    Report,
    Restriction,
    Row,
    Selection,
    suggestion_stats,
)

EXPORT_ACTION = "export_suggestion_stats"
REPORT_ACTION = "annual_suggestion_report"
GROUP_SHEETS = {"unit": "承办单位", "deputy": "代表", "term": "届次", "session": "会议",
                "year": "年度"}


# The figures and their definitions, for the page, the workbook and the report ------------------


@dataclasses.dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: Any  # Figures → an int or a Ratio


def counts_of(f: Figures) -> list[Figure]:
    rows = [Figure("received", _("收到件数"), f.received),
            Figure("registered", _("立案件数"), f.registered),
            Figure("assigned", _("交办件数"), f.assigned),
            Figure("replied", _("已答复件数"), f.replied),
            Figure("concluded", _("办结件数"), f.concluded),
            Figure("replies", _("答复件次"), f.replies)]
    return [row for row in rows if row.value is not None]


def rates_of(f: Figures) -> list[Figure]:
    return [
        Figure("completion", _("办结率"), f.completion),
        Figure("on-time", _("按时办结率"), f.on_time),
        Figure("solved", _("解决率"), f.solved),
        Figure("solved-or-planned", _("解决率（含计划解决）"), f.solved_or_planned),
        Figure("face-to-face", _("见面沟通率"), f.face_to_face),
        Figure("implemented", _("落实率"), f.implemented),
        Figure("first-satisfied", _("初次满意率"), f.first.satisfied),
        Figure("first-fully", _("初次满意率（仅满意）"), f.first.fully),
        Figure("final-satisfied", _("最终满意率"), f.final.satisfied),
        Figure("final-fully", _("最终满意率（仅满意）"), f.final.fully),
        Figure("follow-up-satisfied", _("二次评价满意率"), f.follow_up.satisfied),
        Figure("follow-up-fully", _("二次评价满意率（仅满意）"), f.follow_up.fully),
    ]


@dataclasses.dataclass(frozen=True)
class Definition:
    name: str
    formula: str
    detail: str


def definitions_of(d: Definitions) -> list[Definition]:
    """Each figure's definition in words, from the congress's settings."""
    roles = d.labels(d.answering_roles, Assignment.Role)
    solved, planned = d.labels(d.solved_categories), d.labels(d.planned_categories)
    ratings = d.labels(d.satisfied_ratings, Evaluation.Rating)
    implemented = (_("%(solved)s答复件次 + 承诺已兑现的%(planned)s答复件次")
                   % {"solved": solved, "planned": planned}
                   if d.implemented_counts_fulfilled else _("%(solved)s答复件次") % {"solved": solved})
    extension = _("经批准延期的，在延长后的期限内答复也算按时") if d.on_time_includes_extension else _(
        "经批准延期的，不算按时")
    return [
        Definition(_("办结率"), _("办结件数 ÷ 交办件数"), _(
            "交办件数：已交办承办单位、未撤回的建议；办结件数：其中状态为“%(statuses)s”的。承办单位的"
            "办结率按其承办（%(roles)s）的件次计。") % {
            "statuses": d.labels(d.concluded_statuses, Suggestion.Status), "roles": roles}),
        Definition(_("按时办结率"), _("按时答复件数 ÷（交办件数 − 尚未到期件数）"), _(
            "按时答复：每个%(roles)s单位都在期限内书面答复；期限为答复期限或重新办理的期限；"
            "%(extension)s。有单位超期答复或超期未答复的，计入分母、不计入分子；尚未答复、期限也未到"
            "的，暂不计入（另列“尚未到期”件数）。") % {"roles": roles, "extension": extension}),
        Definition(_("解决率"), _("%(solved)s答复件次 ÷ 答复件次") % {"solved": solved}, _(
            "答复件次：每个%(roles)s单位的最后一次答复（不满意后重新办理的，以重新办理后的答复为准）。"
            "另列“含计划解决”：（%(solved)s + %(planned)s）÷ 答复件次。") % {
            "roles": roles, "solved": solved, "planned": planned}),
        Definition(_("满意率"), _("（%(ratings)s）评价件数 ÷ 评价件数") % {"ratings": ratings}, _(
            "只计领衔代表的评价。初次：对第一次答复的评价；最终：对最后一次答复的评价；二次评价：年终"
            "“回头看”的评价。另列只计“满意”的比例。")),
        Definition(_("见面沟通率"), _("答复前见面沟通的答复件次 ÷ 答复件次"), _(
            "沟通方式为“%(methods)s”、沟通日期不晚于答复当天的。") % {
            "methods": d.labels(d.face_to_face_methods, ContactRecord.Method)}),
        Definition(_("落实率"), _("（%(implemented)s）÷ 答复件次") % {"implemented": implemented},
                   _("承诺事项的落实情况见跨年度台账。")),
    ]


# The workbook ----------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="F5F3F0")


def _percent(ratio: Ratio) -> Any:
    return float(ratio.value) if ratio.value is not None else None


def _row_cells(label: str, f: Figures, rank: int | None = None,
               with_rank: bool = False) -> list[Any]:
    cells: list[Any] = [rank] if with_rank else []
    cells.append(label)
    cells += [figure.value for figure in counts_of(f)]
    for figure in rates_of(f):
        cells += [_percent(figure.value), figure.value.fraction]
    return cells


def _row_headers(f: Figures, first: str, with_rank: bool = False) -> list[str]:
    headers = [_("排名")] if with_rank else []
    headers.append(first)
    headers += [figure.label for figure in counts_of(f)]
    for figure in rates_of(f):
        headers += [f"{figure.label}（%）", _("%(name)s 分子/分母") % {"name": figure.label}]
    return headers


def _sheet(workbook: openpyxl.Workbook, title: str, heading: str, headers: list[str],
           rows: list[list[Any]]) -> None:
    sheet = workbook.create_sheet(title[:31])
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for values in rows:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever a name starts with
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index <= 2 else 13
    sheet.freeze_panes = "B3"


def _group_sheet(workbook: openpyxl.Workbook, group: str, rows: list[Row], heading: str) -> None:
    ranked = group == "unit"
    sample = rows[0].figures if rows else Figures(received=0, registered=0)
    _sheet(workbook, _(GROUP_SHEETS[group]), heading, _row_headers(sample, _(GROUP_SHEETS[group]),
                                                                   ranked),
           [_row_cells(r.label, r.figures, r.rank, ranked) for r in rows])


def _notes_sheet(workbook: openpyxl.Workbook, heading: str, report: Report) -> None:
    sheet = workbook.active
    sheet.title = _("说明")
    now = timezone.localtime(timezone.now(), local_zone()).strftime("%Y-%m-%d %H:%M")
    for line in (heading, _("统计范围：%(label)s") % {"label": report.selection.label},
                 _("导出时间：%(now)s") % {"now": now}, ""):
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("指标"), _("计算方法"), _("口径")])
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    for item in definitions_of(report.definitions):
        sheet.append([item.name, item.formula, item.detail])
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 90


def _totals_sheet(workbook: openpyxl.Workbook, heading: str, totals: Figures) -> None:
    rows = [[figure.label, figure.value, None, None] for figure in counts_of(totals)]
    rows += [[figure.label, _percent(figure.value), figure.value.numerator,
              figure.value.denominator] for figure in rates_of(totals)]
    _sheet(workbook, _("总体"), heading, [_("指标"), _("数值（件或 %）"), _("分子"), _("分母")],
           rows)


def _chart_sheets(workbook: openpyxl.Workbook, heading: str, report: Report) -> None:
    for chart in report.charts:
        if chart.percent:
            continue
        _sheet(workbook, chart.title, heading, [chart.dimension, _("件数")],
               [[label, count] for label, count in chart.rows])


def stats_workbook(*, actor: Any, scope: StatScope, selection: Selection,
                   ranking: str = "completion") -> bytes:
    """Every table the user reads for the selection (the totals, each grouping, the
    categories) as one workbook with a sheet of definitions; the export is logged."""
    restriction = scope.restriction
    heading = _("%(congress)s 代表建议统计") % {"congress": scope.congress}
    base = suggestion_stats(selection=selection, restriction=restriction, ranking=ranking,
                            group=scope.groups[0])
    workbook = openpyxl.Workbook()
    _notes_sheet(workbook, heading, base)
    _totals_sheet(workbook, heading, base.totals)
    for group in scope.groups:
        if group == base.group:
            rows = base.units or base.rows
        else:
            rows = suggestion_stats(selection=selection, restriction=restriction, group=group,
                                    definitions=base.definitions).rows
        _group_sheet(workbook, group, rows, heading)
    _chart_sheets(workbook, heading, base)
    buffer = io.BytesIO()
    workbook.save(buffer)
    event_append(target=scope.congress, action=EXPORT_ACTION, actor=actor,
                 data={"selection": selection.label, "mode": scope.mode, "ranking": ranking})
    return buffer.getvalue()


# The annual report -----------------------------------------------------------------------------


def annual_report_context(*, congress: Congress, year: int) -> dict[str, Any]:
    selection = Selection(congress=congress, year=year)
    restriction = Restriction()
    report = suggestion_stats(selection=selection, restriction=restriction, group="unit")
    sessions = suggestion_stats(selection=selection, restriction=restriction, group="session",
                                definitions=report.definitions).rows
    motions = suggestion_stats(selection=Selection(congress=congress, year=year,
                                                   kind=Suggestion.Kind.MOTION),
                               restriction=restriction, group="year",
                               definitions=report.definitions).totals
    charts = {chart.key: chart for chart in report.charts}
    return {
        "congress": congress, "year": year, "report": report, "totals": report.totals,
        "counts": counts_of(report.totals), "rates": rates_of(report.totals),
        "definitions": definitions_of(report.definitions), "units": report.units,
        "sessions": sessions, "categories": charts["category"],
        "reply_categories": charts["reply_category"], "motions": motions,
        "generated": timezone.localtime(timezone.now(), local_zone()),
    }


def render_report_pdf(*, template: str, css_template: str, context: dict[str, Any],
                      request: HttpRequest | None = None) -> bytes:
    """A report template as an A4 PDF with Noto Sans SC embedded; WeasyPrint reads only the
    font files."""
    fonts = {weight: font_path(weight) for weight in FONT_FILES}
    fetcher = LocalFileFetcher([p.parent for p in fonts.values()])
    context = {**context, "font_faces": [(w, p.as_uri()) for w, p in fonts.items()]}
    html = render_to_string(template, context, request=request)
    font_config = FontConfiguration()
    stylesheet = CSS(string=render_to_string(css_template, context), url_fetcher=fetcher,
                     font_config=font_config)
    document = HTML(string=html, base_url=fonts[400].parent.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)


def annual_report_pdf(*, actor: Any, congress: Congress, year: int,
                      request: HttpRequest | None = None) -> bytes:
    """The annual report of the suggestions of `year` (by the year each was proposed)."""
    context = annual_report_context(congress=congress, year=year)
    data = render_report_pdf(template="suggestions/report/annual.html",
                             css_template="suggestions/report/annual.css", context=context,
                             request=request)
    event_append(target=congress, action=REPORT_ACTION, actor=actor, data={"year": year})
    return data

