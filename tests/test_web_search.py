"""The search page and the record pages' new parts, through the app: facets as a form, escaping,
exports, crawler files, holdings paging."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import TEST_BASE
from tests.webtools import href_of, instance_titled, links, path_of
from web import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(demo_catalogue):
    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0})
    return app.test_client()


def page(client, url, status=200, **headers):
    response = client.get(url, headers={**HTML, **headers})
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    return response.get_data(as_text=True)


def checkboxes(html: str) -> list[dict]:
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', m) + [("checked", "checked" in m)])
        for m in re.findall(r"<input type=\"checkbox\"[^>]*>", html)
    ]


def test_search_box_on_every_page_leads_to_results(client):
    home = page(client, "/?lang=en")
    assert 'role="search"' in home and 'action="/search"' in home
    results = page(client, "/search?q=北京&lang=en")
    assert re.search(r"<h1[^>]*>\s*[\d,]+ results for “北京”", results)
    hits = [href for href, _ in links(results) if href.startswith("/work/")]
    assert len(hits) == 20


def test_facets_are_labelled_checkboxes_in_fieldsets(client):
    html = page(client, "/search?q=北京&lang=en")
    boxes = checkboxes(html)
    assert {b["name"] for b in boxes} >= {"library", "language", "place", "classification"}
    for b in boxes:
        assert f'<label for="{b["id"]}">' in html, "every checkbox has its label"
    assert html.count("<fieldset") == html.count("<legend>") >= 5
    assert 'aria-describedby="refine-hint"' in html


def test_ticking_facets_combines_and_chips_remove_them(client):
    html = page(client, "/search?q=北京&lang=en")
    total = int(re.search(r"([\d,]+) results", html).group(1).replace(",", ""))
    library = next(b for b in checkboxes(html) if b["name"] == "library")
    narrowed = page(client, f"/search?q=北京&lang=en&library={library['value']}")
    n = int(re.search(r"([\d,]+) results|1 result", narrowed).group(0).split()[0].replace(",", ""))
    assert n < total
    ticked = [b for b in checkboxes(narrowed) if b["checked"]]
    assert [(b["name"], b["value"]) for b in ticked] == [("library", library["value"])]
    language = next(b for b in checkboxes(narrowed) if b["name"] == "language")
    both = page(client, f"/search?q=北京&lang=en&library={library['value']}&language={language['value']}")
    chips = re.findall(r'<a class="chip" href="([^"]+)" aria-label="Remove filter: ([^"]+)"', both)
    assert len(chips) == 2
    removed = dict((label.split(":")[0], href) for href, label in chips)
    args = parse_qs(urlsplit(removed["Library"].replace("&amp;", "&")).query)
    assert "library" not in args and args["language"] == [language["value"]] and args["q"] == ["北京"]


def test_year_range_and_decades(client):
    html = page(client, "/search?q=&lang=en")
    decade = re.search(r'href="(/search\?from=(\d+)&amp;to=(\d+))"', html)
    assert decade
    narrowed = page(client, decade.group(1).replace("&amp;", "&"))
    assert f'value="{decade.group(2)}"' in narrowed and f'value="{decade.group(3)}"' in narrowed
    assert "Publication year:" in narrowed


def test_sort_links_and_pagination(client):
    html = page(client, "/search?q=北京&lang=en")
    sorts = re.findall(r'<a href="(/search[^"]*)"( aria-current="true")?>(Relevance|Title|Newest|Oldest)</a>', html)
    assert [s[2] for s in sorts] == ["Relevance", "Title", "Newest", "Oldest"] and sorts[0][1]
    nav = html[html.index('class="pagination"') :]
    second = re.search(r'href="([^"]+page=2[^"]*)"', nav).group(1).replace("&amp;", "&")
    page_two = page(client, second)
    first_hits = [h for h, _ in links(html) if h.startswith("/work/")]
    second_hits = [h for h, _ in links(page_two) if h.startswith("/work/")]
    assert second_hits and not set(first_hits) & set(second_hits)
    assert 'aria-current="page"' in page_two


def test_zero_results_help(client):
    html = page(client, "/search?q=qqqzzz+无此书名&library=pku&lang=en")
    assert "No results for “qqqzzz 无此书名”" in html
    assert "Remove a filter:" in html and "Search for one word at a time:" in html
    assert href_of(html, "qqqzzz") == "/search?q=qqqzzz"
    assert html.count('role="search"') == 2


@pytest.mark.parametrize(
    "url",
    [
        "/search?page=abc",
        "/search?page=-3",
        "/search?page=99999999",
        "/search?from=abc&to=19999",
        "/search?sort=drop",
        "/search?library=",
        "/search?q=%00",
        "/search?q=" + "x" * 3000,
        "/search?subject=<script>",
    ],
)
def test_odd_parameters_never_fail(client, url):
    html = page(client, url)
    assert "<script>" not in html.replace('<script src="/static/search.js" defer></script>', "")


def test_a_title_with_markup_is_shown_as_text_in_results(members, tmp_path):
    import pymarc

    from graph.load.ingest import ingest

    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data="xss-2"))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "<script>alert('x')</script> Beijing")],
        )
    )
    path = tmp_path / "xss.mrc"
    path.write_bytes(record.as_marc())
    ingest(members.store, members.minter, [path], "PKU")
    app = create_app({"ALLIANCE_CATALOGUE": members, "ALLIANCE_SPARQL_WORKERS": 0})
    html = page(app.test_client(), "/search?q=beijing")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Beijing" in html
    assert "<script>alert" not in html


def test_work_page_shows_holders_of_each_edition(client, demo_catalogue):
    html = page(client, "/search?q=北京&lang=en")
    work = next(h for h, _ in links(html) if h.startswith("/work/"))
    work_page = page(client, work + "?lang=en")
    assert "Find a copy" in work_page and '<div class="edition-holders">' in work_page
    assert re.search(r'</a> <span class="copies">\d+ cop(y|ies)</span>', work_page)
    for href, _ in links(work_page):
        if href.startswith("/instance/"):
            edition = page(client, href)
            assert work in [h for h, _ in links(edition)]
            assert 'class="opac external"' in edition, "the copies and the member's own catalogue: on the edition"
            break


def test_exports_and_citations_on_record_pages(client, demo_catalogue):
    html = page(client, "/search?q=北京&lang=en")
    work = next(h for h, _ in links(html) if h.startswith("/work/"))
    edition = next(h for h, _ in links(page(client, work)) if h.startswith("/instance/"))
    record = page(client, edition + "?lang=en")
    assert "Cite and export" in record and "GB/T 7714" in record and "[M]." in record
    ris = client.get(edition + "?format=ris")
    assert ris.mimetype == "application/x-research-info-systems"
    text = ris.get_data(as_text=True)
    assert text.startswith("TY  - BOOK") and "\r\nER  - " in text and f"UR  - {TEST_BASE}" in text
    bib = client.get(edition, headers={"Accept": "application/x-bibtex"})
    assert bib.mimetype == "application/x-bibtex" and bib.get_data(as_text=True).startswith("@book{")
    assert client.get(work + "?format=ris").get_data(as_text=True).startswith("TY  - BOOK")
    assert client.get("/agent/x?format=ris").status_code in (404, 406)


def test_thousands_of_copies_are_paged(members, tmp_path):
    """An edition with 120 copies at one library: one holdings row ('120 copies'), the copies 50 a page."""
    import pymarc

    from graph.load.ingest import ingest

    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data="many-1"))
    record.add_field(
        pymarc.Field(
            tag="245", indicators=pymarc.Indicators("0", "0"), subfields=[pymarc.Subfield("a", "A much-held book")]
        )
    )
    for n in range(120):
        record.add_field(
            pymarc.Field(
                tag="852",
                indicators=pymarc.Indicators(" ", " "),
                subfields=[
                    pymarc.Subfield("a", "PKU"),
                    pymarc.Subfield("h", f"QA76 .M{n:03d}"),
                    pymarc.Subfield("p", f"B{n:05d}"),
                ],
            )
        )
    path = tmp_path / "many.mrc"
    path.write_bytes(record.as_marc())
    ingest(members.store, members.minter, [path], "PKU")
    client = create_app({"ALLIANCE_CATALOGUE": members, "ALLIANCE_SPARQL_WORKERS": 0}).test_client()
    instance = path_of(instance_titled(members.store, "A much-held book"), TEST_BASE)
    html = page(client, instance + "?lang=en")
    assert html.count('<th scope="row">') == 1 and "120 copies" in html
    assert "and 114 more" in html
    copies_link = href_of(html, "120 copies")
    first = page(client, copies_link)
    assert first.count('href="/item/') == 50
    nxt = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    third = page(client, nxt.replace("page=2", "page=3"))
    assert third.count('href="/item/') == 20


def test_unknown_resources_404_with_a_search_box(client):
    html = page(client, "/work/nosuchwork", status=404)
    assert 'role="search"' in html and "Not found" in html


def test_void_sitemap_and_robots(client):
    import rdflib

    void = client.get("/void", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=void.data, format="turtle")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(TEST_BASE + "void")
    assert (dataset, rdflib.RDF.type, VOID.Dataset) in g
    assert str(g.value(dataset, VOID.uriSpace)) == TEST_BASE
    assert str(g.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")
    assert len(list(g.objects(dataset, VOID.subset))) == 5
    example = str(next(g.objects(dataset, VOID.exampleResource)))
    assert client.get(path_of(example, TEST_BASE), headers=HTML).status_code == 200
    assert client.get("/.well-known/void?format=jsonld").mimetype == "application/ld+json"
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots
    index = client.get("/sitemap.xml").get_data(as_text=True)
    sitemap = re.search(r"<loc>http://localhost(/sitemap-1\.xml)</loc>", index).group(1)
    locs = re.findall(r"<loc>http://localhost([^<]+)</loc>", client.get(sitemap).get_data(as_text=True))
    works = [u for u in locs if u.startswith("/work/")]
    assert len(works) == demo_total(client) and "/library/pku" in locs
    assert client.get("/sitemap-2.xml").status_code == 404


def demo_total(client) -> int:
    return client.application.extensions["alliance"].searcher.totals()["works"]


def test_library_page_counts_what_it_alone_holds(client):
    html = page(client, "/library/rpl?lang=en")
    assert "Works no other member holds" in html
    assert "Works held only here" in html and "Works held" in html


def test_search_follows_writes_over_the_graph_store_protocol(members):
    """A work PUT into a member's graph is found at once; deleting the graph takes it out of search."""
    from graph.alliance.tokens import TokenStore

    _, token = TokenStore(members.data_dir).create(member="PKU")
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    client = create_app({"ALLIANCE_CATALOGUE": members, "ALLIANCE_SPARQL_WORKERS": 0}).test_client()
    graph = TEST_BASE + "graph/pku/hand-made"
    body = f"""@prefix bf: <http://id.loc.gov/ontologies/bibframe/> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        <{TEST_BASE}work/handmade1> a bf:Work, bf:Text ; rdfs:label "徐霞客游记"@zh-Hans .
        <{TEST_BASE}instance/handmade1> a bf:Instance ; bf:instanceOf <{TEST_BASE}work/handmade1> ;
            rdfs:label "徐霞客遊記"@zh-Hant .
        <{TEST_BASE}item/handmade1> a bf:Item ; bf:itemOf <{TEST_BASE}instance/handmade1> ;
            bf:heldBy <{TEST_BASE}library/pku> ."""
    assert client.put(f"/graph-store?graph={graph}", data=body.encode(), headers=auth).status_code == 201
    html = page(client, "/search?q=游记&lang=en")
    assert "1 result for" in html and 'href="/work/handmade1"' in html and "Peking University Library" in html
    assert client.delete(f"/graph-store?graph={graph}", headers=auth).status_code == 204
    assert "No results" in page(client, "/search?q=游记&lang=en")


