"""Memory of a Graph Store PUT: how much the server grows while it takes a 66k-triple upload.

    python bench/gsp_memory.py [--records 1000] [--puts 3] [--baseline-code /path/to/other/checkout]

Builds the catalogue of bench/load.py (GWU, British Library, N Library of Congress records),
serialises the LC member's batch as N-Triples (~66k triples at 1,000 records), starts
`alliance serve` on 127.0.0.1 and PUTs that body to one graph again and again (the first PUT
creates the graph, the rest replace it), one at a time, with no other traffic. Prints the server
process's RSS before the first PUT, after each, and its peak (VmHWM), and each PUT's time. With
``--baseline-code`` the same is measured first for a server run from another checkout (e.g. the
code before a change), on a fresh copy of the same data, in the same run. The first PUT creates
the graph, the second replaces it with the same triples, the third with triples that all differ
(the subjects' IRIs moved), the worst case of a replace. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import BASE, BULK_GRAPH, LOC, Server, build  # noqa: E402


def status_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field + ":"))


def measure(code: Path, data: Path, token: str, body: bytes, puts: int) -> dict:
    server = Server(data, 4, code)
    proc, url = server.proc, server.url
    headers = {"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"}
    try:
        with requests.Session() as s:  # warm up: a page and a query, as a running server has done
            s.get(url + "/", timeout=60)
            s.get(url + "/sparql", params={"query": "ASK { ?s ?p ?o }", "format": "json"}, timeout=60)
            time.sleep(1)
            before = status_kb(proc.pid, "VmRSS")
            hwm_before = status_kb(proc.pid, "VmHWM")
            rows = []
            other = body.replace(b"<" + BASE.encode(), b"<" + BASE.encode() + b"v2/")  # every triple differs
            for data_ in [body, body, other][:puts] + [other] * (puts - 3):
                t0 = time.perf_counter()
                r = s.put(url + "/graph-store", params={"graph": BULK_GRAPH}, data=data_, headers=headers, timeout=600)
                took = time.perf_counter() - t0
                if r.status_code >= 300:
                    raise SystemExit(f"PUT answered {r.status_code}: {r.text[:300]}")
                rows.append((took, status_kb(proc.pid, "VmRSS"), status_kb(proc.pid, "VmHWM")))
            peak = status_kb(proc.pid, "VmHWM")
            s.delete(url + "/graph-store", params={"graph": BULK_GRAPH}, headers=headers, timeout=600)
    finally:
        server.stop()
    return {
        "before_mb": before / 1024,
        "peak_mb": max(peak, hwm_before) / 1024,
        "hwm_before_mb": hwm_before / 1024,
        "after_mb": [kb / 1024 for _, kb, _ in rows],
        "peak_by_mb": [kb / 1024 for _, _, kb in rows],
        "seconds": [t for t, _, _ in rows],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1000, help="LC records of the third member")
    parser.add_argument("--puts", type=int, default=3)
    parser.add_argument(
        "--baseline-code",
        type=Path,
        default=None,
        help="another checkout whose server is measured first, on the same data",
    )
    args = parser.parse_args()
    if not LOC.exists():
        raise SystemExit("the shared test data is not there (set ALLIANCE_SHARED_DATA)")
    with tempfile.TemporaryDirectory(prefix="alliance-gsp-") as tmp:
        data, token, body = build(Path(tmp), args.records)
        lines = body.count(b"\n")
        print(f"body: {len(body) / 1e6:.1f} MB of N-Triples, {lines:,} triples; {args.puts} PUTs each", flush=True)
        runs = []
        for name, code in ([(f"baseline ({args.baseline_code})", args.baseline_code)] if args.baseline_code else []) + [
            (f"this checkout ({ROOT})", ROOT)
        ]:
            fresh = Path(tmp) / f"data-{len(runs)}"  # each server starts from the same data, untouched
            shutil.copytree(data, fresh)
            runs.append((name, measure(code, fresh, token, body, args.puts)))
            shutil.rmtree(fresh)
    print("PUTs: 1 creates the graph, 2 replaces it with the same triples, 3 with triples that all differ")
    print(
        f"{'server code':48s} {'RSS before':>10s} {'peak':>6s} {'growth':>6s} {'RSS after each PUT':>19s} "
        f"{'peak by each PUT':>17s} {'seconds each PUT':>17s}  (MB, s)"
    )
    for name, m in runs:
        print(
            f"{name[:48]:48s} {m['before_mb']:10.0f} {m['peak_mb']:6.0f} {m['peak_mb'] - m['before_mb']:6.0f} "
            f"{' / '.join(f'{a:.0f}' for a in m['after_mb']):>19s} "
            f"{' / '.join(f'{a:.0f}' for a in m['peak_by_mb']):>17s} "
            f"{' / '.join(f'{t:.1f}' for t in m['seconds']):>17s}"
        )
    print("load average:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
