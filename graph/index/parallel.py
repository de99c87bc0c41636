"""Work documents on every core: store reads in worker processes.

A rebuild, or an update of half the store's works or more (:func:`describe`), takes the
whole-store queries of :mod:`graph.index.scan` (:func:`build_all`): each query runs in a worker
over a checkpoint of its own and sends its rows (one per work, plain strings) back; this process
files them into the documents as they come and analyses them into tantivy documents (pickling a
tantivy document costs as much as making one, so that stays here). Right after a load (a sync:
:func:`describe`, or the first fill of an index) the queries run on threads of this process
instead, which has just written the store: worker checkpoints cost twice the CPU there. A smaller
update describes chunks of works with the per-work builder (:func:`build`), as follows.

Describing a work costs store reads (pyoxigraph decodes each term it returns, 1-5 µs,
holding the GIL) and then Python text analysis (:mod:`graph.index.text`): both are
CPU-bound, so threads do not help and processes do. For the embedded store each worker
reads a *checkpoint* of its own (RocksDB hard links, a consistent snapshot: the same thing
the SPARQL query workers of :mod:`graph.store.pool` read; opened for writing, never
written, because pyoxigraph's read-only mode measured slower here), takes chunks of works,
builds their documents with :func:`graph.index.documents.build` and turns them into
tantivy documents, which come back pickled; the parent only adds them to the index
writer. Results stream back chunk by chunk, so memory stays that of a few chunks.

Workers are started by a fork server (:func:`_context`), never forked from this process: this
process has the store open, and a child forked with RocksDB's thread pool running inherits its
locks in whatever state another thread left them (a worker was seen to hang for good in
``ThreadPoolImpl::Submit`` on opening its checkpoint). The fork server is a fresh interpreter
that has only imported this module, so ``to_document`` and the minter go to the workers pickled
(``to_document`` must be a module-level function) and a process running threads (a web server)
may use workers too.

Any other store (a SPARQL server), one core or a handful of works: the documents are built in
this process (``ALLIANCE_INDEX_WORKERS=1`` asks for that always).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import shutil
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pyoxigraph import NamedNode

from graph.identity.uris import Minter
from graph.index import documents, scan
from graph.store.base import Store
from graph.store.embedded import EmbeddedStore
from graph.store.scratch import clear_orphans, scratch_dir

PR_SET_PDEATHSIG = 1
MIN_WORKS = 2 * documents.CHUNK  # below this, starting processes costs more than it saves
# Re-deriving at least this share of the store's works, the whole-store queries cost less than work by work
# (about 1 ms of CPU a work of the store against 1.4 ms a work described, on the 10k alliance)
SCAN_SHARE = 0.5

_worker: dict = {}
_INHERITED_SIGNALS = tuple(
    getattr(signal, name)
    for name in (
        "SIGTERM",
        "SIGINT",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGCHLD",
        "SIGWINCH",
        "SIGTTIN",
        "SIGTTOU",
    )
    if hasattr(signal, name)
)


def workers_default() -> int:
    """``ALLIANCE_INDEX_WORKERS`` if set (1: build in this process), else one per core."""
    if os.environ.get("ALLIANCE_INDEX_WORKERS", "").strip().isdigit():
        return int(os.environ["ALLIANCE_INDEX_WORKERS"])
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def build(
    store: Store,
    minter: Minter,
    works: Iterable[NamedNode | str],
    to_document: Callable,
    workers: int | None = None,
    min_works: int | None = None,
) -> Iterator:
    """``to_document(doc)`` for the :class:`~graph.index.documents.WorkDocument` of every work in ``works``
    (in no particular order); worker processes are used for ``min_works`` works or more."""
    iris = [w if isinstance(w, str) else w.value for w in works]
    workers = workers_default() if workers is None else workers
    if (
        workers < 2
        or len(iris) < (MIN_WORKS if min_works is None else min_works)
        or not isinstance(store, EmbeddedStore)
    ):
        for doc in documents.build(store, minter, iris):
            yield to_document(doc)
        return
    clear_orphans(Path(store.location).parent)  # checkpoints of builds killed before their ``finally``
    scratch = scratch_dir(Path(store.location).parent, "index")
    try:
        ctx = _context()
        snapshots = [str(scratch / f"store-{n}") for n in range(workers)]
        for path in snapshots:  # one each: a store opened for writing reads faster than a read-only one
            store.checkpoint(path)
        taken = ctx.Value("i", 0)  # which snapshot the next worker opens (a Queue would start a thread)
        chunks = [iris[i : i + documents.CHUNK] for i in range(0, len(iris), documents.CHUNK)]
        # A worker that dies (killed, out of memory) fails the build with BrokenProcessPool, where
        # multiprocessing.Pool would start another in its place and wait for the lost chunk forever.
        with ProcessPoolExecutor(workers, ctx, _start, (snapshots, taken, minter, to_document)) as pool:
            pending: deque = deque()  # at most two chunks a worker ahead: memory stays that of a few chunks
            for chunk in chunks:
                pending.append(pool.submit(_describe, chunk))
                if len(pending) >= 2 * workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def describe(store: Store, minter: Minter, works: list[str], to_document: Callable) -> Iterator:
    """``to_document(doc)`` for the documents of ``works``: from whole-store queries when they are a large
    share of the store's works (:data:`SCAN_SHARE`, e.g. a member's first load; on threads of this
    process, see :func:`build_all`), else work by work."""
    if isinstance(store, EmbeddedStore) and len(works) >= MIN_WORKS:
        total = int(next(iter(store.query(scan.WORK_COUNT)))[0].value)
        if len(works) >= SCAN_SHARE * total:
            yield from build_all(store, minter, to_document, only=works, processes=False)
            return
    yield from build(store, minter, works, to_document)


def build_all(
    store: Store,
    minter: Minter,
    to_document: Callable,
    only: Iterable[str] | None = None,
    workers: int | None = None,
    processes: bool = True,
) -> Iterator:
    """``to_document(doc)`` for every work of the store (of those in ``only``), from whole-store queries
    (:mod:`graph.index.scan`): each query runs in a worker process over a checkpoint of its own while this
    process files the rows of those already answered into the documents. Another store (a SPARQL
    server) gets the per-work builder.

    ``processes=False`` runs the queries on ``workers`` threads of this process instead, over its own
    open store: what a sync right after a load does (:func:`describe`). There the workers' checkpoints
    cost twice the CPU (PKU's first load: 13.4 CPU s for the queries in two workers against 6.1 in the
    loading process, whose store has just written those files), while on a settled store (`alliance
    index rebuild`) the workers gain (10.3 s against 13.8 s in one process, 3.3M quads)."""
    if not isinstance(store, EmbeddedStore):
        for doc in documents.build(store, minter, documents.all_works(store) if only is None else only):
            yield to_document(doc)
        return
    workers = workers_default() if workers is None else workers
    if workers < 2 or not processes:
        for doc in scan.build_all(store, minter, only, threads=workers):
            yield to_document(doc)
        return
    collector = scan.Collector(minter, scan.works(store, minter, only))
    if not collector.docs:
        return
    clear_orphans(Path(store.location).parent)
    scratch = scratch_dir(Path(store.location).parent, "index")
    try:
        ctx = _context()
        snapshots = [str(scratch / f"store-{n}") for n in range(workers)]
        for path in snapshots:
            store.checkpoint(path)
        taken = ctx.Value("i", 0)
        with ProcessPoolExecutor(workers, ctx, _start, (snapshots, taken, minter, to_document)) as pool:
            pending = {pool.submit(_scan, name): name for name in scan.QUERIES}
            for future in as_completed(pending):
                collector.add(pending[future], future.result())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for doc in collector.documents():
        yield to_document(doc)


def _die_with_parent() -> None:
    """Be killed when the parent (the fork server, which exits when the command does) dies (Linux
    ``PR_SET_PDEATHSIG``): a command killed with ``kill -9`` cannot tell its workers, and they would wait
    on the task pipe forever (they hold its other end)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: a stopped parent leaves workers until the pipe breaks
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _context():
    """Worker processes forked by a fork server that has imported this module (a fresh interpreter, no
    store open), where the platform has one; else started afresh (spawn)."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    return ctx


def _start(snapshots: list[str], taken, minter: Minter, to_document: Callable) -> None:  # in the worker
    for sig in _INHERITED_SIGNALS:  # the fork server's handlers are not ours
        signal.signal(sig, signal.SIG_DFL)
    _die_with_parent()
    with taken.get_lock():
        mine = snapshots[taken.value]
        taken.value += 1
    _worker["store"] = EmbeddedStore(mine, minter)  # its own checkpoint, never written
    _worker["minter"], _worker["to_document"] = minter, to_document


def _describe(works: list[str]) -> list:  # in the worker
    to_document = _worker["to_document"]
    return [to_document(doc) for doc in documents.build(_worker["store"], _worker["minter"], works, threads=1)]


def _scan(name: str) -> list:  # in the worker
    return scan.rows(_worker["store"], name)
