"""The search index over the sample alliance's records: scripts, pinyin, identifiers, facets, and replaced loads."""

from __future__ import annotations

import unicodedata

import pytest

from graph.index import SearchRequest, Searcher
from graph.index.text import fold


@pytest.fixture(scope="module")
def demo(demo_catalogue):
    return Searcher(demo_catalogue.search)


@pytest.fixture(scope="module")
def seeded_search(seeded_catalogue):
    seeded_catalogue.sync_search()
    return Searcher(seeded_catalogue.search)


def titles(result) -> list[str]:
    return [v for h in result.hits for v, _ in h.display["labels"]]


def ids(result) -> list[str]:
    return [h.iri for h in result.hits]


def search(searcher, q="", per_page=100, **kw):
    return searcher.search(SearchRequest(q=q, per_page=per_page, **kw))


@pytest.mark.parametrize("q, must_contain", [("北京", "北京"), ("家谱", "家"), ("上海", "上海"), ("地方志", "志")])
def test_two_character_chinese_queries_find_titles(demo, q, must_contain):
    found = search(demo, q)
    assert found.total >= 3
    assert any(q in fold(t) for t in titles(found)) or any(must_contain in t for t in titles(found))


def test_traditional_finds_simplified_and_the_reverse(demo):
    simplified, traditional = search(demo, "家谱"), search(demo, "家譜")
    assert simplified.total == traditional.total > 0
    assert set(ids(simplified)) == set(ids(traditional))
    assert any("譜" in t for t in titles(simplified)), "a Traditional title found by a Simplified query"


def tone_marked(syllables: str) -> str:
    """Pinyin with a tone mark on each syllable's first vowel, as a person might type it."""
    marked = []
    for syllable in syllables.split():
        i = next((i for i, c in enumerate(syllable) if c.lower() in "aeiou"), None)
        marked.append(syllable if i is None else syllable[: i + 1] + "\u0301" + syllable[i + 1 :])
    return unicodedata.normalize("NFC", " ".join(marked))


