"""Coverage-guided fuzzing of the readers with atheris (libFuzzer), from the same targets as the tests.

    python bench/fuzz.py TARGET [--seconds 60] [--runs N]      # TARGET: iso2709, marcxml, unimarc,
                                                               # cnmarcxml, csv, xlsx, dublin_core, oai_marcxml, all

Starts from the real seeds of tests/test_fuzz_readers.py, instruments graph.load.sources and
graph.load.mappers for coverage, and runs each input through tests/fuzz_targets.py (read, map,
check the invariants). An input that crashes, breaks an invariant or hangs is written to
bench/fuzz-crashes/TARGET/; reduce it, add it to tests/fuzz_corpus/TARGET/, fix the reader.
Exit status 0: nothing found. Each target runs in its own process (libFuzzer exits when done).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRASHES = ROOT / "bench" / "fuzz-crashes"


def fuzz_one(target: str, seconds: int, runs: int | None) -> None:
    import atheris

    sys.path.insert(0, str(ROOT))
    with atheris.instrument_imports(include=["graph.load.sources", "graph.load.mappers"]):
        import graph.load.mappers.marc21  # noqa: F401
        import graph.load.mappers.unimarc  # noqa: F401
        import graph.load.sources.dublincore  # noqa: F401
        import graph.load.sources.marc  # noqa: F401
        import graph.load.sources.spreadsheet  # noqa: F401
        import graph.load.sources.unimarc  # noqa: F401
    from tests import fuzz_targets
    from tests.test_fuzz_readers import seeds

    check = fuzz_targets.TARGETS[target]
    corpus = Path(tempfile.mkdtemp(prefix=f"fuzz-{target}-"))
    for n, seed in enumerate(seeds(target)):
        (corpus / f"seed-{n}").write_bytes(seed)
    crashes = CRASHES / target
    crashes.mkdir(parents=True, exist_ok=True)

    def one_input(data: bytes) -> None:
        check(data)

    args = [
        sys.argv[0],
        str(corpus),
        f"-artifact_prefix={crashes}/",
        "-max_len=65536",
        f"-timeout={fuzz_targets.LIMIT + 5}",
        "-rss_limit_mb=4096",
        "-print_final_stats=1",
    ]
    args.append(f"-runs={runs}" if runs else f"-max_total_time={seconds}")
    atheris.Setup(args, one_input)
    atheris.Fuzz()


def main() -> int:
    from tests.fuzz_targets import TARGETS

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=[*TARGETS, "all"])
    parser.add_argument("--seconds", type=int, default=60, help="time per target")
    parser.add_argument("--runs", type=int, default=None, help="inputs per target instead of a time")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fuzz_one(args.target, args.seconds, args.runs)
        return 0
    failed = []
    for target in TARGETS if args.target == "all" else [args.target]:
        command = [sys.executable, __file__, target, "--child", "--seconds", str(args.seconds)]
        if args.runs:
            command += ["--runs", str(args.runs)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        print(f"== {target}", flush=True)
        done = subprocess.run(command, cwd=ROOT, env=env, timeout=args.seconds * 3 + 600)
        if done.returncode != 0:
            failed.append(target)
    print("found something in: " + ", ".join(failed) if failed else "nothing found", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
