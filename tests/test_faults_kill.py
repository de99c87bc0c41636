"""kill -9 of `alliance ingest` at chosen points of a load: the store opens, the catalogue is as it
was (or, past the switch, wholly the new one), nothing half-loaded is visible, and the same ingest
run again completes the load exactly as an uninterrupted run does.

The real CLI runs as a process; :mod:`graph.faults` pauses it at a named point, where the test
kills it with SIGKILL. See docs/security.md.
"""

from __future__ import annotations

import random

import pytest

from tests.faulttools import kill_after, kill_at, prepare, prepared, run_cli, sources, state  # noqa: F401


@pytest.fixture(scope="module")
def reference(tmp_path_factory, sources):
    """The state after an uninterrupted re-load of PKU's catalogue with the bulk sample (~850 records)."""
    data = tmp_path_factory.mktemp("reference") / "data"
    prepare(data, sources, ("PKU", sources.bulk))  # made by the same commands, not copied: loads are deterministic
    return state(data)


@pytest.mark.parametrize("point", ["ingest.record:500", "store.written"])
def test_kill_before_the_switch_leaves_the_old_catalogue(tmp_path, point, prepared, reference, sources):
    data = prepared(tmp_path / "data")
    old = state(data)
    kill_at(data, point, "ingest", "--member", "PKU", "--replace", str(sources.bulk))

    seen = state(data, read_only=True)  # as a reader finds it, before any writer tidies up
    assert seen.quads == old.quads, "the killed load is (partly) visible, or the old catalogue is damaged"
    assert seen.clusters == old.clusters, "the cluster index kept part of the killed load"
    after = state(data)  # opening for writing collects the killed load's inactive graph
    assert after.quads == old.quads and after.batches == old.batches
    assert after.named_graphs == old.named_graphs, "the killed load's graph was not collected"

    run_cli(data, "ingest", "--member", "PKU", "--replace", str(sources.bulk))
    again = state(data)
    assert (again.triples, again.batches, again.clusters) == (reference.triples, reference.batches, reference.clusters)
    assert again.named_graphs == reference.named_graphs


def test_kill_after_the_switch_shows_the_whole_new_catalogue(tmp_path, prepared, reference, sources):
    data = prepared(tmp_path / "data")
    kill_at(data, "store.switched", "ingest", "--member", "PKU", "--replace", str(sources.bulk))
    seen = state(data, read_only=True)
    assert (seen.triples, seen.batches) == (reference.triples, reference.batches)
    after = state(data)
    assert after.named_graphs == reference.named_graphs, "the replaced catalogue's graph was not collected"

    run_cli(data, "ingest", "--member", "PKU", "--replace", str(sources.bulk))
    again = state(data)
    assert (again.triples, again.batches, again.clusters) == (reference.triples, reference.batches, reference.clusters)


def test_an_index_left_behind_is_found_and_caught_up(tmp_path, prepared, reference, sources):
    """Killed after the store's switch, before the cluster index commits: the index is a load behind.
    Opening the catalogue says so and names the command; another load is refused (it would mint ids
    from the stale index); that load run again, even without --replace, makes store and index exactly
    those of an uninterrupted run."""
    from graph.catalogue import Catalogue
    from tests.conftest import TEST_BASE

    data = prepared(tmp_path / "data")
    loc = str(sources.bulk)
    kill_at(data, "store.switched", "ingest", "--member", "PKU", "--replace", loc)
    behind = state(data)
    assert behind.batches == reference.batches and behind.clusters != reference.clusters

    cat = Catalogue.open(data, TEST_BASE)
    try:
        lag = cat.index_lag()
    finally:
        cat.close()
    assert lag is not None and "one load behind" in lag
    assert lag.endswith(f"alliance ingest --member PKU --replace {loc}")

    other = run_cli(data, "ingest", "--member", "BL", str(sources.pku), check=False)
    assert other.returncode != 0
    assert "one load behind" in other.stderr and f"--replace {loc}" in other.stderr
    assert state(data) == behind, "the refused load changed the store or the index"

    done = run_cli(data, "ingest", "--member", "PKU", loc)  # the same files: that load, caught up
    assert "warning: the cluster index is one load behind" in done.stderr
    again = state(data)
    assert (again.triples, again.batches, again.clusters) == (reference.triples, reference.batches, reference.clusters)
    assert "one load behind" not in run_cli(data, "member", "list").stderr


