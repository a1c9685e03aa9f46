"""Duty records the system writes itself, from what the other loops already hold, so that
nothing is entered twice (履职登记 "系统已知的不再重复录入").

A collector is a function `(congress, year) -> Iterable[Found]`; apps register theirs with
`register_collector` in their ready() (the livelihood projects' ballots will add one). Each
found activity has a stable key: collecting again creates nothing new, an activity whose source
has gone (a withdrawn suggestion, a declined signature) is withdrawn from the record, and one
that comes back is restored.
"""

import dataclasses
import datetime
from collections import Counter
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.directory.models import Congress
from renda.duties.models import DutyRecord


@dataclasses.dataclass(frozen=True)
class Found:
    key: str
    deputy_id: int
    activity_type: str
    date: datetime.date
    title: str
    source: models.Model
    place: str = ""
    people_count: int = 0


Collector = Callable[[Congress, int], Iterable[Found]]
COLLECTORS: dict[str, Collector] = {}


def register_collector(name: str, collector: Collector) -> None:
    COLLECTORS[name] = collector


@dataclasses.dataclass
class CollectResult:
    created: int = 0
    withdrawn: int = 0
    restored: int = 0
    deputy_ids: set[int] = dataclasses.field(default_factory=set)


def duty_records_collect(*, congress: Congress, year: int) -> CollectResult:
    """Bring the automatic records of `year` in line with their sources, then rewrite the score
    cards of the deputies whose records changed."""
    from renda.duties.points import scorecards_recompute

    found: dict[str, Found] = {}
    for collector in COLLECTORS.values():
        for item in collector(congress, year):
            if item.date.year == year:
                found[item.key] = item
    result = CollectResult()
    with transaction.atomic():
        existing = {
            record.source_key: record for record in DutyRecord.objects.select_for_update()
            .filter(congress=congress, date__year=year, source=DutyRecord.Source.AUTOMATIC)
        }
        # A key may exist under another year (a source whose date moved): never twice.
        elsewhere = set(DutyRecord.objects.filter(source_key__in=set(found) - set(existing))
                        .values_list("source_key", flat=True))
        new = []
        for key, item in found.items():
            record = existing.get(key)
            if record is None:
                if key in elsewhere:
                    continue
                new.append(DutyRecord(
                    congress=congress, deputy_id=item.deputy_id,
                    activity_type=item.activity_type, date=item.date, title=item.title[:200],
                    place=item.place[:200], people_count=item.people_count,
                    source=DutyRecord.Source.AUTOMATIC, source_key=key,
                    source_type=ContentType.objects.get_for_model(item.source),
                    source_id=item.source.pk,
                ))
                result.deputy_ids.add(item.deputy_id)
            elif record.status == DutyRecord.Status.WITHDRAWN:
                record.status, record.status_note = DutyRecord.Status.RECORDED, ""
                record.people_count = item.people_count
                record.save(update_fields=["status", "status_note", "people_count",
                                           "updated_at"])
                result.restored += 1
                result.deputy_ids.add(record.deputy_id)
            elif record.people_count != item.people_count and record.status == "recorded":
                record.people_count = item.people_count
                record.save(update_fields=["people_count", "updated_at"])
                result.deputy_ids.add(record.deputy_id)
        DutyRecord.objects.bulk_create(new, batch_size=500)
        result.created = len(new)
        for key, record in existing.items():
            if key not in found and record.status == DutyRecord.Status.RECORDED:
                record.status = DutyRecord.Status.WITHDRAWN
                record.status_note = _("来源已撤销，系统自动撤回")
                record.save(update_fields=["status", "status_note", "updated_at"])
                result.withdrawn += 1
                result.deputy_ids.add(record.deputy_id)
    if result.deputy_ids:
        scorecards_recompute(congress=congress, year=year, deputy_ids=result.deputy_ids)
    return result


def duty_records_collect_all(*, today: datetime.date | None = None) -> CollectResult:
    """Collect this year for every congress (and last year in January, for late entries)."""
    today = today or timezone.localdate()
    years = [today.year - 1, today.year] if today.month == 1 else [today.year]
    total = CollectResult()
    for congress in Congress.objects.all():
        for year in years:
            result = duty_records_collect(congress=congress, year=year)
            total.created += result.created
            total.withdrawn += result.withdrawn
            total.restored += result.restored
            total.deputy_ids |= result.deputy_ids
    return total


# --- The built-in collectors ---------------------------------------------------------------

