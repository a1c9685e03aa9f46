"""Demo citizens' opinions (民意) for 平房区人大 and 松北区人大, on top of the directory demo.

About fifty messages of the kind stations really receive — lifts for old buildings, cold
radiators, potholes, school-gate traffic, noise, parking — submitted through the real services
on every channel, addressed to demo stations and deputies, then moved along the workflow by the
demo users into a spread of states: some waiting for triage, some answered on the spot, some with
a handling unit, replied, rated (solved or not), declined, a few overdue. Their logs are then
moved back in time over the last four months, some steps late, so that the statistics and the
registers have months, quarters and late responses to show (see "When things happened").

Idempotent: every item carries the key `demo-opinion-{n}`; an item that already exists is left
as it is (only items created by this run are moved along), so a second run changes nothing.
Deterministic: names, phone numbers and addressees come from `random.Random(2026)`, drawn the
same way whatever the database holds. Contents are data, written in Chinese, not translated.
The names and mobile numbers are invented.
"""

import contextlib
import dataclasses
import datetime
import random
from collections import Counter
from typing import Any, TextIO

from django.db import transaction
from django.utils import timezone

from renda.accounts.models import User
from renda.core.calendar import CalendarNotCovered
from renda.core.deadlines import DeadlineRule, due_at, local_zone
from renda.core.models import Event
from renda.core.workflow import events_of
from renda.directory.models import Congress, Deputy, HandlingUnit, Mandate, Station
from renda.directory.selectors import setting_value
from renda.opinions import services
from renda.opinions.models import Opinion, OpinionReply
from renda.opinions.wall_demo import seed_wall

SEED = 2026
KEY = "demo-opinion-{n}"
C = Opinion.Channel
R = Opinion.Rating
D = Opinion.DeclineReason
# Where each district's congress is found: its service centre belongs to it.
CENTRES = {"pf": "PF-ZX-01", "sb": "SB-ZX-01"}
OFFICE = {"pf": "demo-office", "sb": "demo-songbei"}
STATION_STAFF = ("demo-station", "PF-XJ-01")  # the station the demo station clerk works in
UNIT_HANDLER = ("demo-handler", "PF-ZJJ")  # the unit the demo handler works in
ADMIN = "demo-admin"  # a superuser: acts for the units that have no demo login

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ("秀兰", "桂英", "玉梅", "淑华", "建国", "国庆", "志强", "海燕", "丽娟", "振华", "文静",
         "明", "伟", "磊", "洋", "勇", "军", "杰", "娜", "静", "敏", "强", "鹏", "宇航", "思彤",
         "子涵", "浩然", "雨欣", "春雷", "长海", "凤芝", "德福", "晓东", "红梅", "立新")


@dataclasses.dataclass(frozen=True)
class Item:
    """One demo opinion and where the demo leaves it.

    `plan` is the state to reach: a status, or "closed"/"dissatisfied" reached through a
    rating, "reopened" (dissatisfied, then handled again), "overdue" (transferred or accepted
    with the deadline already past) and "extended" (accepted with its one extension).
    """

    district: str  # "pf" or "sb"
    channel: str
    type_code: str
    title: str
    content: str
    plan: str = "received"
    unit: str = ""  # handling unit code, for transferred items
    station: str = ""  # addressed station code; empty: drawn at random
    note: str = ""  # the triage note, or the reply
    rating: str = ""
    comment: str = ""
    solved: bool | None = True  # the citizen's answer to "is it solved?" when rating
    reason: str = ""  # decline reason
    anonymous: bool = False
    publish: bool = False
    to_demo_deputy: bool = False


