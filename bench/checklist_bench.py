"""A purchase list checked against a generated alliance, beside the same lookups one by one over SPARQL.

    flock /tmp/heavy.lock python bench/checklist_bench.py SOURCE.mrc [--members 5] [--lines 5000] [--work DIR]

Generates an alliance from SOURCE (``alliance generate``: members re-catalogue a popularity-skewed
share of the records, own ISBN forms and title case) and loads it into a catalogue with its cluster
index, unless DIR already holds one. The list: ``--lines`` source records drawn at random (seeded),
as a vendor writes them: half with their ISBN (hyphenated ISBN-13, whatever form the record had),
a quarter with title, author, publisher and year only, a quarter with title and author only,
with a price. Then, same run, same store:

* ``check-list``: :func:`graph.views.checklist.check_lines` (cluster index lookups, holdings in a few grouped
  queries), lines per second;
* baseline: for each line, one SPARQL query finding the edition by its identifier values or its exact
  title, and one for its holders: what a script over ``/sparql`` does; run in-process (the cheapest
  SPARQL there is) and over HTTP against ``alliance serve`` on a local port (``--http-lines`` of them).

With ``--scale-records N`` the alliance is first grown to N member records (1,000,000: the size the issue
names), the way loading N records would grow what the check-list reads, without converting them: a
vendor's copy of each source record under other ISBNs, another title word and another year makes
synthetic editions (``--members`` holders each at most, skewed like the generator's); each holder's
evidence goes through the cluster index's own ``Load.resolve`` as its ingest would, and each holder's
load writes a real batch to the store with what the check-list and the SPARQL baseline read of it: the
edition's description once (type, ``rdfs:label``, main title, ISBN) and the member's Items (``bf:itemOf``,
``bf:heldBy``). Half the list's lines are then
drawn from the synthetic editions (their ISBN or title/author/year), half from the source records.

Prints the table (time, lines/s, lines matched, lines held) and writes it as JSON beside the data.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyoxigraph import Literal, NamedNode, Triple  # noqa: E402

from graph.catalogue import Catalogue  # noqa: E402
from graph.views.checklist.check import check_lines, holders  # noqa: E402
from graph.views.checklist.lines import ListFile, parse_line  # noqa: E402
from graph.identity.normalize import isbn13, isbn13_check  # noqa: E402
from graph.load.ingest import ingest  # noqa: E402
from graph.load.mappers.marc21_identity import evidence  # noqa: E402
from graph.alliance.members import Member, add_member  # noqa: E402
from graph.views.common import select  # noqa: E402
from graph.load.sources import SourceRecord  # noqa: E402
from graph.load.sources.marc import read_marc  # noqa: E402
from graph.sample.real_records import MEMBER_CODES, generate  # noqa: E402
from vocab.namespaces import BF, RDF, RDFS  # noqa: E402

BASE = "http://alliance.test/"


def build(sources: list[str], work: Path, members: int) -> Catalogue:
    data = work / "data"
    if (work / "loaded").exists():
        return Catalogue.open(data, BASE)
    report = generate(sources, work / "alliance", members=members, seed=7)
    cat = Catalogue.open(data, BASE)
    started = time.perf_counter()
    for code in report.members:
        add_member(cat.store, cat.minter, Member(code, code))
        ingest(cat.store, cat.minter, [work / "alliance" / "members" / f"{code}.mrc"], code, clusters=cat.clusters)
    (work / "loaded").write_text(json.dumps({"records": report.records, "seconds": time.perf_counter() - started}))
    return cat


# words a vendor's copy adds to a title (one per copy), so copies are editions of their own
COPY_WORDS = [
    "revised",
    "abridged",
    "annotated",
    "illustrated",
    "expanded",
    "collected",
    "selected",
    "companion",
    "handbook",
    "reader",
    "casebook",
    "sourcebook",
    "anthology",
    "primer",
    "digest",
    "commentary",
    "yearbook",
    "atlas",
    "lectures",
    "essays",
    "studies",
    "letters",
    "papers",
    "documents",
    "readings",
    "notes",
    "sketches",
    "portraits",
    "records",
    "memoirs",
    "chronicle",
    "survey",
    "outline",
    "review",
    "history",
    "guide",
    "manual",
    "catalogue",
    "register",
    "report",
]


def _isbn13(n: int) -> str:
    """A well-formed ISBN-13 in the 979-8 range no source record uses, from a serial number."""
    body = f"9798{n:08d}"
    return body + isbn13_check(body)


def _hyphenated(isbn: str) -> str:
    """An ISBN-13 as vendors print it: 978-0-1234-5678-9."""
    return f"{isbn[:3]}-{isbn[3]}-{isbn[4:8]}-{isbn[8:12]}-{isbn[12]}"


def _holders(rng: random.Random, members: int) -> int:
    """How many members hold a synthetic edition: Pareto-skewed like the generator's, 1..members."""
    return min(members, max(1, int(rng.paretovariate(1.3))))


