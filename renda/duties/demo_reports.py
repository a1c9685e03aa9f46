"""Demo duty reports (述职评议): one year's round of a congress with its selected deputies, one
report given at a station, voted on by 30 constituents and published, and one whose vote is
still open. Everything goes through the services of `renda.duties.reports`, the votes too
(with codes issued for the purpose and thrown away, as the printed slips would be).

Idempotent: when the congress already has a round for the year, nothing is changed.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from renda.directory.models import Congress, Station
from renda.duties import reports
from renda.duties.models import DutyReport, DutyReportRound

# 24 satisfied, 4 basically satisfied, 2 dissatisfied: 28 / 30 = 93.3 %.
PUBLISHED_VOTES = ["satisfied"] * 24 + ["basic"] * 4 + ["dissatisfied"] * 2
OPEN_VOTES = ["satisfied"] * 9 + ["basic"] * 2 + ["dissatisfied"]
REPORT_TEXT = (
    "{year}年，我在{station}联系选民，参加代表接待日，走访社区和企业，听取群众对老旧小区改造、"
    "道路交通和养老服务的意见。\n"
    "一年来，领衔提出建议，推动解决了小区供暖管网老化、公交站点设置不合理等问题；参加视察和调研，"
    "就基层医疗服务提出意见。\n"
    "存在的不足：联系选民的覆盖面还不够广，对建议办理的跟踪还不够及时。下一步，我将坚持每月进站，"
    "认真履行代表职责，接受选民监督。"
)


def demo_duty_reports(congress: Congress, year: int, actor: Any) -> DutyReportRound:
    """The congress's round for `year`, created and played through by `actor` (office staff
    of the congress) the first time."""
    existing = DutyReportRound.objects.filter(congress=congress, year=year).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        round = reports.report_round_create(actor=actor, congress=congress, year=year)
        chosen = list(round.reports.select_related("deputy").order_by("id"))
        for deputy in reports.deputies_addable(round=round)[:max(0, 2 - len(chosen))]:
            chosen.append(reports.report_deputy_add(actor=actor, round_id=round.pk,
                                                    deputy_id=deputy.pk))
        if len(chosen) < 2:
            return round
        day = _report_day(year)
        _given(actor, chosen[0], day - datetime.timedelta(days=14), PUBLISHED_VOTES,
               publish=True)
        _given(actor, chosen[1], day, OPEN_VOTES, publish=False)
    return round


def _report_day(year: int) -> datetime.date:
    today = timezone.localdate()
    return today if year == today.year else datetime.date(year, 12, 15)


def _station_of(report: DutyReport) -> Station | None:
    stations = reports.stations_for(congress=report.round.congress)
    return (stations.filter(assignments__deputy=report.deputy).first() or stations.first())


def _given(actor: Any, report: DutyReport, day: datetime.date, votes: list[str], *,
           publish: bool) -> None:
    """The report arranged at the deputy's station, submitted, voted on; closed and published
    when `publish`, else left open with a few codes unused."""
    station = _station_of(report)
    audience = DutyReport.Audience.STATION if station else DutyReport.Audience.COMMITTEE
    if day.year != report.round.year:
        day = datetime.date(report.round.year, 1, 15)
    reports.report_arrange(actor=actor, report_id=report.pk, audience=audience,
                           station_id=station.pk if station else None, scheduled_on=day)
    text = REPORT_TEXT.format(year=report.round.year,
                              station=station.name if station else "常委会")
    reports.report_text_submit(actor=actor, report_id=report.pk, text=text)
    issued = len(votes) if publish else len(votes) + 8
    _report, codes = reports.report_vote_open(actor=actor, report_id=report.pk, count=issued)
    for code, choice in zip(codes, votes, strict=False):
        reports.report_vote_cast(code=code, choice=choice)
    if publish:
        reports.report_vote_close(actor=actor, report_id=report.pk)
        reports.report_publish(actor=actor, report_id=report.pk)
