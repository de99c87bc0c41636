"""The search index against the store's own bulk load, measured in the same run (issue 13).

    python -m bench.index_bench [--data DIR] [--member-file FILE.mrc] [--member CODE] [--repeat N] [--before CHECKOUT]

DIR (default /tmp/index-work/data) is a generated 5-member alliance of the 10,000 LC records ingested
member by member with the union descriptions (issue 12), made with

    alliance generate ../shared/data/marc21/loc-booksall/booksall-2016-part01-first10000.mrc \
        --out ALLIANCE --members 5
    for m in PKU THU FDU SJTU NJU; do alliance --data DIR member add $m --name $m; done
    for m in PKU THU FDU SJTU NJU; do alliance --data DIR ingest --member $m ALLIANCE/members/$m.mrc; done

(/work/bench-data holds the same members' files, generated before the union model: its store is not
the current layout). DIR is copied first and never written. Rows:

  bulk_load (store)        raw pyoxigraph bulk_load of every quad of the store (dumped as N-Quads first)
  index rebuild            `alliance index rebuild` on the copy, the whole command, one worker per core
  index rebuild, 1 process the same with ALLIANCE_INDEX_WORKERS=1 (documents built in the command's process)
  bulk_load (member)       raw bulk_load of the member file's triples (`alliance convert` output)
  ingest                   `alliance ingest` of the member file into a fresh data directory, the whole
                           command (convert, load, cluster index, sources, search index)
  ingest, 1 process index  the same with ALLIANCE_INDEX_WORKERS=1

With --before CHECKOUT (a checkout of the code before a change, e.g. ``git worktree add /tmp/before
a45bbcc``), the rebuild and ingest rows run its `alliance` too, alternated with this code's, marked
"(before)": the change against the old code in the same run.

The 250,000 LC records (``bench/bigfile.py`` fetches them from pymarc 5.4.0's source distribution):
``--member-file BooksAll.2016.part01.utf8 --member LC --skip-rebuild --ingest-once --repeat 1 --keep DIR``,
then ``--data DIR --skip-ingest --in-place --repeat 1`` (no copy of a store of that size: the rebuild
rewrites DIR's own search index).

With --builders, only the documents (no tantivy) in this process, on the copy: the per-work
builder (chunks of VALUES joins, two threads) against whole-store scans (graph/index/scan.py).

Each command runs as a child process: wall seconds and the child's peak RSS (wait4). The best
of --repeat runs is kept (the machine is shared). Nothing is asserted: numbers go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALLIANCE = [sys.executable, "-m", "cli"]


def run(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int, float, str]:
    """(wall seconds, peak RSS MB of the largest process, CPU seconds of the command and its workers, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=cwd, env={**os.environ, **(env or {})}, text=True
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{out}")
    return wall, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime, out


LOAD = "import sys, pyoxigraph as ox; ox.Store(sys.argv[1]).bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)"


def bulk_load(nquads: Path, work: Path) -> tuple[float, int, float]:
    target = work / "bulk"
    shutil.rmtree(target, ignore_errors=True)
    wall, rss, cpu, _ = run([sys.executable, "-c", LOAD, str(target), str(nquads)])
    shutil.rmtree(target, ignore_errors=True)
    return wall, rss, cpu


def best(fn, repeat: int):
    return min((fn() for _ in range(repeat)), key=lambda r: r[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("/tmp/index-work/data"))
    ap.add_argument("--member-file", type=Path, default=Path("/work/bench-data/alliance/members/PKU.mrc"))
    ap.add_argument("--member", default="PKU")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-rebuild", action="store_true", help="only the ingest rows (no store copy or dump)")
    ap.add_argument("--builders", action="store_true", help="compare the document builders only")
    ap.add_argument("--before", type=Path, help="a checkout of the code before: its rebuild and ingest rows too")
    ap.add_argument("--in-place", action="store_true", help="rebuild DIR's own index instead of a copy's (big stores)")
    ap.add_argument("--ingest-once", action="store_true", help="no second ingest with the index in one process")
    ap.add_argument("--keep", type=Path, help="move the last ingest's data directory here (for a rebuild row later)")
    args = ap.parse_args()
    if args.builders:
        return builders(args)
    import pyoxigraph as ox

    rows = []
    with tempfile.TemporaryDirectory(prefix="index-bench-", dir="/tmp") as tmp:
        work = Path(tmp)
        codes = [("", ROOT)] + ([(" (before)", args.before)] if args.before else [])
        if not args.skip_rebuild:
            copy = args.data if args.in_place else work / "data"
            if not args.in_place:
                shutil.copytree(args.data, copy)
            nquads = work / "store.nq"
            store = ox.Store.read_only(str(copy / "store"))
            store.dump(str(nquads), ox.RdfFormat.N_QUADS)
            quads = len(store)
            del store

            def rebuild(cwd, env=None):
                return lambda: run(ALLIANCE + ["--data", str(copy), "index", "rebuild"], env, cwd)[:3]

            measures = [("bulk_load (store)", lambda: bulk_load(nquads, work))]
            for mark, cwd in codes:
                measures.append(("index rebuild" + mark, rebuild(cwd)))
            for mark, cwd in codes:
                measures.append(("index rebuild, 1 process" + mark, rebuild(cwd, {"ALLIANCE_INDEX_WORKERS": "1"})))
            for label, fn in measures:
                rows.append((label, f"{quads:,} quads" if "bulk" in label else "", *best(fn, args.repeat)))
            nquads.unlink()
        if not args.skip_ingest:
            member_nq = work / "member.nq"
            run(
                ALLIANCE
                + [
                    "--data",
                    str(work / "conv"),
                    "convert",
                    str(args.member_file),
                    "--member",
                    args.member,
                    "-o",
                    str(member_nq),
                ]
            )
            triples = sum(1 for _ in open(member_nq, "rb"))
            rows.append(
                ("bulk_load (member)", f"{triples:,} triples", *best(lambda: bulk_load(member_nq, work), args.repeat))
            )

            steps: dict[str, str] = {}

            def ingest(env=None, mark="", cwd=ROOT):
                fresh = work / "fresh"
                shutil.rmtree(fresh, ignore_errors=True)
                run(ALLIANCE + ["--data", str(fresh), "member", "add", args.member, "--name", args.member], cwd=cwd)
                wall, rss, cpu, out = run(
                    ALLIANCE + ["--data", str(fresh), "ingest", "--member", args.member, str(args.member_file)],
                    env,
                    cwd,
                )
                # the command's own report: "… triples in 9.5 s", "search index: N works updated in 7.3 s"
                workers = (env or {}).get("ALLIANCE_INDEX_WORKERS", "")
                steps[(", index workers " + workers if workers else "") + mark] = " / ".join(
                    line.strip() for line in out.splitlines() if " in " in line and line.rstrip().endswith(" s")
                )
                return wall, rss, cpu

            for mark, cwd in codes:
                rows.append(
                    (
                        "ingest" + mark,
                        args.member_file.name,
                        *best(lambda mark=mark, cwd=cwd: ingest(None, mark, cwd), args.repeat),
                    )
                )
            for mark, cwd in codes if not args.ingest_once else ():
                rows.append(
                    (
                        "ingest, 1 process index" + mark,
                        args.member_file.name,
                        *best(
                            lambda mark=mark, cwd=cwd: ingest({"ALLIANCE_INDEX_WORKERS": "1"}, mark, cwd), args.repeat
                        ),
                    )
                )
            if args.keep:
                shutil.move(work / "fresh", args.keep)
    print(f"{'':28s} {'what':>22s} {'wall s':>8s} {'CPU s':>8s} {'peak MB':>8s}")
    for label, what, wall, rss, cpu in rows:
        print(f"{label:28s} {what:>22s} {wall:8.2f} {cpu:8.2f} {rss:8d}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    t = {label: wall for label, _, wall, _, _ in rows}
    marks = ["", " (before)"] if args.before else [""]
    for mark in marks if "index rebuild" in t else []:
        print(
            f"index rebuild{mark} / bulk_load (store): {t['index rebuild' + mark] / t['bulk_load (store)']:.2f}x "
            f"(1 process: {t['index rebuild, 1 process' + mark] / t['bulk_load (store)']:.2f}x; goal <= 0.5x)"
        )
    if "ingest" in t:
        for which, said in steps.items():
            print(f"ingest{which}: {said}")
        for mark in marks:
            single = t.get("ingest, 1 process index" + mark)
            print(
                f"ingest{mark} throughput / bulk_load (member): {t['bulk_load (member)'] / t['ingest' + mark]:.2f}x "
                + (f"(1 process index: {t['bulk_load (member)'] / single:.2f}x; " if single else "(")
                + "goal >= 0.7x)"
            )


def builders(args) -> None:
    sys.path.insert(0, str(ROOT))
    from graph.catalogue import Catalogue
    from graph.index import documents, scan

    with tempfile.TemporaryDirectory(prefix="index-bench-", dir="/tmp") as tmp:
        copy = Path(tmp) / "data"
        shutil.copytree(args.data, copy)
        cat = Catalogue.open(copy)
        for label, fn in (
            ("per-work builder", lambda: documents.build(cat.store, cat.minter, documents.all_works(cat.store))),
            ("whole-store scans", lambda: scan.build_all(cat.store, cat.minter)),
        ):
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                n = sum(1 for _ in fn())
                print(
                    f"{label:20s} {n} works {time.perf_counter() - wall:7.2f} s wall "
                    f"{time.process_time() - cpu:7.2f} s CPU"
                )
        cat.close()


if __name__ == "__main__":
    main()
