"""The popular work page: one work with as many editions and holders as the 1M alliance's largest.

    python -m bench.popular_work_bench [SOURCE.mrc] [--editions 80] [--members 10] [--filler 100]
                                       [--baseline REV] [--baseline-code DIR] [--repeat 50] [--work DIR] [--reuse]

The 1,000,000-record alliance (docs/benchmarks.md) is not on every machine; its largest work has
about 80 editions held by all ten members. This builds the same shape from one real record of
SOURCE (default the 10,000 LC records of ../shared/data): ``--editions`` editions of it (each its own
ISBN, edition statement and year, the rest as catalogued: one Work), which every one of
``--members`` members re-catalogues the way ``alliance generate`` does (its own control numbers and
852s, dropped and re-written fields), beside ``--filler`` other real records each. Every member file
is loaded with ``alliance ingest`` (the whole command) by this checkout and by the code at
``--baseline`` (default the last commit before the union description), each into a fresh data
directory, in the same run; then the work page (Flask test client, in-process, each version's own
code, ``--repeat`` times after a warm-up) is timed on each. ``--reuse`` keeps the data directories
an earlier run left in ``--work`` (the ingest row then says "reused"): for timing a page change only.

Nothing is asserted: numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pymarc
from pymarc import Field, Subfield

from bench.union_bench import BASELINE, DEFAULT, ROOT, alliance, page
from graph.identity.normalize import isbn13_check
from graph.sample.real_records import Variation, recatalogue

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def _isbn13(n: int) -> str:
    core = f"9780{n:08d}"
    return core + isbn13_check(core)


def _source(path: str) -> pymarc.Record:
    """The first record with a personal author, an ISBN, a publication statement and no edition statement."""
    with open(path, "rb") as fh:
        for rec in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True):
            if (
                rec
                and rec.get_fields("100")
                and rec.get_fields("020")
                and rec.get_fields("260")
                and not rec.get_fields("250")
                and not rec.get_fields("240")
                and rec["008"]
                and rec["008"].data[35:38] == "eng"
            ):
                return rec
    raise SystemExit(f"{path}: no record fits")


def editions(source: pymarc.Record, count: int) -> list[pymarc.Record]:
    """``count`` editions of ``source``'s work: own ISBN, edition statement and year; no LCCN or OCLC number
    (which would make them one edition)."""
    out = []
    for k in range(count):
        rec = pymarc.Record(data=source.as_marc(), force_utf8=True, to_unicode=True)
        rec.remove_fields("010", "035", "020", "250")
        rec.add_ordered_field(Field("020", [" ", " "], [Subfield("a", _isbn13(7_000_000 + 17 * k))]))
        n = k + 1
        rec.add_ordered_field(Field("250", [" ", " "], [Subfield("a", f"{ORDINALS.get(n, f'{n}th')} ed.")]))
        year = str(1920 + k)
        for f in rec.get_fields("260"):
            f.subfields = [Subfield(s.code, year + "." if s.code == "c" else s.value) for s in f.subfields]
        data = rec["008"].data
        rec["008"].data = data[:7] + year + data[11:]
        out.append(rec)
    return out


def generate(source_path: str, out: Path, editions_count: int, members: int, filler: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    source = _source(source_path)
    works = editions(source, editions_count)
    others = []
    with open(source_path, "rb") as fh:
        for rec in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True):
            if rec is not None and rec["001"] != source["001"] and len(others) < filler * members:
                others.append(rec)
    out.mkdir(parents=True, exist_ok=True)
    found = []
    for m in range(members):
        code = f"M{m:02d}"
        chosen = works + rng.sample(others, min(filler, len(others)))
        path = out / f"{code}.mrc"
        with open(path, "wb") as fh:
            for i, rec in enumerate(chosen):
                fh.write(
                    recatalogue(
                        rec, code, f"{code.lower()}{i:06d}", rng, Variation(), copies=rng.randint(1, 2)
                    ).as_marc()
                )
        found.append({"code": code, "file": str(path)})
    return found


def biggest_work(data: Path) -> tuple[str, int, int]:
    import pyoxigraph as ox

    bf = "http://id.loc.gov/ontologies/bibframe/"
    store = ox.Store.read_only(str(data / "store"))
    rows = list(
        store.query(
            f"""SELECT ?w (COUNT(DISTINCT ?i) AS ?e) (COUNT(DISTINCT ?lib) AS ?h) WHERE {{
        ?i <{bf}instanceOf> ?w ; a <{bf}Instance> . ?item <{bf}itemOf> ?i ; <{bf}heldBy> ?lib }}
        GROUP BY ?w ORDER BY DESC(?e) ?w LIMIT 1""",
            use_default_graph_as_union=True,
        )
    )
    ((w, e, h),) = [(r[0].value, int(r[1].value), int(r[2].value)) for r in rows]
    return w, e, h


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(DEFAULT))
    parser.add_argument("--editions", type=int, default=80)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--filler", type=int, default=100)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--baseline-code", default=None, help="a checkout of --baseline to use (else one is made)")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--work", default=None, help="keep the generated files and data directories here")
    parser.add_argument("--reuse", action="store_true", help="with --work: keep data directories already there")
    args = parser.parse_args()

    work = Path(args.work or tempfile.mkdtemp(prefix="popular-work-"))
    members = generate(args.source, work / "gen", args.editions, args.members, args.filler)
    baseline = Path(args.baseline_code) if args.baseline_code else work / "baseline-code"
    made = False
    if not baseline.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline],
            check=True,
            capture_output=True,
        )
        made = True
    versions = (("before (" + args.baseline + ")", baseline), ("union description", ROOT))
    rows: dict = {}
    try:
        for name, root in versions:
            data = work / ("data-" + name.split()[0])
            if args.reuse and args.work and (data / "store").is_dir():
                rows[name] = {"seconds": None, "load": os.getloadavg()[0]}
                continue
            shutil.rmtree(data, ignore_errors=True)
            seconds = 0.0
            for m in members:
                alliance(root, data, "member", "add", m["code"], "--name", m["code"])
                started = time.perf_counter()
                alliance(root, data, "ingest", m["file"], "--member", m["code"])
                seconds += time.perf_counter() - started
            rows[name] = {"seconds": seconds, "load": os.getloadavg()[0]}
        work_iri, count, holders = biggest_work(work / "data-union")
        for name, root in versions:
            rows[name]["page"] = page(root, work / ("data-" + name.split()[0]), work_iri, args.repeat)
            rows[name]["editions"], rows[name]["holders"] = biggest_work(work / ("data-" + name.split()[0]))[1:]
    finally:
        if made:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], capture_output=True
            )
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(
        f"{args.source}: {args.editions} editions x {args.members} members (+{args.filler} other records each); "
        f"work page {work_iri}"
    )
    print(f"{'':28}" + "".join(f"{name:>28}" for name in rows))
    lines = [
        ("the work: editions", lambda r: f"{r['editions']}"),
        ("the work: holders", lambda r: f"{r['holders']}"),
        ("ingest s (all members)", lambda r: "reused" if r["seconds"] is None else f"{r['seconds']:.1f}"),
        ("work page p50 ms", lambda r: f"{r['page']['p50']:.1f}"),
        ("work page p95 ms", lambda r: f"{r['page']['p95']:.1f}"),
        ("work page bytes", lambda r: f"{r['page']['bytes']:,}"),
        ("load average", lambda r: f"{r['load']:.1f}"),
    ]
    for label, cell in lines:
        print(f"{label:28}" + "".join(f"{cell(r):>28}" for r in rows.values()))


if __name__ == "__main__":
    main()
