"""One edition, one description: what the union description costs and saves, beside the code before it.

    python -m bench.union_bench [SOURCE.mrc] [--members 5] [--limit N] [--baseline REV] [--work DIR]

A generated alliance (``alliance generate`` over SOURCE, default the 10,000 LC records of
../shared/data) plus one member's file loaded again, byte for byte, by a sixth member (TWIN), is
ingested member by member with ``alliance ingest`` (the whole command: convert, load, union,
cluster index, source archive, search index) by this checkout and by the code at ``--baseline``
(a git revision, checked out beside; default the last commit before the union description), each
into a fresh data directory, in the same run. Then, for each:

  ingest s                  wall seconds of all the ingest commands
  quads / distinct          the default graph's triples, as SPARQL counts them, and without repeats
  repeated                  the share of the default graph's triples that are stated more than once
  per edition               statements on an edition's IRI (editions held by >= 3 members), main titles,
                            identifier statements (value stated twice counts twice)
  bytes per record          the store directory's size over the member records loaded
  popular work page         p50 / p95 of the work page with the most editions x holders (Flask test
                            client, in-process, 30 times after a warm-up, each version's own code)

Nothing is asserted: numbers go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "data" / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"
BASELINE = "64f8489"  # main before the union description (issue 12)
BASE = "http://bench.alliance.test/"

CLI = (
    "import os, sys; root = sys.argv.pop(1); sys.path.insert(0, root); "
    "from importlib import import_module; "
    "main = import_module('cli.main' if os.path.isdir(os.path.join(root, 'cli')) else 'web.cli').main; "
    "sys.argv[0] = 'alliance'; main()"
)  # the command line moved from web/ to cli/ after the baseline

PAGE = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from graph.catalogue import Catalogue
from web import create_app
cat = Catalogue.open(sys.argv[2], read_only=True)
app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 0, "ALLIANCE_SEARCH_SYNC": False})
client = app.test_client()
path = sys.argv[3]
response = client.get(path, headers={"Accept": "text/html"})
assert response.status_code == 200, response.status_code
times = []
for _ in range(int(sys.argv[4])):
    started = time.perf_counter()
    client.get(path, headers={"Accept": "text/html"}).get_data()
    times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({"p50": statistics.median(times), "p95": times[round(0.95 * (len(times) - 1))],
                  "bytes": len(response.get_data())}))
"""


def alliance(root: Path, data: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CLI, str(root), "--data", str(data), "--base", BASE, *args],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"alliance {' '.join(args)} failed ({root}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def load(root: Path, data: Path, members: list[dict], gen: Path) -> tuple[float, int]:
    seconds, records = 0.0, 0
    for m in [*members, {"code": "TWIN", "file": members[1]["file"]}]:
        alliance(root, data, "member", "add", m["code"], "--name", m["code"])
        started = time.perf_counter()
        out = alliance(root, data, "ingest", str(gen / m["file"]), "--member", m["code"])
        seconds += time.perf_counter() - started
        records += int(out.split(" records read, ")[1].split(" loaded")[0])
    return seconds, records


