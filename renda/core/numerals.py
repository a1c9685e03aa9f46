"""Chinese numerals for the names congresses give their terms and sessions (第十七届, 二次会议)."""

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
