"""A member's collection (地方文献) from the sample's Capital Library records (中图法 084s, 852s): its page, its
data, links both ways. (Real CNMARC records as a collection: tests/test_unimarc.py.)"""

from __future__ import annotations

import pytest
import rdflib

from graph import views as records
from tests.conftest import TEST_BASE
from tests.webtools import href_of, links, path_of
from web import create_app

COLLECTION = "地方文献"
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def bnu(tmp_path_factory, sample_files):
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    cat = Catalogue.open(tmp_path_factory.mktemp("cnmarc") / "data", TEST_BASE)
    add_member(
        cat.store,
        cat.minter,
        Member(
            "BNU", "Beijing Normal University Library", "北京师范大学图书馆", "https://opac.bnu.example/record/{id}"
        ),
    )
    ingest(cat.store, cat.minter, sample_files["CAPLIB"].files, "BNU", collection_name=COLLECTION)
    yield cat
    cat.close()


@pytest.fixture(scope="module")
def client(bnu):
    return create_app({"ALLIANCE_CATALOGUE": bnu}).test_client()


def test_library_links_its_collection_and_the_collection_its_titles(client, bnu):
    library = client.get("/library/bnu?lang=zh", headers=HTML).get_data(as_text=True)
    # the header's "地方文献" link (the browse page) has the same text: take the collection's own
    coll_href = href_of(library, COLLECTION, "/collection/")
    assert coll_href == path_of(bnu.minter.collection("BNU", COLLECTION).value, TEST_BASE)
    page = client.get(coll_href, headers=HTML)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"<h1>{COLLECTION}</h1>" in text and href_of(text, "北京师范大学图书馆") == "/library/bnu"
    titles = [href for href, _ in links(text) if href.startswith("/instance/")]
    assert len(titles) == records.collection_view(bnu.store, bnu.minter.collection("BNU", COLLECTION), "zh")["size"] > 0
    record = client.get(titles[0] + "?lang=zh", headers=HTML).get_data(as_text=True)
    assert href_of(record, COLLECTION, "/collection/") == coll_href, "the record links back to its collection"


def test_collection_as_rdf(client, bnu):
    iri = bnu.minter.collection("BNU", COLLECTION).value
    response = client.get(path_of(iri, TEST_BASE), headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=response.data, format="turtle")
    bf = rdflib.Namespace("http://id.loc.gov/ontologies/bibframe/")
    assert (rdflib.URIRef(iri), rdflib.RDF.type, bf.Collection) in g
    parts = list(g.objects(rdflib.URIRef(iri), bf.hasPart))
    assert parts and all(g.value(p, rdflib.RDFS.label) is not None for p in parts)


def test_chinese_classification_scheme_and_holdings(bnu):
    store = bnu.store
    coll = records.collection_view(store, bnu.minter.collection("BNU", COLLECTION), "zh")
    views = [records.instance_view(store, t["iri"], "zh") for t in coll["titles"]]
    schemes = {c["scheme"] for v in views for c in v["classification"]}
    assert "中国图书馆分类法" in schemes
    en = records.instance_view(store, coll["titles"][0]["iri"], "en")
    assert "Chinese Library Classification" in {c["scheme"] for c in en["classification"]}
    holdings = [h for v in views for h in v["holdings"]]
    assert holdings and all(h["library"]["code"] == "BNU" for h in holdings)
    assert any(h["call_numbers"] for h in holdings)
    assert any(h["catalogue_links"] for h in holdings)
    assert all(link.startswith("https://opac.bnu.example/record/") for h in holdings for link in h["catalogue_links"])
