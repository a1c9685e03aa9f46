"""Public disclosure of suggestions and their replies (国办发〔2014〕46号: replies on public
matters are published, with the deputies' contact details and any secrets removed).

What the public reads: registered suggestions (from 立案 on, not withdrawn) marked public
(`Suggestion.is_public`), and of their replies only those marked public (`Reply.is_public`).
The pages get `PublicSuggestion` and `PublicReply` rows built from a fixed list of fields, never
a model instance: no template can reach a deputy's mobile, ID number or address, nor the unit's
contact person. Names of deputies who are not in the public directory are left out, and any
telephone number, e-mail or ID number written in a title, content or reply is masked.

A page costs a fixed number of queries whatever its length: the count, the page, its units, its
replies and the labels of its congresses (and the filter choices).
"""

import dataclasses
import datetime
import re
from collections import defaultdict
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.deadlines import local_zone
from renda.core.masking import _CARD_GROUPED, _EMAIL, _ID_NUMBER, _LANDLINE, _MOBILE, _SOCIAL
from renda.directory.models import Congress, HandlingUnit, PlenarySession
from renda.directory.selectors import setting_value
from renda.suggestions.models import Assignment, Reply, Suggestion

PAGE_SIZE = 20
S = Suggestion.Status
PUBLIC_STATES = (S.REGISTERED, S.ASSIGNED, S.REPLIED, S.REHANDLING, S.CLOSED)
ANSWERING = (Assignment.Role.LEAD, Assignment.Role.SEPARATE)
QUERY_MAX_LENGTH = 50
ENTRY_FIELDS = ("pk", "code", "title", "content", "year", "category", "status", "kind",
                "registered_at", "congress_id", "congress__short_name", "lead_deputy__name",
                "lead_deputy__is_public")


def mask_contacts(text: str) -> str:
    """E-mail addresses, WeChat or QQ accounts, ID and card numbers, mobile and landline
    numbers masked (the rules of `renda.core.masking.mask_text` for contact details; house
    numbers and names stay: a suggestion is about public places, by a named deputy)."""
    text = text or ""
    for pattern, replacement in ((_EMAIL, "***"), (_SOCIAL, _social), (_ID_NUMBER, _stars),
                                 (_CARD_GROUPED, _stars), (_MOBILE, _stars), (_LANDLINE, _stars)):
        text = pattern.sub(replacement, text)
    return text


def _stars(match: re.Match) -> str:
    return re.sub(r"[\dA-Za-z]", "*", match.group())


def _social(match: re.Match) -> str:
    return match.group(1) + match.group(2) + "*" * len(match.group(3))


@dataclasses.dataclass(frozen=True)
class PublicReply:
    unit: str
    category: str
    round: int
    replied_on: datetime.date
    body: str


@dataclasses.dataclass(frozen=True)
class PublicSuggestion:
    pk: int
    code: str
    title: str
    content: str
    year: int
    kind: str
    category: str
    status: str
    congress: str
    lead_deputy: str  # empty when the deputy is not in the public directory
    registered_on: datetime.date | None
    units: list[tuple[str, str]]  # (unit, role label)
    replies: list[PublicReply]


# Reads -----------------------------------------------------------------------------------------


def public_suggestions() -> QuerySet[Suggestion]:
    return Suggestion.objects.filter(is_public=True, status__in=PUBLIC_STATES)


def public_search(*, q: str = "", year: int | None = None, category: str = "",
                  unit: int | None = None, congress: int | None = None) -> QuerySet[Suggestion]:
    items = public_suggestions()
    if congress:
        items = items.filter(congress_id=congress)
    if year:
        items = items.filter(year=year)
    if category:
        items = items.filter(category=category)
    if unit:
        items = items.filter(Exists(Assignment.objects.filter(
            suggestion=OuterRef("pk"), unit_id=unit).exclude(status=Assignment.Status.CANCELLED)))
    q = (q or "").replace("\x00", "").strip()[:QUERY_MAX_LENGTH]
    for word in q.split():
        items = items.filter(Q(title__icontains=word) | Q(content__icontains=word))
    return items


def public_list(*, page: Any = None, **search: Any) -> Page:
    """One page of public suggestions, the latest year and number first; its `object_list`
    holds `PublicSuggestion` rows. The page's ids are found first, from the narrow columns,
    and only those rows are read in full: sorting a million suggestions with their contents
    would cost seconds. Eight queries whatever the page's length (for one congress)."""
    ids = public_search(**search).order_by("-year", "-number", "-id").values_list("pk", flat=True)
    result = Paginator(ids, PAGE_SIZE).get_page(page)
    order = list(result.object_list)
    rows = {row["pk"]: row for row in Suggestion.objects.filter(pk__in=order)
            .values(*ENTRY_FIELDS)}
    result.object_list = _entries([rows[pk] for pk in order])
    return result


