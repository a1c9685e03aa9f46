"""Per-congress settings the directory owns, with their seeded defaults (DOMAIN §2–3)."""

from django.utils.translation import gettext_lazy as _

from renda.core.config import register as register_setting


def register() -> None:
    register_setting(
        "directory.reception_notice_days", 3, _("接待日提前公告天数"),
        _("接待日至少提前几天向社会公布"),
    )
    register_setting(
        "directory.constituent_contact_quota", 10, _("代表每年联系选民人数"),
        _("每名代表每年至少联系的选民人数"),
    )
    register_setting(
        "directory.upcoming_reception_days", 60, _("公开页面显示的接待日范围（天）"),
        _("联络站和代表页面显示未来多少天内的接待日"),
    )
