"""Speed of the web site on a large alliance: work pages and searches with facets, server-side or over HTTP.

    python bench/site_bench.py DATA [BASELINE_DATA] [--queries bench/site_queries.txt] [--works 60]
                               [--repeat 3] [--explicit-graphs] [--read-only]
    python bench/site_bench.py DATA --wrk [--works 300] [--seconds 10] [--clients 8] [--workers 0]

``--wrk``: the site as deployed, over HTTP on 127.0.0.1, with ``wrk`` as the load generator (a Lua
script cycling through fixed URL lists, ``Accept: text/html``): ``--works`` work pages drawn at
random (seeded) from the search index, and the searches of the queries file, each also sorted
by title, newest and oldest (facets computed on every one). For ``alliance serve`` (pre-fork,
``--workers`` processes, default one per core) and, as the baseline of the same run, the
single-process server it was before (waitress): rate, median and p99 at 1 and ``--clients``
connections, and the ratio of the two rates. DATA is served from a private copy (its store
checkpointed: hard links), so a shared data directory is never opened for writing.

DATA and BASELINE_DATA are data directories (e.g. the 1,000,000-record alliance and the
10,000-record one, both from ``alliance generate`` + ``alliance ingest``). Each is opened, its
search index brought up to date (timed if it had to be built), and the same requests are
answered in-process by the Flask app (Werkzeug test client: routing, queries, templates; no
network): the search requests of the queries file (facets computed on every one), and the
pages of a fixed list of works (the top results of those queries in the baseline, or in DATA
when there is no baseline). Each request runs once to warm up, then ``--repeat`` times timed;
p50/p95/max are printed per kind and per data directory, side by side. ``--explicit-graphs``
adds a run of the work pages with the store naming its active graphs on every query (the
path it takes while a load is running), to show what reading pyoxigraph's own union saves.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.catalogue import Catalogue  # noqa: E402
from graph.index import SearchRequest  # noqa: E402
from web import create_app  # noqa: E402

HTML = {"Accept": "text/html"}


def read_queries(path: Path) -> list[str]:
    """Search URLs (``/search?...``) from the queries file."""
    urls = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        q, *filters = line.split("\t")
        params = [("q", q.strip())] + [tuple(f.split("=", 1)) for f in filters if "=" in f]
        urls.append("/search?" + urlencode(params))
    return urls


def percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def timed(client, urls: list[str], repeat: int, slowest: dict | None = None) -> tuple[list[float], list[str]]:
    """Times of ``repeat`` rounds over ``urls`` after a warm-up; ``slowest`` collects each URL's worst.

    A work merged into another cluster in this alliance answers 301 to its survivor: the survivor's
    page (what a reader following the link gets) is timed in its place."""
    failures, ok = [], []
    for url in urls:  # warm up (first touch of the index and store pages)
        response = client.get(url, headers=HTML)
        if response.status_code in (301, 308) and response.location:
            url = urlsplit(response.location)._replace(scheme="", netloc="").geturl()
            response = client.get(url, headers=HTML)
        if response.status_code != 200:
            failures.append(f"{response.status_code} {url}")
        elif url not in ok:
            ok.append(url)
    times = []
    for _ in range(repeat):
        for url in ok:
            started = time.perf_counter()
            response = client.get(url, headers=HTML)
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
            if slowest is not None:
                slowest[url] = max(slowest.get(url, 0.0), times[-1])
    return times, failures


def open_site(data: str, read_only: bool = False):
    cat = Catalogue.open(data, read_only=read_only)
    started = time.perf_counter()
    stale = not cat.search.is_current(cat.store)
    if stale and read_only:
        sys.exit(f"{data}: the search index is not current and --read-only may not bring it up to date")
    synced = cat.sync_search() if stale else 0
    build = time.perf_counter() - started if stale else None
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 0})
    return cat, app, build, synced


def work_list(app, search_urls: list[str], per_query: int, limit: int) -> list[str]:
    searcher = app.extensions["alliance"].searcher
    urls = app.extensions["alliance"].urls
    found: list[str] = []
    with app.test_request_context():
        for url in search_urls:
            q = dict(pair.split("=", 1) for pair in url.split("?", 1)[1].split("&")).get("q", "")
            from urllib.parse import unquote_plus

            for hit in searcher.search(SearchRequest(q=unquote_plus(q), per_page=per_query), facets=False).hits:
                path = urls.page(hit.iri)
                if path not in found:
                    found.append(path)
    return found[:limit]


def measure(data: str, search_urls: list[str], works: list[str] | None, args) -> dict:
    cat, app, build, synced = open_site(data, args.read_only)
    client = app.test_client()
    totals = app.extensions["alliance"].searcher.totals()
    if works is None:
        works = work_list(app, search_urls, 3, args.works)
    slowest: dict[str, float] = {}
    load_before = os.getloadavg()
    search_times, search_fail = timed(client, search_urls, args.repeat, slowest)
    work_times, work_fail = timed(client, works, args.repeat, slowest)
    out = {
        "data": data,
        "load": (load_before, os.getloadavg()),
        "slowest": sorted(slowest.items(), key=lambda kv: -kv[1])[:5],
        "totals": totals,
        "triples": sum(b.triples for b in cat.store.batches()),
        "index_build_s": build,
        "index_works_built": synced,
        "search": percentiles(search_times),
        "work": percentiles(work_times),
        "failures": search_fail + work_fail,
        "works": works,
    }
    if args.explicit_graphs:
        store = cat.store
        store._union_checked, store._union_ok = None, False
        original = store._union_is_active
        store._union_is_active = lambda: False
        explicit, _ = timed(client, works, args.repeat)
        store._union_is_active = original
        out["work_explicit_graphs"] = percentiles(explicit)
    cat.close()
    return out


def wrk_urls(data: str, search_urls: list[str], works: int, seed: int = 13) -> dict[str, list[str]]:
    """The work pages (``works`` drawn at random from the index) and the searches, each search also sorted."""
    import random

    import tantivy

    cat = Catalogue.open(data, read_only=True)
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 0, "ALLIANCE_SEARCH_SYNC": False})
    searcher = cat.search.searcher()
    hits = searcher.search(tantivy.Query.all_query(), limit=searcher.num_docs).hits
    iris = sorted(searcher.doc(address).get_first("id") for _, address in hits)
    chosen = random.Random(seed).sample(iris, min(works, len(iris)))
    with app.test_request_context():
        pages = [app.extensions["alliance"].urls.page(iri) for iri in chosen]
    cat.close()
    searches = list(search_urls)
    for url in search_urls:
        if "sort=" not in url:
            searches += [f"{url}&sort={s}" for s in ("title", "newest", "oldest")]
    return {"work pages": pages, "searches": searches}


def wrk_mode(args, search_urls: list[str]) -> None:
    import shutil
    import tempfile

    from bench.sparql_bench import Load, copy_data, load_average, serve, stop
    from tests.servers import free_port
    from web.prefork import cores

    tmp = Path(tempfile.mkdtemp(prefix="site-bench-"))
    try:
        data = tmp / "data"
        copy_data(Path(args.data), data)
        lists = wrk_urls(str(data), search_urls, args.works)
        gen = Load(tmp, accept="text/html")
        workers = args.workers or cores()
        print(
            f"{len(lists['work pages'])} work pages, {len(lists['searches'])} searches; {gen.name}; "
            f"{args.seconds:g} s per cell; {cores()} cores"
        )
        print(
            f"{'server':34s}{'kind':12s}{'1 conn: req/s':>14s}{'median':>9s}{'p99':>9s}"
            f"{f'{args.clients} conn: req/s':>15s}{'median':>9s}{'p99':>9s}{'ratio':>7s}{'errors':>8s}  load"
        )
        for label, single in ((f"alliance serve ({workers} workers)", False), ("single process (before)", True)):
            port = free_port()
            server = serve(data, port, workers, args.threads, single)
            try:
                for kind, urls in lists.items():
                    gen.run("127.0.0.1", port, urls, 2, 3)  # warm: every worker sees the URLs
                    one = gen.run("127.0.0.1", port, urls, 1, args.seconds)
                    many = gen.run("127.0.0.1", port, urls, args.clients, args.seconds)
                    print(
                        f"{label:34s}{kind:12s}{one['rate']:14,.0f}{one['median'] * 1000:8.1f}ms"
                        f"{one['p99'] * 1000:7.0f}ms{many['rate']:15,.0f}{many['median'] * 1000:8.1f}ms"
                        f"{many['p99'] * 1000:7.0f}ms{many['rate'] / one['rate']:6.2f}x"
                        f"{one['errors'] + many['errors']:8d}  {load_average()}",
                        flush=True,
                    )
            finally:
                stop(server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data")
    parser.add_argument("baseline", nargs="?")
    parser.add_argument("--queries", default=str(Path(__file__).with_name("site_queries.txt")))
    parser.add_argument("--works", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--explicit-graphs", action="store_true")
    parser.add_argument(
        "--read-only",
        action="store_true",
        help="open the stores read-only (a shared data directory; its index must be current)",
    )
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument(
        "--wrk", action="store_true", help="over HTTP with wrk, alliance serve beside the single-process server"
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="web worker processes (0: one per core)")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    search_urls = read_queries(Path(args.queries))
    if args.wrk:
        wrk_mode(args, search_urls)
        return
    results = []
    works = None
    if args.baseline:
        base = measure(args.baseline, search_urls, None, args)
        works = base["works"]
        results.append(base)
    results.insert(0, measure(args.data, search_urls, works, args))
    print(
        f"{len(search_urls)} search requests and {len(results[-1]['works'])} work pages, "
        f"each {args.repeat}x after a warm-up; server-side ms (Flask test client)"
    )
    header = f"{'':28s}" + "".join(f"{Path(r['data']).name:>30s}" for r in results)
    print(header)
    rows = [
        (
            "works / editions / copies",
            lambda r: f"{r['totals']['works']:,} / {r['totals']['editions']:,} / {r['totals']['copies']:,}",
        ),
        ("triples", lambda r: f"{r['triples']:,}"),
        ("load average before/after", lambda r: f"{r['load'][0][0]:.2f} / {r['load'][1][0]:.2f}"),
        (
            "index built (s, works)",
            lambda r: (
                "current" if r["index_build_s"] is None else f"{r['index_build_s']:.0f} s, {r['index_works_built']:,}"
            ),
        ),
    ]
    for kind in ("search", "work", "work_explicit_graphs"):
        if kind in results[0]:
            rows.append(
                (
                    f"{kind} p50 / p95 / max",
                    lambda r, k=kind: f"{r[k]['p50']:.1f} / {r[k]['p95']:.1f} / {r[k]['max']:.1f}",
                )
            )
    for label, fmt in rows:
        print(f"{label:28s}" + "".join(f"{fmt(r):>30s}" for r in results))
    for r in results:
        print(f"{Path(r['data']).name} slowest: " + ", ".join(f"{u} {ms:.0f} ms" for u, ms in r["slowest"]))
        if r["failures"]:
            print(f"{Path(r['data']).name}: {len(r['failures'])} requests failed, e.g. {r['failures'][:3]}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
