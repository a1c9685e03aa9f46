"""Duty reports (述职) and their anonymous satisfaction vote: services (writes) and selectors
(reads), DOMAIN §2 and §6 (房山: a share of the deputies report each year; Harbin: the audience
votes on each report, the satisfaction rate is published).

The office opens the year's round; the system proposes who reports (`report_selection_propose`):
the share of the deputies holding a seat that year, rounded up, those who have not reported in
the current term first, then those whose last report is oldest, ties at random. Each deputy
writes the report on the phone (or the office enters it); the office opens the vote, which
issues one-time codes printed on slips, and closes it, which writes the tally onto the report.

The vote keeps no link between a voter and a choice. A code is stored only as its HMAC digest
(`ReportBallot.code_digest`) with one flag, `used`; the choices are counters
(`ReportTally.votes`). Neither table has a time, a history, a user or an address, and casting a
vote appends no `Event`: the ballots' `used` count says how many have voted. On PostgreSQL a
row's `xmin` is the id of the transaction that last wrote it, readable by any SELECT; a vote
therefore increments the counter of its choice and rewrites the other counters of the report
by zero in the same statement, so that every counter carries the voter's transaction id and
none of them tells which choice moved.
"""

import datetime
import math
import secrets
from decimal import Decimal, InvalidOperation
from typing import Any

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Max, Q, QuerySet, Sum, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from renda.accounts.access import has_perm, scope_filter, scope_q
from renda.core.text import clean_text
from renda.core.workflow import event_append, workflow_apply, workflow_move
from renda.directory.cards import FONT_FILES, LocalFileFetcher, font_path
from renda.directory.models import Congress, Deputy, Station, Term
from renda.directory.selectors import setting_value
from renda.duties.models import DutyReport, DutyReportRound, ReportBallot, ReportTally
from renda.duties.points import deputies_of
from renda.duties.workflow import DUTY_REPORT, MANAGE_REPORTS, SUBMIT_REPORT

R = DutyReport.Status
VIEW_REPORT = "duties.view_dutyreport"
VIEW_ROUND = "duties.view_dutyreportround"
# Once a deputy's vote has opened the report has been given: it counts as "reported".
REPORTED = (R.VOTING, R.CLOSED, R.PUBLISHED)
# Codes: no 0/O, 1/I/L, so that a code typed from a slip is read right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31^10 ≈ 8·10^14: unguessable behind the rate limit
CODE_SALT = "renda.duties.report_ballot"
BALLOTS_MAX = 500  # a hall of the standing committee or a station's meeting room, with room
TEXT_MAX = 20000
SLIPS_CSS = "duties/reports/slips.css"


