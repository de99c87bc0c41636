"""Accessibility measured: axe-core (the engine behind Lighthouse and Deque's tools, shipped inside the
PyPI package axe-playwright-python) runs in headless Chromium on every kind of page the site has, in
English and Chinese, with the WCAG 2.0/2.1 A and AA rules. A serious or critical violation fails the test,
with axe's report of what and where; minor and moderate ones are listed in the failure message of the
test that shows them all (none at present).
"""

from __future__ import annotations

import re

import pytest

from graph.views import works
from graph.views.common import select
from tests.conftest import TEST_BASE
from tests.webtools import path_of

pytestmark = pytest.mark.browser

RULES = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
GRAVE = ("serious", "critical")


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        from tests.browser import unavailable

        unavailable("the Python package axe-playwright-python is not installed (pip install -e '.[test]')")
    return Axe()


def _one(store, query: str) -> str:
    rows = select(store, query)
    assert rows, query
    return path_of(rows[0]["x"].value, TEST_BASE)


@pytest.fixture(scope="module")
def page_kinds(demo_catalogue):
    """One URL of every kind of page (the demo's), with the state a patron meets it in."""
    store = demo_catalogue.store
    work = _one(  # the most editions, each with its holders
        store,
        """SELECT ?x WHERE { ?i bf:instanceOf ?x ; a bf:Instance . ?item bf:itemOf ?i }
        GROUP BY ?x ORDER BY DESC(COUNT(DISTINCT ?i)) ?x LIMIT 1""",
    )
    return {
        "home": "/",
        "search": "/search?q=北京",
        "search-filtered": "/search?q=北京&library=pku&from=1990&to=2010",
        "search-empty": "/search?q=qqqzzz",
        "browse": "/search?q=",
        "work": work,
        "uniform-title": _one(store, "SELECT ?x WHERE { ?w bf:expressionOf ?x . ?x a bf:Hub } LIMIT 1"),
        "edition": _one(
            store, "SELECT ?x WHERE { ?item bf:itemOf ?x } GROUP BY ?x ORDER BY DESC(COUNT(?item)) LIMIT 1"
        ),
        "copies": _one(
            store,
            """SELECT ?x WHERE { ?item bf:itemOf ?x ; bf:heldBy ?lib } GROUP BY ?x ?lib
                                 HAVING (COUNT(?item) > 1) LIMIT 1""",
        )
        + "?holder=shl#copies",
        "item": _one(store, "SELECT ?x WHERE { ?x a bf:Item } LIMIT 1"),
        "agent": _one(store, "SELECT ?x WHERE { ?c bf:agent ?x } LIMIT 1"),
        "subject": _one(store, "SELECT ?x WHERE { ?w bf:subject ?x . ?x a bf:Topic } LIMIT 1"),
        "library": "/library/pku",
        "collection": _one(store, "SELECT ?x WHERE { ?x a bf:Collection } LIMIT 1"),
        "overlap": "/reports/overlap",
        "overlap-works": "/reports/overlap?level=work&scarce=3",
        "local-literature": "/local-literature",
        "sparql": "/sparql",
        "not-found": "/work/nosuchwork",
    }


def _pages_without_parameters(demo_catalogue) -> list[str]:
    """Every GET route of the app that takes no parameter and answers an HTML page (pages added later,
    such as the local-literature or check-list pages, are tested without this file changing)."""
    from web import create_app

    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0})
    client = app.test_client()
    found = []
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        response = client.get(rule.rule, headers={"Accept": "text/html"})
        if response.status_code == 200 and response.mimetype == "text/html":
            found.append(rule.rule)
    return sorted(set(found))


def _with_lang(url: str, lang: str) -> str:
    path, hash_, fragment = url.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={lang}{hash_}{fragment}"


def _report(results) -> str:
    lines = []
    for v in results.response["violations"]:
        if v["impact"] in GRAVE:
            nodes = "; ".join(", ".join(n["target"]) + " " + n["html"][:120] for n in v["nodes"][:3])
            lines.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['help']} -- {nodes}")
    return "\n".join(lines)


