"""Per-congress settings of the intake loop, seeded from DOMAIN §3 (Guangdong's 12345 rules)."""

from django.utils.translation import gettext_lazy as _

from renda.core.config import register as register_setting

# The opinion types and their handling deadlines. Labels are data a congress may rename, so
# they are stored as written here rather than translated.
DEFAULT_TYPES = [
    {"code": "consultation", "label": "咨询", "deadline": "2wd"},
    {"code": "help", "label": "求助", "deadline": "10wd"},
    {"code": "proposal", "label": "建议", "deadline": "10wd"},
    {"code": "complaint", "label": "投诉", "deadline": "15wd"},
    {"code": "report", "label": "举报", "deadline": "15wd"},
]


# The registers a station keeps of the opinions it receives (DOMAIN §2: no source lists them
# exactly). Each entry names one of the kinds `renda.opinions.registers` knows how to fill
# (reception, handling, feedback) and the label the congress gives it; the order is kept.
DEFAULT_REGISTERS = [
    {"code": "reception", "label": "接待登记簿"},
    {"code": "handling", "label": "办理登记簿"},
    {"code": "feedback", "label": "反馈登记簿"},
]


def register() -> None:
    register_setting(
        "opinions.types", DEFAULT_TYPES, _("民意类型及办理时限"),
        _("每类民意的代码、名称和办理时限，如 10wd 表示 10 个工作日"),
    )
    register_setting(
        "opinions.return_window", "2wd", _("承办单位退回时限"),
        _("承办单位认为交办有误的，须在交办后这段时间内申请退回"),
    )
    register_setting(
        "opinions.extension_max", "10wd", _("延期最长时限"),
        _("每件民意只能延期一次，延长的时间不超过此值"),
    )
    register_setting(
        "opinions.tracking_prefix", "", _("民意查询编号前缀"),
        _("如 PF；留空时使用 RD 加人大编号，各人大的前缀应互不相同"),
    )
    register_setting(
        "opinions.reminder_before", "1wd", _("到期前催办时间"),
        _("办理期限前这么多个工作日内，提醒承办单位（催办），如 1wd"),
    )
    register_setting(
        "opinions.escalate_after", "0wd", _("超期后督办时间"),
        _("超过办理期限这么多个工作日后，报告人大机关督办；0wd 表示一超期即督办"),
    )
    register_setting(
        "opinions.attachment_max_count", 3, _("每次提交的附件数量上限"),
        _("反映人提交民意、工作人员登记民意或上传附件时，一次最多附几个照片或 PDF 文件"),
    )
    register_setting(
        "opinions.attachment_max_mb", 5, _("单个附件大小上限（MB）"),
        _("每个照片或 PDF 文件最大多少 MB，超过的请反映人压缩后再上传"),
    )
    register_setting(
        "opinions.response_window", "1wd", _("响应时限"),
        _("响应率的时限：联络站或代表在受理后、承办单位在交办后这段时间内分办、签收或退回的，"
          "计为及时响应，如 1wd"),
    )
    register_setting(
        "opinions.registers", DEFAULT_REGISTERS, _("联络站登记簿"),
        _("联络站登记簿的种类（代码取 reception、handling、feedback）和名称，按此顺序显示和导出"),
    )
