"""Load test: a mixed workload against `alliance serve` on 127.0.0.1, at a fixed concurrency for a fixed time.

    python bench/load.py [--clients 8] [--seconds 30] [--records 1000] [--json out.json]

Builds a catalogue of three members from the shared real records (GWU's, the British
Library's, and N Library of Congress records), starts `alliance serve` as its own process,
and runs two phases of the same length with the same client threads:

1. baseline: reads only (record pages, RDF, SPARQL lookups, home, browse, search if present);
2. with ingest: the same reads while one more client re-loads a member's catalogue through
   the Graph Store Protocol (PUT of ~66k triples, again and again, each an atomic replace).

For each phase: requests, throughput, p50/p95/p99 latency per kind and overall, errors (any
status >= 400 or exception; a read that sees a half-written catalogue would show as a wrong
count, checked on every SPARQL count), and the server's memory (RSS of the server process and
its query workers) after warm-up, at the end and at its peak. Only 127.0.0.1 is contacted;
every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("ALLIANCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
BASE = "http://alliance.bench/"
LOC = SHARED / "marc21/loc-booksall/booksall-2016-part01-first10000.mrc"
BULK_GRAPH = BASE + "graph/loc/bulk"


def cli(data: Path, *args: str, timeout: float = 900) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--data", str(data), "--base", BASE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise SystemExit(f"alliance {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout + done.stderr


def first_records(path: Path, n: int, out: Path) -> Path:
    data = path.read_bytes().split(b"\x1d")[:n]
    out.write_bytes(b"\x1d".join(data) + b"\x1d")
    return out


def build(work: Path, records: int) -> tuple[Path, str, bytes]:
    """The catalogue, an admin token, and the LOC catalogue as N-Triples (what the writer PUTs)."""
    data = work / "data"
    cli(data, "member", "add", "GWU", "--name", "George Washington University Libraries")
    cli(data, "member", "add", "BL", "--name", "British Library")
    cli(data, "member", "add", "LOC", "--name", "Library of Congress")
    cli(data, "ingest", "--member", "GWU", str(SHARED / "marc21/marc2bibframe2/dataset/gwu.xml"))
    cli(data, "ingest", "--member", "BL", str(SHARED / "marc21/marc2bibframe2/dataset/british_library.xml"))
    cli(data, "ingest", "--member", "LOC", str(first_records(LOC, records, work / "loc.mrc")))
    token = re.search(r"\b(ag_\S+)", cli(data, "token", "create", "--admin", "--label", "load test")).group(1)
    sys.path.insert(0, str(ROOT))
    from pyoxigraph import RdfFormat, serialize

    from graph.catalogue import Catalogue

    cat = Catalogue.open(data, BASE)
    try:
        batch = cat.store.batches("LOC")[0]
        body = serialize([q.triple for q in cat.store.quads_in(batch.graph)], format=RdfFormat.N_TRIPLES)
    finally:
        cat.close()
    return data, token, body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (the query workers), in kB."""
    total = 0
    pids = [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children") as fh:
                pids += [int(c) for c in fh.read().split()]
        except (OSError, StopIteration):
            pass
    return total


class Server:
    """``alliance serve`` over DATA in its own session, as the checkout at ``code`` has it (default this one)."""

    def __init__(self, data: Path, threads: int, code: Path = ROOT):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(code)}
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli",
                "--data",
                str(data),
                "--base",
                BASE,
                "serve",
                "--port",
                str(self.port),
                "--threads",
                str(threads),
            ],
            cwd=code,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                if requests.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the server from {code} did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)


def sparql(session, url: str, query: str):
    r = session.get(
        url + "/sparql", params={"query": query}, timeout=60, headers={"Accept": "application/sparql-results+json"}
    )
    r.raise_for_status()
    return r.json()["results"]["bindings"]