KINDS = [
    "home",
    "search",
    "search-filtered",
    "search-empty",
    "browse",
    "work",
    "uniform-title",
    "edition",
    "copies",
    "item",
    "agent",
    "subject",
    "library",
    "collection",
    "overlap",
    "overlap-works",
    "local-literature",
    "sparql",
    "not-found",
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", KINDS)
def test_no_serious_or_critical_violations(browser, browser_site, page_kinds, kind, lang):
    _check(browser, browser_site, page_kinds[kind], kind, lang)


def test_every_page_without_parameters_is_checked(browser, browser_site, page_kinds, demo_catalogue):
    """The pages the app has beyond the kinds above (e.g. /local-literature/…, /reports/…), both languages."""
    listed = {url.split("?")[0] for url in page_kinds.values()}
    extra = [url for url in _pages_without_parameters(demo_catalogue) if url not in listed]
    for url in extra:
        for lang in ("en", "zh"):
            _check(browser, browser_site, url, url, lang)


def _check(browser, browser_site, url, kind, lang):
    axe = _axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(browser_site + _with_lang(url, lang))
        page.wait_for_load_state("networkidle")
        if kind == "sparql":  # the editor as people use it: an example run, its results in the table
            page.locator("#example-pick").select_option(index=1)
            page.locator(".yasqe_queryButton").click()
            page.locator(".yasr table.dataTable tbody tr").first.wait_for()
        results = axe.run(page, options=RULES)
    finally:
        context.close()
    assert not _report(results), f"{kind} ({lang}):\n{_report(results)}"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_work_paged_through_its_editions(browser, browser_site, page_kinds, monkeypatch, lang):
    """Two editions a page: the pager leads on and back, every page without serious violations."""
    monkeypatch.setattr(works, "EDITIONS_PER_PAGE", 2)
    axe = _axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(browser_site + _with_lang(page_kinds["work"], lang))
        assert page.locator("article.edition-card").count() == 2
        first = page.locator("article.edition-card h3 a").first.get_attribute("href")
        results = axe.run(page, options=RULES)
        assert not _report(results), f"work page 1 ({lang}):\n{_report(results)}"
        page.locator("nav.pager a[rel=next]").click()
        page.wait_for_url(re.compile(r"[?&]page=2"))
        assert page.locator("article.edition-card").count() >= 1
        assert first not in [a.get_attribute("href") for a in page.locator("article.edition-card h3 a").all()]
        assert page.locator("article.edition-card .edition-holders li a").count() >= 1
        results = axe.run(page, options=RULES)
        assert not _report(results), f"work page 2 ({lang}):\n{_report(results)}"
        page.locator("nav.pager a[rel=prev]").click()
        page.wait_for_load_state()
        assert page.locator("article.edition-card h3 a").first.get_attribute("href") == first
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/search?q=上海&lang=zh", "/reports/overlap?lang=en", "/sparql?lang=zh"])
def test_no_serious_or_critical_violations_on_a_phone(browser, browser_site, path):
    axe = _axe()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(browser_site + path)
        page.wait_for_load_state("networkidle")
        results = axe.run(page, options=RULES)
    finally:
        context.close()
    assert not _report(results), f"{path}:\n{_report(results)}"


def test_without_the_editor_the_sparql_form_and_its_results_pass(browser, browser_site):
    """The page as it is without JavaScript (its scripts are not delivered; axe itself needs the tab's)."""
    from urllib.parse import quote

    from web.sparql_examples import EXAMPLES

    axe = _axe()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(browser_site + "/sparql?lang=zh&query=" + quote(EXAMPLES[0].query))
        page.wait_for_load_state()
        assert page.locator("form.sparql").is_visible() and page.locator("table.results tbody tr").count() >= 5
        results = axe.run(page, options=RULES)
    finally:
        context.close()
    assert not _report(results), _report(results)


def test_the_checker_finds_what_it_is_for(browser, browser_site):
    """A page with an unlabelled control and low-contrast text fails, so a pass means something."""
    axe = _axe()
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(browser_site + "/?lang=en")
        page.evaluate("""() => { const i = document.createElement('input'); document.querySelector('main').append(i);
            const p = document.createElement('p'); p.textContent = 'faint'; p.style.color = '#ccc';
            document.querySelector('main').append(p); }""")
        results = axe.run(page, options=RULES)
    finally:
        context.close()
    found = {v["id"] for v in results.response["violations"] if v["impact"] in GRAVE}
    assert {"label", "color-contrast"} <= found, found