class VoteRefused(Exception):
    """A vote that cannot be counted; `status` is the HTTP status its page answers with."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


# --- Reads ---------------------------------------------------------------------------------


class _CongressScope:
    """The scope of a round still to be created, read from its congress
    (`DutyReportRound.ACCESS_SCOPES` with the congress standing for `round.congress`)."""

    ACCESS_SCOPES = {"area": ["area__path"]}


def congresses_managed(*, user: Any) -> QuerySet[Congress]:
    """The congresses in which `user` may arrange duty reports."""
    q = scope_q(user, MANAGE_REPORTS, _CongressScope)
    return Congress.objects.filter(q).order_by("area__path") if q is not None else (
        Congress.objects.none())


def report_rounds_for(*, user: Any) -> QuerySet[DutyReportRound]:
    return scope_filter(user, VIEW_ROUND, DutyReportRound.objects.select_related("congress"))


def report_round_get_for(*, user: Any, pk: int) -> DutyReportRound:
    """DoesNotExist for a round the user may not see."""
    return report_rounds_for(user=user).get(pk=pk)


def reports_of_round(*, round: DutyReportRound) -> QuerySet[DutyReport]:
    return (round.reports.select_related("deputy", "station")
            .order_by("status", "scheduled_on", "deputy__name", "id"))


def report_get_for(*, user: Any, pk: int) -> DutyReport:
    """The office sees the reports of its congress, a station's staff those held at the station,
    a deputy only his or her own: DoesNotExist for any other."""
    reports = DutyReport.objects.select_related("round__congress", "deputy", "station")
    return scope_filter(user, VIEW_REPORT, reports).get(pk=pk)


def reports_mine(*, user: Any) -> QuerySet[DutyReport]:
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return DutyReport.objects.none()
    return (scope_filter(user, VIEW_REPORT, DutyReport.objects.filter(deputy_id=deputy_id))
            .select_related("round__congress", "station").order_by("-round__year", "-id"))


def may_manage(user: Any, report: DutyReport) -> bool:
    return has_perm(user, MANAGE_REPORTS, report)


def results_visible(*, user: Any, report: DutyReport) -> bool:
    """Published results are public. Before that, once the vote is closed, the office and the
    leaders of the congress and the deputy himself see them; nobody sees a count while the vote
    is open, so that nobody watching the figures learns how the person who just voted voted."""
    if report.status == R.PUBLISHED:
        return True
    if report.status != R.CLOSED:
        return False
    return (getattr(user, "deputy_id", None) == report.deputy_id
            or has_perm(user, VIEW_ROUND, report.round))


def report_tallies(*, report: DutyReport) -> list[ReportTally]:
    return list(report.tallies.order_by("id"))


def ballots_used(*, report: DutyReport) -> int:
    return report.ballots.filter(used=True).count()


def satisfaction_percent(report: DutyReport) -> Decimal | None:
    """The rate as a percentage with one decimal (27 of 30: 90.0)."""
    if not report.votes_cast:
        return None
    rate = Decimal(report.votes_satisfied * 100) / Decimal(report.votes_cast)
    return rate.quantize(Decimal("0.1"))


def reports_published(*, year: int) -> QuerySet[DutyReport]:
    """Every published report of a year, for the public results page."""
    return (DutyReport.objects.filter(round__year=year, status=R.PUBLISHED)
            .select_related("round__congress", "deputy", "station")
            .order_by("round__congress__area__path", "deputy__name", "id"))


def report_published_get(*, pk: int) -> DutyReport:
    return DutyReport.objects.select_related("round__congress", "deputy", "station").get(
        pk=pk, status=R.PUBLISHED)


def published_years() -> list[int]:
    return list(DutyReport.objects.filter(status=R.PUBLISHED).order_by("-round__year")
                .values_list("round__year", flat=True).distinct())


def deputies_addable(*, round: DutyReportRound) -> list[Deputy]:
    """The deputies of the round's year not yet in the round."""
    taken = set(round.reports.values_list("deputy_id", flat=True))
    return [d for d in deputies_of(congress=round.congress, year=round.year)
            if d.pk not in taken]


def stations_for(*, congress: Congress) -> QuerySet[Station]:
    return Station.objects.filter(congress=congress, is_active=True).order_by("path")


# --- The voting codes -----------------------------------------------------------------------


