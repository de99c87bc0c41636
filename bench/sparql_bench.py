"""The SPARQL endpoint's speed beside pyoxigraph called directly, and beside Virtuoso with the same data.

    python bench/sparql_bench.py [--records FILE.mrc ...] [--members 2] [--queries 400] [--clients 8]
                                 [--seconds 10] [--data DIR] [--no-virtuoso]

1. Loads the records (default: the 10,000 LC records of ../shared/data, each file for every member,
   so editions are shared) into an embedded catalogue (or reuses --data).
2. A lookup mix over sampled editions: an edition's statements, who holds it, its title, its work.
   Baselines in the same run: pyoxigraph called directly (``Store.query`` over the union, results
   read), and ``Store.answer`` in-process vs through the worker pool (the timeout machinery).
   Every path runs the mix once untimed first (warm caches; each worker process has its own).
3. ``alliance serve`` in its own process; the HTTP floor (``OPTIONS /sparql``: waitress, Flask and
   requests, no query), median latency of the same queries over HTTP (1 client), then throughput with
   --clients client processes for --seconds, counting errors.
4. Virtuoso 7 started on 127.0.0.1 with the same triples (through the remote store), the same mix
   against its own /sparql, 1 client and --clients clients.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "http://bench.alliance.test/"
LC = ROOT.parent / "shared" / "data" / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"
PREFIX = ("PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>\n"
          "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
MIX = (
    "SELECT ?p ?o WHERE {{ <{i}> ?p ?o }}",
    "SELECT DISTINCT ?lib WHERE {{ ?item bf:itemOf <{i}> ; bf:heldBy ?lib }}",
    "SELECT ?t WHERE {{ <{i}> rdfs:label ?t }}",
    "SELECT ?w WHERE {{ <{i}> bf:instanceOf ?w }}",
)


def queries(instances: list[str], n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [PREFIX + MIX[k % len(MIX)].format(i=rng.choice(instances)) for k in range(n)]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms (p95 {sorted(values)[int(len(values) * 0.95)] * 1000:.2f})"


def load(data: Path, files: list[str], members: int) -> tuple[int, float]:
    from graph.catalogue import Catalogue
    from graph.ingest import ingest
    from graph.members import Member, add_member

    cat = Catalogue.open(data, BASE)
    t = time.perf_counter()
    if not cat.store.batches():
        for m in range(members):
            code = f"M{m + 1}"
            add_member(cat.store, cat.minter, Member(code, f"Member library {m + 1}"))
            ingest(cat.store, cat.minter, files, code)
    took = time.perf_counter() - t
    n = len(cat.store)
    cat.close()
    return n, took


def direct(data: Path, mix: list[str]) -> dict:
    """pyoxigraph called directly, and Store.answer in-process vs through the worker pool."""
    from graph.catalogue import Catalogue
    from graph.store.base import Store

    cat = Catalogue.open(data, BASE)
    store = cat.store
    out = {}
    for label, run in (("pyoxigraph direct (query + read rows)", lambda q: list(store.query(q))),
                       ("Store.answer in-process (+ JSON)", lambda q: Store.answer(store, q))):
        for q in mix:  # warm caches: every path sees the mix once before it is timed
            run(q)
        times = []
        for q in mix:
            t = time.perf_counter()
            run(q)
            times.append(time.perf_counter() - t)
        out[label] = times
    store.start_query_workers(2)
    for q in mix + mix:  # each worker has its own (cold) block cache on its checkpoint
        store.answer(q)
    times = []
    for q in mix:
        t = time.perf_counter()
        store.answer(q)
        times.append(time.perf_counter() - t)
    out["Store.answer via worker pool (+ JSON)"] = times
    cat.close()
    return out


def _client(url: str, mix: list[str], seconds: float, params: dict, result) -> None:
    import requests

    session = requests.Session()
    done = errors = 0
    deadline = time.monotonic() + seconds
    k = 0
    while time.monotonic() < deadline:
        q = mix[k % len(mix)]
        k += 1
        try:
            r = session.post(url, data={"query": q, **params},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
            if r.status_code == 200:
                done += 1
            else:
                errors += 1
        except Exception:
            errors += 1
    result.put((done, errors))


def latency(url: str, mix: list[str], params: dict) -> list[float]:
    import requests

    session = requests.Session()
    for q in mix + mix:  # warm every worker's cache
        session.post(url, data={"query": q, **params}, headers={"Accept": "application/sparql-results+json"})
    times = []
    for q in mix:
        t = time.perf_counter()
        r = session.post(url, data={"query": q, **params}, headers={"Accept": "application/sparql-results+json"})
        times.append(time.perf_counter() - t)
        assert r.status_code == 200, r.text
    return times


def throughput(url: str, mix: list[str], clients: int, seconds: float, params: dict) -> tuple[float, int]:
    ctx = multiprocessing.get_context("spawn")
    result = ctx.Queue()
    procs = [ctx.Process(target=_client, args=(url, mix[c::clients] or mix, seconds, params, result))
             for c in range(clients)]
    t = time.perf_counter()
    for p in procs:
        p.start()
    totals = [result.get() for _ in procs]
    elapsed = time.perf_counter() - t
    for p in procs:
        p.join()
    return sum(d for d, _ in totals) / elapsed, sum(e for _, e in totals)


def serve(data: Path, port: int):
    env = {**os.environ, "ALLIANCE_SPARQL_WORKERS": "2"}
    process = subprocess.Popen([sys.executable, "-m", "web.cli", "--data", str(data), "serve", "--port", str(port),
                                "--threads", "8"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    import requests

    for _ in range(300):
        try:
            if requests.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK {}"}, timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("alliance serve did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", nargs="*", default=[str(LC)])
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--data", default=None)
    parser.add_argument("--no-virtuoso", action="store_true")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="sparql-bench-"))
    data = Path(args.data) if args.data else tmp / "data"
    triples, took = load(data, args.records, args.members)
    print(f"store: {triples:,} triples ({args.members} members x {', '.join(Path(r).name for r in args.records)}); "
          f"load {took:.1f} s")

    from graph.catalogue import Catalogue

    cat = Catalogue.open(data, BASE)
    instances = [r["i"].value for r in cat.store.query(
        "SELECT DISTINCT ?i WHERE { ?i a <http://id.loc.gov/ontologies/bibframe/Instance> } LIMIT 5000")]
    cat.close()
    mix = queries(instances, args.queries)

    for label, times in direct(data, mix).items():
        print(f"{label:48s} median {ms(times)}")

    from tests.servers import free_port

    port = free_port()
    server = serve(data, port)
    url = f"http://127.0.0.1:{port}/sparql"
    try:
        import requests

        session, floor = requests.Session(), []
        for k in range(len(mix) * 2):
            t = time.perf_counter()
            session.options(url)
            if k >= len(mix):
                floor.append(time.perf_counter() - t)
        print(f"{'HTTP floor: OPTIONS /sparql (waitress + Flask)':48s} median {ms(floor)}")
        print(f"{'endpoint over HTTP, 1 client':48s} median {ms(latency(url, mix, {}))}")
        rate, errors = throughput(url, mix, args.clients, args.seconds, {})
        print(f"{f'endpoint over HTTP, {args.clients} client processes':48s} {rate:,.0f} queries/s, {errors} errors")
    finally:
        server.terminate()
        server.wait(30)

    if args.no_virtuoso:
        return
    from tests.servers import start_virtuoso

    server = start_virtuoso(tmp)
    try:
        remote = Catalogue.open(tmp / "vdata", BASE, store=server.url)
        source = Catalogue.open(data, BASE)
        t = time.perf_counter()
        for batch in source.store.batches():
            triples_of = ((q.subject, q.predicate, q.object) for q in source.store.quads_in(batch.graph))
            remote.store.write_batch(batch.member, triples_of, sources=batch.sources)
        for q in source.store.quads_in(source.minter.alliance_graph):
            pass
        from graph.members import list_members, add_member

        for m in list_members(source.store):
            add_member(remote.store, remote.minter, m)
        print(f"virtuoso: loaded the same batches in {time.perf_counter() - t:.1f} s")
        graphs = [g.value for g in remote.store.active_graphs()]
        source.close()
        remote.close()
        vurl = server.url.split("?")[0].replace("sparql+", "") + "sparql"
        params = {"default-graph-uri": graphs}
        print(f"{'virtuoso /sparql, 1 client':48s} median {ms(latency(vurl, mix, params))}")
        rate, errors = throughput(vurl, mix, args.clients, args.seconds, params)
        print(f"{f'virtuoso /sparql, {args.clients} client processes':48s} {rate:,.0f} queries/s, {errors} errors")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
