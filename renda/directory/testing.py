"""A small realistic world for tests: one city, two districts, their congresses, units,
stations and deputies, and one persona per role. Built through the ORM in one call.

    world = build_world()
    world.users["unit_handler"]   # handler of 平房区住房和城乡建设局 (world.units["housing"])
    world.outsider                # office staff of the other district (松北区)
"""

import dataclasses
import datetime

from renda.accounts.models import Role, RoleAssignment, User
from renda.directory.models import (
    Area,
    Congress,
    Constituency,
    Deputy,
    DeputyGroup,
    GroupMembership,
    HandlingUnit,
    Mandate,
    PlenarySession,
    ReceptionDay,
    ReceptionSchedule,
    Station,
    StationAssignment,
    Term,
)

PASSWORD = "renda-test-pass-2026"  # noqa: S105


@dataclasses.dataclass
class World:
    areas: dict[str, Area]
    congresses: dict[str, Congress]
    terms: dict[str, Term]
    units: dict[str, HandlingUnit]
    stations: dict[str, Station]
    deputies: dict[str, Deputy]
    users: dict[str, User]
    outsider: User


def _area(name: str, code: str, level: str, parent: Area | None = None) -> Area:
    return Area.objects.create(name=name, code=code, level=level, parent=parent)


def _user(username: str, role: str, congress: Congress, **scope) -> User:
    deputy = scope.pop("deputy", None)
    user = User.objects.create_user(username=username, password=PASSWORD,
                                     display_name=username, deputy=deputy)
    RoleAssignment.objects.create(user=user, role=role, congress=congress, **scope)
    return user