def code_normalise(code: str) -> str:
    """A code as typed from a slip: case, spaces and dashes do not matter."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:40]


def code_digest(code: str) -> str:
    """What is stored of a code: its HMAC-SHA256 under SECRET_KEY, so that a copy of the
    database alone cannot turn a digest back into the code printed on a slip."""
    return salted_hmac(CODE_SALT, code_normalise(code), algorithm="sha256").hexdigest()


def code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def _new_codes(count: int) -> list[str]:
    return ["".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
            for _i in range(count)]


def ballot_report(*, code: str) -> tuple[DutyReport | None, bool]:
    """The report a code votes on and whether the code is still unused; (None, False) for a code
    that was never issued."""
    ballot = (ReportBallot.objects.filter(code_digest=code_digest(code))
              .select_related("report__deputy", "report__round__congress", "report__station")
              .first())
    if ballot is None:
        return None, False
    return ballot.report, not ballot.used


# --- The round and who reports --------------------------------------------------------------


def _current_term(congress: Congress, year: int) -> Term | None:
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (Term.objects.filter(congress=congress, start_date__lte=end)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .order_by("-start_date").first())


def report_selection_propose(*, congress: Congress, year: int, share: Decimal) -> list[Deputy]:
    """Who should report in `year`: ceil(share × the deputies holding a seat that year), those
    who have not reported in the current term first, then by earliest last report, ties at
    random. Reports of earlier years count once their vote opened (an excused deputy did not
    report)."""
    deputies = deputies_of(congress=congress, year=year)
    wanted = math.ceil(Decimal(str(share)) * len(deputies))
    earlier = DutyReport.objects.filter(round__congress=congress, round__year__lt=year,
                                        status__in=REPORTED)
    last = dict(earlier.values("deputy_id").annotate(year=Max("round__year"))
                .values_list("deputy_id", "year"))
    term = _current_term(congress, year)
    term_start = term.start_date.year if term else year
    rng = secrets.SystemRandom()

    def priority(deputy: Deputy) -> tuple:
        last_year = last.get(deputy.pk)
        in_term = last_year is not None and last_year >= term_start
        return (in_term, last_year or 0, rng.random())

    return sorted(deputies, key=priority)[:wanted]


def _share(congress: Congress, year: int, share: Any) -> Decimal:
    if share in (None, ""):
        share = setting_value(congress=congress, key="duties.report_share",
                              on=datetime.date(year, 1, 1))
    try:
        value = Decimal(str(share)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise ValidationError({"share": _("请填写 0 到 1 之间的比例")}) from None
    if not Decimal("0") < value <= Decimal("1"):
        raise ValidationError({"share": _("述职比例应大于 0%，不超过 100%")})
    return value


def _year_check(year: Any) -> int:
    # Earlier years may be entered too: they tell the selection who has reported this term.
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("请填写 2000 年至明年之间的年度")})
    return year


def report_round_create(*, actor: Any, congress: Congress, year: int, title: str = "",
                        share: Any = None) -> DutyReportRound:
    """Open a congress's round for `year` with the proposed deputies selected."""
    if not congresses_managed(user=actor).filter(pk=congress.pk).exists():
        raise PermissionDenied
    year = _year_check(year)
    share = _share(congress, year, share)
    title = clean_text(title, field="title", max_length=120) or _(
        "%(year)d年度代表述职评议") % {"year": year}
    with transaction.atomic():
        if DutyReportRound.objects.filter(congress=congress, year=year).exists():
            raise ValidationError({"year": _("这一年的述职安排已经建立")})
        round = DutyReportRound(congress=congress, year=year, title=title, share=share)
        round._history_user = actor
        round.save()
        chosen = report_selection_propose(congress=congress, year=year, share=share)
        for deputy in chosen:
            _report_create(round, deputy, actor)
        event_append(target=round, action="create", actor=actor,
                     data={"share": str(share), "proposed": [d.pk for d in chosen]})
    return round


def _report_create(round: DutyReportRound, deputy: Deputy, actor: Any) -> DutyReport:
    report = DutyReport(round=round, deputy=deputy)
    report._history_user = actor
    report.save()
    event_append(target=report, action="select", actor=actor, to_status=R.SELECTED)
    return report


def round_started(round: DutyReportRound) -> bool:
    """Whether a vote of the round has opened: from then on nobody is added."""
    return round.reports.filter(status__in=REPORTED).exists()


def report_deputy_add(*, actor: Any, round_id: int, deputy_id: int) -> DutyReport:
    """The office adds a deputy to the round, before its first vote opens."""
    with transaction.atomic():
        round = DutyReportRound.objects.select_for_update().select_related("congress").get(
            pk=round_id)
        if not has_perm(actor, MANAGE_REPORTS, round):
            raise PermissionDenied
        if round_started(round):
            raise ValidationError({"deputy": _("本年度述职测评已经开始，不能再增加述职代表")})
        existing = round.reports.filter(deputy_id=deputy_id).first()
        if existing is not None:
            raise ValidationError({"deputy": _("该代表已在本年度述职名单中（%(status)s）")
                                   % {"status": existing.get_status_display()}})
        deputy = next((d for d in deputies_of(congress=round.congress, year=round.year)
                       if d.pk == deputy_id), None)
        if deputy is None:
            raise ValidationError({"deputy": _("请选择本年度在任的代表")})
        return _report_create(round, deputy, actor)


def report_excuse(*, actor: Any, report_id: int, reason: str) -> DutyReport:
    """A selected deputy no longer reports this year (illness, leave, resignation)."""
    reason = clean_text(reason, field="reason", max_length=500, required=True)
    return workflow_apply(workflow=DUTY_REPORT, pk=report_id, action="excuse", actor=actor,
                          note=reason)


