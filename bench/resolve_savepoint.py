"""What the per-record SAVEPOINT of the cluster index costs (graph/identity/clusters.py ``Load.resolve``).

Real MARC records are read and their evidence built once (not timed); then they are resolved into a
fresh cluster index by two members in turn (the second joins the first's clusters), alternating:

* before: the resolution without the guard (``Load._check`` + ``Load._resolve``: the code before it)
* after: ``Load.resolve``, a SAVEPOINT around each record, released on success (the parent's road)
* record: ``Load.record()`` around ``Load.resolve``, as the one-process road wraps each record's mapping

Run under the heavy lock:
    flock /tmp/heavy.lock .venv/bin/python -m bench.resolve_savepoint ../shared/data/marc21/loc-booksall/booksall-2016-part01-first10000.mrc
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from graph.identity.clusters import ClusterIndex
from graph.identity.uris import Minter
from graph.load.mappers.marc21_identity import evidence
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc


def evidences(path: Path, member: str, limit: int) -> list:
    out = []
    for item in read_marc(path):
        if isinstance(item, SourceRecord):
            fields = item.record.get_fields("001")
            control = fields[0].data.strip() if fields else f"{path.name}:{item.position}"
            out.append(evidence(item.record, member, control))
            if len(out) >= limit:
                break
    return out


def run(road: str, members: dict[str, list]) -> tuple[float, float]:
    """CPU and wall seconds to resolve every member's evidence into a fresh index (each member one load)."""
    with tempfile.TemporaryDirectory() as tmp:
        index = ClusterIndex(Path(tmp) / "clusters.sqlite", Minter("http://alliance.test/"))
        cpu, wall = time.process_time(), time.perf_counter()
        for member, evs in members.items():
            load = index.begin(member)
            if road == "before":
                for ev in evs:
                    load._check()
                    load._resolve(ev)
            elif road == "after":
                for ev in evs:
                    load.resolve(ev)
            else:
                for ev in evs:
                    with load.record():
                        load.resolve(ev)
            load.finish()
            load.commit()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        index.close()
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    members = {m: evidences(args.file, m, args.records) for m in ("LC", "PKU")}
    n = sum(len(v) for v in members.values())
    times: dict[str, list] = {"before": [], "after": [], "record": []}
    for _ in range(args.rounds):
        for road in times:
            times[road].append(run(road, members))
    print(f"{n} resolutions ({len(members['LC'])} records x 2 members) of {args.file.name}, median of {args.rounds}")
    print(f"{'road':<8} {'CPU s':>8} {'wall s':>8} {'µs/record CPU':>14}")
    cpu = {}
    for road, rows in times.items():
        cpu[road] = statistics.median(c for c, _ in rows)
        wall = statistics.median(w for _, w in rows)
        print(f"{road:<8} {cpu[road]:>8.2f} {wall:>8.2f} {cpu[road] / n * 1e6:>14.1f}")
    for road in ("after", "record"):
        print(
            f"SAVEPOINT ({road}): {(cpu[road] - cpu['before']) / n * 1e6:+.1f} µs/record CPU, {cpu[road] / cpu['before']:.3f}x"
        )


if __name__ == "__main__":
    main()
