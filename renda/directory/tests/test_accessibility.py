"""Accessibility of the public pages on a phone: axe-core finds nothing serious, nothing scrolls
sideways at 320 CSS pixels, and the keyboard works (skip link, search, visible focus).

axe-core is a devDependency in package.json (`npm ci` installs it; `make test` runs that first). It is
injected into each page by Playwright; the context bypasses the site's CSP, which forbids inline
scripts, for that alone.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from renda.directory.testing import PASSWORD, build_world

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside one
# unless told that this test process knows what it is doing.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

# Runs axe and returns only what the report needs (the full result is large): the violations, and
# the checks axe could not decide ("incomplete"), such as an aria-describedby naming a missing id.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const brief = (kind) => (v) => ({
    kind, id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target, html: n.html,
      why: [...n.any, ...n.all, ...n.none].map(c => c.message).filter(Boolean)})),
  });
  return [...result.violations.map(brief('violation')),
          ...result.incomplete.map(brief('needs review'))];
}"""

# conftest.py skips browser tests where Chromium is missing (and fails under RENDA_REQUIRE_BROWSER).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run npm ci (make test does)")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser, live_server, language: str | None = None):
    context = browser.new_context(locale="zh-CN", bypass_csp=True, **PHONE)
    if language:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                              "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']} {violation['kind']}] {violation['id']}: "
                     f"{violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}  {node['html'][:160]}")
            lines.extend(f"        {why}" for why in node["why"])
    return "\n".join(lines)


def audit(page, axe_source: str) -> list[dict]:
    page.evaluate("document.fonts.ready.then(() => true)")
    page.add_script_tag(content=axe_source)
    return page.evaluate(AXE_RUN, WCAG_TAGS)


def open_login_with_wrong_password(page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill(PASSWORD + "-wrong")
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()


def open_login_with_empty_fields(page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()


def open_second_factor_with_a_bad_code(page, url: str, world) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.users["office_staff"], name="phone", confirmed=True)
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(world.users["office_staff"].username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_label("动态验证码").fill("12")
    with page.expect_navigation():
        page.get_by_role("button", name="验证并登录").click()
    page.get_by_role("alert").first.wait_for()


# (id, language, how to reach the page from the live server's URL and the world)
PAGES = [
    ("home", None, lambda page, url, world: page.goto(f"{url}/")),
    ("home-en", "en", lambda page, url, world: page.goto(f"{url}/")),
    ("deputy-list", None, lambda page, url, world: page.goto(f"{url}/deputies/")),
    ("deputy-search", None, lambda page, url, world: page.goto(f"{url}/deputies/?q=王")),
    ("deputy-filters-no-result", None,  # the filters open, "clear" link, empty result
     lambda page, url, world: page.goto(f"{url}/deputies/?q=无此人&area=230108001000")),
    ("deputy-detail", None,
     lambda page, url, world: page.goto(url + world.deputies["wang"].get_absolute_url())),
    ("station-list", None, lambda page, url, world: page.goto(f"{url}/stations/")),
    ("station-detail", None,
     lambda page, url, world: page.goto(url + world.stations["xingjian"].get_absolute_url())),
    ("login", None, lambda page, url, world: page.goto(f"{url}/accounts/login/")),
    ("login-wrong-password", None,
     lambda page, url, world: open_login_with_wrong_password(page, url)),
    ("login-empty", None, lambda page, url, world: open_login_with_empty_fields(page, url)),
    ("login-second-factor-error", None, open_second_factor_with_a_bad_code),
]


@pytest.mark.parametrize(("language", "visit"), [(lang, visit) for _, lang, visit in PAGES],
                         ids=[name for name, _, _ in PAGES])
def test_public_page_has_no_serious_axe_violations(live_server, browser, axe_source, language,
                                                     visit):
    world = build_world()
    page = new_page(browser, live_server, language)
    try:
        visit(page, live_server.url, world)
        url = page.url
        violations = audit(page, axe_source)
    finally:
        page.context.close()
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe found on {url}:\n{format_violations(blocking)}"


@pytest.mark.parametrize(("language", "visit"), [(lang, visit) for _, lang, visit in PAGES],
                         ids=[name for name, _, _ in PAGES])
def test_public_page_reflows_at_320_css_pixels(live_server, browser, language, visit):
    """WCAG 1.4.10: nothing scrolls sideways on the narrowest phone screen."""
    world = build_world()
    context = browser.new_context(locale="zh-CN", viewport={"width": 320, "height": 640})
    if language:
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                              "url": live_server.url}])
    page = context.new_page()
    try:
        visit(page, live_server.url, world)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert scroll_width <= 320 and not wide, f"{scroll_width}px wide because of {wide}"


def test_axe_reports_what_it_finds(live_server, browser, axe_source):
    """The check itself works: a page with known faults gives serious violations."""
    page = new_page(browser, live_server)
    try:
        page.goto(f"{live_server.url}/stations/")
        page.evaluate("""() => {
          document.querySelector('label[for="filter-q"]').remove();
          document.getElementById('filter-q').removeAttribute('placeholder');
          document.querySelector('.site-name').textContent = '';
          document.querySelector('.result-count').style.color = '#bbbbbb';
        }""")
        found = {v["id"] for v in audit(page, axe_source) if v["impact"] in BLOCKING}
    finally:
        page.context.close()
    assert {"label", "link-name", "color-contrast"} <= found, found


def focused(page) -> dict:
    return page.evaluate("""() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, type: el.type || '',
              text: (el.innerText || '').trim(), outline: style.outlineStyle,
              outlineWidth: parseFloat(style.outlineWidth) || 0, shadow: style.boxShadow,
              top: box.top, bottom: box.bottom};
    }""")


def assert_focus_visible(element: dict) -> None:
    has_outline = element["outline"] != "none" and element["outlineWidth"] > 0
    has_shadow = element["shadow"] not in ("", "none")
    assert has_outline or has_shadow, f"no visible focus indicator on {element}"


def test_keyboard_reaches_the_skip_link_main_content_and_the_search(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/deputies/")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["tag"] == "a" and "skip-link" in skip["cls"], skip
    assert skip["top"] >= 0, f"the focused skip link is off screen: {skip}"
    assert_focus_visible(skip)

    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    assert page.evaluate("location.hash") == "#main"
    # The main content is scrolled to the top, or as far as the page can scroll.
    assert page.evaluate("""() => {
      const top = document.getElementById('main').getBoundingClientRect().top;
      const maxScroll = document.documentElement.scrollHeight - window.innerHeight;
      return Math.abs(top) <= 1 || window.scrollY >= maxScroll - 1;
    }""")

    # From main content, Tab moves on to the name search and then to its submit button.
    seen = []
    for _ in range(5):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if seen[-1]["id"] == "filter-q":
            break
    search = seen[-1]
    assert search["id"] == "filter-q", f"Tab never reached the search input: {seen}"
    assert_focus_visible(search)

    page.keyboard.press("Tab")
    submit = focused(page)
    assert submit["tag"] == "button" and submit["type"] == "submit", submit
    assert submit["text"] == "查找", submit
    assert_focus_visible(submit)