def public_get(*, pk: int) -> PublicSuggestion:
    """One public suggestion; `Suggestion.DoesNotExist` for any other."""
    rows = list(public_suggestions().filter(pk=pk).values(*ENTRY_FIELDS))
    if not rows:
        raise Suggestion.DoesNotExist
    return _entries(rows)[0]


def _entries(rows: list[dict[str, Any]]) -> list[PublicSuggestion]:
    ids = [row["pk"] for row in rows]
    categories, reply_labels = _labels({row["congress_id"] for row in rows})
    units, replies = _units_of(ids), _replies_of(ids, rows, reply_labels)
    return [PublicSuggestion(
        pk=row["pk"], code=row["code"], title=mask_contacts(row["title"]),
        content=mask_contacts(row["content"]), year=row["year"],
        kind=str(Suggestion.Kind(row["kind"]).label),
        category=categories.get((row["congress_id"], row["category"]), row["category"]),
        status=str(S(row["status"]).label), congress=row["congress__short_name"],
        lead_deputy=row["lead_deputy__name"] if row["lead_deputy__is_public"] else "",
        registered_on=_day(row["registered_at"]), units=units.get(row["pk"], []),
        replies=replies.get(row["pk"], [])) for row in rows]


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(moment, local_zone()).date() if moment else None


def _units_of(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    assignments = (Assignment.objects.filter(suggestion_id__in=ids)
                   .exclude(status=Assignment.Status.CANCELLED).order_by("role", "id")
                   .values_list("suggestion_id", "unit__name", "role"))
    for suggestion_id, name, role in assignments:
        found[suggestion_id].append((name, str(Assignment.Role(role).label)))
    return found


def _replies_of(ids: list[int], rows: list[dict[str, Any]],
                labels: dict[tuple[int, str], str]) -> dict[int, list[PublicReply]]:
    """The public replies of lead and separate units in the order given; a first reply stays
    beside the one that followed the deputy's dissatisfaction (both are part of the record)."""
    congress_of = {row["pk"]: row["congress_id"] for row in rows}
    found: dict[int, list[PublicReply]] = defaultdict(list)
    replies = (Reply.objects.filter(assignment__suggestion_id__in=ids, is_public=True,
                                    assignment__role__in=ANSWERING)
               .exclude(assignment__status=Assignment.Status.CANCELLED)
               .order_by("created_at", "id")
               .values_list("assignment__suggestion_id", "assignment__unit__name", "category",
                            "round", "created_at", "body"))
    for suggestion_id, unit, category, round, created_at, body in replies:
        label = labels.get((congress_of[suggestion_id], category), category)
        found[suggestion_id].append(PublicReply(unit=unit, category=label, round=round,
                                                replied_on=_day(created_at),
                                                body=mask_contacts(body)))
    return found


def _labels(congress_ids: set[int]) -> tuple[dict[tuple[int, str], str], ...]:
    """The labels of the suggestion categories and of the reply categories, by (congress id,
    code)."""
    categories, replies = {}, {}
    today = timezone.localdate()
    for congress in Congress.objects.filter(pk__in=congress_ids):
        for key, labels in (("suggestions.categories", categories),
                            ("suggestions.reply_categories", replies)):
            for item in setting_value(congress=congress, key=key, on=today):
                labels[(congress.pk, item["code"])] = str(item.get("label") or item["code"])
    return categories, replies


def public_choices(*, congress: int | None = None) -> dict[str, list[tuple[Any, str]]]:
    """The filters' choices: congresses with public suggestions, and of the chosen one (or the
    first) the years of its sessions, its categories and the handling units in its area."""
    congresses = list(Congress.objects.filter(
        Exists(public_suggestions().filter(congress=OuterRef("pk")))).select_related("area"))
    chosen = next((c for c in congresses if c.pk == congress), congresses[0] if congresses
                  else None)
    # The years of the congress's plenary sessions: a full scan for the years actually used
    # would cost more than the page.
    years = sorted({s.start_date.year for s in PlenarySession.objects.filter(
        term__congress=chosen)} if chosen else set(), reverse=True)
    categories, units = [], []
    if chosen is not None:
        today = timezone.localdate()
        categories = [(item["code"], str(item.get("label") or item["code"])) for item in
                      setting_value(congress=chosen, key="suggestions.categories", on=today)]
        units = list(HandlingUnit.objects.filter(area__path__startswith=chosen.area.path,
                                                 is_active=True)
                     .order_by("path").values_list("pk", "name"))
    return {"congresses": [(c.pk, str(c)) for c in congresses], "years": [(y, str(y)) for y
                                                                         in years],
            "categories": categories, "units": units,
            "label": _("全部") if chosen is None else str(chosen)}