ITEMS = (
    # 平房区 -------------------------------------------------------------------------------
    Item("pf", C.QR_STATION, "proposal", "老旧小区加装电梯的申请一直没有进展",
         "我住在兴建街道兴建路12号院3号楼，楼龄快三十年了，六层没有电梯。楼里一半以上是七十岁以上的"
         "老人，我母亲腿脚不好，一年多没下过楼。今年三月全楼已经有超过三分之二的住户签字同意加装电梯，"
         "材料也交到社区了，到现在没有任何答复。希望有关部门说明审批到了哪一步、还缺什么材料。",
         "closed", "PF-ZJJ", "PF-XJ-01",
         "经核查，该楼加装电梯申请材料已于10月补齐，区住建局已完成联合审查并出具意见，施工单位已进场"
         "勘测，预计明年5月底前完工投用。加装过程中如有问题可联系社区或我局城建科。",
         R.SATISFIED, "终于有信了，谢谢代表和住建局的同志。", publish=True),
    Item("pf", C.WEB, "help", "小区供暖不热，室温只有十四五度",
         "友协街道友协小区5栋2单元，入冬以来家里室温一直在14到16度之间，老人孩子都冻感冒了。"
         "给供热公司打了好几次电话，来人放了放气就走了，还是不热。同单元好几户都是这个情况。"
         "按规定室温应该不低于18度，请督促供热单位彻底排查管网。",
         "closed", "PF-ZJJ", note="区住建局会同供热公司入户测温，确认该单元末端管线堵塞，已于当日"
         "完成管道清洗和阀门调整，复测室温19.5度。我局将在本采暖期内每周回访一次。",
         rating=R.BASICALLY_SATISFIED, comment="现在热了，希望别再反复。"),
    Item("pf", C.HOTLINE, "help", "新疆大街与友协路交口道路坑洼需维修",
         "新疆大街和友协路交口往南一百米左右，路面有好几个大坑，最深的有十多厘米，下雨后积水看不出来，"
         "前几天晚上有骑电动车的人摔倒了。这条路早晚上下班车流量很大，请尽快修补，入冬前最好能处理。",
         "replied", "PF-ZJJ", note="已安排市政养护队伍对交口南侧坑槽进行冷补料应急修补，明年开春后"
         "将该路段纳入大中修计划。"),
    Item("pf", C.QR_DEPUTY, "proposal", "学校门口上下学时段交通拥堵",
         "平房区第一小学门口每天早上7点20到8点、下午3点半到4点半堵得水泄不通，家长的车在路边双排停，"
         "孩子从车流中间穿过去很危险。建议在学校门口施划临时停车泊位、安排交警和志愿者疏导，"
         "或者错峰放学。", "accepted", "PF-GAJ", to_demo_deputy=True),
    Item("pf", C.RECEPTION_DAY, "proposal", "社区养老服务中心能否增加助餐服务",
         "我们保国街道的老人很多是独居的，子女在外地，做饭不方便。社区养老服务站现在只有棋牌室和理疗，"
         "没有老年食堂。听说别的区已经开了社区助餐点，一顿饭十来块钱。希望我们这边也能办起来，"
         "哪怕先从每周几天开始。", "transferred", "PF-MZJ", "PF-BG-01"),
    Item("pf", C.QR_STATION, "complaint", "垃圾分类投放点异味严重",
         "联盟街道联盟小区东门的垃圾分类投放点离住宅楼不到十米，厨余垃圾桶经常满了没人清，"
         "夏天苍蝇多、味道大，现在天冷了也能闻到。希望增加清运次数、定期冲洗消杀，或者把投放点"
         "往远处挪一挪。", "closed", "PF-CGJ", "PF-LM-01",
         "区城管执法局已督促物业和清运企业将厨余垃圾清运调整为每日两次，投放点每周冲洗消杀，"
         "并加装了密闭桶盖。", R.SATISFIED),
    Item("pf", C.WEB, "complaint", "夜间施工噪音扰民",
         "新伟街道新伟路附近的工地连续半个月晚上十一二点还在施工，打桩机和渣土车的声音特别大，"
         "孩子要中考了，根本睡不好。请问他们有没有夜间施工许可？请有关部门管一管。",
         "overdue", "PF-HBJ"),
    Item("pf", C.QR_STATION, "help", "小区停车难，消防通道被占",
         "兴建街道哈南小区只有一百多个车位，住户的车有四百多辆，晚上车都停在消防通道和楼门口，"
         "上个月救护车都进不来。建议在小区周边道路晚间开放临时停车，或者利用旁边闲置的空地建停车场。",
         "handled_in_station", station="PF-XJ-02",
         note="联络站协调社区、物业召开议事会，已在小区西侧空地划出临时停车位60个，消防通道施划"
              "禁停标线，物业安排专人夜间巡查。"),
    Item("pf", C.WEB, "consultation", "老年人乘车优待证在哪里办理",
         "我父亲今年满70岁，听说可以办理免费乘坐公交的优待证，请问需要带什么材料、到哪里办？"
         "能不能在网上或者社区直接办？", "answered_on_spot", station="PF-WS-01",
         note="已电话告知：持身份证原件到所在社区服务站或区政务服务中心办理，也可通过“哈尔滨城市"
              "通”小程序线上申请，审核通过后邮寄到家。"),
    Item("pf", C.QR_STATION, "consultation", "孩子入学划片范围咨询",
         "我家刚在友协街道买了房子，孩子明年上小学，请问我们小区对应的是哪所学校？户口什么时候迁"
         "进来才算数？谢谢。", "answered_on_spot", station="PF-YX-01",
         note="联络站已当场查询并告知该小区对应的学区学校，以及户籍迁入和房产登记的时间要求。"),
    Item("pf", C.HOTLINE, "help", "楼道照明灯坏了一个多月",
         "保国街道保国小区8号楼1单元楼道的声控灯坏了一个多月，老人晚上上下楼只能摸黑，已经有人"
         "摔过跤。找过物业说没有配件，希望尽快修好。", "handled_in_station", station="PF-BG-01",
         note="联络站当日联系物业，更换了1至6层声控灯，并请社区督促物业建立公共设施巡查台账。"),
    Item("pf", C.QR_DEPUTY, "help", "小区二次供水水质发黄",
         "新疆街道新疆小区这两周自来水放出来发黄，要放好几分钟才清，烧开了壶底有很多水垢。"
         "想问问是不是二次供水水箱该清洗了，多久没检测过了？", "accepted", "PF-ZJJ",
         to_demo_deputy=True),
    Item("pf", C.WEB, "proposal", "建议在友协公园增设健身器材和公厕",
         "友协公园每天早晚锻炼的居民很多，可健身器材只有几件，还有两件坏了。公园里没有公厕，"
         "老人孩子很不方便。建议增设一些适合老年人的健身器材，在公园东门附近建一座公厕。",
         "confirmed", "PF-ZJJ",
         note="公园东门公厕已列入明年城建计划，损坏的健身器材已修复，另增设8件老年健身器材。"),
    Item("pf", C.RECEPTION_DAY, "complaint", "物业服务差还要涨物业费",
         "我们小区物业平时不打扫楼道、绿化没人管、电梯经常坏，现在又贴通知说明年物业费每平米要"
         "涨三毛钱。业主们都不同意。请问物业涨价要经过什么程序，有没有部门管？",
         "dissatisfied", "PF-ZJJ", "PF-XJ-01",
         "经核查，该物业企业调价未经业主大会表决，我局已责令其暂停执行调价通知，并约谈企业负责人"
         "限期整改保洁和电梯维保问题。", R.DISSATISFIED, "只是暂停涨价，服务还是老样子。",
         solved=False),
    Item("pf", C.QR_STATION, "help", "居民楼外墙保温层脱落",
         "兴建街道兴建小区2号楼北侧外墙的保温层脱落了一大块，大风天还有碎块往下掉，楼下就是"
         "小区的人行道和停车位，太危险了。", "reopened", "PF-ZJJ", "PF-XJ-01",
         "已拉设警戒线并清除松动的保温层，修复工程待明年气温回升后实施。", R.DISSATISFIED,
         "还有好几处在掉，只拉了警戒线。", solved=False),
    Item("pf", C.WEB, "help", "公交车班次太少等车时间长",
         "平房镇到哈南工业新城的公交车早高峰二十多分钟才来一趟，车上挤得满满的，很多在园区上班的人"
         "只能打车。建议早晚高峰加密班次或增开区间车。", "transferred", "PF-JTJ", "PF-QY-01"),
    Item("pf", C.QR_STATION, "complaint", "小区门口占道经营、油烟扰民",
         "联盟街道某小区门口每天傍晚有十几个烧烤摊、小吃摊，占了半条马路，油烟直往楼上飘，"
         "收摊后满地垃圾。希望城管加强管理，划定规范的经营区域。", "closed", "PF-CGJ",
         "PF-LM-01", "区城管执法局已将该路段纳入重点巡查，引导摊贩进入附近便民市场经营，"
         "收摊后由环卫及时清扫。", R.BASICALLY_SATISFIED, solved=None),
    Item("pf", C.HOTLINE, "consultation", "灵活就业人员如何缴纳医保",
         "我今年辞职了，现在打零工，想问一下灵活就业人员的医疗保险在哪里交，一年交多少钱，"
         "断缴了几个月会不会有影响？", "answered_on_spot", station="PF-ZX-01",
         note="已告知可通过税务App或区医保经办窗口以灵活就业人员身份参保，并说明缴费标准和"
              "断缴补缴的规定。"),
    Item("pf", C.WEB, "report", "有人在居民楼内违规存放电动车电池充电",
         "新伟街道某小区3单元一楼有住户把十几块电动车电池堆在楼道里集中充电，好像是在做换电的"
         "生意，电线乱拉，存在很大火灾隐患。", "accepted", "PF-YJJ", anonymous=True),
    Item("pf", C.QR_STATION, "proposal", "建议增设社区儿童活动场地",
         "我们小区有两百多个孩子，可小区里没有一处儿童游乐设施，孩子们只能在停车场里玩，"
         "很不安全。建议利用小区北侧的闲置绿地改造一个儿童活动场地。", "received",
         station="PF-XJ-01"),
    Item("pf", C.WEB, "complaint", "楼上住户深夜噪音扰民",
         "我家楼上住户经常半夜一两点拖桌椅、走路声音很重，多次上门沟通都没有用，报警后好几天又"
         "这样。请问还有什么办法？", "declined", station="PF-WS-01", reason=D.OUT_OF_SCOPE,
         note="邻里噪音纠纷请先通过社区人民调解委员会调解，必要时可向辖区派出所报警或依法起诉；"
              "联络站已将社区调解室电话告知反映人。"),
    Item("pf", C.RECEPTION_DAY, "complaint", "拆迁补偿款纠纷",
         "我家的老房子十年前拆迁，补偿款一直没有给足，现在已经在法院起诉了，希望人大代表帮忙"
         "催一下法院尽快判决。", "declined", "", "PF-FY-01", reason=D.IN_LITIGATION,
         note="该事项已进入诉讼程序，代表和联络站不干预个案审理；已告知反映人可向法院了解审理进度，"
              "对审判程序有异议可依法向检察机关申请监督。"),
    Item("pf", C.WEB, "help", "冬季人行道积雪结冰没人清理",
         "保国街道通往平房区第二中学的人行道下雪后一直没有清理，现在压成了冰，每天都有学生滑倒。"
         "希望尽快组织清雪除冰，并撒一些防滑材料。", "overdue", "PF-CGJ"),
    Item("pf", C.QR_STATION, "proposal", "建议在地铁站出口增设非机动车停放点",
         "地铁站出口附近共享单车和电动车乱停乱放，把盲道和人行道都堵了，建议划定非机动车停放区，"
         "并督促共享单车企业及时调运。", "replied", "PF-CGJ", "PF-XG-01",
         "已在地铁站各出口施划非机动车停放区，约谈共享单车企业落实早晚高峰调运。"),
    Item("pf", C.WEB, "proposal", "园区企业招工难，建议举办招聘对接会",
         "我们是哈南工业新城的一家配套企业，今年订单增加，一线技术工人缺口三十多人，招了几个月"
         "都招不到。建议区里组织园区企业和职业院校、周边乡镇开展招聘对接活动。", "converted",
         station="PF-QY-01",
         note="园区企业用工问题具有普遍性，联络站已将其转为代表建议，由进站代表牵头调研后提出。"),
    Item("pf", C.HOTLINE, "help", "小区下水道堵塞污水外溢",
         "新疆街道新疆小区12号楼前的下水井堵了，污水漫到路面上，味道很大，物业说是市政管网的"
         "问题不归他们管。", "closed", "PF-ZJJ", "PF-XG-01",
         "我局协调排水公司对该处管网进行疏通，查明堵塞原因为小区内部管线破损，已督促物业维修。",
         R.SATISFIED),
    Item("pf", C.QR_DEPUTY, "consultation", "独生子女父母奖励费如何申领",
         "我和爱人都是企业退休职工，听说独生子女父母退休后有一次性奖励，请问现在还能不能申请？"
         "需要到哪里办？谢谢代表。", "answered_on_spot", to_demo_deputy=True,
         note="代表已当面解释相关政策，并告知到户籍所在地社区卫生健康服务窗口咨询办理。"),
    Item("pf", C.WEB, "help", "路边树木枝杈遮挡路灯和交通标志",
         "联盟街道联盟路两侧的树长得太高，枝杈把路灯和限速标志都挡住了，晚上路面很暗。"
         "建议园林部门修剪一下，谢谢！", "received", anonymous=True),
    Item("pf", C.QR_STATION, "complaint", "小区内商铺违规改建",
         "我们小区底商有一家把一楼承重墙打通改成了饭店，还在楼后私搭了厨房，楼上住户都很担心"
         "房屋安全。请住建部门尽快来检查。", "extended", "PF-ZJJ", "PF-XJ-01"),
    Item("pf", C.RECEPTION_DAY, "proposal", "建议增加社区卫生服务站的全科医生",
         "友协街道社区卫生服务站只有两名医生，看病、开药、签约、体检都靠她们，经常排长队。"
         "老年人慢病开药很频繁，建议增加全科医生，或者开通慢病长处方。", "transferred", "PF-WJJ",
         "PF-YX-01"),
    # 松北区 -------------------------------------------------------------------------------
    Item("sb", C.WEB, "help", "新建小区供暖不热，开发商推诿",
         "松浦街道某新建小区今年是第一个采暖期，室温只有15度左右，开发商说是供热公司的事，"
         "供热公司说是小区内部管网没调好，互相推诿。我们交了全额取暖费，请有关部门协调解决。",
         "closed", "SB-ZJJ", note="区住建局组织开发商和供热企业现场会商，完成小区二次网平衡调试，"
         "经抽测室温均达18度以上。", rating=R.SATISFIED, comment="效率很高，点赞！", publish=True),
    Item("sb", C.QR_STATION, "proposal", "老旧小区加装电梯资金怎么筹",
         "万宝街道我们小区想加装电梯，大家都愿意，就是费用分摊谈不拢，一楼二楼不愿意出钱。"
         "请问政府有没有补贴，能不能用住房公积金？", "answered_on_spot", station="SB-WB-01",
         note="已告知本市既有住宅加装电梯的财政补贴标准和提取住房公积金的条件，并请社区协助召开"
              "业主协商会。"),
    Item("sb", C.HOTLINE, "help", "世茂大道辅路井盖破损",
         "世茂大道辅路靠近松北商业广场的位置有一个井盖碎了，用锥桶围着已经一个星期了，"
         "晚上车开过去很危险，请尽快修复。", "replied", "SB-ZJJ",
         note="已更换为防沉降球墨铸铁井盖，并对周边井盖进行了排查。"),
    Item("sb", C.QR_STATION, "proposal", "学校周边交通拥堵，建议设置即停即走通道",
         "松北区某实验学校门口早晚接送孩子的车排到主路上，严重影响通行。建议参考其他城市的"
         "做法设置即停即走车道，学校错峰放学，交警加强疏导。", "accepted", "SB-GAJ", "SB-SBJ-01"),
    Item("sb", C.WEB, "proposal", "社区居家养老服务覆盖面太小",
         "太阳岛街道老年人多，社区的居家养老上门服务只面向低保和失能老人，普通高龄老人想花钱买"
         "服务都没有渠道。建议扩大服务对象，引进专业养老机构运营。", "transferred", "SB-MZJ"),
    Item("sb", C.QR_STATION, "complaint", "垃圾中转站臭味扰民",
         "松北街道某垃圾中转站离我们小区只有五十米，每天早上收运的时候臭味很大，垃圾车还滴漏"
         "污水。请问能不能加装除臭设备，或者迁址？", "overdue", "SB-CGJ", "SB-SBJ-02"),
    Item("sb", C.RECEPTION_DAY, "complaint", "商业广场夜间广场舞噪音",
         "松浦街道商业广场每晚七点到十点有好几支广场舞队，音箱音量开得很大，附近住户没法休息，"
         "孩子写不了作业。希望划定时间和音量。", "handled_in_station", station="SB-SP-02",
         note="联络站邀请广场舞队负责人、社区和物业座谈，约定晚九点前结束、音量控制在60分贝以内，"
              "社区网格员每晚巡查。"),
    Item("sb", C.QR_DEPUTY, "help", "小区停车位只售不租",
         "我们小区地下车位开发商只卖不租，一个车位要十几万，地面停车位不够用，大家只能停在"
         "小区外的路边被贴条。请问有没有规定车位必须出租？", "closed", "SB-ZJJ",
         note="依据本市物业管理条例，开发商应当首先满足业主的购买和承租需要；我局已约谈开发商，"
              "其同意拿出80个车位按月出租。", rating=R.BASICALLY_SATISFIED, solved=False),
    Item("sb", C.WEB, "consultation", "居住证办理需要哪些材料",
         "我从外地来松北区工作半年了，想办居住证给孩子上学用，请问需要什么材料、在哪里办理、"
         "多长时间能拿到？谢谢！", "answered_on_spot", station="SB-ZX-01",
         note="已告知可到居住地派出所户籍窗口或通过线上平台申办，需提供身份证、租房合同或房产证明"
              "以及连续居住半年的证明。"),
    Item("sb", C.HOTLINE, "help", "乡村道路破损影响农产品运输",
         "对青山镇到松北城区的一段村道坑洼不平，拉菜的车颠坏了好多菜，冬天路上结冰更危险。"
         "希望修一修，至少把大坑填上。", "accepted", "SB-JTJ"),
    Item("sb", C.QR_STATION, "report", "有商户销售过期食品",
         "太阳岛街道某超市货架上有好几种牛奶和面包已经过了保质期还在卖，我拍了照片。"
         "请市场监管部门尽快查一查。", "closed", "SB-SJJ", "SB-TYD-01",
         "区市场监管局已现场检查，对该超市销售过期食品的行为立案查处，并责令其全面清理货架。",
         R.SATISFIED),
    Item("sb", C.WEB, "proposal", "建议在江边增设夜间照明",
         "松花江北岸江堤步道晚上很黑，有的路段一盏路灯都没有，很多人晚饭后在这里散步，"
         "建议增设景观照明和安全提示牌。", "received"),
    Item("sb", C.RECEPTION_DAY, "help", "公租房申请审核时间太长",
         "我今年四月份提交的公租房申请，到现在七个多月了还在审核，打电话问也说不清楚。"
         "家里四口人挤在二十平米的出租屋里，希望能尽快给个结果。", "dissatisfied", "SB-ZJJ",
         "SB-WB-01", "经查询，您的申请已通过资格审核，目前处于轮候阶段，将按轮候顺序配租。",
         R.DISSATISFIED, "轮候要等多久还是没有说。", solved=False),
    Item("sb", C.QR_STATION, "complaint", "小区充电桩不够用",
         "小区里电动汽车越来越多，物业只装了四个充电桩，天天排队。自己想装私人充电桩，物业又"
         "不给出证明。请问该怎么办？", "confirmed", "SB-ZJJ", "SB-TYD-02",
         "我局已协调物业为具备条件的业主出具安装证明，并推动小区增设公共充电桩12个。"),
    Item("sb", C.WEB, "complaint", "楼上装修噪音影响休息",
         "楼上装修已经三个月了，周末一大早就开始砸墙电钻，中午也不停，家里老人午睡都睡不了。"
         "跟物业反映了好几次没用，请有关部门管一管。", "declined",
         station="SB-SP-01", reason=D.DUPLICATE,
         note="反映人此前已就同一事项提交过一件民意，正在由社区和物业处理，本件按重复反映处理。"),
    Item("sb", C.HOTLINE, "help", "农村饮水井水质问题",
         "乐业镇我们村的饮水井今年秋天开始水有异味，村里老人喝了闹肚子。想请有关部门来检测一下"
         "水质，看能不能接通自来水。", "overdue", "SB-NYJ"),
    Item("sb", C.QR_STATION, "proposal", "建议医院增加夜间门诊",
         "松北区人民医院晚上只有急诊，孩子晚上发烧去看急诊要排很久。建议开设儿科夜间门诊，"
         "方便上班族带孩子看病。", "handled_in_station", station="SB-YY-01",
         note="驻站的医疗卫生界代表与医院沟通，医院已决定自12月起开设儿科夜间门诊至晚九点。"),
    Item("sb", C.WEB, "help", "小区消防设施老化",
         "我们小区的消火栓好多都没水，灭火器过期好几年了，物业说没有维修资金。万一着火后果不堪设想，请消防和住建部门检查督促。",
         "received", anonymous=True),
    Item("sb", C.QR_DEPUTY, "proposal", "建议增设社区便民菜市场",
         "松北新区很多小区周边没有菜市场，只有几家价格很贵的生鲜超市，老人买菜要坐好几站公交。"
         "建议规划建设社区便民菜市场或设置早市。", "received"),
)


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(GIVEN)
    mobile = "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))
    return name, mobile


