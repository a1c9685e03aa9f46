import os
import shutil

import pytest

os.environ.setdefault("RENDA_TESTING", "1")
# Playwright's sync API runs an event loop in the test thread; Django's ORM is still safe
# to call there because nothing else runs in it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests need Debian's Chromium: CI installs it and insists; elsewhere they skip."""
    if os.path.exists(CHROMIUM):
        return
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items:
        return
    if os.environ.get("RENDA_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError("Chromium is missing: apt-get install chromium (see .ci/run)")
    skip = pytest.mark.skip(reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
