"""Per-congress settings of duty records, points, duty reports and star ratings, seeded from
DOMAIN §2 and §6 (重庆江北's points, 银川's grades, 通河's contact quota, 房山's 20 %).

A congress's points scheme for a year is a `PointsScheme` row; when a year's scheme is first
opened it is seeded from `duties.default_points_rules` and `duties.default_quotas` in force on
the first day of that year, and edited from there on."""

from django.utils.translation import gettext_lazy as _

from renda.core.config import register as register_setting

# entry: who records it. "deputy": the deputy or staff for the deputy; "staff": staff only
# (bonuses and deductions); "auto": the system only, from what the other loops record.
DEFAULT_ACTIVITY_TYPES = [
    {"code": "station_visit", "label": "进站履职", "entry": "deputy"},
    {"code": "reception", "label": "接待选民", "entry": "deputy"},
    {"code": "inspection", "label": "视察", "entry": "deputy"},
    {"code": "research", "label": "调研", "entry": "deputy"},
    {"code": "meeting", "label": "参加会议（含列席常委会会议）", "entry": "deputy"},
    {"code": "training", "label": "学习培训", "entry": "deputy"},
    {"code": "contact", "label": "联系选民", "entry": "deputy"},
    {"code": "mediation", "label": "参与调解", "entry": "deputy"},
    {"code": "group_activity", "label": "代表小组活动", "entry": "deputy"},
    {"code": "other", "label": "其他履职活动", "entry": "deputy"},
    {"code": "award", "label": "表彰奖励", "entry": "staff"},
    {"code": "excellent_suggestion", "label": "优秀建议", "entry": "staff"},
    {"code": "absence", "label": "无故缺席", "entry": "staff"},
    {"code": "reception_day", "label": "接待日值班", "entry": "auto"},
    {"code": "opinion_triage", "label": "处理群众意见", "entry": "auto"},
    {"code": "suggestion", "label": "领衔提出建议", "entry": "auto"},
    {"code": "motion", "label": "领衔提出议案", "entry": "auto"},
    {"code": "cosign", "label": "联名提出建议或议案", "entry": "auto"},
    {"code": "ballot", "label": "参加票决", "entry": "auto"},
]

# points: per record (negative for a deduction); cap: the most a year may bring from the type
# (absolute value; null for none).
DEFAULT_POINTS_RULES = [
    {"activity_type": "station_visit", "points": 2, "cap": 24},
    {"activity_type": "reception", "points": 2, "cap": 20},
    {"activity_type": "inspection", "points": 3, "cap": 15},
    {"activity_type": "research", "points": 3, "cap": 15},
    {"activity_type": "meeting", "points": 2, "cap": 20},
    {"activity_type": "training", "points": 2, "cap": 10},
    {"activity_type": "contact", "points": 1, "cap": 10},
    {"activity_type": "mediation", "points": 2, "cap": 10},
    {"activity_type": "group_activity", "points": 2, "cap": 10},
    {"activity_type": "other", "points": 1, "cap": 5},
    {"activity_type": "award", "points": 5, "cap": 10},
    {"activity_type": "excellent_suggestion", "points": 3, "cap": 9},
    {"activity_type": "absence", "points": -1, "cap": None},
    {"activity_type": "reception_day", "points": 2, "cap": 24},
    {"activity_type": "opinion_triage", "points": 1, "cap": 10},
    {"activity_type": "suggestion", "points": 3, "cap": 15},
    {"activity_type": "motion", "points": 5, "cap": 10},
    {"activity_type": "cosign", "points": 1, "cap": 5},
    {"activity_type": "ballot", "points": 2, "cap": 4},
]

# measure: "people" sums the constituents reached, "records" counts the records.
DEFAULT_QUOTAS = [
    {"code": "constituents", "label": "联系选民", "measure": "people", "minimum": 10,
     "activity_types": ["contact", "reception", "reception_day", "opinion_triage"]},
]

