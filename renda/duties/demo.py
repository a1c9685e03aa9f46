"""Demo duty records for 平房区人大 (issue 5): a year of activities of every deputy, the
automatic records drawn from the demo's reception days, opinions and suggestions, the score
cards, a duty-report round and a star-station round.

Deterministic (`random.Random(2028)`) and idempotent: the activities of a year are written
only when that year holds no manual record yet; the automatic ones are collected as the hourly
job does. The demo deputy (demo-deputy) is among the most active and has photos on some of his
records; a few deputies stay behind the contact quota, so that reminders and rankings mean
something. Titles and places are data, in Chinese.
"""

import datetime
import io
import random
from typing import TextIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from renda.accounts.models import User
from renda.core.models import Event
from renda.directory.demo.areas import PINGFANG
from renda.directory.models import Area, Congress, Deputy
from renda.duties.collectors import duty_records_collect
from renda.duties.demo_reports import demo_duty_reports
from renda.duties.demo_stars import demo_star_round
from renda.duties.models import DutyPhoto, DutyRecord, DutyReport, ScoreCard, StarRound
from renda.duties.points import deputies_of, scheme_for, scorecards_recompute

SEED = 2028

# (activity type, title templates, places, people range, weight)
ACTIVITIES = (
    ("station_visit", ["到{station}进站履职", "参加{station}月度议事活动"], ["{station}"], (0, 0), 10),
    ("reception", ["在{station}接待选民", "参加{street}代表接待日"], ["{station}"], (2, 9), 8),
    ("inspection", ["视察{street}老旧小区改造", "视察{street}背街小巷整治", "视察区重点项目建设"],
     ["{street}"], (0, 0), 3),
    ("research", ["调研{street}养老服务设施", "调研{street}中小学周边交通", "调研农贸市场食品安全"],
     ["{street}"], (0, 3), 3),
    ("meeting", ["列席区人大常委会第{n}次会议", "参加代表小组活动会议"], ["区人大常委会会议室"],
     (0, 0), 4),
    ("training", ["参加新任代表履职培训", "参加预算审查监督专题培训", "参加代表履职学习讲座"],
     ["区人大常委会培训中心"], (0, 0), 2),
    ("contact", ["走访{street}社区选民", "入户走访独居老人", "电话联系选民了解诉求"],
     ["{street}"], (1, 5), 6),
    ("mediation", ["参与{street}物业纠纷调解", "参与邻里纠纷调解"], ["{station}"], (2, 6), 1),
    ("group_activity", ["参加代表小组集中视察", "参加代表小组专题调研"], ["{street}"], (0, 0), 2),
)
STREETS = ("兴建街道", "友协街道", "新疆街道", "新伟街道", "保国街道", "平房镇")


def _photo(text: str, rng: random.Random) -> ContentFile:
    image = Image.new("RGB", (640, 420), (rng.randrange(90, 200), rng.randrange(120, 200),
                                          rng.randrange(150, 230)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 380), fill=(255, 255, 255))
    draw.text((60, 330), text.encode("ascii", "ignore").decode() or "renda demo", fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue())


def _station_of(deputy: Deputy) -> str:
    station = deputy.stations.order_by("path").first()
    return station.name if station else "平房区人大代表履职服务中心"


