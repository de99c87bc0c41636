"""People using the site in a real browser (headless Chromium): search in Chinese, tick a facet with the
keyboard, open a work and see who holds it, switch language, follow a contributor, go back.

Screenshots of the main pages go to test-artifacts/screenshots/ for review.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    failed = []
    tab.on(
        "response",
        lambda r: (
            failed.append((r.status, r.url))
            if r.status >= 500 or (r.status == 404 and r.url.endswith("/favicon.ico"))
            else None
        ),
    )
    tab.on("pageerror", lambda err: failed.append(("js", str(err))))
    yield tab
    context.close()
    assert not failed, failed


def count_of(text: str) -> int:
    return int(re.search(r"([\d,]+) results", text).group(1).replace(",", ""))


def test_search_facet_work_language_agent_and_back(page, browser_site):
    page.goto(browser_site + "/?lang=en")
    screenshot(page, "home-en")
    box = page.get_by_role("searchbox", name="Search the union catalogue").first
    box.fill("北京")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    heading = page.get_by_role("heading", level=1)
    assert "北京" in heading.inner_text()
    total = count_of(heading.inner_text())
    screenshot(page, "search-beijing")

    # tick a facet with the keyboard: focus the box by its accessible name, press Space
    facet = page.get_by_role("checkbox", name=re.compile(r"^Peking University Library \d+$"))
    expected = int(re.search(r"(\d+)$", facet.locator("xpath=..").inner_text()).group(1))  # its count
    facet.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "library=pku" in page.url
    narrowed = page.get_by_role("heading", level=1).inner_text()
    assert count_of(narrowed) == expected < total
    ticked = page.get_by_role("checkbox", name=re.compile(r"^Peking University Library"))
    assert ticked.is_checked()
    assert page.evaluate("document.activeElement.id") == ticked.get_attribute("id"), "focus stays on the box"
    assert page.get_by_role("link", name=re.compile(r"^Remove filter: Library: Peking University Library")).count() == 1
    screenshot(page, "search-beijing-pku")

    # open the first work: its holders are the hero of the page
    page.locator("ol.hits h2 a").first.click()
    page.wait_for_url(re.compile(r"/work/"))
    work_url = page.url
    assert page.get_by_role("heading", name=re.compile("Find a copy")).is_visible()
    holders = page.locator("article.edition-card .edition-holders li")
    assert holders.count() >= 1
    assert "Peking University Library" in page.locator("section.holdings-hero").inner_text()
    screenshot(page, "work-en")

    # switch language: the choice sticks on the next page
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", name=re.compile("馆藏分布")).is_visible()
    assert "北京大学图书馆" in page.locator("section.holdings-hero").inner_text()
    screenshot(page, "work-zh")

    # follow a contributor to their page, then come back
    contributor = page.locator("dl.fields a[href^='/agent/']").first
    name = contributor.inner_text()
    contributor.click()
    page.wait_for_url(re.compile(r"/agent/"))
    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.get_by_role("heading", name="该责任者的作品").is_visible()
    assert page.locator("html").get_attribute("lang") == "zh-Hans", "the language was remembered"
    screenshot(page, "agent-zh")
    page.go_back()
    page.wait_for_url(re.compile(r"/work/"))
    assert page.url.split("?")[0] == work_url.split("?")[0]
    assert page.get_by_role("heading", name=re.compile("馆藏分布")).is_visible()


def test_edition_library_and_collection_pages(page, browser_site):
    page.goto(browser_site + "/search?q=家谱&lang=zh")
    assert "家谱" in page.get_by_role("heading", level=1).inner_text()
    page.locator("ol.hits h2 a").first.click()
    page.locator("article.edition-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/instance/"))
    assert page.get_by_role("heading", name=re.compile("馆藏")).first.is_visible()
    assert page.get_by_role("heading", name="引用与导出").is_visible()
    screenshot(page, "instance-zh")
    page.goto(browser_site + "/library/caplib?lang=en")
    assert page.get_by_role("heading", name=re.compile("Works no other member holds")).is_visible()
    screenshot(page, "library-en")
    page.goto(browser_site + "/?lang=zh")
    page.get_by_role("link", name="首都地方文献").click()
    page.wait_for_url(re.compile(r"/collection/"))
    assert page.get_by_role("heading", level=1).inner_text() == "首都地方文献"
    screenshot(page, "collection-zh")


def test_phone_sized_search_folds_the_facets(browser, browser_site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    tab = context.new_page()
    tab.goto(browser_site + "/search?q=上海")
    assert tab.locator("html").get_attribute("lang") == "zh-Hans", "Accept-Language chose Chinese"
    refine = tab.locator("details.refine")
    assert refine.get_attribute("open") is None, "facets start folded on a phone"
    assert tab.locator("ol.hits li").first.is_visible()
    screenshot(tab, "search-phone-zh", full_page=False)
    tab.locator("details.refine summary").click()
    assert tab.get_by_role("checkbox").first.is_visible()
    screenshot(tab, "search-phone-zh-facets", full_page=False)
    tab.locator("ol.hits h2 a").first.click()
    tab.wait_for_url(re.compile(r"/work/"))
    screenshot(tab, "work-phone-zh", full_page=False)
    context.close()


def test_not_found_and_zero_results(page, browser_site):
    response = page.goto(browser_site + "/work/nosuchwork?lang=en")
    assert response.status == 404
    assert page.get_by_role("searchbox").count() >= 1
    screenshot(page, "not-found-en")
    page.goto(browser_site + "/search?q=qqqzzz&lang=en")
    assert "No results" in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "zero-results-en")
