"""The SPARQL page in a real browser (headless Chromium): YASGUI, served from this site, runs an example
query against this server's /sparql and shows the rows the endpoint answers; without JavaScript the plain
form does the same. Every request the page makes must go to this server (the editor works offline).

Screenshots go to test-artifacts/screenshots/ (sparql-yasgui.png, sparql-plain-form.png).
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest

from tests.browser import screenshot
from web.sparql_examples import EXAMPLES

pytestmark = pytest.mark.browser


def _open(browser, browser_site, javascript=True):
    """A tab that may reach only ``browser_site``: anything else is aborted and recorded, as if offline."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 1000}, locale="en-GB", java_script_enabled=javascript
    )
    outside, failed = [], []

    def only_here(route):
        if route.request.url.startswith(browser_site + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    tab = context.new_page()
    tab.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    tab.on("pageerror", lambda err: failed.append(("js", str(err))))
    return context, tab, outside, failed


def _endpoint_rows(browser_site, query, shown=None):
    """The rows /sparql answers as SPARQL JSON (what the browser's table must show)."""
    shown = shown or _as_shown
    url = browser_site + "/sparql?" + urllib.parse.urlencode({"query": query, "format": "json"})
    with urllib.request.urlopen(url, timeout=60) as response:
        data = json.load(response)
    names = data["head"]["vars"]
    return names, [[shown(b.get(v)) for v in names] for b in data["results"]["bindings"]]


def _plain(term: dict | None) -> str:
    """An RDF term as YASR's table writes it in its simple view (the page's default): the bare value."""
    return "" if term is None else term["value"]


def _as_shown(term: dict | None) -> str:
    """An RDF term as YASR's table writes it in full (N-Triples-like, without prefixes)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    literal = f'"{term["value"]}"'
    if "xml:lang" in term:
        return f"{literal}@{term['xml:lang']}"
    return f"{literal}^^<{term['datatype']}>" if "datatype" in term else literal


def test_yasgui_runs_an_example_against_this_server(browser, browser_site):
    context, page, outside, failed = _open(browser, browser_site)
    try:
        page.goto(browser_site + "/sparql?lang=en")
        editor = page.locator("#query-editor")
        editor.locator(".yasqe .CodeMirror").wait_for()
        assert page.locator("form.sparql").is_hidden(), "YASGUI replaces the plain form"
        endpoint = page.evaluate("window.allianceYasgui.getTab().getEndpoint()")
        assert endpoint == browser_site + "/sparql"

        example = EXAMPLES[0]  # copies held by each member library
        page.get_by_label("Example queries").select_option(label=example.title[0])
        assert page.evaluate("window.allianceYasgui.getTab().getQuery()") == example.query
        with page.expect_response(lambda r: r.url == browser_site + "/sparql" and r.request.method == "POST") as sent:
            page.locator(".yasqe_queryButton").click()
        assert sent.value.status == 200
        table = page.locator(".yasr table.dataTable")
        table.locator("tbody tr").first.wait_for()

        names, expected = _endpoint_rows(browser_site, example.query)
        assert len(expected) >= 5 and '"Peking University Library"@en' in [r[1] for r in expected]
        headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
        for name in names:
            assert any(name.lower() == h.lower().lstrip("?") for h in headers), (name, headers)
        rows_js = "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(td => td.innerText.trim()))"
        shown = table.locator("tbody tr").evaluate_all(rows_js)
        # the simple view first: 167, not "167"^^<http://www.w3.org/2001/XMLSchema#integer>
        _, plain = _endpoint_rows(browser_site, example.query, _plain)
        assert shown == plain  # the endpoint's rows, in its order
        assert all(row[-1].isdigit() for row in shown), shown
        screenshot(page, "sparql-yasgui")
        # the switch shows every term in full, with row numbers
        page.locator(".tableControls label.switch").first.click()
        page.wait_for_function("document.querySelector('.yasr table.dataTable td .rowNumber') !== null")
        shown = page.locator(".yasr table.dataTable tbody tr").evaluate_all(rows_js)
        assert [row[1:] for row in shown] == expected
        assert [row[0] for row in shown] == [str(i) for i in range(1, len(expected) + 1)]
    finally:
        context.close()
    assert outside == [], f"the editor reached outside this server: {outside}"
    assert not failed, failed  # the favicon too


def test_without_javascript_the_plain_form_answers(browser, browser_site):
    context, page, outside, failed = _open(browser, browser_site, javascript=False)
    try:
        page.goto(browser_site + "/sparql?lang=en")
        assert page.locator("#query-editor").is_hidden()
        page.get_by_label("Query").fill(EXAMPLES[0].query)
        with page.expect_navigation():
            page.get_by_role("button", name="Run query").click()
        rows = page.locator("table.results tbody tr")
        _, expected = _endpoint_rows(browser_site, EXAMPLES[0].query)
        assert rows.count() == len(expected) >= 5
        screenshot(page, "sparql-plain-form")
    finally:
        context.close()
    assert outside == []
    assert not failed, failed  # the favicon too


def test_yasgui_speaks_chinese_on_the_chinese_page(browser, browser_site):
    context, page, outside, failed = _open(browser, browser_site)
    try:
        page.goto(browser_site + "/sparql?lang=zh")
        page.locator("#query-editor .yasqe .CodeMirror").wait_for()
        page.locator("#example-pick").select_option(index=1)
        page.locator(".yasqe_queryButton").click()
        page.locator(".yasr table.dataTable tbody tr").first.wait_for()
        page.wait_for_function("document.querySelector('.yasr_header').innerText.includes('表格')")
        words = page.locator("#yasgui").inner_text()
        for english in ("Table", "Response", "Simple view", "Ellipse", "Page size", "Showing", "results in"):
            assert english not in words, english
        for chinese in ("表格", "原始响应", "简洁视图", "条结果"):
            assert chinese in words, chinese
        labels = page.locator("#yasgui [title], #yasgui [aria-label]").evaluate_all(
            "els => els.map(e => (e.getAttribute('title') || '') + ' ' + (e.getAttribute('aria-label') || ''))"
        )
        assert not [x for x in labels if "Run query" in x or "Share query" in x or "Activate to sort" in x], labels
        assert "执行查询" in " ".join(labels)
        query = page.evaluate("window.allianceYasgui.getTab().getQuery()")
        assert "SELECT" in query and "执行" not in query, "the query itself is never translated"
        screenshot(page, "sparql-yasgui-zh")
    finally:
        context.close()
    assert outside == [] and not failed, (outside, failed)
