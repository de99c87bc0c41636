"""UNIMARC/CNMARC conversion on one core and on every core, beside the one-core road it replaced, in one run.

    python bench/unimarc_bench.py [--repeat 3]

Prints one table over the 3,064 UNIMARC records of ../shared/data/unimarc/periouni.mrc:

  before: read, map, serialise  the road UNIMARC took until the pipeline served every dialect
                                (the dialect's reader and mapper in this process, triples
                                serialised 20,000 at a time): today's one-core baseline
  pipeline, 1 core              graph.load.pipeline.convert_stream, --workers 1 (no store)
  pipeline, 2 cores             the same on two converter processes
  MARC 21, 1 / 2 cores          the pipeline on the first 3,064 Library of Congress MARC 21 records
                                (the road every member's MARC 21 export takes), for scale
  ingest, 1 / 2 cores           `alliance ingest` of periouni.mrc through the cluster index into a
                                fresh embedded store, on one converter and on two

Each measurement is repeated (--repeat), alternating, and the median kept; CPU seconds
(this process and its converter processes) are printed beside wall seconds.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.alliance.members import Member, add_member  # noqa: E402
from graph.catalogue import Catalogue  # noqa: E402
from graph.identity.uris import Minter  # noqa: E402
from graph.load import dialects, pipeline  # noqa: E402
from graph.load.ingest import ingest  # noqa: E402
from graph.load.mappers import MappingContext  # noqa: E402
from graph.load.report import ConversionReport  # noqa: E402
from graph.load.sources import SourceRecord  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
UNIMARC = DATA / "unimarc" / "periouni.mrc"
MARC21 = DATA / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"
BASE = "http://bench.example/"


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn) -> tuple[float, float, tuple[int, int]]:
    wall, c = time.perf_counter(), cpu()
    result = fn()
    return time.perf_counter() - wall, cpu() - c, result


def before(path: Path) -> tuple[int, int]:
    """The one-core road UNIMARC took before: read, map, serialise in this process."""
    dialect = dialects.detect(path)
    ctx = MappingContext(Minter(BASE), "BENCH")
    ser = pipeline.Serializer("nt")
    loaded = triples = 0
    batch: list = []
    size = 0
    for item in dialect.read(path):
        if isinstance(item, SourceRecord):
            batch.extend(dialect.map(item.record, ctx))
            loaded += 1
            if len(batch) >= 20000:
                size += len(ser.finish([ser.lines(batch, {})]))
                triples += len(batch)
                batch = []
    size += len(ser.finish([ser.lines(batch, {})]))
    return loaded, triples + len(batch)


def piped(path: Path, workers: int) -> tuple[int, int]:
    report = ConversionReport()
    ctx = MappingContext(Minter(BASE), "BENCH")
    for _ in pipeline.convert_stream([path], ctx, report, workers=workers, min_parallel=0):
        pass
    return report.loaded, report.triples


def ingested(path: Path, workers: int) -> tuple[int, int]:
    with tempfile.TemporaryDirectory() as tmp:
        cat = Catalogue.open(Path(tmp) / "data", BASE)
        try:
            add_member(cat.store, cat.minter, Member("BENCH", "Bench library"))
            report = ingest(
                cat.store, cat.minter, [path], "BENCH", clusters=cat.clusters, workers=workers, min_parallel=0
            )
        finally:
            cat.close()
    return report.loaded, report.triples


def first_records(source: Path, n: int, dest: Path) -> Path:
    dest.write_bytes(b"".join(r + b"\x1d" for r in source.read_bytes().split(b"\x1d")[:n]))
    return dest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        records = piped(UNIMARC, 1)[0]
        marc21 = first_records(MARC21, records, Path(tmp) / "lc.mrc")
        cases = [
            ("UNIMARC before: read, map, serialise (1 core)", lambda: before(UNIMARC)),
            ("UNIMARC pipeline, 1 core", lambda: piped(UNIMARC, 1)),
            ("UNIMARC pipeline, 2 cores", lambda: piped(UNIMARC, 2)),
            ("MARC 21 pipeline, 1 core", lambda: piped(marc21, 1)),
            ("MARC 21 pipeline, 2 cores", lambda: piped(marc21, 2)),
            ("UNIMARC ingest (cluster index), 1 core", lambda: ingested(UNIMARC, 1)),
            ("UNIMARC ingest (cluster index), 2 cores", lambda: ingested(UNIMARC, 2)),
        ]
        runs: dict[str, list] = {name: [] for name, _ in cases}
        for _ in range(args.repeat):  # alternate, so a busy moment costs every row alike
            for name, fn in cases:
                runs[name].append(timed(fn))
    print(
        f"\n{UNIMARC.name}: {records} UNIMARC records; {os.cpu_count()} cores; median of {args.repeat}; "
        f"load average {os.getloadavg()[0]:.1f}\n"
    )
    print(f"| {'measure':42} | {'records':>7} | {'triples':>8} | {'wall s':>7} | {'cpu s':>7} | {'records/s':>9} |")
    print(f"|{'-' * 44}|{'-' * 9}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 11}|")
    base = None
    for name, _ in cases:
        wall = statistics.median(r[0] for r in runs[name])
        c = statistics.median(r[1] for r in runs[name])
        loaded, triples = runs[name][-1][2]
        base = base or wall
        print(f"| {name:42} | {loaded:>7} | {triples:>8} | {wall:>7.2f} | {c:>7.2f} | {loaded / wall:>9,.0f} |")
    one = statistics.median(r[0] for r in runs["UNIMARC pipeline, 1 core"])
    two = statistics.median(r[0] for r in runs["UNIMARC pipeline, 2 cores"])
    print(f"\nUNIMARC on 2 cores: {base / two:.2f}x the one-core road before, {one / two:.2f}x the pipeline on 1 core")


if __name__ == "__main__":
    main()
