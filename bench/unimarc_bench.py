"""UNIMARC/CNMARC conversion speed, beside MARC 21 conversion of a file of the same size in the same run.

    python bench/unimarc_bench.py [--repeat 3]

Measures, per record: reading + mapping the 3,064 UNIMARC records of ../shared/data/unimarc/periouni.mrc
(no store), and the same for the first 3,064 Library of Congress MARC 21 records (the baseline: the
path every member's export takes); then a full ingest of periouni.mrc into a fresh embedded store
through the cluster index (what ``alliance ingest`` does). Medians of --repeat runs.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.load import dialects  # noqa: E402
from graph.catalogue import Catalogue  # noqa: E402
from graph.identity.uris import Minter  # noqa: E402
from graph.load.ingest import ingest  # noqa: E402
from graph.load.mappers import MappingContext  # noqa: E402
from graph.alliance.members import Member, add_member  # noqa: E402
from graph.load.sources import SourceRecord  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
UNIMARC = DATA / "unimarc" / "periouni.mrc"
MARC21 = DATA / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"


def convert(path: Path, limit: int) -> tuple[int, int, float]:
    dialect = dialects.detect(path)
    ctx = MappingContext(Minter("http://bench.example/"), "BENCH")
    records = triples = 0
    started = time.perf_counter()
    for item in itertools.islice(dialect.read(path), limit):
        if isinstance(item, SourceRecord):
            records += 1
            triples += len(dialect.map(item.record, ctx))
    return records, triples, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    uni, m21, load = [], [], []
    for _ in range(args.repeat):
        n_uni, t_uni, s = convert(UNIMARC, 10**9)
        uni.append(s)
        n_m21, t_m21, s = convert(MARC21, n_uni)
        m21.append(s)
        with tempfile.TemporaryDirectory() as tmp:
            cat = Catalogue.open(Path(tmp) / "data", "http://bench.example/")
            add_member(cat.store, cat.minter, Member("BENCH", "Bench library"))
            t = time.perf_counter()
            report = ingest(cat.store, cat.minter, [UNIMARC], "BENCH", clusters=cat.clusters)
            load.append(time.perf_counter() - t)
            cat.close()
    u, m, ld = statistics.median(uni), statistics.median(m21), statistics.median(load)
    print(f"UNIMARC read+map  {n_uni} records, {t_uni} triples: {u:.2f} s  ({n_uni / u:,.0f} records/s)")
    print(f"MARC 21 read+map  {n_m21} records, {t_m21} triples: {m:.2f} s  ({n_m21 / m:,.0f} records/s)  [baseline]")
    print(f"UNIMARC ingest    {report.loaded} loaded, {len(report.rejected)} rejected, {report.triples} triples: "
          f"{ld:.2f} s  ({report.loaded / ld:,.0f} records/s)")


if __name__ == "__main__":
    main()
