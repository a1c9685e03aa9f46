"""Reads of duty records, score cards, rankings and the points scheme, each through the
permission layer: a deputy sees his or her own records and card, a station's staff those of
the deputies assigned to the station, the office all of its congress (`DEPUTY_SCOPES`).

Another deputy's record, photo or card is a DoesNotExist (a 404), never a hint that it exists.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from renda.accounts.access import has_perm, role_perms, scope_filter, scope_q
from renda.accounts.models import RoleAssignment
from renda.directory.models import Area, Congress, Deputy, DeputyGroup, Mandate
from renda.directory.selectors import setting_value
from renda.duties.models import DutyPhoto, DutyRecord, PointsScheme, ScoreCard
from renda.duties.permissions import MANAGE_POINTS, RECORD, RECORD_FOR_OTHERS, REJECT
from renda.duties.points import activity_labels, activity_types, deputies_of, quota_behind

VIEW_RECORD = "duties.view_dutyrecord"
VIEW_PHOTO = "duties.view_dutyphoto"
VIEW_CARD = "duties.view_scorecard"
RECORDS_PER_PAGE = 50


class _SeenFromDeputy:
    """`DEPUTY_SCOPES` of a duty record or a card, seen from the deputy (joined through the
    deputy's mandate in the congress the caller filters on): which deputies a user reaches
    under a permission before any record of theirs exists."""

    ACCESS_SCOPES = {
        "area": ["mandates__term__congress__area__path"],
        "station": ["station_assignments__station__path"],
        "deputy": ["pk"],
    }


# Congresses and deputies ------------------------------------------------------------------------


def congresses_for(*, user: Any, perm: str) -> list[Congress]:
    """The congresses in which a role in force gives the user `perm`, by area."""
    if getattr(user, "is_superuser", False):
        return list(Congress.objects.order_by("area__path"))
    ids = {a.congress_id for a in RoleAssignment.objects.in_force().filter(user=user)
           if perm in role_perms(a.role)}
    return list(Congress.objects.filter(pk__in=ids).order_by("area__path"))


def recording_congresses(*, user: Any) -> list[Congress]:
    """The congresses in which the user records his or her own activities as a deputy: a
    role in force lets him record and his deputy record holds a seat there."""
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return []
    return [c for c in congresses_for(user=user, perm=RECORD)
            if Mandate.objects.filter(deputy_id=deputy_id, term__congress=c).exists()]


def congress_chosen(congresses: list[Congress], wanted: Any) -> Congress | None:
    """The congress `?congress=<id>` names among `congresses`, else the first."""
    return next((c for c in congresses if str(c.pk) == str(wanted)),
                congresses[0] if congresses else None)


def deputies_reachable(*, user: Any, perm: str, congress: Congress,
                       year: int | None = None) -> QuerySet[Deputy]:
    """The deputies of `congress` (holding a seat in `year`, when given) on whose records or
    card the user holds `perm`, by name."""
    q = scope_q(user, perm, _SeenFromDeputy)  # type: ignore[arg-type]
    if q is None:
        return Deputy.objects.none()
    # One filter() call: the area condition and the congress meet on the same mandate.
    ids = Deputy.objects.filter(q, mandates__term__congress=congress).values("pk")
    deputies = Deputy.objects.filter(pk__in=ids)
    if year is not None:
        deputies = deputies.filter(pk__in=[d.pk for d in deputies_of(congress=congress,
                                                                     year=year)])
    return deputies.order_by("name", "id")


def deputy_reachable(*, user: Any, perm: str, congress: Congress, deputy_id: int) -> bool:
    return deputies_reachable(user=user, perm=perm, congress=congress).filter(
        pk=deputy_id).exists()


# Records and photos -----------------------------------------------------------------------------


def records_visible_for(*, user: Any) -> QuerySet[DutyRecord]:
    items = DutyRecord.objects.select_related("congress", "deputy", "recorded_by")
    return scope_filter(user, VIEW_RECORD, items)


def records_mine(*, user: Any, congress: Congress, year: int) -> QuerySet[DutyRecord]:
    """The deputy's own records of a year in one congress, the latest first."""
    deputy_id = getattr(user, "deputy_id", None)
    if not deputy_id:
        return DutyRecord.objects.none()
    return (records_visible_for(user=user)
            .filter(congress=congress, deputy_id=deputy_id, date__year=year)
            .annotate(photo_count=Count("photos")).order_by("-date", "-id"))


@dataclasses.dataclass(frozen=True)
class RecordFilters:
    congress: Congress
    year: int | None = None
    deputy_id: int | None = None
    activity_type: str = ""
    source: str = ""
    status: str = ""


def records_filtered(*, user: Any, filters: RecordFilters) -> QuerySet[DutyRecord]:
    """The staff's list: the records of the congress the user may see, narrowed."""
    rows = records_visible_for(user=user).filter(congress=filters.congress)
    if filters.year:
        rows = rows.filter(date__year=filters.year)
    if filters.deputy_id:
        rows = rows.filter(deputy_id=filters.deputy_id)
    if filters.activity_type:
        rows = rows.filter(activity_type=filters.activity_type)
    if filters.source:
        rows = rows.filter(source=filters.source)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.annotate(photo_count=Count("photos")).order_by("-date", "-id")


def labelled(records: Any, congress: Congress) -> list[DutyRecord]:
    """The records with `label`, their activity type's name."""
    labels = activity_labels(congress=congress)
    rows = list(records)
    for record in rows:
        record.label = labels.get(record.activity_type, record.activity_type)
    return rows


def record_get_for(*, user: Any, pk: int) -> DutyRecord:
    """One record the user may see; DoesNotExist for any other, whether it exists or not."""
    return records_visible_for(user=user).get(pk=pk)


def photos_of(*, user: Any, record: DutyRecord) -> QuerySet[DutyPhoto]:
    return scope_filter(user, VIEW_PHOTO, record.photos.all())


def photo_get_for(*, user: Any, pk: int) -> DutyPhoto:
    """One photo of a record the user may see; DoesNotExist for any other."""
    visible = records_visible_for(user=user).values("pk")
    photos = DutyPhoto.objects.filter(record__in=visible).select_related("record")
    return scope_filter(user, VIEW_PHOTO, photos).get(pk=pk)


def may_change(*, user: Any, record: DutyRecord) -> bool:
    """Whether the page offers editing and withdrawal: a manual record in force, to staff who
    record for the deputy, or to the deputy for an activity of his own (the service decides
    again)."""
    if record.source != DutyRecord.Source.MANUAL or record.status != DutyRecord.Status.RECORDED:
        return False
    if has_perm(user, RECORD_FOR_OTHERS, record):
        return True
    # A deputy changes only what a deputy records: never a bonus or a deduction staff entered.
    entry = {t["code"]: t["entry"] for t in activity_types(congress=record.congress)}
    return (getattr(user, "deputy_id", None) == record.deputy_id
            and entry.get(record.activity_type) == "deputy" and has_perm(user, RECORD, record))


def may_reject(*, user: Any, record: DutyRecord) -> bool:
    return (record.source == DutyRecord.Source.MANUAL
            and record.status == DutyRecord.Status.RECORDED
            and getattr(user, "deputy_id", None) != record.deputy_id
            and has_perm(user, REJECT, record))


def source_link(*, user: Any, record: DutyRecord) -> str:
    """Where an automatic record came from, when the user may open it there; else ""."""
    source = record.source_object if record.source_id else None
    if source is None:
        return ""
    label = source._meta.label_lower
    if label == "suggestions.signature":
        source, label = source.suggestion, "suggestions.suggestion"
    if label == "opinions.opinion":
        return (reverse("opinions:staff_detail", args=[source.pk])
                if has_perm(user, "opinions.view_opinion", source) else "")
    if label == "suggestions.suggestion":
        return _suggestion_link(user, source)
    if label == "directory.receptionday":
        return reverse("directory:station_detail", args=[source.station.code])
    return ""


def _suggestion_link(user: Any, suggestion: Any) -> str:
    from renda.suggestions.selectors.drafting import suggestions_mine
    from renda.suggestions.workflow import SUPERVISE

    if suggestions_mine(user=user).filter(pk=suggestion.pk).exists():
        return reverse("suggestions:mine_detail", args=[suggestion.pk])
    if has_perm(user, SUPERVISE, suggestion):
        return reverse("suggestions:supervision_detail", args=[suggestion.pk])
    return ""


# Score cards ------------------------------------------------------------------------------------


def card_congresses(*, user: Any, deputy_id: int, year: int) -> list[Congress]:
    """The congresses in which the user may see the deputy's card of `year`."""
    return [c for c in congresses_for(user=user, perm=VIEW_CARD)
            if deputies_reachable(user=user, perm=VIEW_CARD, congress=c, year=year)
            .filter(pk=deputy_id).exists()]


def card_get_for(*, user: Any, congress: Congress, deputy_id: int, year: int) -> ScoreCard:
    cards = ScoreCard.objects.select_related("deputy", "scheme", "congress")
    return scope_filter(user, VIEW_CARD, cards).get(congress=congress, deputy_id=deputy_id,
                                                    year=year)


def _rule_text(rule: Any) -> str:
    from django.utils.translation import gettext as _

    if rule is None:
        return _("不计分")
    points = points_text(rule.points)
    if rule.cap is None:
        return _("每次 %(points)s 分，不设上限") % {"points": points}
    return _("每次 %(points)s 分，全年最多 %(cap)s 分") % {"points": points,
                                                          "cap": points_text(rule.cap)}


def points_text(value: Decimal) -> str:
    """2 for 2.00, 1.5 for 1.50: points read as written."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def card_detail(*, card: ScoreCard, today: datetime.date | None = None) -> dict[str, Any]:
    """A card's lines, each with its rule and the records that brought its points (the
    evidence), and its quotas with whether the deputy is behind."""
    today = today or timezone.localdate()
    labels = activity_labels(congress=card.congress)
    rules = {rule.activity_type: rule for rule in card.scheme.rules.all()}
    records = (DutyRecord.objects.filter(congress=card.congress, deputy=card.deputy,
                                         date__year=card.year, status=DutyRecord.Status.RECORDED)
               .order_by("date", "id"))
    evidence: dict[str, list[DutyRecord]] = {}
    for record in records:
        evidence.setdefault(record.activity_type, []).append(record)
    lines = [{"line": line, "label": labels.get(line.activity_type, line.activity_type),
              "rule": _rule_text(rules.get(line.activity_type)),
              "capped": line.points != line.raw_points,
              "records": evidence.get(line.activity_type, [])}
             for line in card.lines.order_by("-points", "activity_type")]
    on = min(today, datetime.date(card.year, 12, 31))
    behind = {item["code"] for item in quota_behind(card, on=on)}
    quotas = [{"code": code, **status, "behind": code in behind,
               "met": status["actual"] >= status["minimum"]}
              for code, status in (card.quotas or {}).items()]
    return {"lines": lines, "quotas": quotas, "grade_label": grade_label(card=card),
            "capped_total": card.scheme.max_total is not None
            and card.total == card.scheme.max_total}


def grade_label(*, card: ScoreCard) -> str:
    grades = setting_value(congress=card.congress, key="duties.grades",
                           on=datetime.date(card.year, 12, 31))
    return next((g["label"] for g in grades if g["code"] == card.grade), card.grade)


# Rankings ---------------------------------------------------------------------------------------


def ranking_groups(*, congress: Congress) -> QuerySet[DeputyGroup]:
    return DeputyGroup.objects.filter(congress=congress).order_by("kind", "name")


def ranking_areas(*, congress: Congress) -> QuerySet[Area]:
    """The congress's area and those under it: where constituencies and stations lie."""
    return Area.objects.filter(path__startswith=congress.area.path).order_by("path")


