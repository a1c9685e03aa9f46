"""Demo livelihood projects for 平房区人大 (issue 9): last year's cycle completed (rated by the
deputies and the public, the final report published), this year's carried out, and the next
year's cycle collecting proposals.

- The past cycle (year = this year): proposals collected last autumn, screened (two rejected
  with their reasons, one merged), 15 candidates, 10 chosen by the deputies' secret ballot at
  the January session, entered on paper by the demo office as the tellers (through
  `renda.projects.ballots`), published; the projects planned, most with some progress.
- The current cycle (year = next year): collecting, with about 25 proposals from the public,
  the stations and the deputies.

Everything goes through the services. Deterministic (`random.Random(2029)`) and idempotent: a
cycle that exists is left as it is, and the current cycle's proposals carry idempotency keys.
"""

import datetime
import random
from decimal import Decimal
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from renda.accounts.models import Role, RoleAssignment, User
from renda.core.workflow import workflow_apply
from renda.directory.models import Area, Station
from renda.projects import ballots, implementation, services
from renda.projects.models import Ballot, ProjectCycle, Proposal, SurveyResponse
from renda.projects.workflow import CYCLE
from renda.suggestions.demo import Cast

SEED = 2029
S = Proposal.Source

# (title, category, street or "", cost in 万元, description)
PAST = (
    ("老旧小区综合改造", "housing", "兴建街道", 3200, "改造兴建街道 12 个老旧小区的供水、供暖管网和外墙保温。"),
    ("中小学校园安全提升", "education", "", 860, "为全区中小学更新校门安检和视频监控设备。"),
    ("社区老年食堂建设", "elderly", "保国街道", 420, "新建 6 处社区老年食堂，为高龄老人提供助餐。"),
    ("背街小巷路面整修", "transport", "联盟街道", 1500, "整修背街小巷 40 条，补齐路灯和排水。"),
    ("公办幼儿园扩容", "education", "", 2100, "新建一所 12 个班的公办幼儿园。"),
    ("社区卫生服务站标准化", "health", "", 680, "为 8 个社区卫生服务站配齐设备和家庭医生。"),
    ("全民健身步道", "culture", "兴建街道", 390, "沿何家沟建设 5 公里健身步道。"),
    ("农贸市场提档升级", "safety", "保国街道", 750, "改造两处农贸市场，建设食品快检室。"),
    ("公交线路优化和候车亭", "transport", "", 520, "新开两条社区公交，更新候车亭 60 座。"),
    ("老旧小区加装电梯", "housing", "联盟街道", 1800, "为具备条件的多层住宅加装电梯 30 部。"),
    ("城市书房建设", "culture", "", 300, "建设 4 处 24 小时城市书房。"),
    ("居家养老服务中心", "elderly", "", 960, "每个街道建一处居家养老服务中心。"),
    ("零工市场建设", "employment", "", 260, "建设区零工市场和线上就业服务平台。"),
    ("河道生态治理", "environment", "", 2400, "治理何家沟平房段，建设滨水绿道。"),
    ("智慧停车场", "transport", "兴建街道", 1100, "新建两处立体停车场，增加车位 600 个。"),
    ("地下商业街改造", "other", "", 5000, "改造地下商业街为购物中心。"),
    ("高尔夫练习场", "culture", "", 1300, "建设高尔夫练习场。"),
    ("兴建街道老旧小区改造", "housing", "兴建街道", 2000, "改造兴建街道老旧小区管网。"),
)
REJECTED = {
    "地下商业街改造": "属于经营性项目，应由市场主体投资建设，不列入政府民生实事项目。",
    "高尔夫练习场": "受益群众面窄，且用地不符合国土空间规划，不列入。",
}
MERGED = {"兴建街道老旧小区改造": "老旧小区综合改造"}
# The share of the deputies present who vote for each candidate, in ballot order: the first
# ten win a majority of all the deputies, the last five do not.
SUPPORT = (0.97, 0.9, 0.95, 0.8, 0.93, 0.88, 0.78, 0.75, 0.86, 0.82, 0.45, 0.4, 0.83, 0.35,
           0.3)

