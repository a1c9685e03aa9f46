"""Per-congress settings of the suggestions loop, seeded from DOMAIN §4 (the national rules and
the most common local practice). Every deadline, threshold and code list is one of these."""

from django.utils.translation import gettext_lazy as _

from renda.core.config import register as register_setting

# Categories of suggestions (the subject matter). Labels are data a congress may rename.
DEFAULT_CATEGORIES = [
    {"code": "economy", "label": "经济发展"},
    {"code": "urban", "label": "城乡建设"},
    {"code": "transport", "label": "交通出行"},
    {"code": "education", "label": "教育"},
    {"code": "health", "label": "医疗卫生"},
    {"code": "social", "label": "社会保障"},
    {"code": "environment", "label": "生态环境"},
    {"code": "safety", "label": "公共安全"},
    {"code": "agriculture", "label": "农业农村"},
    {"code": "culture", "label": "文化体育"},
    {"code": "governance", "label": "政府管理"},
    {"code": "other", "label": "其他"},
]

# The national classification of replies; `solved` marks the categories the 解决率 counts,
# `promise` those that carry a promised date and become commitments in the cross-year ledger.
DEFAULT_REPLY_CATEGORIES = [
    {"code": "A", "label": "A 类：已解决或基本解决", "solved": True, "promise": False},
    {"code": "B", "label": "B 类：正在解决或列入计划逐步解决", "solved": False, "promise": True},
    {"code": "C", "label": "C 类：因条件限制暂时难以解决", "solved": False, "promise": False},
    {"code": "D", "label": "D 类：留作参考", "solved": False, "promise": False},
]


DEFAULT_REVIEW_CRITERIA = [
    {"code": "contact", "label": "沟通联系", "max": 20},
    {"code": "reply_quality", "label": "答复质量", "max": 30},
    {"code": "implementation", "label": "落实情况", "max": 40},
    {"code": "timeliness", "label": "办理时效", "max": 10},
]


def register() -> None:
    register_setting("suggestions.categories", DEFAULT_CATEGORIES, _("代表建议分类"),
                     _("代表建议的内容分类：代码和名称"))
    register_setting("suggestions.reply_categories", DEFAULT_REPLY_CATEGORIES,
                     _("答复分类"),
                     _("答复的分类代码、名称；solved 为计入解决率的分类，promise 为须写明承诺"
                       "完成时间、列入跨年度台账的分类"))
    register_setting("suggestions.reply_deadline", "3m", _("答复期限"),
                     _("交办后这段时间内书面答复，如 3m 表示 3 个月"))
    register_setting("suggestions.extension_max", "3m", _("延期最长时限"),
                     _("经批准延期，最多延长这段时间"))
    register_setting("suggestions.reassign_window", "7wd", _("申请调整交办时限"),
                     _("承办单位认为交办有误的，须在交办后这段时间内向人大机关申请调整"))
    register_setting("suggestions.assist_deadline", "1m", _("协办意见期限"),
                     _("协办单位在交办后这段时间内把书面意见送主办单位"))
    register_setting("suggestions.rehandle_deadline", "1m", _("重新办理期限"),
                     _("代表对答复不满意的，承办单位在这段时间内重新办理并再次答复"))
    register_setting("suggestions.interim_assign_within", "5wd", _("闭会期间建议交办时限"),
                     _("闭会期间提出的建议，人大机关在收到后这段时间内交办"))
    register_setting("suggestions.motion_cosigners_min", 10, _("议案联名人数下限"),
                     _("代表联名提出议案的最少人数（含领衔代表）"))
    register_setting("suggestions.contact_required", True, _("答复前须沟通"),
                     _("为真时，承办单位须先记录与代表的沟通，才能提交答复"))
    register_setting("suggestions.reminder_before", "5wd", _("到期前催办时间"),
                     _("答复期限前这么多个工作日内，提醒承办单位"))
    register_setting("suggestions.escalate_after", "0wd", _("超期后督办时间"),
                     _("超过答复期限这么多个工作日后，报告人大机关督办"))
    register_setting("suggestions.number_format", "{year}{series}{kind}第{number}号",
                     _("建议编号格式"),
                     _("可用 {year}、{session}、{series}（大会或闭会）、{kind}（建议或议案）和 "
                       "{number}；大会期间、闭会期间的建议和议案各自编号，格式中应含 {series} 和 "
                       "{kind}，以免编号重复"))
    register_setting("suggestions.review_criteria", DEFAULT_REVIEW_CRITERIA,
                     _("第三方评估评分项"), _("第三方评估报告的评分项：代码、名称和满分"))
    # --- Statistics (renda/suggestions/stats.py) ---------------------------------------------
    # What each figure counts: DOMAIN §4 knows no official formula, so every choice is a setting
    # shown beside the figure. The reply categories' `solved` and `promise` flags above decide
    # what counts as solved and as planned.
    register_setting(
        "suggestions.statistics",
        {
            "answering_roles": ["lead", "separate"],
            "concluded_statuses": ["closed"],
            "on_time_includes_extension": True,
            "face_to_face_methods": ["face_to_face"],
            "satisfied_ratings": ["satisfied", "basically_satisfied"],
            "implemented_counts_fulfilled": True,
        },
        _("代表建议统计口径"),
        _("各项统计指标的计算口径：answering_roles 为计入单位指标的承办方式（默认主办和分办）；"
          "concluded_statuses 为算作办结的建议状态；on_time_includes_extension 为真时，经批准延期"
          "后在延长的期限内答复的也算按时；face_to_face_methods 为算作见面沟通的沟通方式；"
          "satisfied_ratings 为计入满意率的评价；implemented_counts_fulfilled 为真时，承诺事项已"
          "兑现的答复计入落实率"),
    )
    # Supervision stage (督): the simple rule that flags a suggestion repeating one of an
    # earlier year (renda.suggestions.selectors.supervision.repeat_candidates).
    register_setting("suggestions.repeat_similarity", 0.5, _("重复建议标题相似度"),
                     _("同一人大、同一分类的往年建议，标题的相邻两字组合重合比例（Jaccard）"
                       "不低于此值的，标记为重复提出，供列为重点督办参考；取 0 到 1 之间"))
