"""``python -m graph.sample OUT_DIR [--seed N] [--titles N]``: write the sample alliance's MARC files and
local-literature lists."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from graph.sample import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m graph.sample",
        description="Write the sample alliance: one MARC 21 file per member library, "
        "and four members' local-literature lists (CSV).",
    )
    parser.add_argument("out_dir", type=Path, help="directory to write the files into (created if needed)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed writes the same bytes")
    parser.add_argument("--titles", type=int, default=240, help="number of distinct editions (default 240)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        members, stats = generate(args.out_dir, seed=args.seed, titles=args.titles)
    except ValueError as err:
        parser.error(str(err))
    for m in members:
        print(f"{m.code:<7} {m.records:>4} records {m.items:>4} items  {m.files[0]}  {m.name} / {m.name_zh}")
        print(f"{'':<7} OPAC {m.opac}")
        for name, sheet in m.collections:
            print(f"{'':<7} collection {name}: {sheet}")
    print(f"{stats.summary()} ({time.perf_counter() - started:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
