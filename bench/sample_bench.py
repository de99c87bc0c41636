"""How long the sample alliance takes to generate, beside reading and loading the same files.

    python bench/sample_bench.py [--titles 240] [--repeat 3]

Baselines measured in the same run: reading the generated files back with graph.load.sources.marc
(the cheapest thing anyone does with them) and ingesting them into a fresh embedded store through the
cluster index (what ``alliance demo`` does next). Medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.catalogue import Catalogue  # noqa: E402
from graph.load.ingest import ingest  # noqa: E402
from graph.alliance.members import add_member  # noqa: E402
from graph.sample import generate  # noqa: E402
from graph.load.sources.marc import read_marc  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--titles", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    gen, read, load = [], [], []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            members, stats = generate(Path(tmp) / "sample", titles=args.titles)
            gen.append(time.perf_counter() - t)
            t = time.perf_counter()
            n = sum(1 for m in members for p in m.files for _ in read_marc(p))
            read.append(time.perf_counter() - t)
            cat = Catalogue.open(Path(tmp) / "data", "http://alliance.test/")
            t = time.perf_counter()
            for m in members:
                add_member(cat.store, cat.minter, m.member())
                ingest(cat.store, cat.minter, m.files, m.code, clusters=cat.clusters)
            load.append(time.perf_counter() - t)
            cat.close()
    print(f"sample: {stats.summary()}")
    print(
        f"generate {statistics.median(gen):.2f} s | read back {n} records {statistics.median(read):.2f} s "
        f"(baseline) | ingest all members {statistics.median(load):.2f} s (baseline)"
    )


if __name__ == "__main__":
    main()