CURRENT = (
    ("社区嵌入式托育点", "education", "兴建街道", 380, "在 5 个社区建设嵌入式托育点。"),
    ("学校周边交通安全设施", "transport", "", 210, "完善中小学周边的人行横道、护栏和信号灯。"),
    ("老旧小区二次供水改造", "housing", "保国街道", 900, "改造老旧小区二次供水设施。"),
    ("社区助浴服务", "elderly", "", 150, "为失能老人提供上门助浴服务。"),
    ("公共卫生间改造", "environment", "", 330, "改造城区公共卫生间 40 座。"),
    ("口袋公园建设", "environment", "联盟街道", 600, "利用边角地建设口袋公园 10 处。"),
    ("区医院急诊楼扩建", "health", "", 4200, "扩建区人民医院急诊楼。"),
    ("社区充电桩", "transport", "", 280, "在老旧小区建设电动自行车集中充电桩。"),
    ("村屯道路硬化", "transport", "", 1300, "硬化平房镇村屯道路 30 公里。"),
    ("冬季清雪设备", "safety", "", 450, "为街道配备小型清雪设备。"),
    ("社区食堂第二批", "elderly", "兴建街道", 380, "再建 5 处社区老年食堂。"),
    ("中小学食堂改造", "education", "", 700, "改造 10 所中小学食堂后厨。"),
    ("老年大学分校", "culture", "", 520, "在保国街道建设老年大学分校。"),
    ("消防通道治理", "safety", "", 240, "清理老旧小区消防通道，增设标识。"),
    ("社区心理服务站", "health", "", 180, "建设 6 处社区心理服务站。"),
    ("农村生活污水治理", "environment", "", 1600, "治理平房镇 8 个村的生活污水。"),
    ("篮球场和足球场", "culture", "联盟街道", 350, "新建笼式球场 6 处。"),
    ("失业人员技能培训", "employment", "", 200, "开展电工、养老护理员等技能培训 2000 人次。"),
    ("便民菜店", "other", "", 160, "在缺少菜店的小区设便民菜店。"),
    ("背街小巷路灯", "safety", "兴建街道", 190, "补齐背街小巷路灯 300 盏。"),
    ("残疾人康复站", "health", "", 260, "为每个街道建设残疾人康复站。"),
    ("公园无障碍改造", "environment", "", 220, "完成 3 个公园的无障碍改造。"),
    ("社区议事厅", "other", "", 90, "为 10 个社区建设议事厅。"),
    ("小区雨污分流", "housing", "联盟街道", 1400, "为 15 个老旧小区实施雨污分流。"),
    ("图书馆夜间开放", "culture", "", 60, "区图书馆延长开放到晚上九点。"),
)
# Who proposes each of CURRENT, in turn: public, station, deputy.
CURRENT_SOURCES = ((S.PUBLIC,) * 3 + (S.STATION, S.DEPUTY)) * 5
SURNAMES = "王李张刘陈杨赵黄周吴徐孙"


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _areas(cast: Cast) -> dict[str, Area]:
    return {area.name: area for area in services.areas_of(congress=cast.congress)}


def _data(row: tuple, areas: dict[str, Area], rng: random.Random, *,
          contact: bool) -> services.ProposalData:
    title, category, street, cost, description = row
    area = areas.get(street)
    return services.ProposalData(
        title=title, description=description, category=category,
        reasons="群众反映强烈，受益面广。", area_id=area.pk if area else None,
        estimated_cost=Decimal(cost),
        proposer_name=(rng.choice(SURNAMES) + "先生") if contact else "",
        proposer_mobile=f"139{rng.randrange(10**8):08d}" if contact else "")


def seed_projects(*, stdout: TextIO | None = None,
                  today: datetime.date | None = None) -> None:
    today = today or datetime.date.today()
    cast = Cast.load()
    rng = random.Random(SEED)
    if not ProjectCycle.objects.filter(congress=cast.congress, year=today.year - 1).exists():
        with transaction.atomic():
            cycle = _past_cycle(cast, today, rng, year=today.year - 1)
            _completed(cast, cycle, rng)
        _say(stdout, f"  演示民生实事项目: {today.year - 1} 年度已完成测评并通报")
    if not ProjectCycle.objects.filter(congress=cast.congress, year=today.year).exists():
        with transaction.atomic():
            _past_cycle(cast, today, rng, year=today.year)
        _say(stdout, f"  演示民生实事项目: {today.year} 年度已票决确定，正在实施")
    if not ProjectCycle.objects.filter(congress=cast.congress, year=today.year + 1).exists():
        with transaction.atomic():
            count = _current_cycle(cast, today, rng)
        _say(stdout, f"  演示民生实事项目: {today.year + 1} 年度正在征集，已收到 {count} 个项目")