def synthetic_editions(sources: list[str], wanted: int, members: int, seed: int = 5):
    """Yield (copy number, source evidence, holder codes) until ``wanted`` member records are made."""
    base = [
        evidence(item.record, "SRC", str(i))
        for path in sources
        for i, item in enumerate(read_marc(path))
        if isinstance(item, SourceRecord)
    ]
    rng = random.Random(seed)
    codes = MEMBER_CODES[:members]
    made = copy = 0
    while made < wanted:
        for ev in base:
            if made >= wanted:
                return
            k = min(_holders(rng, members), wanted - made)
            made += k
            yield copy, ev, rng.sample(codes, k)
        copy += 1


def copy_evidence(ev, copy: int, serial: int, member: str, control: str):
    """The evidence of a vendor's copy of ``ev`` as ``member`` catalogues it (its own ISBN form)."""
    from dataclasses import replace

    word = COPY_WORDS[copy % len(COPY_WORDS)] + ("" if copy < len(COPY_WORDS) else f" {copy // len(COPY_WORDS)}")
    year = str(int(ev.date) + 1 + copy % 30) if (ev.date or "").isdigit() else ev.date
    isbn = _isbn13(serial)
    if zlib.crc32(member.encode()) % 2:  # members vary in how they write it
        isbn = _hyphenated(isbn)
    titles = [f"{ev.titles[0]} {word}"] if ev.titles else [word]
    return replace(
        ev,
        member=member,
        control=control,
        isbns=[(isbn, "")],
        lccns=[],
        oclcs=[],
        titles=titles,
        date=year,
        content=f"{ev.content}|{copy}",
    ), titles[0]


def scale_up(cat: Catalogue, sources: list[str], work: Path, wanted: int, members: int) -> dict:
    """Grow the loaded alliance by ``wanted`` synthetic member records (see the module's docstring)."""
    done = work / "scaled"
    if done.exists():
        return json.loads(done.read_text())
    started = time.perf_counter()
    per_member: dict[str, list] = {c: [] for c in MEMBER_CODES[:members]}
    lines: list[dict] = []
    rng = random.Random(3)
    for serial, (copy, ev, codes) in enumerate(synthetic_editions(sources, wanted, members)):
        for code in codes:
            per_member[code].append((copy, serial, ev))
        if rng.random() < 0.02:
            lines.append({"copy": copy, "serial": serial, "control": ev.control})
    records = 0
    described: set = set()
    for code, todo in per_member.items():
        add_member(cat.store, cat.minter, Member(code, code))
        load = cat.clusters.begin(code, files=[f"synthetic-{code}"])
        library = cat.minter.library(code)
        triples = []
        for copy, serial, ev in todo:
            control = f"s{serial}"
            cev, title = copy_evidence(ev, copy, serial, code, control)
            found = load.resolve(cev)
            item = cat.minter.item(f"{code}-{control}")
            if found.instance not in described:  # the edition's description once, as the union has it
                described.add(found.instance)
                title_node = cat.minter.fragment(found.instance, "title")
                isbn_node = cat.minter.fragment(found.instance, "identifiedBy-isbn")
                triples += [
                    Triple(found.instance, RDF.type, BF.Instance),
                    Triple(found.instance, RDFS.label, Literal(title)),
                    Triple(found.instance, BF.title, title_node),
                    Triple(title_node, RDF.type, BF.Title),
                    Triple(title_node, BF.mainTitle, Literal(title)),
                    Triple(found.instance, BF.identifiedBy, isbn_node),
                    Triple(isbn_node, RDF.type, BF.Isbn),
                    Triple(isbn_node, RDF.value, Literal(cev.isbns[0][0])),
                ]
            triples += [
                Triple(item, RDF.type, BF.Item),
                Triple(item, BF.itemOf, found.instance),
                Triple(item, BF.heldBy, library),
            ]
        records += len(todo)
        cat.store.write_batch(
            code, triples, sources=[f"synthetic-{code}"], renames=load.finish, index_generation=load.generation
        )
        load.commit()
        print(f"  {code}: {len(todo):,} synthetic records ({time.perf_counter() - started:.0f} s)", flush=True)
    info = {"records": records, "seconds": round(time.perf_counter() - started, 1), "lines": lines}
    done.write_text(json.dumps(info))
    return info