def _deputies_of(station: Station, congress: Congress) -> list[Deputy]:
    """The station's deputies who sit in its congress, in a stable order."""
    return list(Deputy.objects.filter(
        station_assignments__station=station,
        mandates__term__congress=congress, mandates__status=Mandate.Status.ACTIVE,
    ).distinct().order_by("pk"))


@dataclasses.dataclass
class Cast:
    """The demo world an opinion is played in: congresses, stations, units and the actors."""

    congresses: dict[str, Congress]
    stations: dict[str, list[Station]]
    units: dict[str, HandlingUnit]
    users: dict[str, User]
    demo_deputy: Deputy | None

    @classmethod
    def load(cls) -> "Cast":
        congresses = {key: Station.objects.select_related("congress").get(code=code).congress
                      for key, code in CENTRES.items()}
        stations = {key: list(Station.objects.filter(congress=congress, is_active=True)
                              .order_by("code"))
                    for key, congress in congresses.items()}
        units = {unit.code: unit for unit in HandlingUnit.objects.filter(
            code__regex=r"^(PF|SB)-")}
        usernames = [*OFFICE.values(), STATION_STAFF[0], UNIT_HANDLER[0], ADMIN, "demo-deputy"]
        users = {user.username: user for user in User.objects.filter(username__in=usernames)}
        deputy_user = users.get("demo-deputy")
        return cls(congresses, stations, units, users,
                   deputy_user.deputy if deputy_user else None)

    def station(self, item: Item, rng: random.Random) -> Station:
        choices = self.stations[item.district]
        picked = rng.choice(choices)  # drawn always, so that later draws do not shift
        if item.station:
            return next(s for s in choices if s.code == item.station)
        return picked

    def triager(self, item: Item, station: Station) -> User:
        staff, code = STATION_STAFF
        home = next((s for s in self.stations["pf"] if s.code == code), None)
        if home is not None and station.path.startswith(home.path):
            return self.users[staff]
        return self.users[OFFICE[item.district]]

    def handler(self, unit: HandlingUnit) -> User:
        username, code = UNIT_HANDLER
        if unit.code == code:
            return self.users[username]
        return self.users[ADMIN]


