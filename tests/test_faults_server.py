"""kill -9 of `alliance serve` during a Graph Store PUT: the graph holds the old data or the new, whole,
and the server starts again on the same data directory and takes the PUT.

The server runs as a process on 127.0.0.1; the test PUTs a large graph and kills the server at a
named point (:mod:`graph.faults`: ``store.put`` before the write, ``store.put.done`` after it) and at
random moments while the request is being read and written.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import threading
import time

import pytest
import requests

from tests.conftest import ROOT, TEST_BASE
from tests.faulttools import PAUSED, _env, assert_no_survivors, cli_command, run_cli

GRAPH = TEST_BASE + "graph/pku/bulk"
EX = "http://example.org/"


def body(tag: str, n: int) -> bytes:
    return "".join(f'<{EX}{tag}/{i}> <{EX}p> "{tag} {i} 中文" .\n' for i in range(n)).encode()


class Server:
    """`alliance serve` as a process; ``pause`` names a fault point it stops at (see graph.faults)."""

    def __init__(self, data, pause: str | None = None):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        extra = {"ALLIANCE_FAULT_PAUSE": pause, "ALLIANCE_FAULT_WAIT": "120"} if pause else {}
        self.data = data
        self.proc = subprocess.Popen(
            cli_command(data, "serve", "--port", str(self.port), "--threads", "4"),
            cwd=ROOT,
            env=_env(extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.paused = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=5).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.kill()
        raise AssertionError("the server did not start")

    def _watch(self):
        for line in self.proc.stderr:
            if line.startswith(PAUSED):
                self.paused.set()

    def kill(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert_no_survivors(self.data)


@pytest.fixture
def data(tmp_path):
    data = tmp_path / "data"
    run_cli(data, "member", "add", "PKU", "--name", "Peking University Library")
    out = run_cli(data, "token", "create", "--member", "PKU")
    token = re.search(r"\b(ag_\S+)", out.stdout + out.stderr).group(1)
    return data, {"Authorization": f"Bearer {token}", "Content-Type": "application/n-triples"}


def graph_state(data) -> tuple[int, set]:
    """(triples, tags) of the graph as a reader opening the data directory finds it."""
    from graph.catalogue import Catalogue
    from pyoxigraph import NamedNode

    cat = Catalogue.open(data, TEST_BASE, read_only=True)
    try:
        active = NamedNode(GRAPH) in cat.store.active_graphs()
        quads = list(cat.store.quads_in(NamedNode(GRAPH))) if active else []
        return len(quads), {q.subject.value.split("/")[-2] for q in quads}
    finally:
        cat.close()


def put(server, headers, payload, timeout=120):
    return requests.put(
        server.url + "/graph-store", params={"graph": GRAPH}, data=payload, headers=headers, timeout=timeout
    )


@pytest.mark.parametrize("point,expected", [("store.put", "old"), ("store.put.done", "new")])
def test_kill_at_a_point_of_a_put(data, point, expected):
    data, headers = data
    server = Server(data)
    try:
        assert put(server, headers, body("old", 2000)).status_code == 201
    finally:
        server.kill()
    server = Server(data, pause=point)
    try:
        threading.Thread(target=lambda: _quietly(put, server, headers, body("new", 20000)), daemon=True).start()
        assert server.paused.wait(120), f"the server never reached {point}"
    finally:
        server.kill()
    n, tags = graph_state(data)
    assert (n, tags) == ((2000, {"old"}) if expected == "old" else (20000, {"new"}))
    server = Server(data)  # starts again on the same data, and takes the PUT
    try:
        assert put(server, headers, body("third", 3000)).status_code == 204
    finally:
        server.kill()
    assert graph_state(data) == (3000, {"third"})


def _quietly(fn, *args):
    try:
        fn(*args)
    except requests.RequestException:
        pass


@pytest.mark.slow
def test_kill_at_random_moments_of_puts(data):
    data, headers = data
    rng = random.Random(6)
    server = Server(data)
    try:
        assert put(server, headers, body("v0", 1000)).status_code == 201
    finally:
        server.kill()
    current = (1000, "v0")
    for attempt in range(1, 4):
        server = Server(data)
        try:
            payload = body(f"v{attempt}", 30000)
            threading.Thread(target=_quietly, args=(put, server, headers, payload), daemon=True).start()
            time.sleep(rng.uniform(0.05, 3.0))
        finally:
            server.kill()
        n, tags = graph_state(data)
        assert len(tags) == 1, f"kill {attempt}: a mix of {tags}"
        now = (n, next(iter(tags)))
        assert now in (current, (30000, f"v{attempt}")), f"kill {attempt}: {now}, before it {current}"
        current = now
