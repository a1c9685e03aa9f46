"""Demo suggestions still in progress, made through the services of each stage by the demo
users: the demo deputy drafts and submits, the office registers and assigns, the housing
bureau's demo handler (the administrator for units without a demo login) signs for them,
records its talk with the deputy and replies. They are dated today: the closed period of the
current year. An item is made only when the demo deputy has no suggestion of its title, so a
second run adds nothing."""

import dataclasses
import random

from django.db import transaction
from django.utils import timezone

from renda.accounts.models import User
from renda.core.calendar import CalendarNotCovered
from renda.directory.demo.areas import PINGFANG
from renda.suggestions.models import Assignment, Suggestion
from renda.suggestions.services.drafting import suggestion_draft_create, suggestion_submit
from renda.suggestions.services.handling import (
    assignment_acknowledge,
    assignment_reply,
    contact_record_add,
    suggestion_assign,
)
from renda.suggestions.services.review import suggestion_register

SEED = 2028
HANDLER = "demo-handler"  # 平房区住房和城乡建设局
ADMIN = "demo-admin"  # acts for the units without a demo login
STAGES = ("draft", "submitted", "registered", "assigned", "acknowledged", "replied")

# (title template, category code, unit code suffix, what is asked)
THEMES = (
    ("关于{place}冬季供热管网改造的建议", "urban", "ZJJ", "对老旧供热管网进行改造"),
    ("关于{place}开展老旧住宅适老化改造的建议", "urban", "ZJJ", "为老年住户加装扶手、坡道"),
    ("关于{place}增设电动车集中充电设施的建议", "safety", "YJJ", "建设电动车集中充电棚"),
    ("关于{place}建设口袋公园的建议", "environment", "CGJ", "利用边角地建设口袋公园"),
    ("关于{place}设置老年人助餐点的建议", "social", "MZJ", "在社区设置老年人助餐点"),
    ("关于{place}规范共享单车停放的建议", "transport", "JTJ", "施划共享单车停放区并加强调度"),
    ("关于{place}增设无障碍设施的建议", "urban", "ZJJ", "完善人行道和公共建筑的无障碍设施"),
    ("关于改善{place}学校周边通行条件的建议", "education", "JYJ", "拓宽学校门前道路、设置接送区"),
)
# How many items stop at each stage, and which units: the housing bureau's share lands in the
# demo handler's inbox.
PLAN = (("draft", 4), ("submitted", 4), ("registered", 6), ("assigned", 8),
        ("acknowledged", 6), ("replied", 4))


@dataclasses.dataclass(frozen=True)
class Work:
    stage: str
    title: str
    content: str
    category: str
    unit: str


def plan_work() -> list[Work]:
    rng = random.Random(SEED)
    places = [f"{s.name}{c}" for s in PINGFANG.streets for c in s.communities]
    rng.shuffle(places)
    items, index = [], 0
    for stage, count in PLAN:
        for _n in range(count):
            title, category, unit, ask = THEMES[index % len(THEMES)]
            place = places[index % len(places)]
            content = (f"{place}居民多次反映这方面的困难，入冬以来更加突出。\n"
                       f"建议：{ask}，并在明年一季度前拿出方案。")
            # Housing-bureau themes go to it; the replied ones all do (its handler answers).
            unit = "ZJJ" if stage == "replied" else unit
            items.append(Work(stage, title.format(place=place), content, category, unit))
            index += 1
    return items


def seed_in_progress(cast) -> int:
    """Make the missing items; returns how many were made."""
    deputy_user = User.objects.filter(username="demo-deputy").select_related("deputy").first()
    if deputy_user is None or deputy_user.deputy is None:
        return 0
    actors = {"office": cast.office, "housing": User.objects.get(username=HANDLER),
              "admin": User.objects.get(username=ADMIN), "deputy": deputy_user}
    known = set(Suggestion.objects.filter(congress=cast.congress,
                                          lead_deputy=deputy_user.deputy)
                .values_list("title", flat=True))
    made = 0
    for work in plan_work():
        if work.title in known:
            continue
        try:
            with transaction.atomic():
                _advance(work, cast, actors)
        except CalendarNotCovered:
            # Working days of a year whose holidays are not entered yet: leave it out.
            continue
        made += 1
    return made


def _advance(work: Work, cast, actors: dict[str, User]) -> None:
    deputy = actors["deputy"]
    suggestion = suggestion_draft_create(
        actor=deputy, congress=cast.congress, lead_deputy=deputy.deputy, title=work.title,
        content=work.content, category=work.category)
    order = STAGES.index(work.stage)
    if order >= 1:
        suggestion_submit(actor=deputy, suggestion_id=suggestion.pk)
    if order >= 2:
        suggestion_register(actor=actors["office"], suggestion_id=suggestion.pk)
    if order >= 3:
        suggestion_assign(actor=actors["office"], suggestion_id=suggestion.pk,
                          lead_unit_id=cast.units[work.unit].pk)
    if order >= 4:
        assignment = Assignment.objects.get(suggestion=suggestion)
        handler = actors["housing"] if work.unit == "ZJJ" else actors["admin"]
        assignment_acknowledge(actor=handler, assignment_id=assignment.pk)
        contact_record_add(actor=handler, assignment_id=assignment.pk, method="face_to_face",
                           contacted_on=timezone.localdate(),
                           participants=f"{deputy.deputy.name}代表、承办科室负责人",
                           note="当面听取代表意见，介绍办理安排。")
    if order >= 5:
        assignment_reply(actor=actors["housing"], assignment_id=assignment.pk, category="B",
                         body="您的建议已列入明年工作计划，我局正在开展前期调查和方案设计。",
                         signer="孙志刚", promised_date=timezone.localdate().replace(
                             year=timezone.localdate().year + 1, month=10, day=31))
