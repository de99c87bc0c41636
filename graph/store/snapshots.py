"""Published checkpoints: how many reading processes follow one embedded store's single writer.

pyoxigraph lets one process open a store directory for writing. A pre-fork web server
(:mod:`web.prefork`) therefore has one writer process, and its web workers read
*published checkpoints*: after a write the writer calls :func:`publish`, which makes a
checkpoint of the store (RocksDB hard-links its files: ~10-100 ms, no copy) under
``store.published/NNNNNN`` and then names it in ``store.published/current`` (replaced
atomically). A reader (:class:`SnapshotStore`) looks at that name once per request
(:meth:`SnapshotStore.refresh`, one ``stat``) and opens the new checkpoint read-only when it
moved, so a client that got its write's answer reads it on any worker next.

A checkpoint is never changed once named, so a reader needs no lock; superseded ones are
deleted by a later :func:`publish` once :data:`KEEP_S` seconds have passed (a request still
reading one finishes well within that).

Client queries (:meth:`SnapshotStore.answer`) run in the reading process itself, under the time
limit: on a thread of its own while the request waits for it with the deadline (a hand-over of a
lock, no ``concurrent.futures``: see :class:`_Evaluators`), then answers the timeout and calls
``on_runaway``. A lookup that yields a row at every step (:mod:`graph.store.bounded`: one triple
pattern, ``<edition> ?p ?o``) runs on the request's own thread instead: its serialisation stops it
at the deadline. A query still running at the deadline cannot be stopped inside the process: the web
server retires that worker process (it finishes its other requests and exits, which ends the query)
and starts a fresh one.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from graph.identity.uris import Minter
from graph.store.answers import Limits, QueryTimeout, stopped_message
from graph.store.base import Store, StoreError
from graph.store.bounded import is_lookup

if TYPE_CHECKING:
    from graph.store.embedded import EmbeddedStore

CURRENT = "current"
KEEP_S = 120.0  # a superseded checkpoint stays this long (requests reading it finish first)


def published_dir(location: str | Path) -> Path:
    """Where the checkpoints of the store at ``location`` are published."""
    return Path(str(location).rstrip("/") + ".published")


def publish(store, *, now: float | None = None) -> Path:
    """Checkpoint ``store`` (an open, writable EmbeddedStore) and name it current for readers."""
    folder = published_dir(store.location)
    folder.mkdir(parents=True, exist_ok=True)
    serials = _serials(folder)
    target = folder / f"{(max(serials) + 1 if serials else 1):06d}"
    store.checkpoint(str(target))
    tmp = folder / (CURRENT + ".tmp")
    tmp.write_text(target.name + "\n")
    os.replace(tmp, folder / CURRENT)
    _prune(folder, target.name, time.time() if now is None else now)
    return target


def _serials(folder: Path) -> list[int]:
    return [int(p.name) for p in folder.iterdir() if p.name.isdigit()]


def _prune(folder: Path, current: str, now: float) -> None:
    """Remove checkpoints superseded more than KEEP_S ago (a checkpoint is superseded when the next
    one is made: the next one's mtime)."""
    names = sorted(p.name for p in folder.iterdir() if p.name.isdigit())
    for older, newer in zip(names, names[1:]):
        if older == current:
            continue
        try:
            superseded = (folder / newer).stat().st_mtime
        except FileNotFoundError:
            continue
        if now - superseded > KEEP_S:
            shutil.rmtree(folder / older, ignore_errors=True)


def current_checkpoint(location: str | Path) -> Path | None:
    """The checkpoint readers of the store at ``location`` should open now, or None if none is published."""
    folder = published_dir(location)
    try:
        name = (folder / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return folder / name


class SnapshotStore(Store):
    """A read-only :class:`Store` over the newest published checkpoint of an embedded store.

    Each request calls :meth:`refresh` first; the store it then reads stays fixed for that thread
    until its next refresh, so one page never mixes two checkpoints. ``generation`` is the
    checkpoint's serial (caches keyed on it follow the writer). Writes raise :class:`StoreError`:
    they belong to the writer process.
    """

    def __init__(
        self,
        location: str | Path,
        minter: Minter,
        *,
        on_runaway: Callable[[], None] | None = None,
        threads: int = 8,
    ):
        self.location = str(location)
        self.minter = minter
        self.on_runaway = on_runaway
        self._lock = threading.Lock()
        self._local = threading.local()
        self._seen: tuple | None = None
        self._store: EmbeddedStore | None = None
        self._serial = 0
        self._evaluators = _Evaluators(threads + 2)
        self._pointer = str(published_dir(self.location) / CURRENT)
        if not self._open_current():
            raise StoreError(
                f"no checkpoint of {self.location} is published yet (the writer process publishes one when it starts)"
            )

    # which checkpoint ----------------------------------------------------------------------------
    def _open_current(self) -> bool:
        from graph.store.embedded import EmbeddedStore

        try:
            st = os.stat(self._pointer)
        except FileNotFoundError:
            return False
        seen = (st.st_mtime_ns, st.st_ino, st.st_size)
        if seen == self._seen:
            return True
        with self._lock:
            if seen == self._seen:
                return True
            path = current_checkpoint(self.location)
            if path is None:
                return False
            store = EmbeddedStore(str(path), self.minter, read_only=True)
            self._store, self._serial, self._seen = store, int(path.name), seen
        return True

    def refresh(self) -> None:
        """Follow the writer: open the newest checkpoint if it moved, and use it in this thread."""
        self._open_current()
        self._local.store = (self._store, self._serial)

    def _current(self):
        pinned = getattr(self._local, "store", None)
        return pinned[0] if pinned is not None else self._store

    @property
    def generation(self) -> int:
        pinned = getattr(self._local, "store", None)
        return pinned[1] if pinned is not None else self._serial

    # reading -------------------------------------------------------------------------------------
    def query(self, sparql, *, default_graph=None, named_graphs=None, base_iri=None):
        return self._current().query(sparql, default_graph=default_graph, named_graphs=named_graphs, base_iri=base_iri)

    def answer(
        self,
        query,
        *,
        default_graph=None,
        named_graphs=None,
        results_format="json",
        graph_format="turtle",
        limits=None,
        base_iri=None,
    ):
        limits = limits or Limits()
        how = dict(results_format=results_format, graph_format=graph_format, limits=limits, base_iri=base_iri)
        if default_graph is None and named_graphs is None and is_lookup(query):
            # stopped at its deadline by its own serialisation: answered on this thread, no hand-over
            return Store.answer(self._current(), query, deadline=time.monotonic() + limits.timeout_s, **how)
        try:
            return self._evaluators.run(
                limits.timeout_s,
                Store.answer,
                self._current(),
                query,
                default_graph=default_graph,
                named_graphs=named_graphs,
                **how,
            )
        except TimeoutError:
            if self.on_runaway is not None:
                self.on_runaway()
            raise QueryTimeout(stopped_message(limits.timeout_s)) from None

    def active_graphs(self):
        return self._current().active_graphs()

    def batches(self, member=None):
        return self._current().batches(member)

    def quads_in(self, graph):
        return self._current().quads_in(graph)

    def graph_exists(self, graph) -> bool:
        return self._current().graph_exists(graph)

    def graph_triples(self, graph):
        return self._current().graph_triples(graph)

    def __len__(self) -> int:
        return len(self._current())

    # writing: the writer process's ----------------------------------------------------------------
    def _refuse(self, *args, **kwargs):
        raise StoreError("this process reads published checkpoints; writes go to the writer process")

    write_batch = replace_graph = set_alliance_triples = put_graph = post_graph = delete_graph = _refuse
    run_update = collect_garbage = about = query_every_graph = _refuse  # the union's readers serve writes

    def close(self) -> None:
        self._store = None
        self._local = threading.local()


class _Evaluators:
    """Daemon threads that evaluate client queries while their requests wait with a deadline (a
    process may exit while one still runs; concurrent.futures' pool threads are joined at exit, so a
    runaway query would keep it alive).

    The hand-over is a queue and a lock, both in C: a ``concurrent.futures.Future`` (a Python
    ``Condition`` each way) took a third of a web worker's GIL time on the ``/sparql`` lookups
    (py-spy, bench/sparql_bench.py)."""

    def __init__(self, size: int):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        for i in range(size):
            threading.Thread(target=self._run, daemon=True, name=f"sparql-eval-{i}").start()

    def run(self, timeout: float, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` on one of the threads: its result or its exception, or
        :class:`TimeoutError` when it is still running after ``timeout`` seconds (it goes on)."""
        done = threading.Lock()
        done.acquire()
        job = [fn, args, kwargs, done, None, None]
        self._queue.put(job)
        if not done.acquire(timeout=timeout):
            raise TimeoutError
        if job[5] is not None:
            raise job[5]
        return job[4]

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            fn, args, kwargs, done = job[:4]
            try:
                job[4] = fn(*args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - handed to the waiting request
                job[5] = err
            finally:
                done.release()
