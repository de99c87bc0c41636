"""The work page of a work with many editions (issue 12), on the sample alliance: the count of all its
editions, a page of them at a time (newest first, with links to the rest), each shown edition with the
libraries holding it and their copy counts, the work's holders over all its editions; the copies
themselves (call numbers, the member's own catalogue) a link away, on the edition's page."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from graph.alliance.members import list_members
from graph.views import works
from graph.views.common import select
from tests.conftest import TEST_BASE
from tests.webtools import links, path_of
from web import create_app

HTML = {"Accept": "text/html"}
CARD = re.compile(r'<article class="edition-card">(.*?)</article>', re.S)
HOLDER = re.compile(r'<li><a href="([^"]+)">([^<]+)</a> <span class="copies">([^<]+)</span></li>')


@pytest.fixture(scope="module")
def client(demo_catalogue):
    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0})
    return app.test_client()


@pytest.fixture(scope="module")
def most(demo_catalogue):
    """The sample's work with the most editions: its IRI, its editions, and who holds how many copies of
    each (by the members' English names), as the store counts them."""
    store = demo_catalogue.store
    ((row,),) = [
        select(
            store,
            """SELECT ?w (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i bf:instanceOf ?w ; a bf:Instance }
            GROUP BY ?w ORDER BY DESC(?n) ?w LIMIT 1""",
        )
    ]
    work = row["w"].value
    names = {m.iri: m.name for m in list_members(store)}
    held: dict[str, dict[str, int]] = {}
    for r in select(
        store,
        f"""SELECT ?i ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ ?i bf:instanceOf <{work}> ; a bf:Instance
        OPTIONAL {{ ?item bf:itemOf ?i ; bf:heldBy ?lib }} }} GROUP BY ?i ?lib""",
    ):
        copies = held.setdefault(r["i"].value, {})
        if r["lib"] is not None:
            copies[names[r["lib"].value]] = int(r["n"].value)
    assert len(held) >= 5, "a work with several editions to page through"
    return work, held


def get(client, url: str) -> str:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def cards(html: str) -> list[tuple[str, dict[str, int], list[str]]]:
    """Each edition on a work page: its page, {holder: copies} and the holders' links."""
    out = []
    for card in CARD.findall(html):
        edition = links(card)[0][0]
        holders = HOLDER.findall(card)
        out.append((edition, {name: _count(n) for _, name, n in holders}, [href for href, _, _ in holders]))
    return out


def _count(text: str) -> int:
    return int(text.split()[0]) if text[0].isdigit() else 1  # "3 copies", "1 copy"


def work_total(held: dict[str, dict[str, int]]) -> dict[str, int]:
    total: dict[str, int] = defaultdict(int)
    for copies in held.values():
        for name, n in copies.items():
            total[name] += n
    return dict(total)


def hero(html: str) -> dict[str, int]:
    section = re.search(r'<section class="holdings-hero".*?</section>', html, re.S).group(0)
    found = re.findall(r'<li><a href="/library/[^"]+">([^<]+)</a> <span class="copies">([^<]+)</span></li>', section)
    return {name: _count(n) for name, n in found}


def test_each_edition_names_its_holders_and_their_copy_counts(client, most):
    work, held = most
    html = get(client, path_of(work, TEST_BASE) + "?lang=en")
    shown = cards(html)
    assert [e for e, _, _ in shown] and {e for e, _, _ in shown} == {path_of(i, TEST_BASE) for i in held}
    for edition, holders, _ in shown:
        assert holders == held[TEST_BASE + edition.lstrip("/")], edition
    assert '<span class="count">(%d)</span>' % len(held) in html
    assert hero(html) == work_total(held), "find a copy: every holder of any edition, with its copies"
    assert '<table class="holdings">' not in html, "copies and call numbers are on the editions' pages"
    assert 'class="pager"' not in html, "one page holds them all"


def test_editions_come_a_page_at_a_time_newest_first(client, demo_catalogue, most, monkeypatch):
    monkeypatch.setattr(works, "EDITIONS_PER_PAGE", 2)
    work, held = most
    path = path_of(work, TEST_BASE)
    pages = -(-len(held) // 2)
    seen, years = [], []
    for n in range(1, pages + 1):
        html = get(client, f"{path}?page={n}&lang=en")
        shown = cards(html)
        assert len(shown) == (2 if n < pages else len(held) - 2 * (pages - 1)), n
        for edition, holders, _ in shown:
            assert holders == held[TEST_BASE + edition.lstrip("/")], (n, edition)
        seen += [e for e, _, _ in shown]
        assert f"Editions {2 * n - 1}–{2 * n - 2 + len(shown)} of {len(held)}" in html
        assert f"Page {n} of {pages}" in html
        assert '<span class="count">(%d)</span>' % len(held) in html, "the count of all editions on every page"
        assert hero(html) == work_total(held), f"page {n}: the holders of all editions, not only those shown"
        nav = re.search(r'<nav class="pager".*?</nav>', html, re.S).group(0)
        assert ('rel="next"' in nav) == (n < pages) and ('rel="prev"' in nav) == (n > 1)
        if n < pages:
            assert re.search(r'rel="next" href="[^"]*page=%d' % (n + 1), nav)
        view = works.work_view(demo_catalogue.store, work, "en", page=n)
        years += [int(e["year"] or 0) for e in view["instances"]]
    assert sorted(seen) == sorted(path_of(i, TEST_BASE) for i in held), "every edition once, on some page"
    assert years == sorted(years, reverse=True), "newest first across the pages"
    beyond = get(client, f"{path}?page=99&lang=en")
    assert f"Page {pages} of {pages}" in beyond and cards(beyond)[-1][0] == seen[-1]


def test_a_holder_leads_to_its_copies_on_the_edition_page(client, demo_catalogue, most):
    work, held = most
    html = get(client, path_of(work, TEST_BASE) + "?lang=en")
    edition, holders, hrefs = next(c for c in cards(html) if c[1])
    name, copies = next(iter(holders.items()))
    href = hrefs[0]
    assert href.startswith(edition + "?holder=") and href.endswith("#copies")
    record = get(client, href.split("#")[0] + "&lang=en")
    section = re.search(r'<section id="copies".*?</section>', record, re.S).group(0)
    assert f"{name}" in section and f'<span class="count">({copies})</span>' in section
    assert len(re.findall(r'<td class="calls">', section)) == min(copies, 50), "each copy with its call number"
    assert work in {TEST_BASE + h.lstrip("/") for h, _ in links(record)}, "and back to the work"