def measure(data: Path) -> dict:
    import pyoxigraph as ox

    store = ox.Store.read_only(str(data / "store"))

    def one(query: str) -> int:
        return int(next(iter(store.query(query, use_default_graph_as_union=True)))[0].value)

    bf = "http://id.loc.gov/ontologies/bibframe/"
    quads = one("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    distinct = one("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    popular = [
        r[0]
        for r in store.query(
            f"""SELECT ?i WHERE {{ ?item <{bf}itemOf> ?i ; <{bf}heldBy> ?lib }}
        GROUP BY ?i HAVING (COUNT(DISTINCT ?lib) >= 3)""",
            use_default_graph_as_union=True,
        )
    ]
    sums = {"statements": 0, "main titles": 0, "identifiers": 0}
    for i in popular:
        sums["statements"] += one(f"SELECT (COUNT(*) AS ?n) WHERE {{ {i} ?p ?o }}")
        sums["main titles"] += one(f"SELECT (COUNT(*) AS ?n) WHERE {{ {i} <{bf}title> ?t . ?t a <{bf}Title> }}")
        sums["identifiers"] += one(f"SELECT (COUNT(*) AS ?n) WHERE {{ {i} <{bf}identifiedBy> ?x }}")
    ((work, _),) = [
        (r[0].value, r[1])
        for r in store.query(
            f"""SELECT ?w (COUNT(*) AS ?n) WHERE {{
        SELECT DISTINCT ?w ?i ?lib WHERE {{ ?i <{bf}instanceOf> ?w ; a <{bf}Instance> .
        ?item <{bf}itemOf> ?i ; <{bf}heldBy> ?lib }} }} GROUP BY ?w ORDER BY DESC(?n) ?w LIMIT 1""",
            use_default_graph_as_union=True,
        )
    ]
    size = sum(f.stat().st_size for f in (data / "store").rglob("*") if f.is_file())
    return {
        "quads": quads,
        "distinct": distinct,
        "editions": len(popular),
        "per_edition": {k: v / max(1, len(popular)) for k, v in sums.items()},
        "store_bytes": size,
        "work": work,
    }


def page(root: Path, data: Path, work: str, repeat: int) -> dict:
    path = "/" + work[len(BASE) :]
    done = subprocess.run(
        [sys.executable, "-c", PAGE, str(root), str(data), path, str(repeat)], capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"page timing failed ({root}):\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=str(DEFAULT))
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--work", default=None, help="keep the generated alliance and data directories here")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from graph.sample.real_records import generate

    work = Path(args.work or tempfile.mkdtemp(prefix="union-bench-"))
    gen = work / "gen"
    if not (gen / "members.json").exists():
        generate([args.source], gen, members=args.members, limit=args.limit, seed=5)
    members = json.loads((gen / "members.json").read_text())
    baseline = work / "baseline-code"
    if not baseline.exists():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline],
            check=True,
            capture_output=True,
        )
    rows = {}
    try:
        for name, root in (("before (" + args.baseline + ")", baseline), ("union description", ROOT)):
            data = work / ("data-" + name.split()[0])
            shutil.rmtree(data, ignore_errors=True)
            seconds, records = load(root, data, members, gen)
            got = measure(data)
            got.update(seconds=seconds, records=records, load=os.getloadavg()[0])
            rows[name] = got
        work_iri = rows["union description"]["work"]
        for name, root in (("before (" + args.baseline + ")", baseline), ("union description", ROOT)):
            data = work / ("data-" + name.split()[0])
            rows[name]["page"] = page(root, data, work_iri, args.repeat)
    finally:
        if not args.work:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)], capture_output=True
            )
    print(f"{args.source}: {args.members} members + TWIN, work page {work_iri}")
    print(f"{'':28}" + "".join(f"{name:>28}" for name in rows))
    lines = [
        ("member records loaded", lambda r: f"{r['records']:,}"),
        ("ingest s (all members)", lambda r: f"{r['seconds']:.1f}"),
        ("quads in the default graph", lambda r: f"{r['quads']:,}"),
        ("distinct triples", lambda r: f"{r['distinct']:,}"),
        ("repeated", lambda r: f"{100 * (r['quads'] - r['distinct']) / r['quads']:.2f}%"),
        ("editions held by >= 3", lambda r: f"{r['editions']:,}"),
        ("  statements on the IRI", lambda r: f"{r['per_edition']['statements']:.1f}"),
        ("  main titles", lambda r: f"{r['per_edition']['main titles']:.2f}"),
        ("  identifier statements", lambda r: f"{r['per_edition']['identifiers']:.2f}"),
        ("store bytes per record", lambda r: f"{r['store_bytes'] / r['records']:,.0f}"),
        ("popular work page p50 ms", lambda r: f"{r['page']['p50']:.1f}"),
        ("popular work page p95 ms", lambda r: f"{r['page']['p95']:.1f}"),
        ("load average", lambda r: f"{r['load']:.1f}"),
    ]
    for label, cell in lines:
        print(f"{label:28}" + "".join(f"{cell(r):>28}" for r in rows.values()))


if __name__ == "__main__":
    main()
