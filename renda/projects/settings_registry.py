"""Per-congress settings of the livelihood projects (DOMAIN §5). No published rule fixes how
many votes a project needs: the ballot's method, the base of the majority, the threshold, the
quorum and the tie-break are settings, copied onto each ballot when it is prepared."""

from django.utils.translation import gettext_lazy as _

from renda.core.config import register as register_setting

DEFAULT_CATEGORIES = [
    {"code": "education", "label": "教育"},
    {"code": "health", "label": "医疗卫生"},
    {"code": "elderly", "label": "养老服务"},
    {"code": "transport", "label": "交通出行"},
    {"code": "housing", "label": "住房和老旧小区"},
    {"code": "environment", "label": "生态环境"},
    {"code": "culture", "label": "文化体育"},
    {"code": "employment", "label": "就业和社会保障"},
    {"code": "safety", "label": "公共安全"},
    {"code": "other", "label": "其他"},
]

DEFAULT_SELECTION_RULES = {
    # approve: for / against / abstain on each candidate; choose: pick at most `places`.
    "method": "approve",
    # The base of the majority: all deputies with a seat, those present, or the valid ballots.
    "base": "all",
    # A candidate needs more than this share of the base in favour (choose: of votes).
    "threshold": 0.5,
    # The ballot is valid only if more than this share of the deputies with a seat is present
    # (a plenary session needs more than two thirds).
    "quorum": 0.6667,
    # A tie for the last place: "ballot_order" takes the earlier candidate on the ballot;
    # "none" leaves the tied places open and reports the tie for a second ballot.
    "tie_break": "none",
}

DEFAULT_EVALUATION_CHOICES = [
    {"code": "satisfied", "label": "满意", "counts": True},
    {"code": "basic", "label": "基本满意", "counts": True},
    {"code": "dissatisfied", "label": "不满意", "counts": False},
]


def register() -> None:
    register_setting("projects.categories", DEFAULT_CATEGORIES, _("民生实事项目类别"),
                     _("征集项目的类别：代码和名称"))
    register_setting("projects.collection_min_days", 30, _("征集最短天数"),
                     _("公开征集项目的最短天数"))
    register_setting("projects.selection_rules", DEFAULT_SELECTION_RULES, _("票决规则"),
                     _("method 表决方式（approve 逐项表决，choose 限额选择）；base 过半数的基数"
                       "（all 全体代表，present 实到代表，valid 有效票）；threshold 赞成票须超过"
                       "基数的比例；quorum 实到代表须超过全体代表的比例；tie_break 末位同票的"
                       "处理（ballot_order 按选票顺序，none 不确定并报告，另行投票）"))
    register_setting("projects.evaluation_choices", DEFAULT_EVALUATION_CHOICES,
                     _("项目测评选项"), _("代表测评和群众测评的选项；counts 为真的计入满意率"))
    register_setting("projects.delay_threshold", 20, _("进度滞后判定"),
                     _("项目进度落后于全年时间进度超过这么多个百分点时，标记为进度滞后"))
    register_setting("projects.photo_max_count", 6, _("进度照片数量上限"),
                     _("每次填报进度最多可以上传的照片数"))
    register_setting("projects.photo_max_mb", 5, _("进度照片大小上限（MB）"),
                     _("每张进度照片的最大大小"))
    register_setting("projects.evaluation_quorum", 0.5, _("测评有效人数比例"),
                     _("实到代表须超过全体代表的这一比例，测评才有效"))