def build_world() -> World:
    city = _area("哈尔滨市", "230100000000", Area.Level.CITY)
    pingfang = _area("平房区", "230108000000", Area.Level.DISTRICT, city)
    songbei = _area("松北区", "230109000000", Area.Level.DISTRICT, city)
    xingjian = _area("兴建街道", "230108001000", Area.Level.STREET, pingfang)
    youxie = _area("友协街道", "230108002000", Area.Level.STREET, pingfang)
    songbei_street = _area("松北街道", "230109001000", Area.Level.STREET, songbei)
    areas = {"city": city, "pingfang": pingfang, "songbei": songbei, "xingjian": xingjian,
             "youxie": youxie, "songbei_street": songbei_street}

    congresses = {
        "city": Congress.objects.create(name="哈尔滨市人民代表大会", short_name="哈尔滨市人大",
                                        level=Congress.Level.CITY, area=city),
        "pingfang": Congress.objects.create(name="哈尔滨市平房区人民代表大会",
                                            short_name="平房区人大",
                                            level=Congress.Level.DISTRICT, area=pingfang),
        "songbei": Congress.objects.create(name="哈尔滨市松北区人民代表大会",
                                           short_name="松北区人大",
                                           level=Congress.Level.DISTRICT, area=songbei),
    }
    terms = {}
    for key, congress in congresses.items():
        number = 16 if key == "city" else 17
        terms[key] = Term.objects.create(congress=congress, number=number,
                                         start_date=datetime.date(2022, 1, 1))
        PlenarySession.objects.create(term=terms[key], number=1,
                                      start_date=datetime.date(2022, 1, 5),
                                      end_date=datetime.date(2022, 1, 8))

    gov = HandlingUnit.objects.create(name="平房区人民政府", code="PF-GOV",
                                      kind=HandlingUnit.Kind.GOVERNMENT, area=pingfang)
    units = {
        "gov": gov,
        "housing": HandlingUnit.objects.create(name="平房区住房和城乡建设局", code="PF-ZJJ",
                                               kind=HandlingUnit.Kind.DEPARTMENT,
                                               area=pingfang, parent=gov),
        "health": HandlingUnit.objects.create(name="平房区卫生健康局", code="PF-WJJ",
                                              kind=HandlingUnit.Kind.DEPARTMENT, area=pingfang,
                                              parent=gov),
        "songbei_gov": HandlingUnit.objects.create(name="松北区人民政府", code="SB-GOV",
                                                   kind=HandlingUnit.Kind.GOVERNMENT,
                                                   area=songbei),
    }
    stations = {
        "xingjian": Station.objects.create(
            code="PF-XJ-01", name="兴建街道人大代表联络站", kind=Station.Kind.STATION,
            area=xingjian, congress=congresses["pingfang"], address="平房区兴建路 12 号",
            latitude="45.605000", longitude="126.637000", hotline="0451-86801234",
            opening_hours="周一至周五 8:30-16:30"),
        "youxie": Station.objects.create(
            code="PF-YX-01", name="友协街道人大代表联络站", kind=Station.Kind.STATION,
            area=youxie, congress=congresses["pingfang"], hotline="0451-86805678"),
        "songbei": Station.objects.create(
            code="SB-SB-01", name="松北街道人大代表之家", kind=Station.Kind.HOME,
            area=songbei_street, congress=congresses["songbei"]),
    }
    constituency = Constituency.objects.create(term=terms["pingfang"], number=1,
                                               name="第一选区", area=xingjian)
    deputies = {}
    for key, name, station, term in [
        ("wang", "王建国", "xingjian", "pingfang"),
        ("li", "李秀英", "xingjian", "pingfang"),
        ("zhao", "赵志强", "youxie", "pingfang"),
        ("sun", "孙丽华", "songbei", "songbei"),
    ]:
        deputy = Deputy.objects.create(
            name=name, gender=Deputy.Gender.MALE, occupation="哈尔滨某公司职工",
            mobile=f"1380451{len(deputies):04d}", id_number=f"23010819800101{len(deputies):04d}",
            home_address="平房区某小区 1 栋 1 单元 101 室")
        Mandate.objects.create(deputy=deputy, term=terms[term], start_date=datetime.date(2022, 1, 5),
                               constituency=constituency if term == "pingfang" else None)
        StationAssignment.objects.create(station=stations[station], deputy=deputy)
        deputies[key] = deputy
    # 王建国 is also a city deputy: one person in two congresses.
    Mandate.objects.create(deputy=deputies["wang"], term=terms["city"],
                           start_date=datetime.date(2022, 1, 5))
    group = DeputyGroup.objects.create(congress=congresses["pingfang"], name="教育专业代表小组",
                                       kind=DeputyGroup.Kind.PROFESSIONAL)
    GroupMembership.objects.create(group=group, deputy=deputies["wang"],
                                   role=GroupMembership.Role.LEADER)
    schedule = ReceptionSchedule.objects.create(
        station=stations["xingjian"], frequency=ReceptionSchedule.Frequency.MONTHLY,
        weekday=ReceptionSchedule.Weekday.TUE, week_of_month=1,
        start_time=datetime.time(9), end_time=datetime.time(11, 30),
        valid_from=datetime.date(2024, 1, 1))
    schedule.deputies.add(deputies["wang"], deputies["li"])
    day = ReceptionDay.objects.create(
        station=stations["xingjian"], date=datetime.date(2026, 12, 12),
        start_time=datetime.time(14), end_time=datetime.time(16), topic="老旧小区改造专题接待")
    day.deputies.add(deputies["li"])

    pf = congresses["pingfang"]
    users = {
        "admin": _user("admin", Role.ADMIN, pf),
        "office_staff": _user("office", Role.OFFICE_STAFF, pf),
        "leader": _user("leader", Role.LEADER, pf),
        "evaluator": _user("evaluator", Role.EVALUATOR, pf),
        "station_staff": _user("station", Role.STATION_STAFF, pf, station=stations["xingjian"]),
        "unit_handler": _user("handler", Role.UNIT_HANDLER, pf, unit=units["housing"]),
        "unit_head": _user("head", Role.UNIT_HEAD, pf, unit=units["housing"]),
        "deputy": _user("deputy", Role.DEPUTY, pf, deputy=deputies["wang"]),
    }
    outsider = _user("outsider", Role.OFFICE_STAFF, congresses["songbei"])
    return World(areas=areas, congresses=congresses, terms=terms, units=units,
                 stations=stations, deputies=deputies, users=users, outsider=outsider)