def _advance(item: Item, n: int, opinion: Opinion, secret: str, cast: Cast,
             station: Station) -> None:
    """Move a freshly submitted item to its planned state through the services."""
    plan, pk = item.plan, opinion.pk
    office = cast.users[OFFICE[item.district]]
    if plan == "received":
        return
    triager = cast.triager(item, station)
    if item.to_demo_deputy and opinion.addressed_deputy_id and cast.demo_deputy and (
            opinion.addressed_deputy_id == cast.demo_deputy.pk):
        triager = cast.users["demo-deputy"]
    if plan in ("answered_on_spot", "handled_in_station", "converted", "declined"):
        outcome = {"answered_on_spot": "answer_on_spot", "handled_in_station": "handle_in_station",
                   "converted": "convert", "declined": "decline"}[plan]
        services.opinion_triage(actor=triager, opinion_id=pk, outcome=outcome, note=item.note,
                                reason=item.reason)
        return
    unit = cast.units[item.unit]
    handler = cast.handler(unit)
    services.opinion_transfer(actor=office, opinion_id=pk, unit_id=unit.pk,
                              note=f"请{unit.short_name}按期办理并答复反映人。")
    if plan == "transferred":
        return
    if plan == "overdue" and n % 2:  # half of the overdue items were never signed for
        _make_overdue(pk)
        return
    services.opinion_accept(actor=handler, opinion_id=pk)
    if plan == "overdue":
        _make_overdue(pk)
        return
    if plan == "accepted":
        return
    if plan == "extended":
        services.opinion_extend(actor=office, opinion_id=pk,
                                note="需待明年开春气温回升后施工，同意延期一次。")
        return
    reply = item.note or f"收到您反映的“{item.title}”问题后，我单位已安排专人核查办理。"
    services.opinion_reply(actor=handler, opinion_id=pk, body=reply)
    if plan == "replied":
        return
    services.opinion_confirm(actor=triager if triager.username != "demo-deputy" else office,
                             opinion_id=pk, note="已电话告知反映人办理结果。")
    if plan == "confirmed":
        return
    services.opinion_rate(tracking_number=opinion.tracking_number, secret=secret,
                          rating=item.rating or R.SATISFIED, comment=item.comment,
                          solved=item.solved)
    if plan == "reopened":
        services.opinion_reopen(tracking_number=opinion.tracking_number, secret=secret,
                                reason=item.comment or "问题没有解决，请重新办理。")


