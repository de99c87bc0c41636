"""MARC 21 conversion and ingest speed, each beside its baseline from the same run.

    python -m bench.convert [FILE.mrc] [--repeat N] [--member CODE]

Default FILE: the 10,000 Library of Congress records of ../shared/data. Prints one table:

  pymarc bare parse          records/s of pymarc.MARCReader over the file (the floor of any pymarc reader)
  convert, 1 core            `alliance convert FILE -o OUT.nq --workers 1`: read, map, write N-Quads
  convert, 2 cores           the same on every core (--workers 2)
  bulk_load                  raw pyoxigraph Store.bulk_load of the N-Quads just written (same triples)
  ingest (keys)              `alliance ingest` end to end: convert + load + switch, key identity
  ingest (cluster index)     the same through the catalogue's cluster index, as the CLI runs it
  ratio                      ingest triples/s over bulk_load triples/s

The machine is shared, so each measurement is repeated (--repeat, default 3), alternating
the baseline and ours, and the best run of each is kept; CPU seconds (this process and
its converter processes) are printed beside wall seconds, and the rate per CPU-second is
what one uncontended core would do. Nothing here is asserted: numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pymarc
import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"
BASE = "http://bench.alliance.test/"


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn):
    wall, c = time.perf_counter(), cpu()
    result = fn()
    return time.perf_counter() - wall, cpu() - c, result


def pymarc_parse(path: Path) -> int:
    n = 0
    with open(path, "rb") as fh:
        for record in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True):
            n += record is not None
    return n


def convert(path: Path, out: Path, workers: int):
    from graph.load.convert import convert_files

    return convert_files([path], out, "LC", base=BASE, workers=workers)


def bulk_load(nq: Path, folder: Path) -> int:
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    n = len(store)
    del store
    return n


def ingest(path: Path, folder: Path, clusters: bool):
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest as run
    from graph.alliance.members import Member, add_member

    cat = Catalogue.open(folder, BASE)
    try:
        add_member(cat.store, cat.minter, Member("LC", "Library of Congress"))
        return run(cat.store, cat.minter, [path], "LC", clusters=cat.clusters if clusters else None)
    finally:
        cat.close()


def best(runs):
    return min(runs, key=lambda r: r[0])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv[1:])
    path = Path(args.file)
    work = Path(tempfile.mkdtemp(prefix="alliance-bench-"))
    rows = []
    try:
        records = pymarc_parse(path)  # warm the page cache
        parse = best([timed(lambda: pymarc_parse(path)) for _ in range(args.repeat)])
        rows.append(("pymarc bare parse", records / parse[0], "records/s", parse))
        nq = work / "out.nq"
        one = best([timed(lambda: convert(path, nq, 1)) for _ in range(args.repeat)])
        two = best([timed(lambda: convert(path, nq, 2)) for _ in range(args.repeat)])
        triples = two[2].triples
        rows.append(("convert, 1 core", one[2].loaded / one[0], "records/s", one))
        rows.append(("convert, 2 cores", two[2].loaded / two[0], "records/s", two))
        loads, keyed, clustered = [], [], []
        for n in range(args.repeat):  # alternate baseline and ours
            loads.append(timed(lambda n=n: bulk_load(nq, work / f"bulk{n}")))
            keyed.append(timed(lambda n=n: ingest(path, work / f"keys{n}", False)))
            clustered.append(timed(lambda n=n: ingest(path, work / f"clusters{n}", True)))
            for d in (f"bulk{n}", f"keys{n}", f"clusters{n}"):
                shutil.rmtree(work / d, ignore_errors=True)
        load, key, clus = best(loads), best(keyed), best(clustered)
        rows.append(("bulk_load (same triples)", triples / load[0], "triples/s", load))
        rows.append(("ingest (keys)", key[2].triples / key[0], "triples/s", key))
        rows.append(("ingest (cluster index)", clus[2].triples / clus[0], "triples/s", clus))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"\n{path.name}: {records} records, {triples} triples ({triples / records:.1f} per record); "
        f"{os.cpu_count()} cores; best of {args.repeat}; load average {os.getloadavg()[0]:.1f}\n"
    )
    print(
        f"| {'measure':28} | {'rate (wall)':>14} | {'unit':9} | {'wall s':>7} | {'cpu s':>7} | {'per cpu-second':>14} |"
    )
    print(f"|{'-' * 30}|{'-' * 16}|{'-' * 11}|{'-' * 9}|{'-' * 9}|{'-' * 16}|")
    for name, rate, unit, (wall, c, _) in rows:
        print(f"| {name:28} | {rate:>14,.0f} | {unit:9} | {wall:>7.2f} | {c:>7.2f} | {rate * wall / c:>14,.0f} |")
    load_rate = triples / load[0]
    print(
        f"\nratio ingest/bulk_load: keys {key[2].triples / key[0] / load_rate:.2f}, "
        f"cluster index {clus[2].triples / clus[0] / load_rate:.2f}"
    )
    print(f"convert 1 core vs pymarc bare parse: {rows[1][1] / rows[0][1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv))
