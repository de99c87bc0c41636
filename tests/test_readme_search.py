"""The README's search examples, run against the demo alliance they describe (what `alliance demo` builds):
each claim the paragraph makes is read out of README.md and checked, so the README cannot drift from the
demo again (it once promised ISBNs the demo did not have)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.identity.normalize import isbn13
from graph.index import SearchRequest
from graph.views.common import select

README = Path(__file__).resolve().parent.parent / "README.md"


def paragraph() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("`/search?q=…` searches")
    return " ".join(text[start : text.index("\n\n", start)].split())


@pytest.fixture(scope="module")
def searcher(demo_catalogue):
    from graph.index import Searcher

    return Searcher(demo_catalogue.search)


def works(searcher, q: str) -> dict:
    result = searcher.search(SearchRequest(q=q, per_page=500), facets=False)
    assert result.total == len(result.hits)
    return {h.iri: h for h in result.hits}


def test_the_isbn_examples_find_the_edition_the_readme_names(searcher, demo_catalogue):
    text = paragraph()
    match = re.search(
        r"`([0-9-]{13,17})` and\s+`([0-9X]{10})`.*?find the same edition, (\S+) \(([^,]+), (\d{4})\), "
        r"which all five members hold",
        text,
    )
    assert match, text
    thirteen, ten, title, publisher, year = match.groups()
    assert isbn13(thirteen) == isbn13(ten), "the two forms are one ISBN"
    found = [works(searcher, thirteen), works(searcher, ten)]
    assert len(found[0]) == 1 and found[0].keys() == found[1].keys(), "both forms find the same single work"
    rows = select(
        demo_catalogue.store,
        f"""SELECT DISTINCT ?i ?label (COUNT(DISTINCT ?lib) AS ?holders) WHERE {{
        ?i bf:identifiedBy ?x ; rdfs:label ?label ; bf:instanceOf ?w . ?x a bf:Isbn ; rdf:value ?v .
        ?item bf:itemOf ?i ; bf:heldBy ?lib
        FILTER(REPLACE(STR(?v), "-", "") IN ("{thirteen.replace("-", "")}", "{ten}")) }} GROUP BY ?i ?label""",
    )
    assert {r["i"].value for r in rows} and len({r["i"].value for r in rows}) == 1, "one edition"
    assert title in {r["label"].value for r in rows}
    assert int(rows[0]["holders"].value) == 5
    statement = select(
        demo_catalogue.store,
        f"""SELECT ?s WHERE {{ <{rows[0]["i"].value}>
        bf:provisionActivityStatement ?s }}""",
    )
    assert any(publisher in s["s"].value and year in s["s"].value for s in statement)
    work = select(demo_catalogue.store, f"SELECT ?w WHERE {{ <{rows[0]['i'].value}> bf:instanceOf ?w }}")[0]["w"].value
    assert set(found[0]) == {work}


def test_simplified_and_traditional_meet(searcher):
    text = paragraph()
    simplified, traditional = re.search(r"`(\S+)` and `(\S+)` find the same genealogies", text).groups()
    assert simplified != traditional
    found = works(searcher, simplified)
    assert len(found) > 10 and found.keys() == works(searcher, traditional).keys()


def test_beijing_finds_the_han_titles_by_their_pinyin_however_divided(searcher):
    text = paragraph()
    assert "`北京` finds the Han titles, names and publishers that carry it" in text
    han = works(searcher, "北京")
    pinyin = works(searcher, "beijing")
    divisions = re.search(r"\(`([^`]+)` and `([^`]+)` alike\)", text).groups()

    def romanised(hit):
        return [v for v, tag in hit.display.get("labels", []) if v.isascii()]

    for form in divisions:  # a title romanised each way is among what `beijing` finds, and has 北京 in Han
        hits = [h for h in pinyin.values() if any(r.startswith(form) for r in romanised(h))]
        assert hits, form
        assert all(h.iri in han for h in hits), form
    shared = [h for h in pinyin.values() if h.iri in han]
    assert len(shared) > 0.8 * len(pinyin), "nearly everything pinyin finds, the characters find"