def _make_overdue(pk: int) -> None:
    """The demo needs overdue items for the supervision views, and the services only set
    deadlines in the future: move this one's transfer three weeks back and its deadline to
    two days ago. (A plain update: it is demo scenery, not an action anybody took.)"""
    now = timezone.now()
    Opinion.objects.filter(pk=pk).update(transferred_at=now - datetime.timedelta(days=21),
                                         due_at=now - datetime.timedelta(days=2))


# When things happened ---------------------------------------------------------------------------
#
# The services stamp each step with the present moment, so a fresh demo would have received and
# handled everything within one second, and the statistics would have nothing to tell. The demo
# moves the log of each item it has just created back in time (plain updates of timestamps: demo
# scenery, like the overdue deadlines above): received over the last four months in office
# hours, most steps taken within hours, about one triage in four and one signing in three late.

RECENT_PLANS = {"received", "transferred", "accepted", "extended"}
TRIAGES = {"answer_on_spot", "handle_in_station", "convert", "decline", "transfer"}
CONCLUDING = TRIAGES - {"transfer"} | {"rate", "rate_dissatisfied"}
# Hours after the step before: on time, and late.
GAPS = {
    "triage": ((1, 6), (100, 150)),
    "accept": ((1, 8), (72, 100)),
    "extend": ((48, 96), (48, 96)),
    "reply": ((30, 200), (30, 200)),
    "confirm": ((2, 30), (2, 30)),
    "rate": ((4, 60), (4, 60)),
    "reopen": ((10, 40), (10, 40)),
}


