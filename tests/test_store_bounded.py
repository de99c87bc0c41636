"""Lookups answered on the request's own thread (graph/store/bounded.py): which queries qualify, and
that such a lookup in a web worker's store answers as the evaluator thread would and is still stopped
at its deadline, without retiring the worker."""

from __future__ import annotations

import pytest

from bench.sparql_bench import MIX, PREFIX
from graph.alliance.members import Member, add_member
from graph.catalogue import Catalogue
from graph.load.ingest import ingest
from graph.store.answers import Limits, QueryTimeout
from graph.store.bounded import is_lookup
from graph.store.snapshots import SnapshotStore, publish
from tests.conftest import TEST_BASE

EDITION = TEST_BASE + "instance/x"
LOOKUPS = [
    PREFIX + MIX[0].format(i=EDITION),  # an edition's statements
    PREFIX + MIX[2].format(i=EDITION),  # its title
    PREFIX + MIX[3].format(i=EDITION),  # its work
    "SELECT * WHERE { ?s a <http://id.loc.gov/ontologies/bibframe/Instance> . } LIMIT 10",
    'PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nselect ?s { ?s rdfs:label "Wild swans"@en } # by title',
    "SELECT ?s ?p WHERE { ?s ?p 1990 }",
    "SELECT ?s ?p ?o { ?s ?p ?o }",
]
NOT_LOOKUPS = [
    PREFIX + MIX[1].format(i=EDITION),  # who holds it: a join (items without a holder are work without rows)
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",  # duplicates dropped: rows read, none written
    "SELECT ?s WHERE { ?s ?p ?s }",  # the same variable twice: a filter on the range
    "SELECT ?s WHERE { ?s ?p ?o } OFFSET 100000",  # the rows skipped
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1",  # reads everything first
    "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = 1) }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s <http://example.org/p>/<http://example.org/q> ?o }",  # a property path
    "SELECT ?s FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?s WHERE { ?s <http://example.org/p> ?o , ?q }",
    'SELECT ?s WHERE { ?s ?p """long""" }',
    'SELECT ?s WHERE { ?s ?p "\\u0022" }',  # escapes are the parser's
    "SELECT ?s WHERE { [] ?p ?s }",
    "ASK { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o",
]


@pytest.mark.parametrize("query", LOOKUPS)
def test_single_pattern_selects_are_lookups(query):
    assert is_lookup(query)


@pytest.mark.parametrize("query", NOT_LOOKUPS)
def test_anything_else_goes_to_the_evaluator(query):
    assert not is_lookup(query)


@pytest.fixture
def worker_store(tmp_path, sample_files):
    """A web worker's store (published checkpoint) over PKU's sample records, and its retirements."""
    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
    ingest(cat.store, cat.minter, sample_files["PKU"].files, "PKU")
    publish(cat.store)
    retired: list[bool] = []
    store = SnapshotStore(cat.store.location, cat.minter, on_runaway=lambda: retired.append(True), threads=1)
    store.refresh()
    yield cat, store, retired
    store.close()
    cat.close()


def test_a_lookup_answers_on_the_requests_thread_as_the_evaluator_does(worker_store, monkeypatch):
    cat, store, _ = worker_store
    edition = next(iter(cat.store.query("SELECT ?i WHERE { ?i a <http://id.loc.gov/ontologies/bibframe/Instance> }")))
    query = PREFIX + MIX[0].format(i=edition["i"].value)
    handed_over: list[str] = []
    run = store._evaluators.run
    monkeypatch.setattr(store._evaluators, "run", lambda *a, **kw: handed_over.append("run") or run(*a, **kw))
    inline = store.answer(query, results_format="csv")
    assert handed_over == []
    join = PREFIX + MIX[1].format(i=edition["i"].value)
    store.answer(join, results_format="csv")
    assert handed_over == ["run"]  # the join went to the evaluator thread
    expected = cat.store.answer(query, results_format="csv")
    assert inline.body.count(b"\n") > 5
    assert sorted(inline.body.splitlines()) == sorted(expected.body.splitlines())


def test_a_lookup_past_its_deadline_is_stopped_and_the_worker_stays(worker_store):
    _, store, retired = worker_store
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    assert is_lookup(everything)
    assert len(store.answer(everything, results_format="csv").body) > 64 * 1024  # many chunks: one past the deadline
    with pytest.raises(QueryTimeout, match="time limit of 1e-06 s"):
        store.answer(everything, results_format="csv", limits=Limits(timeout_s=1e-6))
    assert retired == []  # stopped, not left running: nothing to retire
