"""A crashed load's graph in a SPARQL server is collected when the store is next opened for writing, as
the embedded store does, and a load still running in another process keeps its graph: real
`alliance --store … ingest` processes, `kill -9` at the point where every triple is written but the batch
is not switched on, on both servers the scale-out tests use (Oxigraph server, Virtuoso 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.conftest import ROOT, TEST_BASE
from tests.faulttools import PAUSED, _env, cli_command, kill_at, sources  # noqa: F401
from tests.servers import STARTERS


def _catalogue(data, url, read_only=False):
    from graph.catalogue import Catalogue

    return Catalogue.open(data, TEST_BASE, store=url, read_only=read_only)


def _inactive(cat) -> set[str]:
    """Batch graphs in the server that no query sees."""
    from graph.store.remote import RemoteStore

    assert isinstance(cat.store, RemoteStore)
    active = set(cat.store.active_graphs())
    return {
        g.value for g in cat.store._named_graphs() if g not in active and g.value.startswith(cat.minter.base + "graph/")
    }


def _visible(cat) -> frozenset:
    return frozenset(
        str(q) for g in cat.store.active_graphs() for q in cat.store.quads_in(g) if "loadedAt" not in str(q.predicate)
    )


@pytest.mark.parametrize("flavour", sorted(STARTERS))
def test_a_crashed_loads_graph_is_collected_on_open(tmp_path, flavour, sources):
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    server = STARTERS[flavour](tmp_path)
    data = tmp_path / "data"
    paused = None
    try:
        cat = _catalogue(data, server.url)
        add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
        ingest(cat.store, cat.minter, [sources.pku], "PKU", clusters=cat.clusters)
        before = _visible(cat)
        assert _inactive(cat) == set()
        cat.close()

        # a load crashes after writing all its triples (its writer's lease is one second)
        crashed_url = server.url + "&lease=1"
        kill_at(
            data, "store.written", "--store", crashed_url, "ingest", "--member", "PKU", "--replace", str(sources.bl)
        )
        cat = _catalogue(data, server.url, read_only=True)  # a reader does not collect...
        orphans = _inactive(cat)
        cat.close()
        assert len(orphans) == 1, "the killed load left no graph behind: kill it later"

        # ...while another load is still writing (paused at the same point, its lease renewed by default)
        paused = subprocess.Popen(
            cli_command(data, "--store", server.url, "ingest", "--member", "PKU", str(sources.bl)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=_env({"ALLIANCE_FAULT_PAUSE": "store.written", "ALLIANCE_FAULT_WAIT": "120"}),
        )
        for line in paused.stderr:
            if line.startswith(PAUSED):
                break
        else:
            raise AssertionError("the second load never reached store.written")
        time.sleep(1.5)  # the crashed writer's one-second lease has run out by the server's clock

        cat = _catalogue(data, server.url)  # opened for writing: the crashed load's graph goes
        try:
            left = _inactive(cat)
            assert not (orphans & left), "the crashed load's graph was not collected"
            assert len(left) == 1, "the running load's graph was collected under it"
            assert _visible(cat) == before, "collecting touched the active catalogue"
            assert cat.store.collect_garbage() == 0
        finally:
            cat.close()
    finally:
        if paused is not None:
            if paused.poll() is None:
                os.kill(paused.pid, signal.SIGKILL)
            paused.wait(30)
            paused.stderr.close()
        server.stop()


@pytest.mark.parametrize("flavour", sorted(STARTERS))
def test_an_expired_lease_never_drops_an_active_graph(tmp_path, flavour, sources):
    """A lease left on a graph that is active (a switch that should have ended it) is forgotten on open;
    the graph and the catalogue stay."""
    import pyoxigraph as ox

    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member
    from vocab.namespaces import ALLIANCE, XSD

    server = STARTERS[flavour](tmp_path)
    data = tmp_path / "data"
    try:
        cat = _catalogue(data, server.url)
        add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
        ingest(cat.store, cat.minter, [sources.pku], "PKU", clusters=cat.clusters)
        before = _visible(cat)
        (batch,) = cat.store.batches("PKU")
        old = ox.Literal("2001-01-01T00:00:00+00:00", datatype=XSD.dateTime)
        cat.store._update(
            f"INSERT DATA {{ GRAPH {cat.minter.lease_graph} {{ {batch.graph} {ALLIANCE.leaseUntil} {old} }} }}"
        )
        cat.close()

        cat = _catalogue(data, server.url)
        try:
            assert _visible(cat) == before and [b.graph for b in cat.store.batches("PKU")] == [batch.graph]
            assert not bool(cat.store._select(f"ASK {{ GRAPH {cat.minter.lease_graph} {{ ?g ?p ?o }} }}")), (
                "the stale lease is still there"
            )
        finally:
            cat.close()
    finally:
        server.stop()