def _received_day(item: Item, rng: random.Random, today: datetime.date) -> datetime.date:
    """Open items are recent (their deadlines still run); the overdue ones three weeks old;
    the concluded ones anywhere in the last four months."""
    if item.plan == "overdue":
        return today - datetime.timedelta(days=22)
    if item.plan in RECENT_PLANS:
        return today - datetime.timedelta(days=rng.randint(0, 3))
    if item.plan == "reopened":
        return today - datetime.timedelta(days=rng.randint(9, 12))
    return today - datetime.timedelta(days=rng.randint(6, 125))


def _moments(actions: list[str], item: Item, n: int, now: datetime.datetime) -> list:
    """When each logged step happened, the first being the receipt."""
    rng = random.Random(SEED * 1000 + n)  # its own draws: the names drawn above never shift
    late = {"triage": rng.random() < 0.25, "accept": rng.random() < 0.35}
    day = _received_day(item, rng, timezone.localdate(now))
    start = (datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=local_zone())
             + datetime.timedelta(minutes=rng.randint(0, 480)))
    start = min(start, now - datetime.timedelta(hours=3))
    offsets = [0.0]
    for action in actions[1:]:
        kind = ("triage" if action in TRIAGES else "rate" if action.startswith("rate")
                else action)
        low, high = GAPS.get(kind, ((1, 4), (1, 4)))[late.get(kind, False)]
        offsets.append(offsets[-1] + rng.uniform(low, high))
    # Steps may not reach the present: squeeze them into the time since receipt if they would.
    room = (now - start).total_seconds() / 3600 - 0.5
    scale = min(1.0, room / offsets[-1]) if offsets[-1] else 1.0
    return [start + datetime.timedelta(hours=h * scale) for h in offsets]


