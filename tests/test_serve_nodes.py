"""Two web nodes over one SPARQL server: what a page needs comes from the server, or is derived from it.

Two `alliance serve` processes (pre-fork, two workers each) with data directories of their own
share one Oxigraph server on 127.0.0.1. A member's token is made through node 1 and its catalogue
loaded through node 1; then both nodes serve the new records (page, search, MARCXML export,
SPARQL), and the token works on node 2.
"""

from __future__ import annotations

import re
import time

import pytest
import requests

from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc
from tests.conftest import TEST_BASE
from tests.faulttools import run_cli
from tests.servers import start_oxigraph
from tests.serving import Served
from tests.webtools import path_of

TITLE = "Wild swans"  # in the sample's Peking University export (pku.mrc), once
INSTANCES = """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a bf:Instance }"""
TITLED = """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
SELECT DISTINCT ?i WHERE { ?i a bf:Instance ; bf:title/bf:mainTitle ?t FILTER(STRSTARTS(STR(?t), "%s")) }"""


def csv(node: Served, query: str) -> list[str]:
    answer = requests.get(node.url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=60)
    assert answer.status_code == 200, answer.text
    return answer.text.splitlines()[1:]


def until(check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


@pytest.fixture
def nodes(tmp_path):
    server = start_oxigraph(tmp_path)
    started = []
    try:
        store = ("--store", server.url)
        run_cli(tmp_path / "node1", *store, "member", "add", "GWU", "--name", "George Washington University Libraries")
        started.append(Served(tmp_path / "node1", store))
        started.append(Served(tmp_path / "node2", store))
        yield tmp_path, store, started
    finally:
        for node in started:
            node.kill()
            print(f"--- {node.url} log:\n" + "".join(node.log)[-4000:])  # shown when the test fails
        server.stop()


def test_two_nodes_serve_what_one_loaded(nodes, sample_files):
    tmp_path, store, (node1, node2) = nodes
    catalogue = sample_files["PKU"].files[0]
    (control,) = [
        item.record["001"].data
        for item in read_marc(catalogue)
        if isinstance(item, SourceRecord) and item.record["245"]["a"].startswith(TITLE)
    ]
    made = run_cli(tmp_path / "node1", *store, "token", "create", "--member", "GWU")
    token = re.search(r"\b(ag_\S+)", made.stdout).group(1)
    assert not (tmp_path / "node1" / "tokens.json").exists()  # kept in the server, for every node
    assert TITLE not in requests.get(node2.url + "/search", params={"q": "swans"}, timeout=30).text

    run_cli(tmp_path / "node1", *store, "ingest", "--member", "GWU", str(catalogue))

    # every process re-reads the list of active batches from the server after ACTIVE_TTL_S (2 s)
    assert until(lambda: all(int(csv(node, INSTANCES)[0]) > 90 for node in (node1, node2))), "a node never saw it"
    time.sleep(2.5)  # each web worker process of a node has its own list, each at most ACTIVE_TTL_S old
    assert csv(node1, INSTANCES) == csv(node2, INSTANCES)
    (iri,) = csv(node2, TITLED % TITLE)
    for node in (node1, node2):
        # search: node 2's index is derived from the server by its writer, within seconds
        found = until(
            lambda node=node: TITLE in requests.get(node.url + "/search", params={"q": "swans"}, timeout=30).text
        )
        assert found, f"{node.url} never found the new records in its search index"
        page = requests.get(node.url + path_of(iri, TEST_BASE), timeout=30)
        assert page.status_code == 200 and TITLE in page.text
        marc = requests.get(node.url + path_of(iri, TEST_BASE), params={"format": "marcxml"}, timeout=30)
        assert marc.status_code == 200, marc.text[:300]
        assert marc.headers["Content-Type"].startswith("application/marcxml+xml")
        assert f'<controlfield tag="001">{control}</controlfield>' in marc.text

    # the token made through node 1 writes through node 2; node 1 reads the write
    graph = TEST_BASE + "graph/gwu/corrections"
    put = requests.put(
        node2.url + "/graph-store",
        params={"graph": graph},
        data=f'<{iri}> <http://example.org/note> "checked on node 2" .\n'.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"},
        timeout=60,
    )
    assert put.status_code == 201, put.text
    assert until(
        lambda: csv(node1, f"SELECT ?n WHERE {{ <{iri}> <http://example.org/note> ?n }}") == ["checked on node 2"]
    )
    bad = requests.put(
        node1.url + "/graph-store",
        params={"graph": graph},
        data=b"",
        headers={"Authorization": "Bearer ag_0000_nope", "Content-Type": "application/n-triples"},
        timeout=60,
    )
    assert bad.status_code == 401
    for node in (node1, node2):
        assert node.stop() == 0
