"""Template tags for front-end assets built from npm into `static/vendor/`.

The vendor folder is produced by `scripts/build_assets.py` and is not committed, so a checkout
without it must still render: these tags print nothing when the file is missing.
"""

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


def _vendor_url(name: str) -> str | None:
    path = f"vendor/{name}"
    if not finders.find(path):
        return None
    try:
        return static(path)
    except ValueError:  # missing from the manifest of a stale collectstatic
        return None


@register.simple_tag
def vendor_script(name: str) -> str:
    url = _vendor_url(name)
    return format_html('<script src="{}" defer></script>', url) if url else ""


@register.simple_tag
def vendor_stylesheet(name: str) -> str:
    url = _vendor_url(name)
    return format_html('<link rel="stylesheet" href="{}">', url) if url else ""
