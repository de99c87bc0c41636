"""``alliance export --member CODE``: union records of every edition a member holds, at scale.

    flock /tmp/heavy.lock python bench/export_bench.py DATA_DIR --member PKU [--limit N] [--out FILE.mrc]

Opens the data directory read-only and writes the member's union records as ISO 2709 (what
``alliance export`` does, :func:`graph.views.exports.marc21_file.export_member`), sampling the
process's resident memory as it goes (the export streams: memory should not grow with the
records written). Baseline in the same run: pymarc reading the written file back and writing
each record again (``as_marc``), the cost of MARC itself with no store behind it.

Prints the table: records, seconds, records/s, peak RSS at 10%/50%/100% of the records.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pymarc  # noqa: E402

from graph.catalogue import Catalogue, configured_base  # noqa: E402
from graph.views.exports.marc21_file import export_member, held_editions  # noqa: E402


def rss_mb() -> float:
    """The process's resident memory now (MB), from /proc (peak from getrusage where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data")
    parser.add_argument("--member", required=True)
    parser.add_argument("--out", default="/tmp/export-bench.mrc")
    args = parser.parse_args()
    cat = Catalogue.open(args.data, configured_base(args.data), read_only=True)
    library = cat.minter.library(args.member.upper())
    total = len(held_editions(cat.store, library))
    marks = {max(1, total // 10): "10%", max(1, total // 2): "50%"}
    seen = {"n": 0}
    memory: dict[str, float] = {}

    def progress(n: int) -> None:
        seen["n"] += n
        if seen["n"] in marks:
            memory[marks[seen["n"]]] = rss_mb()

    started = time.perf_counter()
    report = export_member(cat.store, library, args.member.upper(), args.out, progress=progress)
    ours = time.perf_counter() - started
    memory["100%"] = rss_mb()
    cat.close()

    started = time.perf_counter()
    rewritten = 0
    with open(args.out, "rb") as fh, open(args.out + ".pymarc", "wb") as out:
        for record in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True):
            out.write(record.as_marc())
            rewritten += 1
    theirs = time.perf_counter() - started
    size = Path(args.out).stat().st_size
    print(f"{'':28}{'records':>9}{'seconds':>9}{'records/s':>11}  RSS MB at 10% / 50% / 100%")
    print(
        f"{'alliance export (union)':28}{report.records:>9}{ours:>9.1f}{report.records / ours:>11.0f}  "
        f"{memory.get('10%', 0):.0f} / {memory.get('50%', 0):.0f} / {memory['100%']:.0f}"
    )
    print(f"{'pymarc read + write back':28}{rewritten:>9}{theirs:>9.1f}{rewritten / theirs:>11.0f}")
    print(f"{args.member.upper()}: {total} editions held, {report.skipped} skipped, {size / 1e6:.1f} MB written")


if __name__ == "__main__":
    main()
