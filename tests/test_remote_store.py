"""The scale-out backend: the same ingest, query, page and protocol tests on real SPARQL servers
(Oxigraph server and Virtuoso 7) started here on 127.0.0.1, compared with the embedded store."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import TEST_BASE
from tests.servers import STARTERS
from tests.webtools import LiveServer

HOLDINGS = """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
SELECT ?lib (COUNT(DISTINCT ?item) AS ?items) (COUNT(DISTINCT ?instance) AS ?instances)
WHERE { ?item bf:heldBy ?lib ; bf:itemOf ?instance } GROUP BY ?lib ORDER BY ?lib"""


def _load(cat, files):
    """GWU and PKU both load one export of the sample alliance (Peking University's): shared editions."""
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    add_member(cat.store, cat.minter, Member("GWU", "George Washington University Libraries", "乔治·华盛顿大学图书馆"))
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library", "北京大学图书馆"))
    reports = [
        ingest(cat.store, cat.minter, files, "GWU", clusters=cat.clusters),
        ingest(cat.store, cat.minter, files, "PKU", clusters=cat.clusters),
    ]
    return reports


def _holdings(store) -> list[tuple]:
    return [(r["lib"].value, int(r["items"].value), int(r["instances"].value)) for r in store.query(HOLDINGS)]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory, sample_files):
    from graph.catalogue import Catalogue

    cat = Catalogue.open(tmp_path_factory.mktemp("embedded") / "data", TEST_BASE)
    _load(cat, sample_files["PKU"].files)
    yield cat
    cat.close()


@pytest.fixture(scope="module", params=sorted(STARTERS))
def remote(request, tmp_path_factory, sample_files):
    """A catalogue whose graph lives in a real SPARQL server, loaded like the embedded one."""
    from graph.catalogue import Catalogue

    folder = tmp_path_factory.mktemp(request.param)
    server = STARTERS[request.param](folder)
    try:
        cat = Catalogue.open(folder / "data", TEST_BASE, store=server.url)
        reports = _load(cat, sample_files["PKU"].files)
        try:
            yield request.param, cat, reports
        finally:
            cat.close()
    finally:
        server.stop()


def test_ingest_and_queries_match_the_embedded_store(remote, embedded):
    name, cat, reports = remote
    assert [r.loaded for r in reports] == [r.loaded for r in (reports)] and reports[0].loaded > 50
    assert _holdings(cat.store) == _holdings(embedded.store), name
    assert len(cat.store.batches()) == 2 == len(embedded.store.batches())
    assert {b.member for b in cat.store.batches()} == {"GWU", "PKU"}
    batch = cat.store.batches("GWU")[0]
    assert batch.triples == embedded.store.batches("GWU")[0].triples


def test_reloading_the_same_file_replaces_its_batch(remote, sample_files):
    from graph.load.ingest import ingest

    name, cat, _ = remote
    before = _holdings(cat.store)
    old = cat.store.batches("GWU")[0].graph
    ingest(cat.store, cat.minter, sample_files["PKU"].files, "GWU", clusters=cat.clusters)
    after = cat.store.batches("GWU")
    assert len(after) == 1 and after[0].graph != old, name
    assert _holdings(cat.store) == before
    assert list(cat.store.quads_in(old)) == [], "the replaced graph is gone from the server"


def test_a_failed_batch_is_never_visible(remote):
    from graph.store import StoreError
    from pyoxigraph import Literal, NamedNode

    name, cat, _ = remote

    def broken():
        yield NamedNode("http://ex.test/a"), NamedNode("http://ex.test/p"), Literal("half")
        raise ValueError("the input broke here")

    with pytest.raises(StoreError, match="broke here"):
        cat.store.write_batch("GWU", broken())
    assert not bool(cat.store.query('ASK { ?s ?p "half" }')), name
    assert len(cat.store.batches("GWU")) == 1


def test_pages_endpoint_and_graph_store_over_the_remote_store(remote):
    from web import create_app

    name, cat, _ = remote
    _, token = cat.tokens.create(member="PKU")  # kept in the server: every web node knows it
    app = create_app({"ALLIANCE_CATALOGUE": cat})
    with LiveServer(app, threads=4) as live:
        page = requests.get(live.url + "/library/pku", timeout=60)
        assert page.status_code == 200 and "北京大学图书馆" in page.text, name
        (work,) = cat.store.query(
            """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/> SELECT ?w WHERE {
            ?i bf:instanceOf ?w ; a bf:Instance . ?item bf:itemOf ?i } LIMIT 1"""
        )
        page = requests.get(live.url + "/" + work["w"].value[len(TEST_BASE) :] + "?lang=en", timeout=60)
        assert page.status_code == 200 and '<div class="edition-holders">' in page.text, name
        assert "Peking University Library" in page.text and "George Washington" in page.text, name
        answer = requests.post(
            live.url + "/sparql",
            data={"query": HOLDINGS},
            timeout=60,
            headers={"Accept": "application/sparql-results+json"},
        )
        assert answer.status_code == 200, answer.text
        libs = [b["lib"]["value"] for b in answer.json()["results"]["bindings"]]
        assert libs == [TEST_BASE + "library/gwu", TEST_BASE + "library/pku"]
        bad = requests.get(live.url + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"}, timeout=60)
        assert bad.status_code == 400
        graph = TEST_BASE + "graph/pku/remote-notes"
        put = requests.put(
            live.url + "/graph-store",
            params={"graph": graph},
            timeout=60,
            data='<http://ex.test/b> <http://ex.test/note> "经由远程" .'.encode(),
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        )
        assert put.status_code == 201, put.text
        seen = requests.get(
            live.url + "/sparql",
            timeout=60,
            params={"query": 'ASK { <http://ex.test/b> <http://ex.test/note> "经由远程" }', "format": "json"},
        )
        assert seen.json()["boolean"] is True
        update = requests.post(
            live.url + "/sparql",
            timeout=60,
            headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
            data=f"INSERT DATA {{ GRAPH <{graph}> {{ <http://ex.test/b> <http://ex.test/n> 2 }} }}".encode(),
        )
        assert update.status_code == 204, update.text
        got = requests.get(
            live.url + "/graph-store", params={"graph": graph}, timeout=60, headers={"Accept": "application/n-triples"}
        )
        assert got.status_code == 200 and got.text.count("\n") == 2
        denied = requests.put(
            live.url + "/graph-store",
            params={"graph": TEST_BASE + "graph/gwu/x"},
            timeout=60,
            data=b"<http://ex.test/b> <http://ex.test/p> 1 .",
            headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"},
        )
        assert denied.status_code == 403
        gone = requests.delete(
            live.url + "/graph-store", params={"graph": graph}, timeout=60, headers={"Authorization": f"Bearer {token}"}
        )
        assert gone.status_code == 204
        assert requests.get(live.url + "/graph-store", params={"graph": graph}, timeout=60).status_code == 404


def test_the_cli_works_against_the_server(remote):
    from click.testing import CliRunner

    from cli.main import main

    name, cat, _ = remote
    result = CliRunner().invoke(main, ["--data", str(cat.data_dir), "--store", cat.store.location, "stats"])
    assert result.exit_code == 0, result.output
    assert "members:        2" in result.output, result.output
    assert result.output.count("triples  <") == 2, name