def report_arrange(*, actor: Any, report_id: int, audience: str, station_id: int | None,
                   scheduled_on: datetime.date | None) -> DutyReport:
    """Where, to whom and when the deputy reports: constituents at a station, or the members
    of the standing committee (the station is then optional: the meeting may be held there)."""
    with transaction.atomic():
        report = (DutyReport.objects.select_for_update().select_related("round__congress")
                  .get(pk=report_id))
        if not may_manage(actor, report):
            raise PermissionDenied
        if report.status not in (R.SELECTED, R.SUBMITTED):
            raise ValidationError(_("测评已经开始，不能再修改述职安排"))
        changes = _arrangement(report, audience, station_id, scheduled_on)
        for name, value in changes.items():
            setattr(report, name, value)
        report._history_user = actor
        report.save(update_fields=[*changes, "updated_at"])
        event_append(target=report, action="arrange", actor=actor, data={
            "audience": report.audience, "station": report.station_id,
            "scheduled_on": scheduled_on.isoformat() if scheduled_on else None})
    return report


def _arrangement(report: DutyReport, audience: str, station_id: int | None,
                 scheduled_on: datetime.date | None) -> dict:
    errors = {}
    if audience not in DutyReport.Audience.values:
        errors["audience"] = _("请选择测评对象")
    station = None
    if station_id:
        station = stations_for(congress=report.round.congress).filter(pk=station_id).first()
        if station is None:
            errors["station"] = _("请选择本级人大的联络站")
    elif audience == DutyReport.Audience.STATION:
        errors["station"] = _("向选民述职时请选择述职的联络站")
    if scheduled_on is not None and scheduled_on.year != report.round.year:
        errors["scheduled_on"] = _("述职日期应在%(year)d年内") % {"year": report.round.year}
    if errors:
        raise ValidationError(errors)
    return {"audience": audience, "station": station, "scheduled_on": scheduled_on}


def report_text_submit(*, actor: Any, report_id: int, text: str) -> DutyReport:
    """The deputy submits his report ("submit"), or the office enters it for him
    ("submit_for"); it may be corrected until the vote opens."""
    text = clean_text(text, field="text", max_length=TEXT_MAX, required=True)
    with transaction.atomic():
        report = DutyReport.objects.select_for_update().get(pk=report_id)
        own = getattr(actor, "deputy_id", None) == report.deputy_id
        action = "submit" if own and has_perm(actor, SUBMIT_REPORT, report) else "submit_for"
        return workflow_move(workflow=DUTY_REPORT, obj=report, action=action, actor=actor,
                             changes={"text": text}, data={"length": len(text)})


# --- The vote -------------------------------------------------------------------------------


def _count_check(count: Any) -> int:
    if not isinstance(count, int) or not 1 <= count <= BALLOTS_MAX:
        raise ValidationError({"count": _("测评票数量应为 1 到 %(max)d 之间的整数")
                               % {"max": BALLOTS_MAX}})
    return count


def _ballots_create(report: DutyReport, count: int) -> list[str]:
    codes = _new_codes(count)
    ReportBallot.objects.bulk_create(
        [ReportBallot(report=report, code_digest=code_digest(code)) for code in codes])
    return codes


def vote_choices(*, congress: Congress, on: datetime.date | None = None) -> list[dict]:
    return setting_value(congress=congress, key="duties.report_vote_choices", on=on)


def report_vote_open(*, actor: Any, report_id: int, count: int) -> tuple[DutyReport, list[str]]:
    """Open the vote with `count` codes for the audience; the codes are returned once, to be
    printed, and never stored. The tally gets one counter per choice in force today."""
    count = _count_check(count)
    with transaction.atomic():
        report = (DutyReport.objects.select_for_update().select_related("round__congress")
                  .get(pk=report_id))
        if report.audience == DutyReport.Audience.STATION and report.station_id is None:
            raise ValidationError({"count": _("请先安排述职的联络站")})

        def opened(obj: DutyReport) -> dict:
            ReportTally.objects.bulk_create([
                ReportTally(report=obj, choice=item["code"], label=item["label"],
                            counts=bool(item.get("counts")))
                for item in vote_choices(congress=obj.round.congress)])
            return {"ballots_issued": count}

        workflow_move(workflow=DUTY_REPORT, obj=report, action="open_vote", actor=actor,
                      changes=opened, data={"ballots": count})
        codes = _ballots_create(report, count)
    return report, codes


def report_ballots_issue(*, actor: Any, report_id: int, count: int) -> tuple[DutyReport, list[str]]:
    """More codes while the vote is open (more people came than expected)."""
    count = _count_check(count)
    with transaction.atomic():
        report = DutyReport.objects.select_for_update().get(pk=report_id)
        if not may_manage(actor, report):
            raise PermissionDenied
        if report.status != R.VOTING:
            raise ValidationError({"count": _("只有测评进行中才能增发测评票")})
        if report.ballots_issued + count > BALLOTS_MAX * 4:
            raise ValidationError({"count": _("测评票总数过多，请核对人数")})
        codes = _ballots_create(report, count)
        report.ballots_issued += count
        report._history_user = actor
        report.save(update_fields=["ballots_issued", "updated_at"])
        event_append(target=report, action="ballots_issue", actor=actor, data={"ballots": count})
    return report, codes


