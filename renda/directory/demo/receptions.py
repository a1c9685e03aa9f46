"""Reception days (代表接待日): a recurring rule for most stations, one-off themed days in the
coming weeks (dated from today, so the demo always has upcoming days), a couple of past ones,
one cancelled and one moved occurrence of a rule."""

import dataclasses
import datetime

from renda.directory.demo.sync import upsert
from renda.directory.models import Deputy, ReceptionDay, ReceptionSchedule, Station

T = datetime.time
Weekday = ReceptionSchedule.Weekday
MONTHLY, WEEKLY = ReceptionSchedule.Frequency.MONTHLY, ReceptionSchedule.Frequency.WEEKLY
VALID_FROM = datetime.date(2024, 1, 1)
NO_RULE = ("PF-BG-02", "SB-LY-02")  # two contact points open on demand only
MOVED, CANCELLED = "SB-SP-01", "PF-XJ-01"


@dataclasses.dataclass(frozen=True)
class Rule:
    title: str
    frequency: str
    weekday: int
    week: int | None
    start: datetime.time
    end: datetime.time


SPECIAL_RULES = {
    "PF-ZX-01": Rule("代表履职服务日", WEEKLY, Weekday.WED, None, T(14), T(16, 30)),
    "SB-ZX-01": Rule("集中进站接待日", MONTHLY, Weekday.FRI, -1, T(9), T(11, 30)),
    "PF-WS-01": Rule("网上接待日", WEEKLY, Weekday.FRI, None, T(14, 30), T(16, 30)),
    "SB-YD-01": Rule("移动联络站巡回接待", WEEKLY, Weekday.THU, None, T(9, 30), T(11, 30)),
    "PF-FY-01": Rule("诉前调解接待日", MONTHLY, Weekday.WED, 2, T(9), T(11, 30)),
    "PF-QY-01": Rule("企业接待日", MONTHLY, Weekday.TUE, 3, T(14), T(16, 30)),
    "SB-YY-01": Rule("代表坐诊接待日", MONTHLY, Weekday.THU, 2, T(8, 30), T(11)),
}
# (station, days from today, start, end, topic); negative days lie in the past.
ONE_OFF = (
    ("PF-XJ-01", 3, T(14), T(16, 30), "老旧小区改造专题接待"),
    ("SB-TYD-01", 5, T(14), T(16, 30), "养老服务设施建设专题接待"),
    ("PF-BG-01", 6, T(9), T(11, 30), "冬季供热质量专题接待"),
    ("PF-ZX-01", 9, T(9), T(11, 30), "民生实事项目候选征集"),
    ("SB-SBJ-01", 10, T(9), T(11, 30), "道路维修和冬季清雪"),
    ("PF-PFZ-01", 12, T(9), T(11), "农村人居环境整治"),
    ("SB-YD-01", 15, T(9, 30), T(11, 30), "物业管理纠纷化解"),
    ("PF-FY-01", 18, T(9), T(11, 30), "诉前调解与法律咨询"),
    ("PF-YX-01", -12, T(9), T(11, 30), "社区居家养老服务"),
    ("SB-SP-01", -20, T(14), T(16), "背街小巷照明改造"),
)


def _rule(code: str, kind: str, index: int) -> Rule | None:
    if code in NO_RULE:
        return None
    if code in SPECIAL_RULES:
        return SPECIAL_RULES[code]
    week = index % 4 + 1
    if kind == Station.Kind.HOME:
        return Rule("代表回家接待日", MONTHLY, Weekday.THU, week, T(14), T(16, 30))
    if kind == Station.Kind.POINT:
        return Rule("联络点接待日", MONTHLY, Weekday.MON, week, T(9), T(11))
    weekday = (Weekday.TUE, Weekday.WED, Weekday.THU)[index % 3]
    return Rule("代表接待日", MONTHLY, weekday, week, T(9), T(11, 30))


def nth_weekday(year: int, month: int, weekday: int, n: int) -> datetime.date | None:
    """The n-th (1–5, or -1 for the last) given weekday of a month, if the month has one."""
    if n == -1:
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        last = following - datetime.timedelta(days=1)
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    first = datetime.date(year, month, 1)
    day = first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    return day if day.month == month else None


def next_occurrence(schedule: ReceptionSchedule, after: datetime.date) -> datetime.date:
    """The rule's first day strictly after `after`."""
    if schedule.frequency == WEEKLY:
        return after + datetime.timedelta(days=(schedule.weekday - after.weekday() - 1) % 7 + 1)
    year, month = after.year, after.month
    for _ in range(14):
        day = nth_weekday(year, month, schedule.weekday, schedule.week_of_month or 1)
        if day and day > after:
            return day
        year, month = year + month // 12, month % 12 + 1
    raise ValueError(f"{schedule} has no day in the next year")


def working_day(day: datetime.date) -> datetime.date:
    """Move a Saturday or Sunday to the Monday after (holidays are not considered)."""
    return day + datetime.timedelta(days=7 - day.weekday() if day.weekday() >= 5 else 0)


def build_schedules(stations: dict[str, Station],
                    members: dict[str, list[Deputy]]) -> dict[str, ReceptionSchedule]:
    """One rule for most stations, with two or three deputies on duty."""
    schedules = {}
    for index, (code, station) in enumerate(stations.items()):
        rule = _rule(code, station.kind, index)
        if rule is None:
            continue
        schedule = upsert(ReceptionSchedule, {"station": station, "title": rule.title}, {
            "frequency": rule.frequency, "weekday": rule.weekday, "week_of_month": rule.week,
            "start_time": rule.start, "end_time": rule.end, "valid_from": VALID_FROM,
            "valid_until": None,
        })
        schedule.deputies.set(members.get(code, [])[: 2 + index % 2])
        schedules[code] = schedule
    return schedules


def _day(station: Station, schedule: ReceptionSchedule | None, topic: str, values: dict,
         deputies: list[Deputy]) -> ReceptionDay:
    day = upsert(ReceptionDay, {"station": station, "schedule": schedule, "topic": topic}, values)
    day.deputies.set(deputies)
    return day


def build_days(stations: dict[str, Station], schedules: dict[str, ReceptionSchedule],
               members: dict[str, list[Deputy]], today: datetime.date) -> None:
    """Themed one-off days around today, and one cancelled and one moved occurrence."""
    for code, offset, start, end, topic in ONE_OFF:
        date = working_day(today + datetime.timedelta(days=offset))
        _day(stations[code], None, topic, {
            "title": "专题接待日", "date": date, "start_time": start, "end_time": end,
            "replaces_date": None, "is_cancelled": False}, members[code][:3])
    for code, cancelled, topic in (
        (CANCELLED, True, "与区人大常委会会议时间冲突，本次接待日取消"),
        (MOVED, False, "因场地维修，本次接待日顺延一天"),
    ):
        schedule = schedules[code]
        planned = next_occurrence(schedule, today)
        date = planned if cancelled else working_day(planned + datetime.timedelta(days=1))
        _day(stations[code], schedule, topic, {
            "title": schedule.title, "date": date, "replaces_date": planned,
            "start_time": schedule.start_time, "end_time": schedule.end_time,
            "is_cancelled": cancelled}, [] if cancelled else members[code][:2])
