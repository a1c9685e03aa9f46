"""Numbers in the names congresses give their terms and sessions: Chinese numerals in Chinese
(第十七届, 二次会议), English ordinals in English (17th term, 2nd session)."""

from django.utils.translation import get_language

DIGITS = "零一二三四五六七八九"


def chinese_number(value: int) -> str:
    """1..99 as written in term and session names: 10 → 十, 17 → 十七, 20 → 二十."""
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    if tens == 0:
        return DIGITS[ones]
    prefix = "" if tens == 1 else DIGITS[tens]
    return prefix + "十" + (DIGITS[ones] if ones else "")


def ordinal_en(value: int) -> str:
    """An English ordinal: 1 → 1st, 2 → 2nd, 3 → 3rd, 11 → 11th, 17 → 17th, 22 → 22nd."""
    if value % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def term_number(value: int) -> str:
    """The number of a term or session for the active language: 十七 in Chinese (and when no
    language is active, as in migrations and management commands), 17th otherwise."""
    language = get_language()
    if language is None or language.lower().startswith("zh"):
        return chinese_number(value)
    return ordinal_en(value)