def targets(url: str) -> dict:
    s = requests.Session()
    pick = lambda q, v: [r[v]["value"] for r in sparql(s, url, q)]  # noqa: E731
    bf = "PREFIX bf: <http://id.loc.gov/ontologies/bibframe/> "
    paths = lambda iris: [i[len(BASE) - 1 :] for i in iris if i.startswith(BASE)]  # noqa: E731
    found = {
        "instances": pick(bf + "SELECT DISTINCT ?i WHERE { ?i a bf:Instance } LIMIT 300", "i"),
        "works": pick(bf + "SELECT DISTINCT ?w WHERE { ?w a bf:Work } LIMIT 200", "w"),
        "agents": pick(bf + "SELECT DISTINCT ?a WHERE { ?c bf:agent ?a } LIMIT 200", "a"),
        "words": ["history", "China", "law", "art", "中国", "war", "science", "poetry"],
    }
    found["pages"] = {k: paths(found[k]) for k in ("instances", "works", "agents")}
    has_search = requests.get(url + "/search", params={"q": "history"}, timeout=60).status_code == 200
    found["search"] = has_search
    return found


def make_requests(url: str, t: dict, bulk_triples: int):
    """(kind, weight, function(session, rng) -> response or bool) of the read mix."""
    bf = "PREFIX bf: <http://id.loc.gov/ontologies/bibframe/> "

    def bulk_count(s, rng):  # the graph the writer replaces: empty or whole, never part of it
        q = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{BULK_GRAPH}> {{ ?s ?p ?o }} }}"
        r = s.get(url + "/sparql", params={"query": q, "format": "json"}, timeout=60)
        if r.status_code >= 400:
            return False
        return int(r.json()["results"]["bindings"][0]["n"]["value"]) in (0, bulk_triples)

    def page(kind):
        return lambda s, rng: s.get(url + rng.choice(t["pages"][kind]), headers={"Accept": "text/html"}, timeout=60)

    def turtle(s, rng):
        return s.get(url + rng.choice(t["pages"]["instances"]), headers={"Accept": "text/turtle"}, timeout=60)

    def holders(s, rng):
        q = bf + f"SELECT ?lib WHERE {{ ?item bf:itemOf <{rng.choice(t['instances'])}> ; bf:heldBy ?lib }}"
        return s.get(url + "/sparql", params={"query": q, "format": "json"}, timeout=60)

    def title(s, rng):
        q = bf + f"SELECT ?t WHERE {{ <{rng.choice(t['instances'])}> bf:title/bf:mainTitle ?t }}"
        return s.get(url + "/sparql", params={"query": q, "format": "json"}, timeout=60)

    def work_of(s, rng):
        q = bf + f"SELECT ?w WHERE {{ <{rng.choice(t['instances'])}> bf:instanceOf ?w }}"
        return s.post(
            url + "/sparql",
            data=q.encode(),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
            timeout=60,
        )

    def home(s, rng):
        return s.get(url + "/", timeout=60)

    def browse(s, rng):
        return s.get(url + "/local-literature", timeout=60)

    mix = [
        ("instance page", 20, page("instances")),
        ("work page", 10, page("works")),
        ("agent page", 8, page("agents")),
        ("instance turtle", 8, turtle),
        ("sparql holders", 15, holders),
        ("sparql title", 10, title),
        ("sparql work", 10, work_of),
        ("sparql bulk count", 5, bulk_count),
        ("home", 4, home),
        ("browse", 3, browse),
    ]
    if t["search"]:
        mix.append(
            ("search", 12, lambda s, rng: s.get(url + "/search", params={"q": rng.choice(t["words"])}, timeout=60))
        )
    return mix


