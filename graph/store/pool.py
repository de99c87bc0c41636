"""Client queries in worker processes that are killed at the deadline.

pyoxigraph cannot time out or cancel a query from Python: an aggregate over a cross
join ignores signals until it returns, holding a core for as long as it runs. So the
public endpoint never evaluates client queries in the server process. A
:class:`QueryPool` keeps a few worker processes, each with the store opened read-only
on a *checkpoint* (RocksDB hard-links its files: ~10-100 ms, no copy). A request
takes an idle worker, sends the query and waits until the deadline; a worker still
busy then is killed (SIGKILL) and replaced, and the client gets a timeout error.
Other requests meanwhile run on the other workers.

Every write through the owning :class:`graph.store.embedded.EmbeddedStore` bumps its
``generation``; the next query makes a fresh checkpoint and workers reopen it before
they run, so a client reads its own writes. Checkpoints no worker uses any more are
deleted.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path

from graph.store.answers import Answer, Limits, Overloaded, QueryFailed, QuerySyntaxError, QueryTimeout, QueryTooLarge
from graph.store.pool_wire import receive, send

log = logging.getLogger(__name__)


class _Worker:
    """``python -m graph.store.pool_worker FD``: a plain child process (multiprocessing's spawn would re-run
    the server's __main__), talking over a socket pair."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.store.pool_worker", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            env=env,
            stdin=subprocess.DEVNULL,
        )
        theirs.close()
        self.conn = Connection(ours.detach())
        self.generation = -1

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(5)
        finally:
            self.conn.close()


class QueryPool:
    """``size`` worker processes answering read-only queries on checkpoints of ``store``."""

    def __init__(self, store, snapshots: str | Path, size: int = 2):
        self.store = store
        self.size = max(1, size)
        self.snapshots = Path(snapshots)
        shutil.rmtree(self.snapshots, ignore_errors=True)  # left by a server that died
        self.snapshots.mkdir(parents=True)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._snapshot_generation = -1
        self._snapshot_serial = 0
        self._closed = False
        for _ in range(self.size):
            self._add_worker()

    # checkpoints -----------------------------------------------------------------
    def _path(self, serial: int) -> Path:
        return self.snapshots / f"{serial:06d}"

    def _current_snapshot(self) -> tuple[str, int]:
        with self._lock:
            generation = self.store.generation
            if generation != self._snapshot_generation:
                self._snapshot_serial += 1
                self.store.checkpoint(str(self._path(self._snapshot_serial)))
                self._snapshot_generation = generation
                self._remove_unused()
            return str(self._path(self._snapshot_serial)), self._snapshot_serial

    def _remove_unused(self) -> None:
        in_use = {w.generation for w in self._workers} | {self._snapshot_serial}
        for path in self.snapshots.iterdir():
            if path.name.isdigit() and int(path.name) not in in_use and int(path.name) < self._snapshot_serial:
                shutil.rmtree(path, ignore_errors=True)

    # workers ---------------------------------------------------------------------
    def _add_worker(self) -> None:
        worker = _Worker()
        with self._lock:
            self._workers.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        if not self._closed:
            threading.Thread(target=self._add_worker, daemon=True, name="sparql-worker-spawn").start()

    def answer(
        self,
        query: str,
        *,
        default_graph: list[str] | None,
        named_graphs: list[str] | None,
        results_format: str,
        graph_format: str,
        limits: Limits,
        base: str,
        base_iri: str | None = None,
    ) -> Answer:
        """Run ``query`` in a worker; graphs are IRIs ("" is the store's default graph)."""
        if self._closed:
            raise QueryFailed("the query service is shut down")
        deadline = time.monotonic() + limits.timeout_s
        worker: _Worker | None
        try:
            worker = self._idle.get(timeout=limits.timeout_s)
        except queue.Empty:
            raise Overloaded(f"every query worker stayed busy for {limits.timeout_s:g} s; try again later") from None
        try:
            snapshot, serial = self._current_snapshot()
            send(
                worker.conn,
                (
                    snapshot,
                    serial,
                    base,
                    query,
                    default_graph,
                    named_graphs,
                    results_format,
                    graph_format,
                    limits.max_result_bytes,
                    base_iri,
                ),
            )
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                self._retire(worker)
                worker = None
                raise QueryTimeout(f"the query ran past the time limit of {limits.timeout_s:g} s and was stopped")
            status, generation, payload = receive(worker.conn)
            worker.generation = generation
        except (EOFError, OSError, BrokenPipeError) as err:
            if worker is not None:
                self._retire(worker)
                worker = None
            raise QueryFailed(f"the query worker failed: {err}") from err
        finally:
            if worker is not None:
                self._idle.put(worker)
        if status == "ok":
            return Answer(*payload)
        if status == "syntax":
            raise QuerySyntaxError(f"query syntax error: {payload}")
        if status == "too_large":
            raise QueryTooLarge(payload)
        raise QueryFailed(f"query evaluation failed: {payload}")

    def pids(self) -> list[int]:
        with self._lock:
            return [w.pid for w in self._workers]

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
            self._workers.clear()
        for w in workers:
            w.kill()
        shutil.rmtree(self.snapshots, ignore_errors=True)
