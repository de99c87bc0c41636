"""The search index's documents, however they are built, are the per-work builder's, value for value:
on worker processes over a checkpoint (what `alliance index rebuild` does) and from whole-store scans,
on the demo alliance and on an alliance generated from the sample pool's editions."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from graph.catalogue import Catalogue
from graph.index import SearchRequest, Searcher, documents, parallel, scan
from graph.load.ingest import ingest
from graph.alliance.members import Member, add_member
from graph.sample.real_records import generate
from tests.conftest import TEST_BASE


@pytest.fixture(scope="module")
def alliance(tmp_path_factory, sample_editions):
    """Three members' generated catalogues of 300 of the sample pool's editions (Chinese with 880 pairs,
    and English), loaded through the cluster index."""
    root = tmp_path_factory.mktemp("index-build")
    generate([sample_editions], root / "gen", members=3, limit=300, seed=5)
    cat = Catalogue.open(root / "data", TEST_BASE)
    for m in json.loads((root / "gen" / "members.json").read_text()):
        add_member(cat.store, cat.minter, Member(m["code"], m["name"]))
        ingest(cat.store, cat.minter, [root / "gen" / m["file"]], m["code"], clusters=cat.clusters)
    yield cat
    cat.close()


@pytest.fixture(params=["demo", "alliance"])
def catalogue(request):
    return request.getfixturevalue("demo_catalogue" if request.param == "demo" else "alliance")


def same(d):  # what the workers give back (to_document is pickled to them: a module-level function)
    return d


def with_pid(d):
    return os.getpid(), d


def iri(d):
    return d.iri


def per_work(cat) -> dict:
    return {d.iri: d for d in documents.build(cat.store, cat.minter, documents.all_works(cat.store), threads=1)}


def assert_same(expected: dict, got: dict) -> None:
    assert set(got) == set(expected)
    differ = [iri for iri in expected if got[iri] != expected[iri]]
    assert not differ, f"{len(differ)} documents differ, e.g. {differ[0]}"


def test_worker_processes_give_the_per_work_documents(catalogue):
    expected = per_work(catalogue)
    assert len(expected) > 100
    assert any(d.editions > 1 or len(d.libraries) > 1 for d in expected.values()), "shared editions or works"
    built = list(parallel.build(catalogue.store, catalogue.minter, list(expected), with_pid, workers=2, min_works=1))
    assert {pid for pid, _ in built} - {os.getpid()}, "built on worker processes"
    assert_same(expected, {d.iri: d for _, d in built})


def test_whole_store_scans_give_the_per_work_documents(catalogue):
    assert_same(per_work(catalogue), {d.iri: d for d in scan.build_all(catalogue.store, catalogue.minter)})


def test_whole_store_queries_on_threads_give_the_per_work_documents(alliance):
    """What a sync after a load runs: the queries on threads of this process, rows filed as each answers."""
    expected = per_work(alliance)
    assert_same(expected, {d.iri: d for d in scan.build_all(alliance.store, alliance.minter, threads=3)})
    built = list(parallel.build_all(alliance.store, alliance.minter, with_pid, workers=2, processes=False))
    assert {p for p, _ in built} == {os.getpid()}, "built in this process"
    assert_same(expected, {d.iri: d for _, d in built})


def test_whole_store_queries_on_worker_processes_give_the_per_work_documents(catalogue):
    """What `alliance index rebuild` runs: each query in a worker over its own checkpoint, the rows filed here."""
    expected = per_work(catalogue)
    built = list(parallel.build_all(catalogue.store, catalogue.minter, same, workers=2))
    assert_same(expected, {d.iri: d for d in built})
    assert not list(Path(catalogue.store.location).parent.glob(".scratch-index-*")), "the checkpoints are gone"


def test_whole_store_queries_describe_only_the_works_asked_for(alliance):
    expected = per_work(alliance)
    some = sorted(expected)[::3]
    got = {d.iri: d for d in scan.build_all(alliance.store, alliance.minter, only=some + ["http://elsewhere/work/x"])}
    assert_same({iri: expected[iri] for iri in some}, got)


def test_a_sync_of_most_works_reads_the_whole_store_and_of_a_few_work_by_work(alliance, monkeypatch):
    """parallel.describe: the whole-store queries for a large share of the store's works, else per work;
    the documents are the same either way."""
    expected = per_work(alliance)
    used = []
    for name in ("build_all", "build"):
        original = getattr(parallel, name)
        monkeypatch.setattr(parallel, name, lambda *a, _f=original, _n=name, **k: used.append(_n) or _f(*a, **k))
    monkeypatch.setattr(parallel, "MIN_WORKS", 1)
    most, few = sorted(expected)[: len(expected) * 3 // 4], sorted(expected)[:5]
    assert_same(
        {i: expected[i] for i in most},
        {d.iri: d for d in parallel.describe(alliance.store, alliance.minter, most, same)},
    )
    assert used[0] == "build_all"
    used.clear()
    assert_same(
        {i: expected[i] for i in few},
        {d.iri: d for d in parallel.describe(alliance.store, alliance.minter, few, same)},
    )
    assert used[0] == "build"


def test_documents_do_not_depend_on_row_order(alliance):
    """Chunks of another size meet the store's rows in another order: the documents stay the same."""
    works = sorted(d.iri for d in per_work(alliance).values())
    one = {d.iri: d for d in documents.build(alliance.store, alliance.minter, works, threads=1)}
    original = documents.CHUNK
    try:
        documents.CHUNK = 7
        other = {d.iri: d for d in documents.build(alliance.store, alliance.minter, list(reversed(works)), threads=2)}
    finally:
        documents.CHUNK = original
    assert_same(one, other)