def reception_days(congress: Congress, year: int) -> Iterable[Found]:
    """Each deputy on duty at a reception day that has taken place; the people are the
    opinions staff recorded from that day at that station."""
    from renda.core.models import Event
    from renda.directory.models import ReceptionDay
    from renda.opinions.models import Opinion

    today = timezone.localdate()
    opinion_type = ContentType.objects.get_for_model(Opinion)
    raised = dict(Event.objects.filter(content_type=opinion_type, action="reception_day",
                                       data__date__startswith=str(year))
                  .values_list("object_id", "data__date"))
    people: Counter = Counter()
    for pk, station_id in (Opinion.objects.filter(pk__in=raised, congress=congress)
                           .values_list("pk", "addressed_station_id")):
        people[(station_id, raised[pk])] += 1
    days = (ReceptionDay.objects.filter(station__congress=congress, date__year=year,
                                        date__lte=today, is_cancelled=False)
            .select_related("station").prefetch_related("deputies"))
    for day in days:
        for deputy in day.deputies.all():
            title = f"{day.title}（{day.topic}）" if day.topic else day.title
            yield Found(key=f"directory.receptionday:{day.pk}:{deputy.pk}", deputy_id=deputy.pk,
                        activity_type="reception_day", date=day.date, title=title,
                        place=day.station.name, source=day,
                        people_count=people[(day.station_id, day.date.isoformat())])


TRIAGE_ACTIONS = ("answer_on_spot", "handle_in_station", "transfer", "convert")


def opinions_triaged(congress: Congress, year: int) -> Iterable[Found]:
    """Each citizen's opinion addressed to a deputy and triaged (answered, handled, transferred
    or turned into a suggestion): one constituent reached."""
    from renda.core.models import Event
    from renda.opinions.models import Opinion

    opinion_type = ContentType.objects.get_for_model(Opinion)
    first_triage: dict[int, datetime.datetime] = {}
    for object_id, created_at in (Event.objects.filter(content_type=opinion_type,
                                                       action__in=TRIAGE_ACTIONS)
                                  .order_by("created_at").values_list("object_id",
                                                                      "created_at")):
        first_triage.setdefault(object_id, created_at)
    opinions = Opinion.objects.filter(congress=congress, addressed_deputy__isnull=False,
                                      pk__in=list(first_triage))
    for opinion in opinions:
        day = timezone.localtime(first_triage[opinion.pk]).date()
        if day.year != year:
            continue
        yield Found(key=f"opinions.opinion:{opinion.pk}", deputy_id=opinion.addressed_deputy_id,
                    activity_type="opinion_triage", date=day,
                    title=_("处理群众意见 %(number)s") % {"number": opinion.tracking_number},
                    source=opinion, people_count=1)


def suggestions_filed(congress: Congress, year: int) -> Iterable[Found]:
    """Each suggestion or motion the deputy led that reached the office, and each one the
    deputy co-signed."""
    from renda.suggestions.models import Signature, Suggestion

    S = Suggestion.Status
    gone = (S.DRAFT, S.COSIGNING, S.RETURNED, S.WITHDRAWN)
    filed = (Suggestion.objects.filter(congress=congress, submitted_at__isnull=False)
             .exclude(status__in=gone))
    for suggestion in filed.filter(submitted_at__year__in=(year - 1, year, year + 1)):
        day = timezone.localtime(suggestion.submitted_at).date()
        kind = "motion" if suggestion.kind == Suggestion.Kind.MOTION else "suggestion"
        yield Found(key=f"suggestions.suggestion:{suggestion.pk}",
                    deputy_id=suggestion.lead_deputy_id, activity_type=kind, date=day,
                    title=suggestion.title, source=suggestion)
    signatures = (Signature.objects.filter(suggestion__in=filed, is_lead=False,
                                           confirmed_at__isnull=False,
                                           confirmed_at__year__in=(year - 1, year, year + 1))
                  .select_related("suggestion"))
    for signature in signatures:
        day = timezone.localtime(signature.confirmed_at).date()
        yield Found(key=f"suggestions.signature:{signature.pk}", deputy_id=signature.deputy_id,
                    activity_type="cosign", date=day,
                    title=_("联名：%(title)s") % {"title": signature.suggestion.title},
                    source=signature)


def register_builtin() -> None:
    register_collector("reception_days", reception_days)
    register_collector("opinions_triaged", opinions_triaged)
    register_collector("suggestions_filed", suggestions_filed)