DEFAULT_GRADES = [
    {"code": "good", "label": "好", "min": 80},
    {"code": "fair", "label": "较好", "min": 60},
    {"code": "poor", "label": "一般", "min": None},
]

DEFAULT_REPORT_VOTE_CHOICES = [
    {"code": "satisfied", "label": "满意", "counts": True},
    {"code": "basic", "label": "基本满意", "counts": True},
    {"code": "dissatisfied", "label": "不满意", "counts": False},
]

DEFAULT_STATION_CRITERIA = [
    {"code": "facilities", "label": "阵地建设", "max": 20},
    {"code": "organisation", "label": "制度和组织", "max": 20},
    {"code": "activities", "label": "活动开展", "max": 30},
    {"code": "results", "label": "办理实效", "max": 30},
]

DEFAULT_DEPUTY_CRITERIA = [
    {"code": "contact", "label": "联系群众", "max": 30},
    {"code": "suggestions", "label": "建议质量", "max": 30},
    {"code": "activities", "label": "参加活动", "max": 20},
    {"code": "results", "label": "履职实效", "max": 20},
]

# The share of the public vote in a candidate's combined score (the rest is the reviewers'
# average, scaled to 100), and the combined score each number of stars is suggested from;
# the panel decides.
DEFAULT_STAR_LEVELS = [
    {"stars": 3, "min": 90},
    {"stars": 2, "min": 80},
    {"stars": 1, "min": 70},
]


def register() -> None:
    register_setting("duties.activity_types", DEFAULT_ACTIVITY_TYPES, _("履职活动类型"),
                     _("代码、名称和登记方式：deputy 代表或工作人员登记，staff 只由工作人员登记"
                       "（奖励和扣分），auto 由系统根据接待日、民意、建议等自动记录"))
    register_setting("duties.default_points_rules", DEFAULT_POINTS_RULES, _("默认积分规则"),
                     _("新一年积分办法的初始规则：每条记录的分值（扣分为负数）和全年上限"))
    register_setting("duties.default_quotas", DEFAULT_QUOTAS, _("默认履职定额"),
                     _("新一年积分办法的初始定额，例如每年至少联系 10 名选民"))
    register_setting("duties.photo_max_count", 6, _("履职照片数量上限"),
                     _("每条履职记录最多可以上传的照片数"))
    register_setting("duties.photo_max_mb", 5, _("履职照片大小上限（MB）"),
                     _("每张照片的最大大小"))
    register_setting("duties.publish_scores", False, _("公开积分"),
                     _("为真时，代表公开页面显示年度积分和等次"))
    register_setting("duties.grades", DEFAULT_GRADES, _("积分等次"),
                     _("年度积分达到的最低分及等次名称，从高到低排列"))
    register_setting("duties.quota_reminder_day", 1, _("定额提醒日"),
                     _("每月这一天提醒进度落后于定额的代表（按全年时间进度计算）"))
    register_setting("duties.report_share", 0.2, _("年度述职比例"),
                     _("每年安排述职的代表占代表总数的比例"))
    register_setting("duties.report_vote_choices", DEFAULT_REPORT_VOTE_CHOICES,
                     _("述职测评选项"),
                     _("满意度测评的选项；counts 为真的选项计入满意率"))
    register_setting("duties.star_station_criteria", DEFAULT_STATION_CRITERIA,
                     _("星级联络站评审标准"), _("评审打分项：代码、名称和满分"))
    register_setting("duties.star_deputy_criteria", DEFAULT_DEPUTY_CRITERIA,
                     _("明星代表评审标准"), _("评审打分项：代码、名称和满分"))
    register_setting("duties.star_vote_weight", 0.3, _("网络投票权重"),
                     _("综合得分中网络投票所占比例，其余为评审平均分"))
    register_setting("duties.star_votes_per_day", 1, _("每日投票次数"),
                     _("同一手机号码每天在一轮评选中可投的票数"))
    register_setting("duties.star_levels", DEFAULT_STAR_LEVELS, _("星级建议分数线"),
                     _("综合得分达到该分数时建议的星级，由评审组最终决定"))
