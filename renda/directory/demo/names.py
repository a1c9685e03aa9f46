"""What a fake deputy looks like: name, sex, ethnicity, party, schooling and a job title in
平房区 or 松北区 (their big employers, schools, hospitals, villages). All invented."""

import random

from faker import Faker

from renda.directory.demo.areas import District, Street

# Harbin is mostly Han, with Manchu, Korean, Hui and Mongol communities.
ETHNICITIES = (("汉族", 88), ("满族", 6), ("朝鲜族", 3), ("回族", 2), ("蒙古族", 1))
PARTIES = (("中共党员", 66), ("群众", 17), ("民盟盟员", 3), ("民建会员", 3), ("民进会员", 2),
           ("九三学社社员", 2), ("农工党党员", 2), ("致公党党员", 1), ("无党派人士", 4))
SCHOOLING = (("大学本科", 50), ("研究生", 15), ("大专", 22), ("高中", 10), ("初中", 3))
BRANDS = ("鑫盛", "龙源", "冰城", "北方", "兴隆", "金诚", "顺达", "华泰", "康润", "恒信", "松江", "丰泽")
TRADES = ("商贸", "食品", "建材", "物流", "餐饮管理", "农业科技", "物业服务", "电子科技")
ENTERPRISES = {
    "pingfang": ("哈尔滨东安汽车动力股份有限公司", "中国航发哈尔滨东安发动机有限公司",
                 "航空工业哈尔滨飞机工业集团有限责任公司", "东北轻合金有限责任公司",
                 "哈尔滨哈南工业新城建设投资有限公司"),
    "songbei": ("哈尔滨冰雪大世界股份有限公司", "哈尔滨太阳岛风景区资产经营有限公司",
                "哈尔滨工大机器人集团股份有限公司", "黑龙江省建设投资集团有限公司",
                "哈尔滨新区产业投资集团有限公司"),
}
# A title starting with "!" is held by one person only (a principal, a street's party
# secretary); once taken, another title of the list is drawn. The last one is never unique.
ENTERPRISE_JOBS = ("!党委书记、董事长", "!总经理", "!工会主席", "质量部部长", "车间主任",
                   "高级工程师", "高级技师", "班组长", "工程师")
# Job templates by sector: {d} district, {s} street or town, {ss} its short name, {c} community,
# {b} a brand. The town variants apply to 镇 and their villages.
STREET_JOBS = {
    "community": ("!{d}{s}{c}党委书记、居委会主任", "!{d}{s}{c}党委副书记", "{d}{s}{c}网格员"),
    "education": ("!{d}{ss}小学校长", "!{d}{ss}幼儿园园长", "{d}{ss}中学教师", "{d}{ss}小学教师"),
    "medical": ("!{d}{s}社区卫生服务中心主任", "{d}人民医院副院长", "{d}人民医院护士长",
                "{d}中医医院医师", "{d}人民医院主任医师"),
    "law": ("!哈尔滨市公安局{d}分局{ss}派出所所长", "!{d}司法局{ss}司法所所长",
            "黑龙江{b}律师事务所律师"),
    "urban": ("!{d}城市管理和行政执法局{ss}中队中队长", "哈尔滨{b}物业服务有限公司{c}项目经理",
              "哈尔滨{b}供热有限公司经理", "{d}市政设施维护中心工程师"),
    "finance": ("!中国工商银行哈尔滨{d}支行行长", "!哈尔滨银行{d}支行行长",
                "黑龙江{b}会计师事务所注册会计师", "国家税务总局哈尔滨市{d}税务局科长"),
    "government": ("!{d}{s}党工委书记", "!{d}{s}办事处主任", "!{d}{s}人大工委主任",
                   "{d}人大常委会副主任", "{d}人民政府副区长", "{d}{s}办事处副主任"),
}
TOWN_JOBS = {
    "community": ("!{d}{s}{c}党支部书记、村委会主任", "{d}{s}{c}村委会委员"),
    "agriculture": ("!{d}{s}农业综合服务站站长", "{d}{s}{c}{b}农民专业合作社理事长",
                    "{d}{s}{c}家庭农场主", "{d}{s}{c}种植户"),
    "education": ("!{d}{s}中心学校校长", "{d}{s}中心学校教师"),
    "medical": ("!{d}{s}卫生院院长", "{d}{s}{c}卫生室乡村医生"),
    "government": ("!{d}{s}党委书记", "!{d}{s}镇长", "!{d}{s}人大主席", "{d}{s}副镇长"),
}
STREET_SECTORS = (("community", 18), ("education", 12), ("medical", 12), ("law", 7),
                  ("enterprise", 18), ("business", 10), ("urban", 8), ("finance", 5),
                  ("government", 6))
TOWN_SECTORS = (("agriculture", 40), ("community", 20), ("education", 8), ("medical", 8),
                ("business", 10), ("government", 8), ("enterprise", 6))
CITY_SECTORS = (("enterprise", 25), ("medical", 12), ("education", 12), ("law", 8),
                ("government", 20), ("finance", 8), ("business", 10), ("urban", 5))


def weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def person_name(fake: Faker, female: bool, used: set[str]) -> str:
    """A Chinese name not used yet in this demo (real deputies can share names; ours don't)."""
    while True:
        given = fake.first_name_female() if female else fake.first_name_male()
        name = fake.last_name() + given
        if name not in used:
            used.add(name)
            return name


def _business(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "个体工商户"
    job = rng.choice(("董事长", "总经理", "执行董事"))
    return f"哈尔滨{rng.choice(BRANDS)}{rng.choice(TRADES)}有限公司{job}"


def _templates(sector: str, district: District, street: Street) -> tuple[str, ...]:
    if sector == "enterprise":
        return tuple(f"{company}{job}" if not job.startswith("!") else f"!{company}{job[1:]}"
                     for company in ENTERPRISES[district.key] for job in ENTERPRISE_JOBS)
    jobs = TOWN_JOBS if street.is_town else STREET_JOBS
    return jobs.get(sector) or STREET_JOBS[sector]


def occupation(rng: random.Random, sector: str, district: District, street: Street,
               community: str, used: set[str]) -> str:
    """A job title for a deputy of `sector` living in `community`; titles one person holds
    (marked "!") are handed out once."""
    if sector == "business":
        return _business(rng)
    templates = _templates(sector, district, street)
    fields = {"d": district.name, "s": street.name, "ss": street.short, "c": community}
    for _ in range(4):
        template = rng.choice(templates)
        title = template.lstrip("!").format(b=rng.choice(BRANDS), **fields)
        if not template.startswith("!") or title not in used:
            break
    else:
        title = templates[-1].format(b=rng.choice(BRANDS), **fields)
    used.add(title)
    return title
