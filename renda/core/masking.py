"""De-identification of personal information for anything shown in public (PIPL art. 25)."""

import re
from collections.abc import Callable, Iterable


def mask_phone(value: str | None) -> str:
    """138****1234 for a mainland mobile; other numbers keep only their last four digits."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 4, 0) + digits[-4:]


def mask_id_number(value: str | None) -> str:
    """35*************123: the first two and the last three characters are kept."""
    value = (value or "").strip()
    if len(value) <= 5:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 5) + value[-3:]


def mask_name(value: str | None) -> str:
    """张*, 欧阳** : the family name stays, the given name is hidden."""
    value = (value or "").strip()
    if len(value) <= 1:
        return value
    keep = 2 if len(value) >= 4 else 1
    return value[:keep] + "*" * (len(value) - keep)


# Free text ------------------------------------------------------------------------------------
#
# `mask_text` anonymises what a citizen wrote (and what a unit replied) before it is shown in
# public. Each rule is a pattern and what replaces it; they run in the order of `_RULES`, so that
# an e-mail address is masked before its digits could be taken for a phone number, and a mobile
# number before the looser rule for long digit runs.

# Units that follow an amount, a count or a measure: a long digit run before one of them is a
# quantity ("1200000元", "15000000人次"), not an account or a telephone number.
_QUANTITY_UNITS = (
    "元|块|万|亿|千|百|角|人|户|名|个|位|次|件|起|条|项|份|套|间|台|辆|张|只|头|棵|株|平|㎡|"
    "m|米|公里|千米|公顷|亩|吨|斤|公斤|千克|克|升|年|月|日|天|周|小时|分钟|秒|度|%|％"
)
_MOBILE = re.compile(r"(?<![\dA-Za-z])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(
    r"(?<![\dA-Za-z])(?:[(（]0\d{2,3}[)）]|0\d{2,3})[-－\s]?\d{7,8}(?:[-－]\d{1,5})?(?!\d)"
)
_ID_NUMBER = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_CARD_GROUPED = re.compile(r"(?<!\d)\d{4}(?:[-\s]\d{4}){3}(?:[-\s]?\d{1,3})?(?!\d)")
_LONG_DIGITS = re.compile(rf"(?<![\d.,¥￥$])\d{{7,}}(?![\d.]|\s?(?:{_QUANTITY_UNITS}))")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?=@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
_PLATE = re.compile(
    r"(?<=[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Za-hj-np-z])"
    r"([·•・.\s]?)([A-HJ-NP-Za-hj-np-z0-9]{5,6})(?![A-Za-z0-9])"
)
# House numbers: the digits before 号, 栋, 幢, 单元, 室 or 楼 ("8号3单元502室"), joined by
# hyphens or not ("3-502室"); the digits right after 单元, 栋, 幢 or 号楼 ("3单元502"); Chinese
# numerals before 单元 or 号楼/号院 ("三单元"). Each number becomes one "*", whatever its length.
_HOUSE_BEFORE = re.compile(
    r"(?<![\d.,:：])(\d+(?:\s?[-－—]\s?\d+)*)(\s?)(号楼|号院|号|栋|幢|单元|室|楼)"
)
_HOUSE_AFTER = re.compile(r"(单元|号楼|栋|幢)(\s?)\d+(?![\d.])")
_HOUSE_CHINESE = re.compile(r"[一二三四五六七八九十两零〇]+(?=单元|号楼|号院)")
# WeChat and QQ accounts: the identifier after the word.
_SOCIAL = re.compile(r"(微信号?|[Qq]{2}号?)([：:\s]*)([A-Za-z0-9][-_A-Za-z0-9]{4,19})(?![-_A-Za-z0-9])")
# "号" that is not a house number: a day of the month ("3月5号"), a metro line ("2号线"), a
# document or an order ("1号文件"), a service window ("3号窗口").
_NOT_A_HOUSE = re.compile(r"线|文件|令|窗口")

# Forms of address: a family name and an honorific. Only common family names are listed, less
# those that are also everyday words before an honorific ("和先生" is "and my husband", "门卫
# 大爷" is a doorkeeper, "对方女士" the other party, "保安师傅" a guard).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅白邹孟熊秦邱江尹薛闫阎段雷侯龙陶黎贺顾毛郝龚邵钱严覃"
    "武戴莫孔汤易温康施牛樊葛邢齐庞颜倪殷鲁柳岳艾祝褚焦鲍季喻宁耿吉翟蔺欧詹"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "慕容", "令狐", "公孙",
                      "夏侯", "司徒", "长孙", "宇文", "尉迟", "端木", "南宫")
_HONORIFICS = ("先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大娘", "大叔", "大婶", "大姐",
               "大哥", "师傅", "奶奶", "爷爷")
_ADDRESS = re.compile(
    "(?:{}|[{}])({})".format("|".join(_COMPOUND_SURNAMES), _SURNAMES, "|".join(_HONORIFICS))
)


def _stars(match: re.Match) -> str:
    """Every digit and letter of the match becomes "*"; separators stay."""
    return re.sub(r"[\dA-Za-z]", "*", match.group())


def _plate(match: re.Match) -> str:
    return match.group(1) + "*" * len(match.group(2))


def _house_before(match: re.Match) -> str:
    number, space, word = match.groups()
    text, start = match.string, match.start()
    if word == "号" and (text[start - 1:start] == "月" or _NOT_A_HOUSE.match(text, match.end())):
        return match.group()
    return re.sub(r"\d+", "*", number) + space + word


def _social(match: re.Match) -> str:
    return match.group(1) + match.group(2) + "*" * len(match.group(3))


def _house_after(match: re.Match) -> str:
    return match.group(1) + match.group(2) + "*"


_RULES: tuple[tuple[re.Pattern, Callable[[re.Match], str] | str], ...] = (
    (_EMAIL, "***"),
    (_SOCIAL, _social),
    (_ID_NUMBER, _stars),
    (_CARD_GROUPED, _stars),
    (_MOBILE, _stars),
    (_LANDLINE, _stars),
    (_LONG_DIGITS, _stars),
    (_PLATE, _plate),
    (_HOUSE_BEFORE, _house_before),
    (_HOUSE_AFTER, _house_after),
    (_HOUSE_CHINESE, "*"),
)


def mask_text(text: str | None, *, names: Iterable[str] = ()) -> str:
    """The text with the personal details a reader could use to find someone masked.

    Rules, in order:

    - e-mail addresses: the part before "@" becomes "***" (``***@163.com``); a WeChat or QQ
      account after the word 微信 or QQ: every character becomes "*";
    - 18-character ID numbers (the last may be X), bank-card numbers (12 to 19 digits, also in
      groups of four), mainland mobile numbers (also as ``138 1234 5678``, ``+86 138…``),
      landlines with an area code (``0451-86801234``, ``(0451)86801234``) and any other run of
      seven or more digits not followed by a unit (元, 万, 人, 平, 米, 年, 度…): every digit
      becomes "*";
    - licence plates: the province and the city letter stay, the rest becomes "*"
      (``黑A12345`` → ``黑A*****``);
    - house numbers: the road, street or community stays, each number before 号, 栋, 幢, 单元,
      室 or 楼 becomes one "*" (``兴建路8号3单元502室`` → ``兴建路*号*单元*室``), as does a
      number right after 单元, 栋, 幢 or 号楼 (``3单元502``) and a Chinese numeral before 单元 or
      号楼 (``三单元``); "号" after a month (``3月5号``) and before 线, 文件, 令 or 窗口 is
      left alone;
    - the names in `names` (the citizen's own) keep only the family name (``张三`` → ``张*``);
    - a family name with an honorific (先生, 女士, 小姐, 阿姨, 大爷, 大妈, 师傅…) becomes
      "某" (``李女士`` → ``某女士``), for common family names only.

    Dates (``2026年3月5日``), amounts (``500元``), counts (``3个月``), short public numbers
    (``12345``, ``110``) and measures (``18度``) are left as they are. Not caught: numbers
    written in Chinese characters, names without an honorific that are not in `names`, and
    house numbers written only with hyphens (``8-3-502``): that is what the staff check is for.
    """
    text = text or ""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = text.replace(name, mask_name(name))
    return _ADDRESS.sub(r"某\1", text)
