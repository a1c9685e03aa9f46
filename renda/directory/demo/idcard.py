"""Resident ID numbers (公民身份号码, GB 11643-1999): fake but well-formed.

Eighteen characters: a six-digit area code, the birth date (YYYYMMDD), a three-digit sequence
whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character.
"""

import datetime
import random

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def is_valid(number: str) -> bool:
    """True when `number` has the GB 11643 shape, a real birth date and the right check char."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        datetime.datetime.strptime(number[6:14], "%Y%m%d")
    except ValueError:
        return False
    return number[17] == check_char(number[:17])


def make(rng: random.Random, area: str, birth: datetime.date, male: bool, used: set[str]) -> str:
    """A new valid number not in `used` (and add it there)."""
    while True:
        sequence = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
        number = first17 + check_char(first17)
        if number not in used:
            used.add(number)
            return number
