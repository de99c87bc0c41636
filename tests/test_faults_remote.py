"""Faults with the graph in a SPARQL server (the scale-out store): `kill -9` of the Oxigraph server
during a load, and of the `alliance ingest` client. The previous catalogue stays whole, the killed
load is invisible (its partial graph is inactive; `collect_garbage` removes it), and the same ingest
run again completes. Servers run on 127.0.0.1 (tests/servers.py).
"""

from __future__ import annotations

import random
import threading
import time

import pytest

from tests.conftest import TEST_BASE
from tests.faulttools import kill_at, run_cli, sources  # noqa: F401
from tests.servers import start_oxigraph


def active_quads(cat) -> frozenset:
    return frozenset(
        str(q) for g in cat.store.active_graphs() for q in cat.store.quads_in(g) if "loadedAt" not in str(q.predicate)
    )


def open_catalogue(folder, server):
    from graph.catalogue import Catalogue

    return Catalogue.open(folder / "data", TEST_BASE, store=server.url)


@pytest.fixture
def alliance(tmp_path, sources):
    """A catalogue in an Oxigraph server: BL's records and PKU's (the sample alliance's). The server is
    stopped whatever happens after it started (a failed load, a skip), the restarted one too."""
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    state = {"server": start_oxigraph(tmp_path)}
    try:
        cat = open_catalogue(tmp_path, state["server"])
        try:
            add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
            add_member(cat.store, cat.minter, Member("BL", "British Library"))
            ingest(cat.store, cat.minter, [sources.bl], "BL", clusters=cat.clusters)
            ingest(cat.store, cat.minter, [sources.pku], "PKU", clusters=cat.clusters)
            old = active_quads(cat)
        finally:
            cat.close()
        yield tmp_path, state, old
    finally:
        state["server"].stop()


def test_kill_the_sparql_server_during_a_load(alliance, sources):
    from graph.load.ingest import IngestError, ingest

    folder, state, old = alliance
    cat = open_catalogue(folder, state["server"])
    outcome = {}

    def load():
        try:
            outcome["report"] = ingest(
                cat.store, cat.minter, [sources.bulk], "PKU", replace=True, clusters=cat.clusters
            )
        except IngestError as err:
            outcome["error"] = str(err)

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(random.Random(3).uniform(0.5, 1.5))
    state["server"].process.kill()  # SIGKILL
    state["server"].process.wait(30)
    loader.join(timeout=300)
    assert not loader.is_alive()
    cat.close()
    assert "error" in outcome, "the load finished before the kill: make the kill earlier"
    assert "nothing of this load is visible" in outcome["error"]

    state["server"] = start_oxigraph(folder)  # the same database, a new port
    cat = open_catalogue(folder, state["server"])
    try:
        assert active_quads(cat) == old, "the previous catalogue is not whole, or part of the killed load shows"
        cat.store.collect_garbage()
        report = ingest(cat.store, cat.minter, [sources.bulk], "PKU", replace=True, clusters=cat.clusters)
        assert report.loaded == sources.bulk_records
        assert [b.sources for b in cat.store.batches("PKU")] == [[str(sources.bulk)]]
    finally:
        cat.close()


def test_kill_the_ingest_client_of_a_sparql_server(alliance, sources):
    folder, state, old = alliance
    command = ["--store", state["server"].url, "ingest", "--member", "PKU", "--replace", str(sources.bulk)]
    kill_at(folder / "data", "ingest.record:500", *command)
    cat = open_catalogue(folder, state["server"])
    try:
        assert active_quads(cat) == old
        assert cat.store.collect_garbage() >= 0
        assert active_quads(cat) == old
    finally:
        cat.close()
    run_cli(folder / "data", *command)
    cat = open_catalogue(folder, state["server"])
    try:
        assert [b.triples > 50_000 for b in cat.store.batches("PKU")] == [True]
        assert cat.store.collect_garbage() == 0
    finally:
        cat.close()