def _deadline(opinion: Opinion, transferred_at: datetime.datetime) -> datetime.datetime:
    """The deadline the services would have set for a transfer at that moment."""
    rule = DeadlineRule.parse(services.opinion_types(congress=opinion.congress)
                              [opinion.type_code]["deadline"])
    deadline = due_at(transferred_at, rule)
    if opinion.extension_used:
        maximum = setting_value(congress=opinion.congress, key="opinions.extension_max",
                                on=timezone.localdate())
        deadline = due_at(deadline, DeadlineRule.parse(maximum))
    return deadline


def _backdate(item: Item, n: int, pk: int) -> None:
    """Move a freshly advanced item's log, reply and dates back in time (see above)."""
    opinion = Opinion.objects.select_related("congress").get(pk=pk)
    events = list(events_of(opinion).order_by("created_at", "id"))
    actions = [event.action for event in events]
    moments = _moments(actions, item, n, timezone.now())
    if item.plan == "overdue":  # keep the transfer where `_make_overdue` put it
        shift = opinion.transferred_at - moments[actions.index("transfer")]
        moments = moments[:1] + [m + shift for m in moments[1:]]
    for event, moment in zip(events, moments, strict=True):
        Event.objects.filter(pk=event.pk).update(created_at=moment)
    last = {action: moment for action, moment in zip(actions, moments, strict=True)}
    fields: dict[str, Any] = {"created_at": moments[0]}
    transferred = max((last[a] for a in ("transfer", "reopen") if a in last), default=None)
    if opinion.transferred_at and transferred and item.plan != "overdue":
        fields["transferred_at"] = transferred
        with contextlib.suppress(CalendarNotCovered):  # then the services' deadline stays
            fields["due_at"] = _deadline(opinion, transferred)
    if opinion.rated_at:
        fields["rated_at"] = max(last[a] for a in ("rate", "rate_dissatisfied") if a in last)
    if opinion.concluded_at:
        fields["concluded_at"] = max(last[a] for a in CONCLUDING if a in last)
    Opinion.objects.filter(pk=pk).update(**fields)
    if "reply" in last:
        OpinionReply.objects.filter(opinion_id=pk).update(created_at=last["reply"])


