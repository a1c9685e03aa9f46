"""The points computation (积分考评): a year's records under the year's scheme become score
cards, with what every record brought, so that the card shows the evidence behind each point.

Score cards are derived data: `scorecards_recompute` rewrites them whenever a record or a rule
changes, for one deputy or for the whole congress. Caps are applied in date order: the records
of a type count until the year's cap for the type is reached, and the rest bring nothing.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from renda.directory.models import Congress, Deputy
from renda.directory.selectors import setting_value
from renda.duties.models import DutyRecord, PointsRule, PointsScheme, Quota, ScoreCard, ScoreLine

ZERO = Decimal("0")


def activity_types(*, congress: Congress, on: datetime.date | None = None) -> list[dict]:
    return setting_value(congress=congress, key="duties.activity_types", on=on)


def activity_labels(*, congress: Congress, on: datetime.date | None = None) -> dict[str, str]:
    return {item["code"]: item["label"] for item in activity_types(congress=congress, on=on)}


def scheme_for(*, congress: Congress, year: int) -> PointsScheme:
    """The congress's scheme for `year`, seeded from the defaults in force on 1 January the
    first time it is asked for."""
    scheme = PointsScheme.objects.filter(congress=congress, year=year).first()
    if scheme is not None:
        return scheme
    first_day = datetime.date(year, 1, 1)
    with transaction.atomic():
        scheme, created = PointsScheme.objects.get_or_create(
            congress=congress, year=year,
            defaults={"title": f"{year}年度代表履职积分办法"},
        )
        if created:
            rules = setting_value(congress=congress, key="duties.default_points_rules",
                                  on=first_day)
            PointsRule.objects.bulk_create([
                PointsRule(scheme=scheme, activity_type=rule["activity_type"],
                           points=Decimal(str(rule["points"])),
                           cap=None if rule.get("cap") is None else Decimal(str(rule["cap"])))
                for rule in rules
            ])
            quotas = setting_value(congress=congress, key="duties.default_quotas", on=first_day)
            Quota.objects.bulk_create([
                Quota(scheme=scheme, code=quota["code"], label=quota["label"],
                      activity_types=list(quota["activity_types"]),
                      measure=quota.get("measure", Quota.Measure.PEOPLE),
                      minimum=int(quota["minimum"]))
                for quota in quotas
            ])
    return scheme


def grade_for(*, congress: Congress, year: int, total: Decimal) -> str:
    grades = setting_value(congress=congress, key="duties.grades",
                           on=datetime.date(year, 12, 31))
    for grade in grades:
        if grade.get("min") is None or total >= Decimal(str(grade["min"])):
            return grade["code"]
    return ""


def deputies_of(*, congress: Congress, year: int) -> list[Deputy]:
    """The deputies who held a seat in the congress at some time in `year`."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return list(
        Deputy.objects.filter(mandates__term__congress=congress, mandates__start_date__lte=end)
        .filter(Q(mandates__end_date__isnull=True) | Q(mandates__end_date__gte=start))
        .distinct().order_by("id")
    )


@dataclasses.dataclass
class _Line:
    count: int = 0
    people: int = 0
    raw: Decimal = ZERO
    points: Decimal = ZERO


def _award(points: Decimal, cap: Decimal | None, so_far: Decimal) -> Decimal:
    """What one more record brings when the type has brought `so_far` (in absolute value)."""
    if cap is None:
        return points
    room = max(cap - so_far, ZERO)
    magnitude = min(abs(points), room)
    return magnitude if points >= 0 else -magnitude


