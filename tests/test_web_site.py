"""What a patron and a cataloguer met on the demo site (issue 15), kept fixed: counts labelled for what
they count, uniform titles that lead to the catalogued works, a library's catalogue as a link, editions
told apart, exports a reference manager reads right, the overlap report in Chinese, small things."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from pyoxigraph import Literal

from graph.views.common import select
from tests.conftest import TEST_BASE
from tests.webtools import links, path_of
from web import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(demo_catalogue):
    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0})
    return app.test_client()


def page(client, url, status=200):
    response = client.get(url, headers=HTML)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def agent_named(store, name: str) -> str:
    rows = select(
        store,
        f"""SELECT DISTINCT ?a WHERE {{ ?a a bf:Agent ; rdfs:label ?l
        FILTER(STRSTARTS(STR(?l), {Literal(name)})) }}""",
    )
    assert len(rows) == 1, rows
    return rows[0]["a"].value


# counts say what they count ----------------------------------------------------------------
@pytest.mark.parametrize("lang, works, editions", [("en", "Works", "Editions"), ("zh", "作品数", "版本数")])
def test_overlap_counts_are_labelled_by_their_level(client, lang, works, editions):
    def headings(html):  # what the counts and the table columns are called
        return re.findall(r"<dt>([^<]*)</dt>", html) + re.findall(r'<th scope="col">([^<]*)</th>', html)

    by_edition = headings(page(client, f"/reports/overlap?lang={lang}"))
    by_work = headings(page(client, f"/reports/overlap?level=work&lang={lang}"))
    assert editions in by_edition and works not in by_edition
    assert works in by_work and editions not in by_work
    assert not {"题名数", "Titles"} & {*by_edition, *by_work}


def test_home_and_library_count_works_and_say_so(client):
    home = text_of(page(client, "/?lang=zh"))
    library = text_of(page(client, "/library/pku?lang=zh"))
    n = int(re.search(r"北京大学图书馆 PKU (\d+) 种作品", home).group(1))
    assert f"馆藏作品 {n}" in library, "the home page and the library page count the same thing"
    work_level = text_of(page(client, "/reports/overlap?level=work&lang=en"))
    assert re.search(rf"PKU {n} ", work_level), "and the overlap report at the level of works agrees"
    assert "种作品" in home and " 种 " not in home
    assert "Works held" in page(client, "/library/pku?lang=en")


def test_decades_in_time_order_and_in_chinese(client):
    html = page(client, "/reports/overlap?lang=zh")
    section = html[html.index("按出版年代") :]
    decades = [int(d) for d in re.findall(r'<th scope="row">(\d{4})年代</th>', section)]
    assert len(decades) > 5 and decades == sorted(decades)
    assert "0s</th>" not in section
    english = page(client, "/reports/overlap?lang=en")
    assert re.findall(r'<th scope="row">(\d{4})s</th>', english) == [str(d) for d in decades]


# agents and uniform titles -----------------------------------------------------------------
def test_an_agents_works_are_catalogued_works_with_copies(client, demo_catalogue):
    cao = agent_named(demo_catalogue.store, "Cao, Xueqin")
    html = page(client, path_of(cao, TEST_BASE) + "?lang=en")
    works = [href for href, _ in links(html) if href.startswith("/work/")]
    assert works
    for href in works:
        work = text_of(page(client, href + "?lang=en"))
        assert "No copies reported" not in work and "Editions of this work (0)" not in work, href
    assert "Hong lou meng. English" not in text_of(html), "the uniform title is not listed as a work"


def test_a_uniform_title_leads_to_its_catalogued_works(client, demo_catalogue):
    hubs = select(demo_catalogue.store, "SELECT DISTINCT ?h WHERE { ?w bf:expressionOf ?h . ?h a bf:Hub }")
    assert hubs
    html = page(client, path_of(hubs[0]["h"].value, TEST_BASE) + "?lang=zh")
    assert "该统一题名下的编目作品" in html and "暂无馆藏" not in html
    works = [href for href, _ in links(html) if href.startswith("/work/")]
    assert works and "馆收藏" in text_of(html)
    for href, _ in links(html):  # no dead link (RIS/BibTeX cite an edition, which a uniform title lacks)
        if href.startswith("/") and not href.startswith("/search"):
            assert client.get(href).status_code in (200, 302), href


def test_subject_pages_do_not_repeat_their_kind(client, demo_catalogue):
    subject = select(demo_catalogue.store, "SELECT ?s WHERE { ?w bf:subject ?s . ?s a bf:Topic } LIMIT 1")[0]["s"]
    html = page(client, path_of(subject.value, TEST_BASE) + "?lang=zh")
    kind = re.search(r'<p class="kind">(.*?)</p>', html, re.S).group(1)
    assert "主题 · 主题" not in kind and kind.strip() == "主题"


# the library page ---------------------------------------------------------------------------
def test_library_catalogue_is_a_link_not_a_pattern(client):
    html = page(client, "/library/pku?lang=en")
    assert "{id}" not in html
    assert '<a class="external" href="https://opac.pku.example/" rel="external">opac.pku.example</a>' in html


def test_editions_held_are_told_apart(client):
    html = page(client, "/library/pku?lang=zh")
    section = html[html.index("部分馆藏版本") :]
    section = section[: section.index("</section>")]
    entries = [text_of(li).strip() for li in re.findall(r"<li>(.*?)</li>", section, re.S)]
    assert len(entries) > 10 and len(set(entries)) == len(entries), entries
    assert any("中国小说史略" in e and re.search(r"\d{4}", e) for e in entries)


# small things -----------------------------------------------------------------------------
def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00", "an ICO file"
    assert 'rel="icon" href="/favicon.ico"' in page(client, "/?lang=en")


def test_format_facet_values_say_different_things(client):
    html = page(client, "/search?q=&lang=zh")
    box = html[html.index("facet-format") :]
    box = box[: box.index("</fieldset>")]
    labels = re.findall(r'class="facet-label">([^<]*)<', box)
    assert "文本" in labels and "专著" not in labels, labels
    counts = re.findall(r'class="count">(\d+)<', box)
    assert len(counts) == len(set(counts)) or len(labels) == 1, "two facets that always agree say nothing"


def test_empty_year_boxes_stay_out_of_urls(client):
    response = client.get("/search?q=%E5%8C%97%E4%BA%AC&from=&to=&lang=en", headers=HTML)
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert "from=" not in target.query and "to=" not in target.query and "q=" in target.query
    html = page(client, "/search?q=%E5%8C%97%E4%BA%AC&lang=en")
    assert not [h for h, _ in links(html) if "from=&" in h or h.endswith("from=") or "to=&" in h]


# exports ----------------------------------------------------------------------------------
def hlm_work(store) -> str:
    rows = select(
        store, """SELECT DISTINCT ?w WHERE { ?i bf:instanceOf ?w ; a bf:Instance ; rdfs:label "红楼梦"@zh-hans }"""
    )
    rows = rows or select(
        store,
        """SELECT DISTINCT ?w WHERE { ?i bf:instanceOf ?w ; rdfs:label ?l
        FILTER(STR(?l) = "红楼梦") }""",
    )
    assert len(rows) == 1, rows
    return rows[0]["w"].value


def test_bibtex_keys_come_from_the_romanised_author(client, demo_catalogue):
    work = path_of(hlm_work(demo_catalogue.store), TEST_BASE)
    bib = client.get(work + "?format=bibtex&lang=zh").get_data(as_text=True)
    assert re.match(r"@book\{cao\d{4}hong,", bib), bib
    assert "author = {曹雪芹}" in bib, "the author cited without the heading's life dates"


def test_every_work_with_an_author_has_an_authors_key(demo_catalogue):
    from graph.views.exports import citation_record
    from graph.views.exports.bibtex import bibtex

    works = select(demo_catalogue.store, "SELECT DISTINCT ?w WHERE { ?i bf:instanceOf ?w ; a bf:Instance }")
    assert len(works) > 100
    for r in works:
        rec = citation_record(demo_catalogue.store, r["w"], "zh")
        key = bibtex(rec).split("{", 1)[1].split(",", 1)[0]
        assert re.fullmatch(r"[a-z0-9]+", key), key
        assert not (rec.authors and key.startswith("anon")), (rec.authors, key)


def test_a_work_exports_its_most_widely_held_edition(client, demo_catalogue):
    store = demo_catalogue.store
    work = hlm_work(store)
    rows = select(
        store,
        f"""SELECT ?i (COUNT(DISTINCT ?lib) AS ?n) WHERE {{ ?i bf:instanceOf <{work}> ; a bf:Instance
        OPTIONAL {{ ?item bf:itemOf ?i ; bf:heldBy ?lib }} }} GROUP BY ?i""",
    )
    most = max(int(r["n"].value) for r in rows)
    widest = {r["i"].value for r in rows if int(r["n"].value) == most}
    assert len(rows) > 1 and len(widest) == 1
    isbns = {
        v["v"].value
        for v in select(
            store,
            f"""SELECT ?v WHERE {{ <{widest.pop()}> bf:identifiedBy ?x .
        ?x a bf:Isbn ; rdf:value ?v }}""",
        )
    }
    ris = client.get(path_of(work, TEST_BASE) + "?format=ris").get_data(as_text=True)
    assert {line[6:] for line in ris.split("\r\n") if line.startswith("SN  - ")} == isbns


def test_ris_page_count_is_a_number(client, demo_catalogue):
    work = path_of(hlm_work(demo_catalogue.store), TEST_BASE)
    ris = client.get(work + "?format=ris").get_data(as_text=True)
    tags = dict(line.split("  - ", 1) for line in ris.split("\r\n") if "  - " in line and line[:2] != "ER")
    assert re.fullmatch(r"\d+", tags["SP"]), "RIS BOOK: SP is the number of pages, a number"
    assert re.fullmatch(r"\d+", tags["NV"]), "and NV the number of volumes"


def test_citations_print_names_without_life_dates(client, demo_catalogue):
    work = path_of(hlm_work(demo_catalogue.store), TEST_BASE)
    edition = next(h for h, _ in links(page(client, work + "?lang=en")) if h.startswith("/instance/"))
    for lang in ("en", "zh"):
        html = page(client, edition + f"?lang={lang}")
        citations = re.findall(r'<blockquote class="citation">(.*?)</blockquote>', html, re.S)
        assert len(citations) == 2
        for c in citations:
            assert "approximately" not in c and "1717" not in c, c
            assert "曹雪芹" in c or "Cao, Xueqin" in c
        assert c.count("曹雪芹") + c.count("Cao, Xueqin") == 1, "one author, however many headings name him"


# schema.org for search engines --------------------------------------------------------------
def embedded(html: str) -> list[dict]:
    import json

    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    for b in blocks:
        assert "</" not in b and "<!--" not in b, "markup inside the script is escaped"
    return [json.loads(b) for b in blocks]


def test_an_edition_page_embeds_a_schema_org_book(client, demo_catalogue):
    store = demo_catalogue.store
    work = hlm_work(store)
    rows = select(
        store,
        f"""SELECT ?i (COUNT(DISTINCT ?lib) AS ?n) WHERE {{ ?i bf:instanceOf <{work}> ; a bf:Instance .
        ?item bf:itemOf ?i ; bf:heldBy ?lib }} GROUP BY ?i ORDER BY DESC(?n) LIMIT 1""",
    )
    edition = rows[0]["i"].value
    (book,) = embedded(page(client, path_of(edition, TEST_BASE) + "?lang=zh"))
    assert book["@context"] == "https://schema.org" and book["@type"] == "Book" and book["@id"] == edition
    assert book["exampleOfWork"][0]["@id"] == work
    isbns = {
        v["v"].value.replace("-", "")
        for v in select(
            store,
            f"""SELECT ?v WHERE {{ <{edition}>
        bf:identifiedBy ?x . ?x a bf:Isbn ; rdf:value ?v }}""",
        )
    }
    assert set(book["isbn"]) <= isbns and all(len(i) == 13 for i in book["isbn"]) and book["isbn"]
    assert book["author"][0]["name"] == "曹雪芹" and book["author"][0]["@type"] == "Person"
    assert re.fullmatch(r"\d{4}", book["datePublished"]) and book["publisher"]["name"]
    assert "zh" in book["inLanguage"]
    holders = {
        r["lib"].value
        for r in select(store, f"SELECT DISTINCT ?lib WHERE {{ ?x bf:itemOf <{edition}> ; bf:heldBy ?lib }}")
    }
    offers = book["offers"]
    assert {o["offeredBy"]["@id"] for o in offers} == holders == {o["availableAtOrFrom"]["@id"] for o in offers}
    assert all(o["offeredBy"]["@type"] == "Library" and o["businessFunction"].endswith("#LeaseOut") for o in offers)
    assert any(o.get("url", "").startswith("https://opac.") for o in offers), "the member's own catalogue"


def test_a_work_page_embeds_its_editions_as_work_examples(client, demo_catalogue):
    store = demo_catalogue.store
    work = hlm_work(store)
    (book,) = embedded(page(client, path_of(work, TEST_BASE) + "?lang=en"))
    assert book["@type"] == "Book" and book["@id"] == work
    editions = {r["i"].value for r in select(store, f"SELECT ?i WHERE {{ ?i bf:instanceOf <{work}> ; a bf:Instance }}")}
    assert {e["@id"] for e in book["workExample"]} == editions
    assert all(e["exampleOfWork"]["@id"] == work for e in book["workExample"])
    assert any(e.get("isbn") for e in book["workExample"]) and any(e.get("offers") for e in book["workExample"])
    assert book["author"][0]["name"] in ("Cao, Xueqin", "曹雪芹")


def test_only_works_and_editions_carry_book_markup(client, demo_catalogue):
    assert embedded(page(client, "/library/pku?lang=en")) == []
    assert embedded(page(client, "/?lang=en")) == []