def test_marcxml_of_the_members_source_records(client, demo_catalogue):
    """An edition catalogued by several members exports their MARC records as one MARCXML collection,
    and its page shows each record with its fields named."""
    import io

    import pymarc

    html = page(client, "/search?q=北京&lang=en")
    work = next(h for h, _ in links(html) if h.startswith("/work/"))
    edition = next(h for h, _ in links(page(client, work)) if h.startswith("/instance/"))
    record_page = page(client, edition + "?lang=en")
    assert "Members&#39; source records" in record_page
    assert "Title statement" in record_page and 'type="application/marcxml+xml"' in record_page
    response = client.get(edition + "?format=marcxml")
    assert response.mimetype == "application/marcxml+xml"
    records = pymarc.parse_xml_to_array(io.BytesIO(response.data))
    holders = len(re.findall(r'<th scope="row">', record_page.split("holdings-hero")[1].split("</table>")[0]))
    assert len(records) == holders >= 1
    assert all(r["245"] is not None for r in records)
    assert "标题" not in record_page  # the English page names fields in English
    zh = page(client, edition + "?lang=zh")
    assert "题名说明" in zh


def test_no_marcxml_where_the_source_was_not_marc(client, demo_catalogue):
    html = page(client, "/search?q=长乐县志&lang=en")  # from the local-literature spreadsheet
    work = next(h for h, _ in links(html) if h.startswith("/work/"))
    edition = next(h for h, _ in links(page(client, work)) if h.startswith("/instance/"))
    shown = page(client, edition)
    assert "format=marcxml" not in shown and "Members&#39; source records" not in shown  # no members' records
    assert "format=union-marcxml" in shown  # the union record (built from the graph) is every edition's
    assert client.get(edition + "?format=marcxml").status_code == 404


