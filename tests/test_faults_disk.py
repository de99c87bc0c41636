"""A full disk during a load: a clear error, the previous catalogue intact, and the load completes
once there is room. Three ways to run out: a real small file system (tmpfs, needs root), a file-size
limit (RLIMIT_FSIZE: every write past it fails, works anywhere), and a cluster index that cannot grow.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from graph.load.ingest import IngestError, ingest
from tests.faulttools import prepared, run_cli, sources, state  # noqa: F401

REQUIRE_SYSTEM = os.environ.get("ALLIANCE_REQUIRE_SYSTEM") == "1"


def _size(path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs mounted here for the test; its size is set by the test (``remount``)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        if REQUIRE_SYSTEM:
            pytest.fail(f"cannot mount a tmpfs (needed here: ALLIANCE_REQUIRE_SYSTEM=1): {done.stderr}")
        pytest.skip(f"cannot mount a tmpfs for the disk-full test (needs root): {done.stderr.strip()}")

    def remount(size: int) -> None:
        subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)

    yield mount, remount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_disk_full_during_a_load(small_disk, prepared, sources):
    mount, remount = small_disk
    data = prepared(mount / "data")
    old = state(data)
    remount(_size(data) + 3 * 1024 * 1024)  # room for a little, not for ~850 records

    done = run_cli(data, "ingest", "--member", "PKU", "--replace", str(sources.bulk), check=False)
    assert done.returncode == 1, done.stderr
    assert "No space left on device" in done.stderr and "nothing of this load is visible" in done.stderr
    assert "Traceback" not in done.stderr
    assert state(data, read_only=True).quads == old.quads
    assert state(data).quads == old.quads

    remount(256 * 1024 * 1024)
    run_cli(data, "ingest", "--member", "PKU", "--replace", str(sources.bulk))
    assert state(data).quads != old.quads


@pytest.mark.parametrize("limit", [200_000, 1_500_000])
def test_writes_refused_past_a_file_size_limit(tmp_path, limit, prepared, sources):
    data = prepared(tmp_path / "data")
    old = state(data)
    done = run_cli(
        data, "ingest", "--member", "PKU", "--replace", str(sources.bulk), file_size_limit=limit, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "File too large" in done.stderr and "nothing of this load is visible" in done.stderr
    assert "Traceback" not in done.stderr
    now = state(data)
    assert (now.quads, now.clusters, now.named_graphs) == (old.quads, old.clusters, old.named_graphs)
    run_cli(data, "ingest", "--member", "PKU", "--replace", str(sources.bulk))


def test_cluster_index_full_stops_the_load(members, sources):
    """SQLite rolls a transaction back by itself when its file cannot grow; the load must stop there,
    not go on committing statement by statement or report every record as unmappable."""
    cat = members
    ingest(cat.store, cat.minter, [sources.pku], "PKU", clusters=cat.clusters)
    ingest(cat.store, cat.minter, [sources.bl], "BL", clusters=cat.clusters)
    before = (
        {g.value: sorted(map(str, cat.store.quads_in(g))) for g in cat.store.active_graphs()[1:]},
        cat.clusters.clusters_of(),
    )
    pages = cat.clusters.db.execute("PRAGMA page_count").fetchone()[0]
    cat.clusters.db.execute(f"PRAGMA max_page_count={pages + 4}")
    with pytest.raises(IngestError, match="database or disk is full") as caught:
        ingest(cat.store, cat.minter, [sources.bulk], "PKU", replace=True, clusters=cat.clusters)
    assert "nothing of this load is visible" in str(caught.value)
    assert not caught.value.report.rejected
    after = (
        {g.value: sorted(map(str, cat.store.quads_in(g))) for g in cat.store.active_graphs()[1:]},
        cat.clusters.clusters_of(),
    )
    assert after == before
    cat.clusters.db.execute("PRAGMA max_page_count=1073741823")
    report = ingest(cat.store, cat.minter, [sources.bulk], "PKU", replace=True, clusters=cat.clusters)
    assert report.loaded == sources.bulk_records