def run_phase(url: str, server: Server, mix, clients: int, seconds: float, writer=None) -> dict:
    stop = threading.Event()
    samples: list[tuple[str, float, bool]] = []
    lock = threading.Lock()
    memory: list[int] = []
    writes: list[tuple[float, bool, str]] = []
    kinds, weights = [m[0] for m in mix], [m[1] for m in mix]
    calls = {m[0]: m[2] for m in mix}

    def client(n: int):
        rng = random.Random(n)
        with requests.Session() as s:
            while not stop.is_set():
                kind = rng.choices(kinds, weights)[0]
                start = time.perf_counter()
                try:
                    answer = calls[kind](s, rng)
                    ok = answer if isinstance(answer, bool) else answer.status_code < 400
                except (requests.RequestException, ValueError, KeyError):
                    ok = False
                with lock:
                    samples.append((kind, time.perf_counter() - start, ok))

    def monitor():
        while not stop.is_set():
            memory.append(rss_kb(server.proc.pid))
            stop.wait(0.5)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    threads.append(threading.Thread(target=monitor))
    if writer:
        threads.append(threading.Thread(target=writer, args=(stop, writes)))
    started = time.perf_counter()
    for th in threads:
        th.start()
    time.sleep(seconds)
    stop.set()
    for th in threads:
        th.join(timeout=120)
    elapsed = time.perf_counter() - started

    def summary(rows):
        times = sorted(r[1] for r in rows) or [0.0]
        q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
        return {
            "requests": len(rows),
            "errors": sum(not r[2] for r in rows),
            "p50_ms": round(q[49] * 1000, 1),
            "p95_ms": round(q[94] * 1000, 1),
            "p99_ms": round(q[98] * 1000, 1),
        }

    result = {
        "seconds": round(elapsed, 1),
        "clients": clients,
        **summary(samples),
        "throughput_rps": round(len(samples) / elapsed, 1),
        "by_kind": {k: summary([r for r in samples if r[0] == k]) for k in kinds},
        "rss_mb": {
            "after_warmup": round(memory[min(10, len(memory) - 1)] / 1024, 1) if memory else None,
            "end": round(memory[-1] / 1024, 1) if memory else None,
            "peak": round(max(memory) / 1024, 1) if memory else None,
        },
    }
    if writer:
        result["writes"] = {
            "count": len(writes),
            "errors": sum(not w[1] for w in writes),
            "mean_s": round(statistics.mean([w[0] for w in writes]), 2) if writes else None,
            "failures": [w[2] for w in writes if not w[1]][:3],
        }
    return result


def make_writer(url: str, token: str, body: bytes):
    graph = BULK_GRAPH

    def writer(stop: threading.Event, writes: list):
        with requests.Session() as s:
            while not stop.is_set():
                start = time.perf_counter()
                try:
                    r = s.put(
                        url + "/graph-store",
                        params={"graph": graph},
                        data=body,
                        timeout=300,
                        headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"},
                    )
                    ok, why = r.status_code < 400, f"{r.status_code} {r.text[:200]}"
                except requests.RequestException as err:
                    ok, why = False, str(err)
                writes.append((time.perf_counter() - start, ok, why))

    return writer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--records", type=int, default=1000, help="LC records of the third member")
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--json", default=None, help="also write the results here")
    args = parser.parse_args()
    if not LOC.exists():
        raise SystemExit(f"the shared test data is not at {SHARED} (set ALLIANCE_SHARED_DATA)")
    with tempfile.TemporaryDirectory(prefix="alliance-load-") as tmp:
        t0 = time.perf_counter()
        data, token, body = build(Path(tmp), args.records)
        print(
            f"built the catalogue in {time.perf_counter() - t0:.0f} s; the writer PUTs {len(body) / 1e6:.1f} MB "
            f"of N-Triples",
            flush=True,
        )
        server = Server(data, args.threads)
        try:
            t = targets(server.url)
            mix = make_requests(server.url, t, body.count(b"\n"))
            print(
                f"mix: {', '.join(f'{k} ({w})' for k, w, _ in mix)}; {args.clients} clients, {args.seconds:.0f} s "
                "per phase",
                flush=True,
            )
            results = {"baseline (reads only)": run_phase(server.url, server, mix, args.clients, args.seconds)}
            results["with one concurrent ingest"] = run_phase(
                server.url, server, mix, args.clients, args.seconds, writer=make_writer(server.url, token, body)
            )
        finally:
            server.stop()
    print()
    print(
        f"{'phase':30s} {'req':>6s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'errors':>6s} "
        f"{'RSS MB warm/end/peak':>22s}"
    )
    for name, r in results.items():
        mem = r["rss_mb"]
        print(
            f"{name:30s} {r['requests']:6d} {r['throughput_rps']:7.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
            f"{r['p99_ms']:7.1f} {r['errors']:6d} {mem['after_warmup']:>8}/{mem['end']}/{mem['peak']}"
        )
        for kind, k in r["by_kind"].items():
            print(
                f"    {kind:26s} {k['requests']:6d} {'':7s} {k['p50_ms']:7.1f} {k['p95_ms']:7.1f} {k['p99_ms']:7.1f} "
                f"{k['errors']:6d}"
            )
        if "writes" in r:
            w = r["writes"]
            print(
                f"    {'graph store PUT (writer)':26s} {w['count']:6d} {'':7s} mean {w['mean_s']} s, "
                f"{w['errors']} errors {w['failures'] or ''}"
            )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    errors = sum(r["errors"] + r.get("writes", {}).get("errors", 0) for r in results.values())
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