def _submit(item: Item, n: int, cast: Cast, rng: random.Random) -> tuple[Opinion, str, Station]:
    name, mobile = _person(rng)
    station = cast.station(item, rng)
    congress = cast.congresses[item.district]
    deputies = _deputies_of(station, congress)
    deputy = None
    if item.to_demo_deputy and cast.demo_deputy is not None and Mandate.objects.filter(
            deputy=cast.demo_deputy, term__congress=congress).exists():
        deputy = cast.demo_deputy
    elif item.channel in (C.QR_DEPUTY, C.RECEPTION_DAY) and deputies:
        deputy = deputies[rng.randrange(len(deputies))]
    if deputy is not None and deputy == cast.demo_deputy:
        # Addressed to the demo deputy: through a station the deputy works in, where there is one.
        own = [s for s in cast.stations[item.district]
               if s.assignments.filter(deputy=deputy).exists()]
        station = own[0] if own else station
    staff_entered = item.channel in (C.HOTLINE, C.RECEPTION_DAY)
    opinion, secret = services.opinion_submit(
        congress=congress, channel=item.channel, type_code=item.type_code, title=item.title,
        content=item.content, citizen_name="" if item.anonymous else name,
        citizen_mobile="" if item.anonymous else mobile, addressed_station=station,
        addressed_deputy=deputy, area=station.area, consent_publish=item.publish,
        idempotency_key=KEY.format(n=n),
        actor=cast.triager(item, station) if staff_entered else None)
    return opinion, secret, station


def seed_opinions(*, stdout: TextIO | None = None) -> dict[str, int]:
    """Submit the demo opinions that are missing and move them along; returns the number of
    demo opinions per status (and prints it on one line when `stdout` is given)."""
    rng = random.Random(SEED)
    cast = Cast.load()
    warnings: list[str] = []
    with transaction.atomic():
        for n, item in enumerate(ITEMS, start=1):
            existed = Opinion.objects.filter(
                congress=cast.congresses[item.district], idempotency_key=KEY.format(n=n)).exists()
            opinion, secret, station = _submit(item, n, cast, rng)
            if existed:
                continue
            try:
                with transaction.atomic():
                    _advance(item, n, opinion, secret, cast, station)
                    _backdate(item, n, opinion.pk)
            except CalendarNotCovered as error:
                warnings.append(f"{opinion.tracking_number} 保留为已受理：{error}")
    keys = [KEY.format(n=n) for n in range(1, len(ITEMS) + 1)]
    statuses = Counter(Opinion.objects.filter(idempotency_key__in=keys)
                       .values_list("status", flat=True))
    summary = {status: statuses[status] for status in Opinion.Status.values if statuses[status]}
    if stdout is not None:
        for warning in warnings:
            stdout.write(f"  警告：{warning}\n")
        labels = dict(Opinion.Status.choices)
        parts = "，".join(f"{labels[status]} {count}" for status, count in summary.items())
        stdout.write(f"  演示民意: {sum(summary.values())} 件（{parts}）\n")
    seed_wall(stdout=stdout)  # the echo wall, from the items resolved above
    return summary