def isbn10(isbn13: str) -> str:
    body = isbn13[3:12]
    check = (11 - sum((10 - i) * int(d) for i, d in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def test_pinyin_finds_han_titles(seeded_search, seeded):
    han, syllables = seeded.chinese.title, seeded.chinese.romanised.split()
    assert len(syllables) >= 2
    paired = " ".join("".join(syllables[i : i + 2]) for i in range(0, len(syllables), 2))  # word by word
    for q in (paired, tone_marked(" ".join(syllables)), " ".join(syllables).lower(), paired.upper()):
        found = search(seeded_search, q)
        assert any(han in t for t in titles(found)), q


def test_an_isbn_in_any_form_finds_its_work(seeded_search, seeded):
    isbn = seeded.chinese.isbn
    assert len(isbn) == 13 and isbn.startswith("978")
    ten = isbn10(isbn)
    for form in (
        isbn,
        f"{isbn[:3]}-{isbn[3]}-{isbn[4:9]}-{isbn[9:12]}-{isbn[12]}",
        ten,
        f"{ten[0]}-{ten[1:6]}-{ten[6:9]}-{ten[9]}",
        ten.lower(),
    ):
        found = search(seeded_search, form)
        assert found.total == 1, form
        assert any(seeded.chinese.title in t for t in titles(found)), form


def test_names_subjects_series_and_notes_are_searched(seeded_search, seeded):
    assert search(seeded_search, seeded.chinese.name.replace(",", "")).total >= 1  # a contributor
    assert search(seeded_search, seeded.subject_word).total >= 1  # a subject heading
    assert search(seeded_search, seeded.series).total >= 1  # a series statement
    assert search(seeded_search, "bibliographical references").total >= seeded.bibliography_notes > 0  # a note


def test_facets_count_and_combine(demo):
    everything = search(demo, "", per_page=1)
    libraries = dict(everything.facets["library"])
    assert set(libraries) == {"pku", "thu", "caplib", "shl", "rpl"}
    for code, n in libraries.items():
        assert search(demo, "", per_page=1, filters={"library": [code]}).total == n
    both = search(demo, "", per_page=200, filters={"library": ["pku", "thu"]})
    assert 0 < both.total < min(libraries["pku"], libraries["thu"])
    assert all({"pku", "thu"} <= set(h.display["holders"]) for h in both.hits)
    chinese = dict(everything.facets["language"])["chi"]
    narrowed = search(demo, "", per_page=1, filters={"library": ["pku"], "language": ["chi"]})
    assert narrowed.total <= min(chinese, libraries["pku"])


def test_facet_of_a_query_counts_its_results(demo):
    found = search(demo, "北京")
    for name in ("library", "language", "classification", "place", "subject"):
        for value, n in found.facets[name]:
            assert n <= found.total
            assert search(demo, "北京", per_page=1, filters={name: [value]}).total == n, (name, value)


def test_year_range_keeps_works_with_an_edition_in_it(demo):
    decades = search(demo, "", per_page=1).decades
    assert decades
    decade, n = max(decades, key=lambda d: d[1])
    found = search(demo, "", year_from=decade, year_to=decade + 9, per_page=300)
    assert found.total >= n
    assert all(
        any(decade <= y <= decade + 9 for y in range(h.display["years"][0], h.display["years"][-1] + 1))
        for h in found.hits
    )


def test_sorting_by_title_and_date(demo):
    by_title = search(demo, "", sort="title", per_page=50)
    assert len(by_title.hits) == 50
    newest = search(demo, "", sort="newest", per_page=50)
    years = [h.display["years"][0] for h in newest.hits if h.display["years"]]
    assert years == sorted(years, reverse=True)
    oldest = search(demo, "", sort="oldest", per_page=50)
    years = [h.display["years"][0] for h in oldest.hits if h.display["years"]]
    assert years == sorted(years)


def test_pages_cover_every_result_once(demo):
    total = search(demo, "北京", per_page=1).total
    seen = []
    for page in range(1, total // 10 + 2):
        seen += ids(search(demo, "北京", per_page=10, page=page))
    assert len(seen) == len(set(seen)) == total


@pytest.mark.parametrize(
    "q",
    [
        "title:foo OR *",
        '"unbalanced',
        "a AND (b",
        "<script>alert(1)</script>",
        "\\",
        "'; DROP TABLE works; --",
        "*:*",
        "}{}{",
        "北京 OR 上海",
        "x" * 500,
    ],
)
def test_query_syntax_is_searched_as_text_never_run(demo, q):
    found = search(demo, q)
    assert found.total <= search(demo, "").total


def test_no_results(demo):
    found = search(demo, "qqqzzzxxy 无此书名")
    assert found.total == 0 and found.hits == [] and found.facets == {}


def test_home_page_totals(demo, demo_catalogue):
    totals = demo.totals()
    assert totals["works"] == search(demo, "").total
    assert totals["copies"] >= totals["editions"] >= totals["works"] > 100


def test_a_replaced_catalogue_leaves_search(members, seeded):
    """PKU loads Peking University's sample export, then replaces its catalogue with Shanghai Library's:
    the first records leave search (and PKU's facet) once the new ones are in."""
    from graph.load.ingest import ingest

    cat = members
    ingest(cat.store, cat.minter, [seeded.pku_file], "PKU", clusters=cat.clusters)
    assert cat.sync_search() > 0
    searcher = Searcher(cat.search)
    assert search(searcher, seeded.chinese.title).total == 1
    assert search(searcher, seeded.copies.title).total == 0
    before = set(ids(search(searcher, "", per_page=500)))
    report = ingest(cat.store, cat.minter, [seeded.bl_file], "PKU", replace=True, clusters=cat.clusters)
    cat.sync_search(changed=report.renamed)
    assert search(searcher, seeded.chinese.title).total == 0
    assert search(searcher, seeded.copies.title).total == 1
    after = search(searcher, "", per_page=500)
    assert before - set(ids(after)), "the replaced catalogue's own works left"
    assert dict(after.facets["library"]) == {"pku": after.total}
    assert cat.search.is_current(cat.store)
    rebuilt = cat.search.rebuild(cat.store, cat.minter)  # a rebuild from scratch agrees with the updates
    assert rebuilt == after.total == search(Searcher(cat.search), "", per_page=1).total


def test_subject_headings_know_their_neighbours(seeded_search):
    broader, narrower = seeded_search.subject_tree("China--History--20th century")
    assert broader == [] or all(b.startswith("http://alliance.test/subject/") for b in broader)
    _, below = seeded_search.subject_tree("China")
    assert below, "headings under China are found by prefix"


def test_an_index_of_another_layout_rebuilds_itself(members, seeded):
    import json

    from graph.index import SearchIndex
    from graph.load.ingest import ingest

    cat = members
    ingest(cat.store, cat.minter, [seeded.pku_file], "PKU")
    works = cat.sync_search()
    path = cat.search.path
    cat.search.close()
    state = json.loads((path / "state.json").read_text())
    (path / "state.json").write_text(json.dumps({**state, "version": -1}))
    reopened = SearchIndex(path)
    assert reopened.graphs() is None and not reopened.is_current(cat.store)
    assert reopened.sync(cat.store, cat.minter) == works > 0.8 * seeded.pku_records
    assert search(Searcher(reopened), seeded.chinese.title).total == 1


def test_classification_facet_has_both_lcc_and_the_chinese_library_classification(demo):
    classes = dict(search(demo, "", per_page=1).facets["classification"])
    assert any(k.startswith("lcc:") for k in classes)
    clc = {k: n for k, n in classes.items() if k.startswith("clc:")}
    assert clc.get("clc:K", 0) > 20, "084 $2 clc (中图法) is a classification of its own"
    found = search(demo, "家谱", filters={"classification": ["clc:K"]})
    assert 0 < found.total <= search(demo, "家谱").total


def test_serving_brings_a_stale_index_up_to_date_unless_told_not_to(members, seeded):
    """`alliance serve` syncs a stale index before it answers; ALLIANCE_SEARCH_SYNC=0 starts at once
    (a large store's SPARQL endpoint need not wait for search)."""
    from graph.load.ingest import ingest
    from web import create_app

    cat = members
    ingest(cat.store, cat.minter, [seeded.pku_file], "PKU", clusters=cat.clusters)
    config = {"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 0}
    create_app({**config, "ALLIANCE_SEARCH_SYNC": False})
    assert not cat.search.is_current(cat.store)
    create_app(config)
    assert cat.search.is_current(cat.store)


def test_related_works_a_record_only_names_are_not_catalogued_works(tmp_path, sample_files):
    """76X-78X, 740 and 7XX name-titles name works nobody here catalogued: typed bf:Work (as the LC
    converter types them) but no search document, no place in the home page's or `alliance stats`' counts.
    The sample's Peking University export, a third of its records given such entries."""
    from graph.catalogue import Catalogue
    from graph.alliance.members import Member, add_member
    from graph.views.libraries import home_view
    from graph.views.stats import catalogue_stats
    from tests.conftest import TEST_BASE, with_related_entries
    from vocab.namespaces import catalogued, sparql_prefixes

    path, given = with_related_entries(sample_files["PKU"].files[0], tmp_path / "related.mrc")
    cat = Catalogue.open(tmp_path / "gwu", TEST_BASE)
    add_member(cat.store, cat.minter, Member("GWU", "GWU"))
    cat.ingest([path], "GWU")
    store = cat.store
    related = {
        r["w"].value
        for r in store.query(
            sparql_prefixes()
            + """SELECT DISTINCT ?w WHERE {
        ?w a bf:Work, alliance:RelatedResource }"""
        )
    }
    assert len(related) >= 3 * given, "each 740, 776 and 780 names a work of its own"
    every = {r["w"].value for r in store.query(sparql_prefixes() + "SELECT DISTINCT ?w WHERE { ?w a bf:Work }")}
    held = {
        r["w"].value
        for r in store.query(
            sparql_prefixes()
            + """SELECT DISTINCT ?w WHERE {
        ?item bf:heldBy ?lib ; bf:itemOf/bf:instanceOf ?w }"""
        )
    }
    assert every - related == held, "every catalogued work is held, every held work catalogued"
    assert (
        not {
            r["w"].value
            for r in store.query(
                sparql_prefixes()
                + f"""SELECT ?w WHERE {{
        ?w a bf:Work {catalogued("w")} }}"""
            )
        }
        & related
    )
    searcher = Searcher(cat.search)
    indexed, page = set(), 1
    while found := ids(search(searcher, per_page=100, page=page)):
        indexed.update(found)
        page += 1
    assert indexed == held and not indexed & related
    assert searcher.totals()["works"] == len(held)
    assert home_view(store)["counts"]["works"] == catalogue_stats(cat)["works"] == len(held)
    cat.close()


def test_a_works_primary_contributor_is_named_first(demo, demo_catalogue):
    """The mappers type a work's main entry bf:PrimaryContribution (bflc:PrimaryContribution in older data):
    a result names that contributor first, whatever the other names sort as."""
    rows = demo_catalogue.store.query("""PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
        PREFIX bflc: <http://id.loc.gov/ontologies/bflc/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?w ?l WHERE { ?w a bf:Work ; bf:contribution ?c . ?c bf:agent ?a ; a ?t .
            FILTER(?t IN (bf:PrimaryContribution, bflc:PrimaryContribution)) ?a rdfs:label ?l }""")
    primary: dict[str, set[str]] = {}
    for r in rows:
        primary.setdefault(r["w"].value, set()).add(unicodedata.normalize("NFC", r["l"].value))
    found = search(demo, per_page=1000)
    assert found.total <= 1000
    checked = out_of_order = 0
    for hit in found.hits:
        names = [v for v, _ in hit.display["creators"]]
        if hit.iri not in primary or len(names) < 2:
            continue
        checked += 1
        assert names[0] in primary[hit.iri], (hit.iri, names, primary[hit.iri])
        out_of_order += names[0] != min(names)
    assert checked and out_of_order, "works whose primary contributor does not sort first among their names"