def test_an_index_built_on_worker_processes_answers_as_one_built_in_process(alliance, monkeypatch):
    def answers():
        searcher = Searcher(alliance.search)
        out = {}
        for q in ("", "history", "beijing", "北京", "shanghai"):
            found = searcher.search(SearchRequest(q=q, per_page=50, sort="title"))
            out[q] = (
                found.total,
                [h.iri for h in found.hits],
                [h.display for h in found.hits],
                {name: dict(counts) for name, counts in found.facets.items()},
            )
        return out

    monkeypatch.setenv("ALLIANCE_INDEX_WORKERS", "1")
    alliance.search.rebuild(alliance.store, alliance.minter)
    in_process = answers()
    assert all(total for total, *_ in in_process.values()), {q: a[0] for q, a in in_process.items()}
    monkeypatch.setattr(parallel, "MIN_WORKS", 1)
    monkeypatch.setenv("ALLIANCE_INDEX_WORKERS", "2")
    assert alliance.search.rebuild(alliance.store, alliance.minter) == in_process[""][0]
    assert answers() == in_process
    assert not list(Path(alliance.store.location).parent.glob(".scratch-index-*")), "the checkpoint is gone"


def test_a_killed_build_leaves_no_checkpoint_behind(alliance):
    """A build killed before its cleanup (kill -9) leaves its checkpoints; the next build removes them."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    orphan = Path(alliance.store.location).parent / f".scratch-index-{gone.pid}-dead"  # its process has exited
    (orphan / "store-0").mkdir(parents=True)
    works = list(per_work(alliance))[:20]
    assert len(list(parallel.build(alliance.store, alliance.minter, works, iri, workers=2, min_works=1))) == 20
    assert not orphan.exists()


def worker_parent(d):
    return os.getppid()


def test_a_process_running_threads_builds_on_workers_from_the_fork_server(alliance):
    """Workers are never forked from this process (it has the store open, and RocksDB's threads with it):
    a fork server starts them, so a web server answering requests on threads may use them too."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        works = list(per_work(alliance))[:30]
        parents = set(parallel.build(alliance.store, alliance.minter, works, worker_parent, workers=2, min_works=1))
        built = list(parallel.build(alliance.store, alliance.minter, works, with_pid, workers=2, min_works=1))
    finally:
        stop.set()
        thread.join()
    assert os.getpid() not in parents and len(parents) == 1, parents
    assert {p for p, _ in built} and os.getpid() not in {p for p, _ in built}
    assert {d.iri for _, d in built} == set(works)
