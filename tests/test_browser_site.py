"""How the site looks and behaves in a real browser (headless Chromium), measured rather than eyeballed:
no page scrolls sideways on a 390-px phone, facet lists show every value whole, form controls are styled,
empty year boxes stay out of the URL, and the browser finds the site's icon.

Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import screenshot

pytestmark = pytest.mark.browser

PHONE_PAGES = [
    "/?lang=zh",
    "/search?q=北京&lang=zh",
    "/reports/overlap?lang=zh",
    "/reports/overlap?lang=en&level=work",
    "/sparql?lang=zh",
    "/library/pku?lang=zh",
    "/local-literature?lang=zh",
]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("path", PHONE_PAGES)
def test_no_page_scrolls_sideways_on_a_phone(phone, browser_site, path):
    phone.goto(browser_site + path)
    phone.wait_for_load_state("networkidle")
    width = phone.evaluate("document.documentElement.scrollWidth")
    wide = phone.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.scroll, .CodeMirror'))
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert width <= 390, (path, width, wide)
    if "overlap" in path:
        screenshot(phone, "overlap-phone-" + ("work-en" if "work" in path else "zh"), full_page=False)


def test_wide_report_tables_scroll_in_their_own_box_by_keyboard(phone, browser_site):
    phone.goto(browser_site + "/reports/overlap?lang=zh")
    boxes = phone.locator("div.scroll")
    assert boxes.count() >= 4
    box = boxes.nth(1)
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table is wider than the phone"
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
    box.focus()
    phone.keyboard.press("ArrowRight")
    phone.wait_for_function("document.querySelectorAll('div.scroll')[1].scrollLeft > 0")


def test_facet_lists_show_every_value_whole(browser, browser_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(browser_site + "/search?q=&lang=zh")
    for fieldset in page.locator("fieldset.facet ul").all():
        clipped = fieldset.evaluate("ul => ul.scrollHeight > ul.clientHeight + 1")
        name = fieldset.evaluate("ul => ul.closest('fieldset').className")
        if "facet-library" not in name:
            assert not clipped, name
        last = fieldset.locator("li").last
        box, frame = last.bounding_box(), fieldset.bounding_box()
        assert box["y"] + box["height"] <= frame["y"] + frame["height"] + 1 or "facet-library" in name, name
    screenshot(page, "search-all-facets-zh")
    context.close()


@pytest.mark.parametrize(
    "path, selector",
    [
        ("/reports/overlap?lang=zh", "select[name=level]"),
        ("/reports/overlap?lang=zh", "input[name=scarce]"),
        ("/sparql?lang=zh", "#example-pick"),
    ],
)
def test_form_controls_are_styled(browser, browser_site, path, selector):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(browser_site + path)
    style = page.locator(selector).evaluate("""e => { const s = getComputedStyle(e);
        return {radius: s.borderTopLeftRadius, border: s.borderTopColor, font: s.fontFamily, pad: s.paddingLeft}; }""")
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert style["radius"] == "8px" and style["font"] == body_font, style  # the site's, not the browser's
    assert style["border"] == "rgb(201, 208, 219)", style
    context.close()


def test_empty_year_boxes_stay_out_of_the_url(browser, browser_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(browser_site + "/search?q=北京&lang=en")
    box = page.get_by_role("checkbox", name=re.compile(r"^Peking University Library \d+$"))
    with page.expect_navigation():
        box.check()
    assert "library=pku" in page.url and "from=" not in page.url and "to=" not in page.url, page.url
    page.get_by_role("textbox", name="From", exact=True).fill("1990")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()
    assert "from=1990" in page.url and "to=" not in page.url, page.url
    page.go_back()
    page.wait_for_load_state()
    assert page.get_by_role("textbox", name="To", exact=True).is_enabled(), "back on the page the boxes work again"
    context.close()


def test_the_browser_finds_the_sites_icon(browser, browser_site):
    context = browser.new_context()
    page = context.new_page()
    icons = []
    page.on("response", lambda r: icons.append(r.status) if r.url.endswith("/favicon.ico") else None)
    page.goto(browser_site + "/?lang=en")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href == "/favicon.ico"
    assert page.request.get(browser_site + href).status == 200
    assert all(status == 200 for status in icons), icons
    context.close()