def test_a_work_with_many_editions_pages_them(members):
    """45 editions of one work: 20 a page, newest first, each with its holders; the hero counts them all."""
    from pyoxigraph import Literal, NamedNode

    from vocab.namespaces import BF, RDF, RDFS

    work = NamedNode(TEST_BASE + "work/manyeditions")
    triples = [(work, RDF.type, BF.Work), (work, RDFS.label, Literal("Selected poems"))]
    for n in range(45):
        inst = NamedNode(f"{TEST_BASE}instance/ed{n:02d}")
        item = NamedNode(f"{TEST_BASE}item/ed{n:02d}")
        triples += [
            (inst, RDF.type, BF.Instance),
            (inst, BF.instanceOf, work),
            (work, BF.hasInstance, inst),
            (inst, RDFS.label, Literal(f"Selected poems, edition {n}")),
            (inst, BF.provisionActivityStatement, Literal(f"London : Poetry Press, {1950 + n}")),
            (item, RDF.type, BF.Item),
            (item, BF.itemOf, inst),
            (item, BF.heldBy, members.minter.library("PKU" if n % 2 else "BL")),
        ]
    members.store.write_batch("PKU", triples)
    client = create_app({"ALLIANCE_CATALOGUE": members, "ALLIANCE_SPARQL_WORKERS": 0}).test_client()
    first = page(client, "/work/manyeditions?lang=en")
    assert first.count('class="edition-card"') == 20 and "Page 1 of 3" in first
    assert first.index("edition 44") < first.index("edition 43"), "newest first"
    assert "Held by 2 libraries · 45 copies · 45 editions" in first
    last = page(client, "/work/manyeditions?lang=en&page=3")
    assert last.count('class="edition-card"') == 5 and "edition 0<" in last
