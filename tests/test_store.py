"""The embedded store: batches switch on atomically, replace is all-or-nothing, garbage is collected."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.store import StoreError
from vocab.namespaces import RDFS

P = RDFS.label


def triples(prefix: str, n: int):
    return [(ox.NamedNode(f"http://ex.test/{prefix}/{i}"), P, ox.Literal(f"{prefix} {i}")) for i in range(n)]


def count(store, prefix=""):
    q = f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "http://ex.test/{prefix}")) }}'
    return int(next(iter(store.query(q)))["n"].value)


def test_batch_is_visible_only_when_complete(members):
    store = members.store
    seen_during = []

    def slow():
        for i, t in enumerate(triples("a", 2000)):
            if i == 1500:
                seen_during.append(count(store, "a"))
            yield t

    batch = store.write_batch("PKU", slow())
    assert seen_during == [0]
    assert count(store, "a") == 2000
    assert batch.triples == 2000 and batch.member == "PKU"


def test_failed_batch_leaves_store_as_it_was(members):
    store = members.store
    store.write_batch("PKU", triples("old", 100))

    def broken():
        yield from triples("new", 50)
        raise ValueError("reader died")

    with pytest.raises(StoreError, match="reader died"):
        store.write_batch("PKU", broken(), replace=True)
    assert count(store, "old") == 100
    assert count(store, "new") == 0
    assert store.collect_garbage() == 0  # the failed graph was already dropped


def test_replace_swaps_whole_catalogue(members):
    store = members.store
    store.write_batch("PKU", triples("v1", 30))
    store.write_batch("PKU", triples("v1b", 20))
    store.write_batch("BL", triples("bl", 10))
    store.write_batch("PKU", triples("v2", 5), replace=True)
    assert (count(store, "v1"), count(store, "v2"), count(store, "bl")) == (0, 5, 10)
    assert [b.member for b in store.batches("PKU")] == ["PKU"]


def test_same_fingerprint_replaces_instead_of_adding(members):
    store = members.store
    store.write_batch("PKU", triples("x", 10), fingerprint="f1")
    store.write_batch("PKU", triples("x", 10), fingerprint="f1")
    assert len(store.batches("PKU")) == 1
    assert count(store, "x") == 10


def test_orphan_graph_from_a_crash_is_invisible_and_collected(members):
    store = members.store
    orphan = members.minter.batch_graph("PKU", "crashed")
    store._ox.add(ox.Quad(ox.NamedNode("http://ex.test/orphan"), P, ox.Literal("x"), orphan))
    assert count(store, "orphan") == 0
    assert store.collect_garbage() == 1
    assert orphan not in list(store._ox.named_graphs())


def test_an_update_on_any_graph_registers_and_retires_graphs_in_its_own_transaction(members):
    store, minter = members.store, members.minter
    made, other, outside = (f"{minter.base}graph/pku/made", f"{minter.base}graph/bl/other", "http://ex.test/g")
    put = f"INSERT {{ GRAPH ?g {{ <http://ex.test/x> {P} 1 }} }} WHERE {{ VALUES ?g {{ <{made}> <{outside}> }} }}"
    before = store.generation
    store.run_update(put, reconcile=True)
    assert store.generation - before == 2, "one write: the update and the registrations together"
    active = {g.value for g in store.active_graphs()}
    assert {made, outside} <= active
    owners = {b.graph.value: b.member for b in store.batches()}
    assert owners[made] == "PKU" and owners.get(outside) is None and outside in active

    swap = (
        f"DROP GRAPH <{made}> ;\n"
        f"INSERT {{ GRAPH ?g {{ <http://ex.test/y> {P} 2 }} }} WHERE {{ VALUES ?g {{ <{other}> }} }}"
    )
    before = store.generation
    store.run_update(swap, reconcile=True)
    assert store.generation - before == 2
    active = {g.value for g in store.active_graphs()}
    assert made not in active and {other, outside} <= active
    assert {b.graph.value: b.member for b in store.batches()}[other] == "BL"
    assert count(store, "x") == 1 and count(store, "y") == 1

    broken = f"INSERT {{ GRAPH ?g {{ <http://ex.test/z> {P} 3 }} }} WHERE {{ VALUES ?g {{ <{made}> }} }} ; LOAD <file:///nope>"
    with pytest.raises(Exception):  # noqa: B017 - pyoxigraph's own error type for a failed LOAD varies
        store.run_update(broken, reconcile=True)
    assert made not in {g.value for g in store.active_graphs()} and count(store, "z") == 0, "all or nothing"


def test_replaced_and_failed_batches_go_in_slices_and_leave_nothing(members, monkeypatch):
    from graph.store import embedded

    monkeypatch.setattr(embedded, "DROP_SLICE", 7)  # 30 quads: five transactions, the last one partial
    store = members.store
    first = store.write_batch("PKU", triples("v1", 30)).graph

    def broken():
        yield from triples("bad", 30)
        raise ValueError("reader died")

    with pytest.raises(StoreError, match="reader died"):
        store.write_batch("PKU", broken())
    store.write_batch("PKU", triples("v2", 5), replace=True)
    assert (count(store, "v1"), count(store, "bad"), count(store, "v2")) == (0, 0, 5)
    assert first not in list(store._ox.named_graphs())
    assert not list(store._ox.quads_for_pattern(None, None, None, first))
    assert store.collect_garbage() == 0  # neither the failed graph nor the replaced one is left