def synthetic_lines(sources: list[str], picks: list[dict], n: int, seed: int = 13) -> list[dict]:
    """Vendor rows for ``n`` of the synthetic editions (``picks``): ISBN-13 or title/author/year."""
    base = {}
    for path in sources:
        for i, item in enumerate(read_marc(path)):
            if isinstance(item, SourceRecord):
                base[str(i)] = item.record
    rng = random.Random(seed)
    out = []
    for i, pick in enumerate(rng.sample(picks, min(n, len(picks)))):
        ev, title = copy_evidence(
            evidence(base[pick["control"]], "SRC", pick["control"]), pick["copy"], pick["serial"], "VENDOR", str(i)
        )
        row = {
            "title": title + (f" : {ev.subtitles[0]}" if ev.subtitles else ""),
            "author": ev.authors[0] if ev.authors else "",
            "price": f"{rng.randint(20, 400)}.00",
        }
        if i % 2 == 0:
            row["isbn"] = _isbn13(pick["serial"])
        else:
            row["publisher"] = ev.publisher or ""
            row["year"] = ev.date or ""
        out.append({k: v for k, v in row.items() if v})
    return out


def vendor_lines(sources: list[str], n: int, seed: int = 11) -> list[dict]:
    records = [item.record for path in sources for item in read_marc(path) if isinstance(item, SourceRecord)]
    rng = random.Random(seed)
    out = []
    for i, record in enumerate(rng.sample(records, min(n, len(records)))):
        ev = evidence(record, "VENDOR", str(i))
        title = ev.titles[0] if ev.titles else ""
        row = {
            "title": title + (f" : {ev.subtitles[0]}" if ev.subtitles else ""),
            "author": ev.authors[0] if ev.authors else "",
            "price": f"{rng.randint(20, 400)}.00",
        }
        kind = i % 4
        if kind in (0, 1) and ev.isbns:
            raw = ev.isbns[0][0]
            norm = isbn13(raw)
            row["isbn"] = _hyphenated(norm) if norm and kind == 0 else raw
        if kind in (1, 2):
            row["publisher"] = ev.publisher or ""
            row["year"] = ev.date or ""
        out.append({k: v for k, v in row.items() if v})
    return out


def baseline(store, lines) -> tuple[float, int, int]:
    """One SPARQL query per line for the edition, one for its holders (``store``: anything with ``query``)."""
    started = time.perf_counter()
    matched = held = 0
    for line in lines:
        if line.isbns:
            forms = set()
            for raw, _ in line.isbns:
                forms |= {raw, isbn13(raw) or raw, line.values.get("isbn", "")}
            values = " ".join(str(Literal(f)) for f in forms if f)
            query = f"SELECT DISTINCT ?i WHERE {{ VALUES ?v {{ {values} }} ?id rdf:value ?v . ?i bf:identifiedBy ?id }}"
        else:
            query = (
                f"SELECT DISTINCT ?i WHERE {{ ?t bf:mainTitle {Literal(line.title)} . ?i bf:title ?t ; a bf:Instance }}"
            )
        found = [r["i"] for r in select(store, query)]
        if found:
            matched += 1
            rows = select(
                store,
                f"""SELECT ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{
                VALUES ?i {{ {" ".join(str(i) for i in found)} }} ?item bf:itemOf ?i ; bf:heldBy ?lib }} GROUP BY ?lib""",
            )
            held += bool(rows)
    return time.perf_counter() - started, matched, held


