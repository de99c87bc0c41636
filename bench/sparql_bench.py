"""The SPARQL endpoint's speed beside pyoxigraph called directly, and beside Virtuoso and Oxigraph server
with the same data.

    python bench/sparql_bench.py [--data DIR | --copy-of DIR] [--slice SDU,NKU]
                                 [--stages layers,http,others,rsgi,waitress,oxigraph,virtuoso]
                                 [--queries 400] [--clients 8] [--seconds 10] [--workers 0] [--threads 4]
                                 [--baseline-code DIR]

1. The store: ``--data`` (an existing data directory, e.g. a checkpoint of the 1,000,000-record
   alliance), or ``--copy-of`` (a shared one, e.g. /work/bench-data/data: the run serves a
   checkpoint of its store, hard links, and copies of the rest), else the 10,000 LC records of
   ../shared/data loaded for ``--members`` members.
2. One lookup mix for every row of the run: an edition's statements, who holds it, its title, its
   work, over editions sampled at random (seeded) from the store, or from the ``--slice`` members'
   graphs when Virtuoso gets only those members.
3. ``layers``: pyoxigraph called directly (``Store.query`` over the union, rows read), ``Store.answer``
   in-process (+ JSON), through the worker pool (the runaway-query guard's processes), and the
   Flask app in-process (test client: routing, protocol, negotiation, no sockets).
4. ``http``: ``alliance serve`` in its own process: the pre-fork server, ``--workers`` web worker
   processes (0: one per core) of ``--threads`` threads, beside its writer process.
   ``waitress``: the single-process server ``alliance serve`` was before it (waitress, 8 threads,
   client queries in 2 query worker processes), as the baseline of the same run. ``--baseline-code DIR``
   adds ``alliance serve`` as another checkout has it (e.g. the gunicorn server it was before granian),
   same options, same data, right after. ``others`` (not run unless named): the same worker app
   (bench/wsgi_worker.py, no writer) under other WSGI servers, where installed: gunicorn gthread with
   its Python parser and with gunicorn-h1c's C parser, uWSGI (pyuwsgi). The load generator is ``wrk`` (C, epoll,
   keep-alive; Debian package ``wrk``) driven by a Lua script over the fixed list of query URLs,
   so the client costs the two shared cores little; without wrk a lean single-process asyncio
   HTTP/1.1 keep-alive client stands in (said in the output). The HTTP floor is ``OPTIONS /sparql``
   (waitress + Flask, no query); then 1 connection (median, p99) and ``--clients`` connections
   (queries/s, errors = non-2xx answers + socket errors).
5. ``virtuoso``: Virtuoso 7 on 127.0.0.1, the ``--slice`` members' graphs (or all) dumped as
   N-Triples and loaded with its bulk loader (``ld_add`` + ``rdf_loader_run``), then the same URLs
   against its own ``/sparql`` (default graph: the union of its graphs), 1 and ``--clients``
   connections, same generator.
   ``rsgi`` (not run unless named; a PROTOTYPE for issue 13, not the product): the same worker app under
   granian's RSGI interface (bench/rsgi_worker.py), the fast lane's lookups answered on the event loop,
   in the variants of :data:`RSGI_VARIANTS` (``BENCH_RSGI_VARIANTS=0,2`` picks some).
6. ``oxigraph``: Oxigraph server (Rust; ``oxigraph serve-read-only --union-default-graph``) over a
   checkpoint of the same store, the same URLs against its ``/query``.
The machine's load average (``uptime``) is printed beside every stage, and beside the ``--clients``
cell of ``alliance serve`` and Oxigraph server the CPU their processes spent per query (user + system,
from /proc) and their threads' context switches per query (live threads only: a thread that ended meanwhile
is not counted): on two cores shared with other jobs the rates swing by half from run to run, the CPU a
query costs much less.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE = "http://bench.alliance.test/"
LC = ROOT.parent / "shared" / "data" / "marc21" / "loc-booksall" / "booksall-2016-part01-first10000.mrc"
BF = "http://id.loc.gov/ontologies/bibframe/"
PREFIX = "PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
MIX = (
    "SELECT ?p ?o WHERE {{ <{i}> ?p ?o }}",
    "SELECT DISTINCT ?lib WHERE {{ ?item bf:itemOf <{i}> ; bf:heldBy ?lib }}",
    "SELECT ?t WHERE {{ <{i}> rdfs:label ?t }}",
    "SELECT ?w WHERE {{ <{i}> bf:instanceOf ?w }}",
)
ACCEPT = "application/sparql-results+json"


def queries(instances: list[str], n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [PREFIX + MIX[k % len(MIX)].format(i=rng.choice(instances)) for k in range(n)]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms (p95 {sorted(values)[int(len(values) * 0.95)] * 1000:.2f})"


def load_average() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def stage(name: str) -> None:
    print(f"--- {name} ({load_average()})", flush=True)


def load(data: Path, files: list[str], members: int) -> tuple[int, float]:
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

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


def slice_graphs(store, members: list[str]) -> list:
    """The active batch graphs of ``members`` (all members' when empty)."""
    wanted = {m.upper() for m in members}
    return [b.graph for b in store.batches() if not wanted or (b.member or "") in wanted]


def sample_instances(store, graphs: list, n: int = 5000, seed: int = 11) -> list[str]:
    """``n`` editions drawn at random from the editions typed in ``graphs``."""
    from pyoxigraph import NamedNode

    rdf_type, instance = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(BF + "Instance")
    found = set()
    for g in graphs:
        found.update(q.subject.value for q in store._ox.quads_for_pattern(None, rdf_type, instance, g))
    found = sorted(found)
    return random.Random(seed).sample(found, min(n, len(found)))


# in-process layers ---------------------------------------------------------------------------------------------------
def timed(run, mix: list[str], warm: int = 1) -> list[float]:
    for _ in range(warm):  # every path sees the mix before it is timed (caches; each worker has its own)
        for q in mix:
            run(q)
    times = []
    for q in mix:
        t = time.perf_counter()
        run(q)
        times.append(time.perf_counter() - t)
    return times


def layers(cat, mix: list[str], workers: int) -> dict[str, list[float]]:
    from graph.store.base import Store
    from web import create_app

    store = cat.store
    out = {
        "pyoxigraph direct (query + read rows)": timed(lambda q: list(store.query(q)), mix),
        "Store.answer in-process (+ JSON)": timed(lambda q: Store.answer(store, q), mix),
    }
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": workers})
    out["Store.answer via worker pool (+ JSON)"] = timed(lambda q: store.answer(q), mix, warm=2)
    snapshots = _snapshot_store(cat)
    out["pre-fork worker: SnapshotStore.answer (+ JSON)"] = timed(lambda q: snapshots.answer(q), mix)
    client = app.test_client()

    def flask(q):
        r = client.get("/sparql", query_string={"query": q}, headers={"Accept": ACCEPT})
        assert r.status_code == 200, r.data

    out["Flask app in-process (test client, pool)"] = timed(flask, mix)
    return out


def _snapshot_store(cat):
    """A web worker's store: a published checkpoint, queries in-process under the deadline."""
    from graph.store.snapshots import SnapshotStore, publish

    if cat.store.read_only:
        raise SystemExit("the pre-fork layer needs a writable store to publish a checkpoint (drop --read-only)")
    publish(cat.store)
    store = SnapshotStore(cat.store.location, cat.minter)
    store.refresh()
    return store


# HTTP ----------------------------------------------------------------------------------------------------------------
LUA = (
    """
local paths = {}
for line in io.lines(os.getenv("BENCH_URLS")) do paths[#paths + 1] = line end
local counter, next_id = 0, 0
function setup(thread) thread:set("id", next_id); next_id = next_id + 1 end
function init(args) counter = id * 101 end
function request()
  counter = counter + 1
  return wrk.format(os.getenv("BENCH_METHOD") or "GET", paths[(counter %% #paths) + 1], {["Accept"] = "%s"})
end
"""
    % ACCEPT
)


class Load:
    """The load generator: wrk over a fixed list of paths, or a lean asyncio keep-alive client."""

    def __init__(self, folder: Path, accept: str = ACCEPT):
        self.wrk = shutil.which("wrk")
        self.folder = folder
        self.accept = accept
        self.script = folder / f"mix-{abs(hash(accept))}.lua"
        self.script.write_text(LUA.replace(ACCEPT, accept))
        self.name = (
            "wrk 4 (C, epoll, keep-alive) + Lua over the query URLs"
            if self.wrk
            else "single-process asyncio HTTP/1.1 keep-alive client (wrk not installed)"
        )

    def run(
        self, host: str, port: int, paths: list[str], connections: int, seconds: float, method: str = "GET"
    ) -> dict:
        """{"rate": q/s, "errors": n, "median": s, "p99": s, "requests": n}."""
        urls = self.folder / f"urls-{port}.txt"
        urls.write_text("\n".join(paths) + "\n")
        if not self.wrk:
            return asyncio.run(_aio_load(host, port, paths, connections, seconds, method))
        threads = min(2, connections)
        out = subprocess.run(
            [
                self.wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--latency",
                "--timeout",
                "30s",
                "-s",
                str(self.script),
                f"http://{host}:{port}",
            ],
            env={**os.environ, "BENCH_URLS": str(urls), "BENCH_METHOD": method},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return _parse_wrk(out)


def _parse_wrk(out: str) -> dict:
    def seconds(text: str) -> float:
        value, unit = re.match(r"([\d.]+)(us|ms|s|m)", text).groups()
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]

    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "median": seconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": seconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "errors": errors,
    }


