"""De-identification of personal information for anything shown in public (PIPL art. 25)."""

import re


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
