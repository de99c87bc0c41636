"""`alliance serve` as deployed: granian's process manager, one writer process, two web worker processes, real HTTP.

Writes go through any worker to the one writer and are read back on every worker; tokens are
checked there; a runaway query gets its timeout while other requests are served, and costs
only the worker it ran in; SIGHUP restarts writer and workers without refusing a request;
SIGTERM stops every process.
"""

from __future__ import annotations

import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import TEST_BASE
from tests.faulttools import run_cli
from tests.serving import Served

GRAPH = TEST_BASE + "graph/gwu/extra"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ask(url: str, query: str, **kw) -> requests.Response:
    return requests.get(url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, **kw)


@pytest.fixture
def site(tmp_path, sample_files):
    data = tmp_path / "data"
    run_cli(data, "member", "add", "GWU", "--name", "George Washington University Libraries")
    run_cli(data, "ingest", "--member", "GWU", str(sample_files["PKU"].files[0]))
    out = run_cli(data, "token", "create", "--member", "GWU")
    token = re.search(r"\b(ag_\S+)", out.stdout).group(1)
    server = Served(data, env={"ALLIANCE_SPARQL_TIMEOUT": "3"})
    yield server, {"Authorization": f"Bearer {token}"}
    server.kill()


def test_workers_read_and_the_writer_writes(site):
    server, auth = site
    deadline = time.monotonic() + 30  # the server answers once one worker is up; the other boots beside it
    while len(server.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(server.workers()) == 2
    page = requests.get(server.url + "/search", params={"q": "swans"}, timeout=30)
    assert page.status_code == 200 and "Wild swans" in page.text
    body = '<http://example.org/w> <http://example.org/p> "first" .\n'
    put = requests.put(
        server.url + "/graph-store",
        params={"graph": GRAPH},
        data=body.encode(),
        headers={**auth, "Content-Type": "application/n-triples"},
        timeout=60,
    )
    assert put.status_code == 201, put.text
    # a fresh connection each time: the requests land on both workers, and each reads the write
    for _ in range(8):
        assert ask(server.url, "SELECT ?o WHERE { <http://example.org/w> ?p ?o }", timeout=30).text.split() == [
            "o",
            "first",
        ]
    text = f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <http://example.org/w> <http://example.org/p> "second" }} }}'
    update = requests.post(server.url + "/sparql", data={"update": text}, headers=auth, timeout=60)
    assert update.status_code == 204, update.text
    for _ in range(8):
        assert sorted(ask(server.url, "SELECT ?o WHERE { <http://example.org/w> ?p ?o }", timeout=30).text.split()) == [
            "first",
            "o",
            "second",
        ]
    # the token is checked by the writer: unknown, or another member's graph
    denied = requests.put(
        server.url + "/graph-store",
        params={"graph": GRAPH},
        data=body.encode(),
        headers={"Authorization": "Bearer ag_nope_nope", "Content-Type": "application/n-triples"},
        timeout=60,
    )
    assert denied.status_code == 401
    other = requests.put(
        server.url + "/graph-store",
        params={"graph": TEST_BASE + "graph/pku/x"},
        data=body.encode(),
        headers={**auth, "Content-Type": "application/n-triples"},
        timeout=60,
    )
    assert other.status_code == 403


def test_a_runaway_query_costs_only_its_worker(site):
    server, _ = site
    before = server.workers()
    answers = {}
    runaway = threading.Thread(target=lambda: answers.setdefault("r", ask(server.url, RUNAWAY, timeout=60)))
    started = time.monotonic()
    runaway.start()
    served = 0
    while runaway.is_alive():  # meanwhile the site answers
        assert requests.get(server.url + "/", timeout=30).status_code == 200
        served += 1
    assert served > 0
    assert answers["r"].status_code == 503 and "time limit" in answers["r"].text
    assert time.monotonic() - started < 10
    deadline = time.monotonic() + 60  # the worker it ran in is replaced; the runaway query went with it
    while time.monotonic() < deadline and (len(server.workers()) != 2 or server.workers() == before):
        time.sleep(0.2)
    after = server.workers()
    assert len(after) == 2 and len(after & before) == 1, (before, after)
    assert "Unexpected exit" not in "".join(server.log)  # retired and replaced, not crashed and respawned
    assert ask(server.url, "ASK { ?s ?p ?o }", timeout=30).text.strip().endswith("true")


def test_sighup_restarts_gracefully_and_sigterm_stops_everything(site):
    server, auth = site
    before = server.workers()
    failures = []
    stop = threading.Event()

    def keep_asking():
        while not stop.is_set():
            try:
                if requests.get(server.url + "/", timeout=30).status_code != 200:
                    failures.append("status")
            except requests.RequestException as err:
                failures.append(str(err))

    reader = threading.Thread(target=keep_asking)
    reader.start()
    try:
        server.signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (server.workers() and not server.workers() & before):
            time.sleep(0.2)
        body = '<http://example.org/h> <http://example.org/p> "after hup" .\n'
        put = requests.put(
            server.url + "/graph-store",
            params={"graph": GRAPH},
            data=body.encode(),
            headers={**auth, "Content-Type": "application/n-triples"},
            timeout=60,
        )
    finally:
        stop.set()
        reader.join()
    assert not server.workers() & before and len(server.workers()) == 2
    assert put.status_code == 201, put.text
    assert failures == []
    processes = server.processes()
    assert len(processes) == 5  # arbiter, writer (and its query process, for updates' WHERE), two workers
    assert server.stop() == 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.processes():
        time.sleep(0.2)
    assert server.processes() == set()
    assert not (server.data / "writer.sock").exists()


def test_a_killed_writer_is_started_again(site):
    server, auth = site
    writers = [p for p in server.processes() if b"web.writer" in Path(f"/proc/{p}/cmdline").read_bytes()]
    assert len(writers) == 1
    os.kill(writers[0], signal.SIGKILL)
    deadline = time.monotonic() + 60  # a write sent while it is down gets 502 (it may have been half done)
    while time.monotonic() < deadline and "starting it again" not in "".join(server.log):
        time.sleep(0.1)
    body = '<http://example.org/k> <http://example.org/p> "after kill" .\n'
    put = requests.put(
        server.url + "/graph-store",
        params={"graph": GRAPH},
        data=body.encode(),
        headers={**auth, "Content-Type": "application/n-triples"},
        timeout=120,
    )
    assert put.status_code == 201, put.text  # waits for the new writer to listen
    assert ask(server.url, "SELECT ?o WHERE { <http://example.org/k> ?p ?o }", timeout=30).text.splitlines() == [
        "o",
        "after kill",
    ]
    assert "starting it again" in "".join(server.log)