def report_vote_cast(*, code: str, choice: str) -> DutyReport:
    """Count one vote: the code is spent and the choice's counter incremented in one
    transaction, or nothing happens (VoteRefused). Nothing else is written: no time, no
    address, no session, no event. The report row is locked so that a vote and the closing of
    the vote never interleave (a vote is counted before the close or refused after it)."""
    digest = code_digest(code)
    with transaction.atomic():
        report_id = (ReportBallot.objects.filter(code_digest=digest)
                     .values_list("report_id", flat=True).first())
        if report_id is None:
            raise VoteRefused(_("测评码无效，请核对测评票上的测评码"), status=404)
        report = DutyReport.objects.select_for_update().get(pk=report_id)
        if report.status != R.VOTING:
            raise VoteRefused(_("这场述职测评未开始或已经结束，不能投票"), status=403)
        if not ReportTally.objects.filter(report=report, choice=choice).exists():
            raise VoteRefused(_("请选择一个测评选项"), status=400)
        spent = ReportBallot.objects.filter(code_digest=digest, used=False,
                                            report__status=R.VOTING).update(used=True)
        if spent != 1:
            raise VoteRefused(_("这张测评票已经投过票，每张测评票只能投一次"), status=409)
        # Every counter of the report is rewritten (by 0 but one), see the module docstring.
        ReportTally.objects.filter(report=report).update(
            votes=F("votes") + Case(When(choice=choice, then=1), default=0))
    return report


def report_vote_close(*, actor: Any, report_id: int) -> DutyReport:
    """Close the vote: the counters' totals are written onto the report; unused codes are
    worthless from now on."""

    def totals(report: DutyReport) -> dict:
        sums = ReportTally.objects.filter(report=report).aggregate(
            cast=Sum("votes"), satisfied=Sum("votes", filter=Q(counts=True)))
        return {"votes_cast": sums["cast"] or 0, "votes_satisfied": sums["satisfied"] or 0}

    return workflow_apply(workflow=DUTY_REPORT, pk=report_id, action="close_vote", actor=actor,
                          changes=totals)


def report_publish(*, actor: Any, report_id: int) -> DutyReport:
    report = workflow_apply(workflow=DUTY_REPORT, pk=report_id, action="publish", actor=actor)
    report.refresh_from_db()
    return report


# --- Printable slips --------------------------------------------------------------------------


def vote_url(code: str) -> str:
    return settings.SITE_URL + reverse("duties:report_vote", args=[code])


def ballot_slips_pdf(*, report: DutyReport, codes: list[str]) -> bytes:
    """The slips to cut and hand out, eight to an A4 page: each with its code and a QR code of
    the vote's address with the code in it. Drawn with Noto Sans SC from the project's own
    files (`renda.directory.cards`), as the suggestions' documents are."""
    slips = [{"code": code_display(code), "qr": segno.make(vote_url(code), error="m")
              .svg_data_uri(scale=1, border=2)} for code in codes]
    rows = [slips[i:i + 2] for i in range(0, len(slips), 2)]
    context = {"report": report, "sheets": [rows[i:i + 4] for i in range(0, len(rows), 4)],
               "entry_url": settings.SITE_URL + reverse("duties:report_vote_entry")}
    return _render_pdf(template="duties/reports/slips.html", context=context)


def _render_pdf(*, template: str, context: dict) -> bytes:
    fonts = {weight: font_path(weight) for weight in FONT_FILES}
    fetcher = LocalFileFetcher([path.parent for path in fonts.values()])
    faces = [(weight, path.as_uri()) for weight, path in fonts.items()]
    base_url = next(iter(fonts.values())).parent.as_uri() + "/"
    font_config = FontConfiguration()
    stylesheet = CSS(string=render_to_string(SLIPS_CSS, {"font_faces": faces}),
                     base_url=base_url, url_fetcher=fetcher, font_config=font_config)
    html = HTML(string=render_to_string(template, context), base_url=base_url,
                url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet], font_config=font_config)
