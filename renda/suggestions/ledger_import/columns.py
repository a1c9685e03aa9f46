"""The columns of a suggestion ledger: fixed Chinese headers, as in the offices' own
spreadsheets (a file format, so not translated; their explanations are)."""

from django.utils.translation import gettext_lazy as _

from renda.directory.roster.common import Column

COLUMNS = (
    Column("编号", True, _("必填：本系列中的序号，或完整编号如 2025-0012（取末尾的数字为序号）"),
           text=True),
    Column("年度", True, _("必填：如 2025")),
    Column("届次", help=_("如 17；留空时由会议或年度确定")),
    Column("会议或闭会期间", True, _("必填：“闭会期间”，或会议如“五次会议”“十七届五次会议”")),
    Column("类别", help=_("建议或议案，留空为建议")),
    Column("提出日期", help=_("留空时：大会期间为会议开幕日，闭会期间为最早的交办日期")),
    Column("标题", True, _("必填")),
    Column("内容", help=_("留空时以标题为内容")),
    Column("领衔代表", True, _("必填：本届代表的姓名")),
    Column("联名代表", help=_("本届代表的姓名，多人用顿号分隔")),
    Column("分类", True, _("必填：本级人大“代表建议分类”中的名称或代码")),
    Column("建议是否公开", help=_("是或否，留空为是")),
    Column("承办单位", help=_("本级人大所在区划内承办单位的名称、简称或编码；尚未交办的留空")),
    Column("承办方式", help=_("主办、协办或分办，留空为主办")),
    Column("交办日期", help=_("填写了承办单位的必填，如 2025-03-01")),
    Column("答复期限", help=_("留空时按交办日期和“答复期限”配置计算")),
    Column("是否延期", help=_("经批准延期的填“是”，期限按“延期最长时限”配置延长")),
    Column("沟通方式", help=_("见面沟通、电话沟通、书面沟通或其他方式")),
    Column("沟通日期", help=_("留空时为答复日期（未答复的为交办日期）")),
    Column("答复日期", help=_("协办单位填写送出协办意见的日期")),
    Column("答复分类", help=_("答复分类的代码或名称，如 A")),
    Column("答复内容", help=_("留空时为“见答复函”")),
    Column("承诺完成时间", help=_("须承诺的答复分类（默认 B 类）必填")),
    Column("承诺落实情况", help=_("推进中、已兑现或已调整计划，留空为推进中")),
    Column("答复是否公开", help=_("是或否，留空为是")),
    Column("评价", help=_("领衔代表的评价：满意、基本满意或不满意")),
    Column("重新办理答复日期", help=_("评价不满意、重新办理后再次答复的日期")),
    Column("重新办理答复分类"),
    Column("重新办理答复内容"),
    Column("重新办理后评价", help=_("满意、基本满意或不满意")),
    Column("年终二次评价", help=_("满意、基本满意或不满意")),
)
HEADERS = tuple(c.header for c in COLUMNS)