def ranking_rows(*, user: Any, congress: Congress, year: int, group: DeputyGroup | None = None,
                 area: Area | None = None) -> list[dict[str, Any]]:
    """The cards of `year` the user may see, for deputies holding a seat that year, best
    first; equal totals share a rank (1, 2, 2, 4)."""
    seated = [d.pk for d in deputies_of(congress=congress, year=year)]
    cards = (scope_filter(user, VIEW_CARD, ScoreCard.objects.filter(
        congress=congress, year=year, deputy_id__in=seated))
        .select_related("deputy").order_by("-total", "deputy__name", "deputy_id"))
    if group is not None:
        cards = cards.filter(deputy__group_memberships__group=group)
    if area is not None:
        in_area = Deputy.objects.filter(
            Q(mandates__term__congress=congress,
              mandates__constituency__area__path__startswith=area.path)
            | Q(station_assignments__station__congress=congress,
                station_assignments__station__area__path__startswith=area.path)).values("pk")
        cards = cards.filter(deputy_id__in=in_area)
    grades = {g["code"]: g["label"] for g in setting_value(
        congress=congress, key="duties.grades", on=datetime.date(year, 12, 31))}
    rows, rank, previous = [], 0, None
    for position, card in enumerate(cards, start=1):
        if card.total != previous:
            rank, previous = position, card.total
        behind = quota_behind(card, on=min(timezone.localdate(), datetime.date(year, 12, 31)))
        rows.append({"rank": rank, "card": card, "grade": grades.get(card.grade, card.grade),
                     "behind": behind})
    return rows


def deputies_without_card(*, congress: Congress, year: int) -> list[int]:
    """Deputies holding a seat in `year` whose card has not been computed yet."""
    seated = {d.pk for d in deputies_of(congress=congress, year=year)}
    done = set(ScoreCard.objects.filter(congress=congress, year=year, deputy_id__in=seated)
               .values_list("deputy_id", flat=True))
    return sorted(seated - done)


# The points scheme ------------------------------------------------------------------------------


def scheme_rows(*, scheme: PointsScheme) -> list[dict[str, Any]]:
    """Every activity type of the congress with its rule in the scheme (or none)."""
    rules = {rule.activity_type: rule for rule in scheme.rules.all()}
    return [{"type": item, "rule": rules.get(item["code"]),
             "rule_text": _rule_text(rules.get(item["code"]))}
            for item in activity_types(congress=scheme.congress)]


def may_manage_points(*, user: Any, congress: Congress) -> bool:
    probe = PointsScheme.objects.filter(congress=congress).first()
    if probe is not None:
        return has_perm(user, MANAGE_POINTS, probe)
    return congress in congresses_for(user=user, perm=MANAGE_POINTS)
