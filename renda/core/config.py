"""The registry of per-congress settings: every deadline, threshold, weight and code list.

Each app registers its keys with a seeded default at import time (in its `apps.py` ready());
a congress overrides a key from an effective date on through `directory.CongressSetting`.
Code never holds the number itself: it asks `directory.selectors.setting_value()`.
"""

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class SettingSpec:
    key: str
    default: Any
    label: str
    help_text: str = ""


REGISTRY: dict[str, SettingSpec] = {}


def register(key: str, default: Any, label: str, help_text: str = "") -> SettingSpec:
    spec = SettingSpec(key=key, default=default, label=label, help_text=help_text)
    REGISTRY[key] = spec
    return spec


def spec(key: str) -> SettingSpec:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown congress setting {key!r}; register it in an app's ready()") from None