@pytest.fixture(scope="module")
def large_load(tmp_path_factory):
    """~6,500 records in one ISO 2709 file (~540,000 triples converted, ~240,000 distinct in the store):
    `alliance generate` (graph/sample/real_records.py) over the sample's 750 editions, five members
    re-cataloguing them, their files one after the other."""
    import json

    from graph.sample import write_sample
    from graph.sample.real_records import generate

    folder = tmp_path_factory.mktemp("large")
    sample = write_sample(folder / "sample", titles=750)
    generate([m.files[0] for m in sample], folder / "gen", members=5, records=10_000, seed=5)
    path = folder / "large.mrc"
    with open(path, "wb") as out:
        for m in json.loads((folder / "gen" / "members.json").read_text()):
            out.write((folder / "gen" / m["file"]).read_bytes())
    return path


@pytest.mark.slow
def test_kill_at_random_moments_of_a_large_load(tmp_path, prepared, large_load):
    """A large load (~6,500 records) re-loaded and killed at three random moments: each time the store holds
    the old catalogue or the complete new one, and a last run completes the load."""
    data = prepared(tmp_path / "data")
    old = state(data)
    rng = random.Random(8)
    seen, lags = [], []
    for _ in range(3):
        status = kill_after(data, rng.uniform(2.0, 14.0), "ingest", "--member", "PKU", "--replace", str(large_load))
        assert status in (None, 0), f"the ingest failed by itself ({status})"
        seen.append(state(data))
        lags.append(lag_of(data))  # past the switch, before the index's commit: the next run catches up
    run_cli(data, "ingest", "--member", "PKU", "--replace", str(large_load))
    new = state(data)
    assert new.triples != old.triples and len(new.triples) > 200_000
    for n, s in enumerate(seen):
        assert s.triples in (old.triples, new.triples), (
            f"kill {n + 1} left a mix of old and new (kills left the index behind: {lags}); against the new: "
            f"{difference(s.triples, new.triples)}; against the old: {difference(s.triples, old.triples)}"
        )
        assert s.named_graphs in (old.named_graphs, new.named_graphs), f"kill {n + 1} left a graph behind"


def lag_of(data) -> bool:
    """Whether the cluster index is a load behind the store (what a kill past the switch leaves)."""
    from graph.catalogue import Catalogue
    from tests.conftest import TEST_BASE

    cat = Catalogue.open(data, TEST_BASE)
    try:
        return cat.index_lag() is not None
    finally:
        cat.close()


def difference(seen: frozenset, expected: frozenset) -> str:
    """How two sets of triples differ, in a few words and a few triples (for a failure message)."""
    extra, missing = sorted(seen - expected), sorted(expected - seen)
    return f"{len(extra)} extra, e.g. {extra[:3]}, {len(missing)} missing, e.g. {missing[:3]}"


def index_state(data) -> tuple[frozenset, bool]:
    """The work IRIs the search index holds after it is brought up to date, as `alliance serve` does on start."""
    from graph.catalogue import Catalogue
    from tests.conftest import TEST_BASE

    cat = Catalogue.open(data, TEST_BASE)
    try:
        cat.sync_search()
        searcher = cat.search.searcher()
        import tantivy

        total = searcher.search(tantivy.Query.all_query(), limit=1, count=True).count
        hits = searcher.search(tantivy.Query.all_query(), limit=max(total, 1), count=False).hits
        ids = frozenset(searcher.doc(address).get_first("id") for _, address in hits)
        return ids, cat.search.is_current(cat.store)
    finally:
        cat.close()


@pytest.fixture(scope="module")
def reference_index(tmp_path_factory, sources):
    data = tmp_path_factory.mktemp("reference-index") / "data"
    prepare(data, sources, ("PKU", sources.bulk))
    return index_state(data)


def test_kill_during_the_search_index_update(tmp_path, prepared, reference, reference_index, sources):
    """Killed while the search index takes in the new catalogue (the store has switched): the store holds
    the whole new catalogue, the index opens, and brought up to date it equals an uninterrupted run's."""
    data = prepared(tmp_path / "data")
    index_state(data)  # the prepared catalogue's index, filled
    kill_at(data, "index.document:200", "ingest", "--member", "PKU", "--replace", str(sources.bulk))
    seen = state(data, read_only=True)
    assert (seen.triples, seen.batches) == (reference.triples, reference.batches)
    ids, current = index_state(data)
    assert current and ids == reference_index[0]