# The past cycle ---------------------------------------------------------------------------------


def _past_cycle(cast: Cast, today: datetime.date, rng: random.Random, *,
                year: int) -> ProjectCycle:
    office = cast.office
    cycle = services.cycle_create(
        actor=office, congress_id=cast.congress.pk, year=year, places=10,
        collect_opens_on=datetime.date(year - 1, 9, 1),
        collect_closes_on=datetime.date(year - 1, 10, 15))
    areas = _areas(cast)
    on = datetime.date(year - 1, 9, 20)
    proposals = {}
    for n, row in enumerate(PAST):
        proposal, _new = services.proposal_submit(
            actor=None, cycle_id=cycle.pk, source=S.PUBLIC, on=on,
            data=_data(row, areas, rng, contact=n % 2 == 0), idempotency_key=f"demo-{year}-{n}")
        proposals[proposal.title] = proposal
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_collection")
    for title, proposal in proposals.items():
        if title in REJECTED:
            services.proposal_reject(actor=office, proposal_id=proposal.pk,
                                     reason=REJECTED[title])
        elif title in MERGED:
            services.proposal_merge(actor=office, proposal_id=proposal.pk,
                                    into_id=proposals[MERGED[title]].pk)
        else:
            services.proposal_accept(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="close_screening")
    for proposal in proposals.values():
        if proposal.title not in REJECTED and proposal.title not in MERGED:
            services.proposal_shortlist(actor=office, proposal_id=proposal.pk)
    services.cycle_move(actor=office, cycle_id=cycle.pk, action="fix_shortlist")
    _ballot(cast, cycle, rng)
    _progress(cast, cycle, today, rng)
    return cycle


def _completed(cast: Cast, cycle: ProjectCycle, rng: random.Random) -> None:
    """A year later: every project done, the government's report, the deputies' satisfaction
    ballot at the January session (on paper), the public survey and the final report."""
    office = cast.office
    for project in cycle.projects.all():
        if project.lead_unit_id is None:
            continue
        implementation.progress_report_add(
            actor=office, project_id=project.pk, progress=100, spent=project.budget or 0,
            note="项目已全部完成并通过验收。", reported_on=datetime.date(cycle.year, 12, 20))
        implementation.project_plan_save(
            actor=office, project_id=project.pk, lead_unit_id=project.lead_unit_id,
            plan=project.plan, budget=project.budget,
            government_report=f"{project.title}已按计划全部完成，群众反映良好。")
    workflow_apply(workflow=CYCLE, pk=cycle.pk, action="start_evaluation", actor=office)
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk,
                                    kind=Ballot.Kind.EVALUATION,
                                    on=datetime.date(cycle.year + 1, 1, 10))
    roll = list(ballot.roll.values_list("deputy_id", flat=True))
    present = [pk for pk in roll if rng.random() < 0.95]
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk, deputy_ids=present)
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    for deputy_id in present:
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk, deputy_id=deputy_id)
    items = list(ballot.items.order_by("order"))
    for _deputy in present:
        choices = {}
        for item in items:
            dice = rng.random()
            choices[str(item.pk)] = ("satisfied" if dice < 0.86 else
                                     "basic" if dice < 0.98 else "dissatisfied")
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices=choices)
    ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    ballots.ballot_publish(actor=office, ballot_id=ballot.pk)
    # The public survey's answers, as the confirmed numbers left them (digests only; the demo
    # skips the SMS step, the real survey never does).
    responses = []
    for project in cycle.projects.all():
        for n in range(rng.randrange(40, 90)):
            dice = rng.random()
            rating = ("satisfied" if dice < 0.8 else "basic" if dice < 0.95 else "dissatisfied")
            responses.append(SurveyResponse(project=project, rating=rating,
                                            phone_digest=f"demo-{cycle.year}-{n:04d}"))
    SurveyResponse.objects.bulk_create(responses)
    implementation.final_report_save(
        actor=office, cycle_id=cycle.pk, publish=True,
        text=f"{cycle.year} 年度十项民生实事项目全部完成。代表满意度测评和群众测评结果见下表，"
             "未达到满意的项目已由区政府提出改进措施。")