class HttpSparql:
    """``/sparql`` of a running ``alliance serve``, as a client script would call it (JSON results)."""

    def __init__(self, url: str):
        self.url = url

    def query(self, text: str):
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(self.url, body, {"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.load(response)
        out = []
        for b in answer["results"]["bindings"]:
            out.append(
                {k: (NamedNode(v["value"]) if v["type"] == "uri" else Literal(v["value"])) for k, v in b.items()}
            )
        return out


def serve(data: Path):
    """``alliance serve`` on a free local port; (process, /sparql URL)."""
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--data", str(data), "serve", "--port", str(port)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/sparql"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+")
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--work", default="/tmp/checklist-bench")
    parser.add_argument("--http-lines", type=int, default=1000, help="Lines sent one by one over HTTP.")
    parser.add_argument(
        "--scale-records", type=int, default=0, help="Grow the alliance to this many member records first (see above)."
    )
    parser.add_argument("--scale-members", type=int, default=10, help="Members holding the synthetic editions.")
    args = parser.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    cat = build(args.sources, work, args.members)
    loaded = json.loads((work / "loaded").read_text())
    if args.scale_records > loaded["records"]:
        grown = scale_up(cat, args.sources, work, args.scale_records - loaded["records"], args.scale_members)
        loaded["records"] += grown["records"]
        rows = vendor_lines(args.sources, args.lines - args.lines // 2) + synthetic_lines(
            args.sources, grown["lines"], args.lines // 2
        )
    else:
        rows = vendor_lines(args.sources, args.lines)
    parsed = [parse_line(i + 2, r) for i, r in enumerate(rows)]
    listed = ListFile(
        "bench",
        ["isbn", "title", "author", "publisher", "year", "price"],
        [p for p in parsed if not hasattr(p, "reason")],
        [p for p in parsed if hasattr(p, "reason")],
        [],
    )
    instances = select(cat.store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a bf:Instance }")[0]["n"].value
    holders(cat.store, [])  # members read once, as a page would have
    started = time.perf_counter()
    report = check_lines(listed, cat.store, cat.clusters)
    ours = time.perf_counter() - started
    s = report.summary()
    matched = sum(1 for c in report.lines if c.found.instances)
    base_seconds, base_matched, base_held = baseline(cat.store, listed.lines)
    n = len(listed.lines)
    cat.close()
    proc, url = serve(work / "data")
    try:
        sample = listed.lines[: args.http_lines]
        http_seconds, http_matched, http_held = baseline(HttpSparql(url), sample)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    table = {
        "alliance": {
            "member_records": loaded["records"],
            "instances": int(instances),
            "load_seconds": round(loaded["seconds"], 1),
        },
        "lines": n,
        "bad": len(listed.bad),
        "check_list": {
            "seconds": round(ours, 2),
            "lines_per_s": round(n / ours),
            "matched": matched,
            "held": s["held"],
            "other_edition": s["other_edition"],
        },
        "sparql_one_by_one": {
            "seconds": round(base_seconds, 2),
            "lines_per_s": round(n / base_seconds),
            "matched": base_matched,
            "held": base_held,
        },
        "sparql_http_one_by_one": {
            "lines": len(sample),
            "seconds": round(http_seconds, 2),
            "lines_per_s": round(len(sample) / http_seconds),
            "seconds_for_all_lines": round(http_seconds * n / len(sample), 1),
            "matched": http_matched,
            "held": http_held,
        },
    }
    print(f"{'':24}{'seconds':>10}{'lines/s':>10}{'matched':>10}{'held':>8}")
    for name in ("check_list", "sparql_one_by_one", "sparql_http_one_by_one"):
        r = table[name]
        print(f"{name:24}{r['seconds']:>10}{r['lines_per_s']:>10}{r['matched']:>10}{r['held']:>8}")
    print(
        f"(over HTTP: the first {len(sample)} lines; all {n} would take ~{table['sparql_http_one_by_one']['seconds_for_all_lines']} s)"
    )
    print(f"{n} lines ({len(listed.bad)} bad) against {loaded['records']} member records, {instances} editions")
    (work / "result.json").write_text(json.dumps(table, indent=1))


if __name__ == "__main__":
    main()