def scorecards_recompute(*, congress: Congress, year: int,
                         deputy_ids: Iterable[int] | None = None) -> int:
    """Rewrite the score cards of `year` (for the given deputies, or for every deputy of the
    congress) and the points of each record; the number of cards written."""
    scheme = scheme_for(congress=congress, year=year)
    rules = {rule.activity_type: rule for rule in scheme.rules.all()}
    quotas = list(scheme.quotas.all())
    if deputy_ids is None:
        deputy_ids = [deputy.pk for deputy in deputies_of(congress=congress, year=year)]
        deputy_ids += list(
            DutyRecord.objects.filter(congress=congress, date__year=year)
            .exclude(deputy_id__in=deputy_ids).values_list("deputy_id", flat=True).distinct())
    deputy_ids = sorted(set(deputy_ids))
    if not deputy_ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        records = list(
            DutyRecord.objects.select_for_update()
            .filter(congress=congress, date__year=year, deputy_id__in=deputy_ids)
            .order_by("deputy_id", "date", "id")
        )
        by_deputy: dict[int, list[DutyRecord]] = defaultdict(list)
        for record in records:
            by_deputy[record.deputy_id].append(record)
        changed: list[DutyRecord] = []
        existing = {card.deputy_id: card for card in ScoreCard.objects.select_for_update()
                    .filter(congress=congress, year=year, deputy_id__in=deputy_ids)}
        cards, lines = [], {}
        for deputy_id in deputy_ids:
            per_type: dict[str, _Line] = defaultdict(_Line)
            for record in by_deputy.get(deputy_id, []):
                points, capped = ZERO, False
                if record.status == DutyRecord.Status.RECORDED:
                    line = per_type[record.activity_type]
                    rule = rules.get(record.activity_type)
                    value = rule.points if rule else ZERO
                    points = _award(value, rule.cap if rule else None, abs(line.points))
                    capped = points != value
                    line.count += 1
                    line.people += record.people_count
                    line.raw += value
                    line.points += points
                if record.points != points or record.capped != capped:
                    record.points, record.capped = points, capped
                    changed.append(record)
            total = sum((line.points for line in per_type.values()), ZERO)
            if scheme.max_total is not None:
                total = min(total, scheme.max_total)
            quota_status = {}
            for quota in quotas:
                wanted = [per_type[code] for code in quota.activity_types if code in per_type]
                actual = sum(line.people if quota.measure == Quota.Measure.PEOPLE
                             else line.count for line in wanted)
                quota_status[quota.code] = {"label": quota.label, "actual": actual,
                                            "minimum": quota.minimum, "measure": quota.measure}
            card = existing.get(deputy_id) or ScoreCard(congress=congress, deputy_id=deputy_id,
                                                        year=year)
            card.scheme = scheme
            card.total = total
            card.grade = grade_for(congress=congress, year=year, total=total)
            card.quotas = quota_status
            card.computed_at = now
            cards.append(card)
            lines[deputy_id] = per_type
        DutyRecord.objects.bulk_update(changed, ["points", "capped"], batch_size=500)
        ScoreCard.objects.bulk_create(
            [card for card in cards if card.pk is None], batch_size=500)
        ScoreCard.objects.bulk_update(
            [card for card in cards if card.pk is not None],
            ["scheme", "total", "grade", "quotas", "computed_at"], batch_size=500)
        card_ids = {card.deputy_id: card.pk for card in
                    ScoreCard.objects.filter(congress=congress, year=year,
                                             deputy_id__in=deputy_ids)}
        ScoreLine.objects.filter(card_id__in=card_ids.values()).delete()
        ScoreLine.objects.bulk_create([
            ScoreLine(card_id=card_ids[deputy_id], activity_type=code, count=line.count,
                      people=line.people, raw_points=line.raw, points=line.points)
            for deputy_id, per_type in lines.items() for code, line in per_type.items()
        ], batch_size=1000)
    return len(cards)


def quota_behind(card: ScoreCard, *, on: datetime.date) -> list[dict]:
    """The quotas a card is behind on by `on`, pro rata over the year (half the quota by
    2 July); each with the share expected so far."""
    start = datetime.date(card.year, 1, 1)
    days = (datetime.date(card.year, 12, 31) - start).days + 1
    elapsed = min(max((on - start).days + 1, 0), days)
    behind = []
    for code, status in (card.quotas or {}).items():
        expected = status["minimum"] * elapsed / days
        if status["actual"] < status["minimum"] and status["actual"] < expected:
            behind.append({"code": code, **status, "expected": round(expected, 1)})
    return behind