def _ballot(cast: Cast, cycle: ProjectCycle, rng: random.Random) -> Ballot:
    """The January session's ballot, on paper: the demo office checks the deputies in, hands
    out the papers and enters them."""
    office = cast.office
    on = datetime.date(cycle.year, 1, 10)
    ballot = ballots.ballot_prepare(actor=office, cycle_id=cycle.pk,
                                    kind=Ballot.Kind.SELECTION, on=on)
    roll = list(ballot.roll.values_list("deputy_id", flat=True))
    present = [pk for pk in roll if rng.random() < 0.93]
    ballots.attendance_mark(actor=office, ballot_id=ballot.pk, deputy_ids=present)
    ballots.ballot_open(actor=office, ballot_id=ballot.pk)
    for deputy_id in present:
        ballots.paper_ballot_issue(actor=office, ballot_id=ballot.pk, deputy_id=deputy_id)
    items = list(ballot.items.order_by("order"))
    for _deputy in present:
        choices = {}
        for item, share in zip(items, SUPPORT, strict=True):
            roll_of_dice = rng.random()
            choices[str(item.pk)] = ("for" if roll_of_dice < share else
                                     "abstain" if roll_of_dice < share + 0.05 else "against")
        ballots.paper_ballot_enter(actor=office, ballot_id=ballot.pk, choices=choices)
    ballot = ballots.ballot_close(actor=office, ballot_id=ballot.pk)
    return ballots.ballot_publish(actor=office, ballot_id=ballot.pk)


def _progress(cast: Cast, cycle: ProjectCycle, today: datetime.date,
              rng: random.Random) -> None:
    units = list(implementation.congress_units(cycle=cycle).order_by("code"))
    for n, project in enumerate(cycle.projects.order_by("proposal__ballot_order")):
        unit = units[n % len(units)] if units else None
        implementation.project_plan_save(
            actor=cast.office, project_id=project.pk, lead_unit_id=unit.pk if unit else None,
            plan=f"{project.title}：年内分三个阶段实施，一季度完成设计招标，二、三季度施工，"
                 "四季度验收。", budget=project.budget)
        if unit is None or n % 4 == 3:
            continue
        progress = min(100, 20 + rng.randrange(0, 70))
        implementation.progress_report_add(
            actor=cast.office, project_id=project.pk, progress=progress,
            spent=((project.budget or Decimal(0)) * progress / 100).quantize(Decimal("0.01")),
            note=f"已完成年度任务的 {progress}%，施工有序推进。",
            reported_on=min(today, timezone.localdate()))


# The current cycle ------------------------------------------------------------------------------


def _deputy_users(cast: Cast) -> list[User]:
    """Accounts to propose as deputies: the demo deputy and two more of the term (their own
    accounts, or new ones without a password, not among the demo logins)."""
    users = list(User.objects.filter(username="demo-deputy", deputy__isnull=False))
    for deputy in [d for d in cast.deputies if d.pk not in {u.deputy_id for u in users}][:2]:
        user = User.objects.filter(deputy=deputy).first()
        if user is None:
            user = User(username=f"deputy-{deputy.pk}", display_name=deputy.name,
                        deputy=deputy)
            user.set_unusable_password()
            user.save()
        if not services.deputy_may_propose(user=user, congress=cast.congress):
            RoleAssignment.objects.create(user=user, role=Role.DEPUTY, congress=cast.congress)
        users.append(user)
    return users


def _current_cycle(cast: Cast, today: datetime.date, rng: random.Random) -> int:
    office, year = cast.office, today.year + 1
    cycle = services.cycle_create(
        actor=office, congress_id=cast.congress.pk, year=year, places=10,
        collect_opens_on=today - datetime.timedelta(days=20),
        collect_closes_on=today + datetime.timedelta(days=25))
    areas = _areas(cast)
    stations = list(Station.objects.filter(congress=cast.congress).order_by("path"))
    deputies = _deputy_users(cast)
    for n, (row, source) in enumerate(zip(CURRENT, CURRENT_SOURCES, strict=True)):
        actor: Any = None
        station_id = None
        if source == S.STATION and stations:
            actor, station_id = office, stations[n % len(stations)].pk
        elif source == S.DEPUTY and deputies:
            actor = deputies[n % len(deputies)]
        else:
            source = S.PUBLIC
        services.proposal_submit(
            actor=actor, cycle_id=cycle.pk, source=source, station_id=station_id, on=today,
            data=_data(row, areas, rng, contact=source != S.DEPUTY),
            idempotency_key=f"demo-{year}-{n}")
    return cycle.proposals.count()
