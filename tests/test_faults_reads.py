"""Reads stay correct and available while a member re-loads: every answer counts the old catalogue or
the new one, never a mix, and no request fails. One writer thread ingests; readers query the store
directly and over HTTP (waitress on 127.0.0.1) for as long as it runs."""

from __future__ import annotations

import threading
import time

import requests

from graph.load.ingest import ingest
from graph.alliance.members import Member, add_member
from tests.faulttools import sources  # noqa: F401
from tests.webtools import LiveServer
from web import create_app

COUNTS = """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
SELECT (COUNT(DISTINCT ?i) AS ?instances) (COUNT(DISTINCT ?item) AS ?pku) WHERE {
  { ?i a bf:Instance } UNION { ?item bf:heldBy <%s> }
}"""


def counts(store, library) -> tuple[int, int]:
    row = next(iter(store.query(COUNTS % library)))
    return int(row["instances"].value), int(row["pku"].value)


def test_reads_during_a_reload_see_old_or_new(catalogue, sources):
    cat = catalogue
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
    add_member(cat.store, cat.minter, Member("BL", "British Library"))
    ingest(cat.store, cat.minter, [sources.bl], "BL", clusters=cat.clusters)
    ingest(cat.store, cat.minter, [sources.pku], "PKU", clusters=cat.clusters)
    pku = cat.minter.library("PKU").value
    old = counts(cat.store, pku)

    seen: list[tuple[int, int]] = []
    errors: list[str] = []
    done = threading.Event()
    app = create_app({"ALLIANCE_CATALOGUE": cat, "TESTING": True})

    def direct():
        while not done.is_set():
            seen.append(counts(cat.store, pku))
            time.sleep(0.005)  # leave the writer some of the interpreter

    def http(url):
        with requests.Session() as session:
            while not done.is_set():
                r = session.get(
                    f"{url}/sparql",
                    params={"query": COUNTS % pku},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=30,
                )
                if r.status_code != 200:
                    errors.append(f"{r.status_code}: {r.text[:200]}")
                    continue
                row = r.json()["results"]["bindings"][0]
                seen.append((int(row["instances"]["value"]), int(row["pku"]["value"])))
                time.sleep(0.005)

    with LiveServer(app, threads=2) as server:
        readers = [threading.Thread(target=direct), threading.Thread(target=http, args=(server.url,))]
        for t in readers:
            t.start()
        try:
            for _ in range(2):  # a re-load, then the old catalogue back
                ingest(cat.store, cat.minter, [sources.bulk], "PKU", replace=True, clusters=cat.clusters)
                new = counts(cat.store, pku)
                ingest(cat.store, cat.minter, [sources.pku], "PKU", replace=True, clusters=cat.clusters)
        finally:
            done.set()
            for t in readers:
                t.join(timeout=60)
    assert not errors
    assert counts(cat.store, pku) == old
    assert new != old and new[1] == sources.bulk_items
    mixed = [c for c in seen if c not in (old, new)]
    assert not mixed, f"{len(mixed)} of {len(seen)} reads saw a mix: {mixed[:5]} (old {old}, new {new})"
    assert len(seen) > 20 and old in seen