def _year_of_activities(congress: Congress, year: int, until: datetime.date,
                        rng: random.Random, demo_deputy_id: int | None,
                        office: User | None) -> int:
    if DutyRecord.objects.filter(congress=congress, date__year=year,
                                 source=DutyRecord.Source.MANUAL).exists():
        return 0
    deputies = deputies_of(congress=congress, year=year)
    users = dict(User.objects.filter(deputy__in=deputies).values_list("deputy_id", "pk"))
    weights = [a[4] for a in ACTIVITIES]
    records = []
    last_day = min(until, datetime.date(year, 12, 31))
    span = (last_day - datetime.date(year, 1, 1)).days
    if span < 0:
        return 0
    for index, deputy in enumerate(deputies):
        station = _station_of(deputy)
        active = 1.6 if deputy.pk == demo_deputy_id else (0.2 if index % 9 == 4 else
                                                          0.6 + (index % 5) * 0.2)
        count = int(rng.randint(14, 26) * active * (span + 1) / 365)
        for _ in range(count):
            kind, titles, places, people, _weight = rng.choices(ACTIVITIES, weights=weights)[0]
            street = rng.choice(STREETS)
            fill = {"station": station, "street": street, "n": rng.randint(20, 32)}
            records.append(DutyRecord(
                congress=congress, deputy=deputy, activity_type=kind,
                date=datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, span)),
                title=rng.choice(titles).format(**fill), place=rng.choice(places).format(**fill),
                people_count=rng.randint(*people),
                recorded_by_id=users.get(deputy.pk) or (office.pk if office else None)))
        # The office's bonuses and deductions.
        if index % 23 == 7:
            records.append(DutyRecord(
                congress=congress, deputy=deputy, activity_type="absence",
                date=datetime.date(year, 1, 1) + datetime.timedelta(days=min(span, 10)),
                title="区人民代表大会会议无故缺席半天", place="区人民代表大会会场",
                recorded_by=office))
        if index % 17 == 3:
            records.append(DutyRecord(
                congress=congress, deputy=deputy, activity_type="award",
                date=datetime.date(year, 1, 1) + datetime.timedelta(days=min(span, 60)),
                title="被评为优秀人大代表", recorded_by=office))
    if records and office is not None:
        records[len(records) // 2].status = DutyRecord.Status.REJECTED
        records[len(records) // 2].status_note = "活动与代表履职无关，请核实后重新登记"
    DutyRecord.objects.bulk_create(records, batch_size=1000)
    created = list(DutyRecord.objects.filter(congress=congress, date__year=year,
                                             source=DutyRecord.Source.MANUAL))
    record_type = ContentType.objects.get_for_model(DutyRecord)
    Event.objects.bulk_create([
        Event(content_type=record_type, object_id=record.pk, action="record",
              actor_id=record.recorded_by_id, data={"activity_type": record.activity_type,
                                                    "demo": True})
        for record in created], batch_size=1000)
    if demo_deputy_id:
        mine = [r for r in created if r.deputy_id == demo_deputy_id
                and r.activity_type in ("reception", "inspection", "research", "contact")]
        for record in mine[-4:]:
            photo = DutyPhoto(record=record, original_name="现场照片.jpg",
                              uploaded_by_id=record.recorded_by_id)
            content = _photo(f"{record.date} {record.activity_type}", rng)
            photo.size = content.size
            photo.file.save(f"demo-{record.pk}.jpg", content, save=False)
            photo.save()
    return len(records)


def seed_duties(*, stdout: TextIO | None = None, today: datetime.date | None = None) -> dict:
    today = today or datetime.date.today()
    rng = random.Random(SEED)
    area = Area.objects.get(code=PINGFANG.code)
    congress = Congress.objects.get(area=area, level=Congress.Level.DISTRICT)
    office = User.objects.filter(username="demo-office").first()
    demo = User.objects.filter(username="demo-deputy").first()
    demo_deputy_id = demo.deputy_id if demo else None
    written = 0
    with transaction.atomic():
        for year in (today.year - 1, today.year):
            scheme_for(congress=congress, year=year)
            written += _year_of_activities(congress, year, today, rng, demo_deputy_id, office)
            duty_records_collect(congress=congress, year=year)
            scorecards_recompute(congress=congress, year=year)
    if office is not None:
        demo_duty_reports(congress, today.year, office)
        demo_star_round(congress, today.year, office)
    summary = {
        "records": DutyRecord.objects.filter(congress=congress).count(),
        "automatic": DutyRecord.objects.filter(congress=congress,
                                               source=DutyRecord.Source.AUTOMATIC).count(),
        "cards": ScoreCard.objects.filter(congress=congress).count(),
        "written": written,
        "reports": DutyReport.objects.filter(round__congress=congress).count(),
        "star_rounds": StarRound.objects.filter(congress=congress).count(),
    }
    if stdout is not None:
        stdout.write(f"  演示履职记录: {summary['records']} 条（其中自动记录 {summary['automatic']} 条），"
                     f"积分卡 {summary['cards']} 张，述职 {summary['reports']} 人，"
                     f"星级评定 {summary['star_rounds']} 轮\n")
    return summary
