"""Queries read pyoxigraph's own union of graphs only when that union is exactly the active graphs."""

from __future__ import annotations

import pyoxigraph as ox

from vocab.namespaces import RDFS

ASK = "ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def labels(store) -> set[str]:
    return {r["l"].value for r in store.query("SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }")}


def test_a_batch_being_written_is_invisible_to_queries_during_the_write(catalogue):
    store = catalogue.store
    node = ox.NamedNode("http://alliance.test/work/a")
    store.write_batch("PKU", [(node, RDFS.label, ox.Literal("first"))])
    assert store._union_is_active(), "a store with only active graphs reads the union"
    seen_midway = []

    def triples():
        yield (node, RDFS.label, ox.Literal("second"))
        seen_midway.append(labels(store))  # a query while the batch is half written
        yield (node, RDFS.label, ox.Literal("third"))

    store.write_batch("BL", triples())
    assert seen_midway == [{"first"}]
    assert labels(store) == {"first", "second", "third"}


def test_an_inactive_graph_left_behind_is_never_read(catalogue):
    store = catalogue.store
    node = ox.NamedNode("http://alliance.test/work/a")
    store.write_batch("PKU", [(node, RDFS.label, ox.Literal("loaded"))])
    stale = catalogue.minter.batch_graph("PKU", "crashed")
    store._ox.add(ox.Quad(node, RDFS.label, ox.Literal("half-loaded"), stale))  # as a crash mid-load leaves it
    assert labels(store) == {"loaded"}
    assert not store._union_is_active()
    store.collect_garbage()
    assert store._union_is_active() and labels(store) == {"loaded"}


def test_a_replaced_batch_disappears_at_once(catalogue):
    store = catalogue.store
    node = ox.NamedNode("http://alliance.test/work/a")
    store.write_batch("PKU", [(node, RDFS.label, ox.Literal("old"))])
    store.write_batch("PKU", [(node, RDFS.label, ox.Literal("new"))], replace=True)
    assert labels(store) == {"new"}
    assert store._union_is_active()
