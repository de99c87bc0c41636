"""Crawl the demo site as a robot would: every link on every page answers, every page passes the HTML
basics and names things by label, never by raw IRI."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import TEST_BASE
from tests.htmlcheck import problems
from web import create_app

pytestmark = pytest.mark.slow
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
MAX_SEARCH_PAGES = 120  # facet combinations are endless: a sample of them
MAX_LANG_VARIANTS = 60  # every page in one language, a sample in the other
MAX_DATA_LINKS = 200  # RDF and export links followed (each kind of resource is in the sample)


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.pages: list[str] = []
        self.assets: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.pages.append(a["href"])
        elif tag == "link" and a.get("href"):
            self.assets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "form" and a.get("action") and a.get("method", "get").lower() == "get":
            self.pages.append(a["action"])


def local(href: str) -> str | None:
    """A link of this site, without its fragment, or None for one elsewhere."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def kind(url: str) -> str:
    path, _, query = url.partition("?")
    params = dict(parse_qsl(query))
    if "format" in params:
        return "data"
    if path.startswith("/search"):
        return "search"
    if "lang" in params:
        return "lang"
    return "page"


@pytest.fixture(scope="module")
def client(demo_catalogue):
    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0})
    return app.test_client()


def test_every_link_answers_and_every_page_is_sound(client):
    seen: set[str] = set()
    budget = {"search": MAX_SEARCH_PAGES, "lang": MAX_LANG_VARIANTS, "data": MAX_DATA_LINKS}
    queue = deque(["/?lang=en"])
    broken, unsound, pages = [], {}, 0
    referrer: dict[str, str] = {}  # where each link was first seen, to say where a broken one is
    kinds_checked: set[str] = set()
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        k = kind(url)
        if k in budget:
            if budget[k] == 0:
                continue
            budget[k] -= 1
        response = client.get(url, headers=HTML)
        if response.status_code in (301, 302, 303):
            target = local(response.headers["Location"])
            if target:
                queue.append(target)
            continue
        if response.status_code != 200:
            broken.append((response.status_code, url, referrer.get(url)))
            continue
        if response.mimetype != "text/html":
            continue
        pages += 1
        html = response.get_data(as_text=True)
        found = problems(html, TEST_BASE, iris_are_data=url.startswith("/sparql"))
        if found:
            unsound[url] = found[:5]
        kinds_checked.add(url.split("/")[1].split("?")[0])
        refs = _Refs()
        refs.feed(html)
        for href in refs.pages + refs.assets:
            target = local(href)
            if target and target not in seen:
                referrer.setdefault(target, url)
                (queue.appendleft if kind(target) == "page" else queue.append)(target)
    assert not broken, f"{len(broken)} broken links, e.g. {broken[:5]}"
    assert not unsound, f"{len(unsound)} pages with problems, e.g. {list(unsound.items())[:3]}"
    assert {
        "",
        "search",
        "work",
        "instance",
        "item",
        "agent",
        "subject",
        "library",
        "collection",
        "sparql",
    } <= kinds_checked, kinds_checked
    assert pages > 500


def test_the_checker_finds_what_it_is_for():
    good = (
        '<!doctype html><html lang="en"><head><title>T</title></head><body><h1>T</h1>'
        '<label for="q">Q</label><input id="q" name="q"><a href="/x">X</a></body></html>'
    )
    assert problems(good, TEST_BASE) == []
    bad = (
        "<html><head><title></title></head><body><h1>A</h1><h1>B</h1><div><span></div>"
        '<input name="q"><img src="x.png"><a href="/y"></a><a href="/z">' + TEST_BASE + "work/abc</a>"
        '<p id="d"></p><p id="d">None {n}</p></body></html>'
    )
    found = " | ".join(problems(bad, TEST_BASE))
    for expected in (
        "doctype",
        "lang",
        "empty <title>",
        "2 <h1>",
        "</div> closes <span>",
        "no label",
        "without alt",
        "has no text",
        "raw IRI",
        "duplicate id",
        "'None'",
        "'{n}'",
    ):
        assert expected in found, expected
