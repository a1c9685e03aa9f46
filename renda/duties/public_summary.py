"""The duty summary on a deputy's public page (issue 5 point 5): what the deputy did this year
and last by activity type, and the suggestions he or she led with their outcomes.

Only counts and what is public anyway: no record's description, place or participants, no
points unless the congress publishes scores (`duties.publish_scores`), and of the suggestions
only those marked public are listed by title.
"""

import dataclasses
from collections import Counter

from django.db.models import Count
from django.utils import timezone

from renda.directory.models import Deputy
from renda.directory.selectors import setting_value
from renda.duties.models import DutyRecord, ScoreCard
from renda.duties.points import activity_labels


@dataclasses.dataclass
class YearSummary:
    year: int
    congress: str
    by_type: list[tuple[str, int]]
    total_records: int
    people: int
    score: ScoreCard | None


@dataclasses.dataclass
class SuggestionOutcomes:
    led: int
    cosigned: int
    concluded: int
    replies: list[tuple[str, int]]
    public: list


def deputy_duty_summary(*, deputy: Deputy, years: int = 2) -> dict:
    today = timezone.localdate()
    summaries: list[YearSummary] = []
    records = DutyRecord.objects.filter(deputy=deputy, status=DutyRecord.Status.RECORDED,
                                        date__year__gt=today.year - years)
    congresses = {}
    for congress_id, year, activity_type, count in (
            records.values_list("congress_id", "date__year", "activity_type")
            .annotate(n=Count("id")).order_by("-date__year", "congress_id")):
        congresses.setdefault((congress_id, year), []).append((activity_type, count))
    people = Counter()
    for congress_id, year, count in (records.values_list("congress_id", "date__year",
                                                         "people_count")):
        people[(congress_id, year)] += count
    from renda.directory.models import Congress

    known = {c.pk: c for c in Congress.objects.filter(pk__in={k[0] for k in congresses})}
    for (congress_id, year), rows in congresses.items():
        congress = known[congress_id]
        labels = activity_labels(congress=congress)
        score = None
        if setting_value(congress=congress, key="duties.publish_scores"):
            score = ScoreCard.objects.filter(congress=congress, deputy=deputy, year=year).first()
        rows.sort(key=lambda row: -row[1])
        summaries.append(YearSummary(
            year=year, congress=congress.short_name,
            by_type=[(labels.get(code, code), count) for code, count in rows],
            total_records=sum(count for _code, count in rows),
            people=people[(congress_id, year)], score=score))
    return {"years": summaries, "suggestions": _suggestions(deputy)}


def _suggestions(deputy: Deputy) -> SuggestionOutcomes:
    from renda.suggestions.models import Assignment, Reply, Signature, Suggestion
    from renda.suggestions.selectors.public import PUBLIC_STATES, public_suggestions

    led = Suggestion.objects.filter(lead_deputy=deputy, status__in=PUBLIC_STATES)
    cosigned = Signature.objects.filter(deputy=deputy, is_lead=False,
                                        confirmed_at__isnull=False,
                                        suggestion__status__in=PUBLIC_STATES).count()
    replies = Counter()
    # The final reply of each answering unit: the last round's category.
    latest: dict[int, tuple[int, str]] = {}
    for assignment_id, round_, category in (
            Reply.objects.filter(assignment__suggestion__in=led,
                                 assignment__role__in=(Assignment.Role.LEAD,
                                                       Assignment.Role.SEPARATE))
            .values_list("assignment_id", "round", "category")):
        if assignment_id not in latest or latest[assignment_id][0] < round_:
            latest[assignment_id] = (round_, category)
    for _round, category in latest.values():
        replies[category] += 1
    public = list(public_suggestions().filter(lead_deputy=deputy)
                  .order_by("-registered_at", "-id")
                  .values("pk", "code", "title", "status")[:10])
    status_labels = dict(Suggestion.Status.choices)
    for item in public:
        item["status_label"] = status_labels.get(item["status"], item["status"])
    return SuggestionOutcomes(
        led=led.count(), cosigned=cosigned,
        concluded=led.filter(status=Suggestion.Status.CLOSED).count(),
        replies=sorted(replies.items()), public=public)