async def _aio_load(host: str, port: int, paths: list[str], connections: int, seconds: float, method: str) -> dict:
    times: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        k = offset
        while time.perf_counter() < deadline:
            path = paths[k % len(paths)]
            k += 1
            t = time.perf_counter()
            writer.write(f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {ACCEPT}\r\n\r\n".encode())
            status = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            times.append(time.perf_counter() - t)
            if b" 200 " not in status:
                errors += 1
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client(c * 101) for c in range(connections)))
    elapsed = time.perf_counter() - start
    times.sort()
    return {
        "rate": len(times) / elapsed,
        "requests": len(times),
        "median": statistics.median(times),
        "p99": times[int(len(times) * 0.99)],
        "errors": errors,
    }


def paths_for(mix: list[str]) -> list[str]:
    return ["/sparql?" + urllib.parse.urlencode({"query": q}) for q in mix]


def check_answers(port: int, mix: list[str], expected: list[int], path: str = "/sparql") -> int:
    """How many of the mix's answers over HTTP differ in row count from pyoxigraph's (keep-alive client)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    wrong = 0
    for q, n in zip(mix, expected):
        conn.request("GET", path + "?" + urllib.parse.urlencode({"query": q}), headers={"Accept": ACCEPT})
        r = conn.getresponse()
        body = r.read()
        if r.status != 200 or (n >= 0 and len(json.loads(body)["results"]["bindings"]) != n):
            wrong += 1
    conn.close()
    return wrong


def serve(
    data: Path, port: int, workers: int, threads: int, single: bool = False, code: Path = ROOT
) -> subprocess.Popen:
    """``alliance serve`` (pre-fork: ``workers`` processes of ``threads`` threads) as ``code`` has it (this
    checkout, or another one as a baseline), or with ``single`` the single-process server it was before:
    waitress, 8 threads, 2 query worker processes, on the store opened read-only (so it also serves a copy
    taken mid-load)."""
    env = dict(os.environ)
    if code != ROOT:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if single:
        env["ALLIANCE_SPARQL_WORKERS"] = "2"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve-read-only",
            str(port),
            "--data",
            str(data),
            "--threads",
            "8",
        ]
    else:
        command = [
            sys.executable,
            "-m",
            "cli",
            "--data",
            str(data),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        ]
    process = subprocess.Popen(
        command, cwd=code, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    _wait_http(port, "/sparql?query=ASK%7B%7D", process)
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()  # the arbiter stops its workers and writer
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def _wait_http(port: int, path: str, process: subprocess.Popen, seconds: float = 300) -> None:
    import http.client

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


def http_stage(
    data: Path, mix: list[str], expected: list[int], gen: Load, args, single: bool = False, code: Path = ROOT
) -> None:
    from tests.servers import free_port

    port = free_port()
    server = serve(data, port, args.workers, args.threads, single or args.read_only, code)
    try:
        paths = paths_for(mix)
        gen.run("127.0.0.1", port, paths, 2, 3)  # warm: every worker sees the mix
        gen.run("127.0.0.1", port, paths, 2, 3)
        print(f"answers checked against pyoxigraph: {check_answers(port, mix, expected)} of {len(mix)} differ")
        floor = gen.run("127.0.0.1", port, ["/sparql"], 1, args.seconds / 2, method="OPTIONS")
        print(
            f"{'HTTP floor: OPTIONS /sparql, 1 connection':48s} median {floor['median'] * 1000:.2f} ms "
            f"(p99 {floor['p99'] * 1000:.2f}), {floor['rate']:,.0f}/s  ({load_average()})"
        )
        label = "alliance serve (pre-fork)" if code == ROOT else f"alliance serve of {code.name}"
        one_and_many("single process (before)" if single else label, gen, port, paths, args, server.pid)
    finally:
        stop(server)


OTHER_SERVERS = {  # the same worker app (bench/wsgi_worker.py) under other maintained WSGI servers
    "gunicorn gthread, Python parser": ["gunicorn", "-k", "gthread", "--http-parser", "python"],
    "gunicorn gthread, gunicorn-h1c parser": ["gunicorn", "-k", "gthread", "--http-parser", "fast"],
    "uWSGI (pyuwsgi), HTTP/1.1 socket": ["uwsgi"],
}


def others_stage(data: Path, mix: list[str], expected: list[int], gen: Load, args) -> None:
    """``alliance serve``'s worker app under each server of :data:`OTHER_SERVERS` that is installed (none is a
    dependency), ``--workers`` processes x ``--threads`` threads, on a published checkpoint of the store."""
    from graph.catalogue import Catalogue
    from graph.store.snapshots import publish
    from tests.servers import free_port
    from web.prefork import cores

    cat = Catalogue.open(data)
    publish(cat.store)
    cat.close()
    workers = str(args.workers or cores())
    env = {**os.environ, "BENCH_DATA": str(data), "BENCH_THREADS": str(args.threads), "PYTHONPATH": str(ROOT / "bench")}
    for label, command in OTHER_SERVERS.items():
        binary = shutil.which(command[0], path=str(Path(sys.executable).parent)) or shutil.which(command[0])
        if binary is None:
            print(f"{label}: not installed, skipped")
            continue
        port = free_port()
        if command[0] == "uwsgi":
            argv = [binary, "--http11-socket", f"127.0.0.1:{port}", "--master", "--processes", workers]
            argv += ["--threads", str(args.threads), "--lazy-apps", "--module", "wsgi_worker:app", "--disable-logging"]
            argv += ["--die-on-term"]
        else:
            argv = [binary, *command[1:], "-w", workers, "--threads", str(args.threads), "-b", f"127.0.0.1:{port}"]
            argv += ["wsgi_worker:app"]
        server = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            _wait_http(port, "/sparql?query=ASK%7B%7D", server, 120)
            paths = paths_for(mix)
            gen.run("127.0.0.1", port, paths, 2, 3)
            gen.run("127.0.0.1", port, paths, 2, 3)
            print(
                f"{label}: answers checked against pyoxigraph: {check_answers(port, mix, expected)} of {len(mix)} differ"
            )
            floor = gen.run("127.0.0.1", port, ["/sparql"], 1, args.seconds / 2, method="OPTIONS")
            print(
                f"{'HTTP floor: OPTIONS /sparql, 1 connection':48s} median {floor['median'] * 1000:.2f} ms "
                f"(p99 {floor['p99'] * 1000:.2f}), {floor['rate']:,.0f}/s  ({load_average()})"
            )
            one_and_many(label, gen, port, paths, args)
        finally:
            stop(server)


RSGI_VARIANTS = {  # PROTOTYPE (issue 13): bench/rsgi_worker.py: which /sparql queries granian's event loop answers,
    # and granian's options (runtime mode, task implementation)
    "RSGI, lookups on the loop, rest WSGI": ("lookups", ["--task-impl", "rust"]),
    "RSGI, lookups on the loop, rest awaited": ("await", ["--task-impl", "rust"]),
    "RSGI, all on the loop (unsafe bound)": ("all", ["--task-impl", "rust"]),
    "RSGI, lookups on the loop, rest awaited, asyncio tasks": ("await", []),
    "RSGI, lookups on the loop, rest awaited, --runtime-mode st": (
        "await",
        ["--task-impl", "rust", "--runtime-mode", "st"],
    ),
}


def rsgi_stage(data: Path, mix: list[str], expected: list[int], gen: Load, args) -> None:
    """PROTOTYPE (issue 13): the worker app under granian's RSGI interface (bench/rsgi_worker.py), the fast
    lane's queries answered on the event loop, the rest on a pool of ``--threads`` threads running the WSGI
    app; ``--workers`` processes, on a published checkpoint of the store, no writer."""
    from graph.catalogue import Catalogue
    from graph.store.snapshots import publish
    from tests.servers import free_port
    from web.prefork import cores

    cat = Catalogue.open(data)
    publish(cat.store)
    cat.close()
    workers = str(args.workers or cores())
    granian = shutil.which("granian", path=str(Path(sys.executable).parent)) or "granian"
    chosen = os.environ.get("BENCH_RSGI_VARIANTS")  # labels' indices, e.g. "0,2"
    variants = list(RSGI_VARIANTS.items())
    if chosen:
        variants = [variants[int(k)] for k in chosen.split(",")]
    for label, (loop, extra) in variants:
        env = {**os.environ, "BENCH_DATA": str(data), "BENCH_THREADS": str(args.threads), "BENCH_LOOP": loop}
        env["PYTHONPATH"] = str(ROOT / "bench")
        port = free_port()
        argv = [granian, "--interface", "rsgi", "--http", "1", "--no-ws", "--workers", workers, *extra]
        argv += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "rsgi_worker:app"]
        server = subprocess.Popen(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            _wait_http(port, "/sparql?query=ASK%7B%7D", server, 120)
            paths = paths_for(mix)
            gen.run("127.0.0.1", port, paths, 2, 3)
            gen.run("127.0.0.1", port, paths, 2, 3)
            print(
                f"{label}: answers checked against pyoxigraph: {check_answers(port, mix, expected)} of {len(mix)} differ"
            )
            one_and_many(label, gen, port, paths, args, server.pid)
        finally:
            stop(server)


def oxigraph_stage(data: Path, mix: list[str], expected: list[int], gen: Load, tmp: Path, args) -> None:
    """Oxigraph server (Rust) on a checkpoint of the same store, default graph = the union of its graphs."""
    import pyoxigraph as ox

    from tests.servers import free_port, oxigraph_binary

    binary = oxigraph_binary()
    if binary is None:
        print("oxigraph server not installed (pip install oxigraph): stage skipped")
        return
    location = tmp / "oxigraph"
    ox.Store.read_only(str(data / "store")).backup(str(location))
    port = free_port()
    server = subprocess.Popen(
        [
            binary,
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_http(port, "/query?query=ASK%7B%7D", server, 60)
        print(
            f"answers checked against pyoxigraph: {check_answers(port, mix, expected, '/query')} of {len(mix)} differ"
        )
        paths = ["/query?" + urllib.parse.urlencode({"query": q}) for q in mix]
        gen.run("127.0.0.1", port, paths, 2, 3)
        one_and_many("oxigraph server /query", gen, port, paths, args, server.pid)
    finally:
        server.terminate()
        server.wait(30)
        shutil.rmtree(location, ignore_errors=True)


def copy_data(source: Path, target: Path) -> None:
    """A private copy of a shared data directory: its store checkpointed (hard links), the rest copied."""
    import pyoxigraph as ox

    target.mkdir(parents=True)
    ox.Store.read_only(str(source / "store")).backup(str(target / "store"))
    for name in ("settings.json", "sources.sqlite", "clusters.sqlite", "tokens.json"):
        if (source / name).exists():
            shutil.copy(source / name, target / name)
    if (source / "index").exists():
        shutil.copytree(source / "index", target / "index")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by process ``pid`` and every process under it (Linux /proc;
    0 elsewhere): a server's cost per query that the other jobs on a shared machine move less than its rate."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # exited meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(times.get(p, 0.0) for p in tree)


def context_switches(pid: int) -> int:
    """Context switches (voluntary + involuntary) of every thread of process ``pid`` and the processes under
    it so far (Linux /proc; 0 elsewhere)."""
    tree, frontier = {pid}, [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            children = []
        tree.update(int(c) for c in children)
        frontier.extend(int(c) for c in children)
    total = 0
    for p in tree:
        for status in Path(f"/proc/{p}/task").glob("*/status"):
            try:
                total += sum(
                    int(line.split()[1]) for line in status.read_text().splitlines() if "ctxt_switches" in line
                )
            except OSError:
                continue
    return total


def one_and_many(label: str, gen, port: int, paths: list[str], args, server: int | None = None) -> None:
    """Print the mix's latency over one connection, then its rate over ``args.clients`` connections (and,
    given the ``server`` process id, the CPU its processes spent per query there)."""
    one = gen.run("127.0.0.1", port, paths, 1, args.seconds)
    print(
        f"{label + ', 1 connection':48s} median {one['median'] * 1000:.2f} ms "
        f"(p99 {one['p99'] * 1000:.2f}), {one['rate']:,.0f} queries/s, {one['errors']} errors  "
        f"({load_average()})"
    )
    before = cpu_seconds(server) if server else 0.0
    switches = context_switches(server) if server else 0
    many = gen.run("127.0.0.1", port, paths, args.clients, args.seconds)
    cpu = ""
    if server:
        cpu = f", server CPU {(cpu_seconds(server) - before) / many['requests'] * 1000:.3f} ms/query"
        cpu += f", {(context_switches(server) - switches) / many['requests']:.1f} context switches/query"
    print(
        f"{f'{label}, {args.clients} connections':48s} {many['rate']:,.0f} queries/s, "
        f"{many['errors']} errors of {many['requests']:,}, median {many['median'] * 1000:.2f} ms "
        f"(p99 {many['p99'] * 1000:.2f}){cpu}  ({load_average()})",
        flush=True,
    )


# Virtuoso ------------------------------------------------------------------------------------------------------------
def virtuoso_stage(data: Path, graphs: list, mix: list[str], expected: list[int], gen: Load, tmp: Path, args) -> None:
    import pyoxigraph as ox

    from graph.catalogue import Catalogue
    from tests.servers import VIRTUOSO_PASSWORD, VIRTUOSO_USER, start_virtuoso

    server = start_virtuoso(tmp)
    try:
        db = tmp / "virtuoso"
        isql_port = re.search(r"ServerPort = 127.0.0.1:(\d+)", (db / "virtuoso.ini").read_text()).group(1)
        isql = [shutil.which("isql-vt") or "isql", f"127.0.0.1:{isql_port}", VIRTUOSO_USER, VIRTUOSO_PASSWORD]
        cat = Catalogue.open(data, read_only=True)
        t = time.perf_counter()
        files = []
        for g in [cat.minter.alliance_graph, *graphs]:  # N-Triples inside Virtuoso's DirsAllowed
            path = db / f"graph-{len(files)}.nt"
            cat.store._ox.dump(str(path), format=ox.RdfFormat.N_TRIPLES, from_graph=g)
            files.append((path, g.value))
        cat.close()
        dumped = time.perf_counter() - t
        t = time.perf_counter()
        adds = " ".join(f"ld_add('{p}', '{g}');" for p, g in files)
        subprocess.run(
            [*isql, f"exec={adds} rdf_loader_run(); checkpoint;"], check=True, capture_output=True, timeout=3600
        )
        loaded = time.perf_counter() - t
        for p, _ in files:
            p.unlink()
        port = int(server.url.split(":")[2].split("/")[0])
        count = _virtuoso_count(port, [g for _, g in files])
        print(
            f"virtuoso: {count:,} triples in {len(graphs)} member graph(s) + the alliance graph; dumped from "
            f"pyoxigraph in {dumped:.0f} s, bulk-loaded in {loaded:.0f} s ({count / loaded:,.0f} triples/s)"
        )
        print(
            f"answers checked against pyoxigraph over the same graphs: "
            f"{check_answers(port, mix, expected)} of {len(mix)} differ"
        )
        paths = paths_for(mix)
        gen.run("127.0.0.1", port, paths, 2, 3)
        one_and_many("virtuoso /sparql", gen, port, paths, args)
    finally:
        server.stop()


def _virtuoso_count(port: int, graphs: list[str]) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    q = (
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?g { "
        + " ".join(f"<{g}>" for g in graphs)
        + " } GRAPH ?g { ?s ?p ?o } }"
    )
    conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": q}), headers={"Accept": ACCEPT})
    return int(json.loads(conn.getresponse().read())["results"]["bindings"][0]["n"]["value"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", nargs="*", default=[str(LC)])
    parser.add_argument("--members", type=int, default=2)
    parser.add_argument("--data", default=None, help="an existing data directory (opened for writing: use a copy)")
    parser.add_argument(
        "--slice",
        default="",
        help="members whose editions the mix uses and Virtuoso gets (comma-separated codes; default: all)",
    )
    parser.add_argument("--copy-of", default=None, help="a shared data directory: serve a private copy of it")
    parser.add_argument("--stages", default="layers,http,waitress,oxigraph,virtuoso")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--workers", type=int, default=0, help="web worker processes of alliance serve (0: one per core)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per web worker process")
    parser.add_argument("--no-virtuoso", action="store_true")
    parser.add_argument(
        "--baseline-code",
        default=None,
        metavar="DIR",
        help="another checkout (e.g. `git worktree add DIR COMMIT`): its `alliance serve` measured the same way, "
        "right after this one's (run with this interpreter: it needs that checkout's dependencies installed)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open the store read-only (a copy taken mid-load: a writable open would first drop "
        "the unfinished load's graph) and serve it as `alliance serve` does",
    )
    parser.add_argument("--serve-read-only", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_read_only:
        import waitress

        from graph.catalogue import Catalogue
        from web import create_app

        app = create_app({"ALLIANCE_CATALOGUE": Catalogue.open(args.data, read_only=True)})
        waitress.serve(app, host="127.0.0.1", port=args.serve_read_only, threads=args.threads, ident="alliance-graph")
        return
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped (SIGTERM)"))  # servers are stopped in finally
    stages = set(args.stages.split(","))
    if args.no_virtuoso:
        stages.discard("virtuoso")

    tmp = Path(tempfile.mkdtemp(prefix="sparql-bench-"))
    try:
        data = Path(args.data) if args.data else tmp / "data"
        if args.copy_of:
            t = time.perf_counter()
            copy_data(Path(args.copy_of), data)
            print(f"store: a copy of {args.copy_of} (checkpoint) in {time.perf_counter() - t:.1f} s")
        elif not args.data:
            triples, took = load(data, args.records, args.members)
            print(
                f"store: loaded {args.members} members x {', '.join(Path(r).name for r in args.records)} "
                f"in {took:.1f} s"
            )
        from graph.catalogue import Catalogue

        cat = Catalogue.open(data, read_only=args.read_only)
        if args.data and not cat.search.is_current(cat.store):  # the app would bring it up to date first
            os.environ["ALLIANCE_SEARCH_SYNC"] = "0"  # (the servers started below inherit it)
            print(
                f"the search index of {data} is not up to date with its store: serving without syncing it "
                "(ALLIANCE_SEARCH_SYNC=0; /sparql does not use it)"
            )
        graphs = slice_graphs(cat.store, [m for m in args.slice.split(",") if m])
        t = time.perf_counter()
        instances = sample_instances(cat.store, graphs)
        mix = queries(instances, args.queries)
        expected = [len(list(cat.store.query(q))) for q in mix]
        over = [cat.minter.alliance_graph, *graphs]
        expected_slice = [len(list(cat.store.query(q, default_graph=over, named_graphs=over))) for q in mix]
        print(
            f"store: {len(cat.store):,} triples; mix: {len(mix)} queries over {len(instances):,} editions sampled "
            f"from {len(graphs)} member graph(s) in {time.perf_counter() - t:.1f} s; load generator: "
            f"{Load(tmp).name}"
        )
        if "layers" in stages:
            stage("in-process layers")
            for label, times in layers(cat, mix, args.workers).items():
                print(f"{label:48s} median {ms(times)}")
        cat.close()
        gen = Load(tmp)
        if "http" in stages:
            from web.prefork import cores

            stage(
                f"HTTP: alliance serve{' (store opened read-only, single process)' if args.read_only else ''}, "
                f"{args.workers or cores()} web worker processes x {args.threads} threads"
            )
            http_stage(data, mix, expected, gen, args)
        if args.baseline_code:
            stage(f"HTTP: alliance serve as {args.baseline_code} has it (baseline), same options")
            http_stage(data, mix, expected, gen, args, code=Path(args.baseline_code).resolve())
        if "others" in stages:
            from web.prefork import cores

            stage(f"HTTP: the same worker app under other WSGI servers, {args.workers or cores()} worker processes")
            others_stage(data, mix, expected, gen, args)
        if "rsgi" in stages:
            from web.prefork import cores

            stage(
                f"HTTP: PROTOTYPE, RSGI + event-loop lookups (bench/rsgi_worker.py), {args.workers or cores()} workers"
            )
            rsgi_stage(data, mix, expected, gen, args)
        if "waitress" in stages:
            stage("HTTP: the single-process server (waitress, 8 threads, 2 query worker processes)")
            http_stage(data, mix, expected, gen, args, single=True)
        if "oxigraph" in stages:
            stage("Oxigraph server (serve-read-only --union-default-graph)")
            oxigraph_stage(data, mix, expected, gen, tmp, args)
        if "virtuoso" in stages:
            stage("Virtuoso 7")
            virtuoso_stage(data, graphs, mix, expected_slice, gen, tmp, args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
