"""``alliance serve``: a pre-fork server (granian) with one writer process, on every core.

One Python process serves one core (the GIL). So ``alliance serve`` runs granian's process
manager (:class:`Arbiter`) with ``--workers`` web worker processes (default: one per core),
forked from it. granian parses HTTP and keeps connections in Rust (an event loop per worker) and
calls the Flask app (WSGI) on ``--threads`` Python threads per worker. Beside them runs one
*writer* process (:mod:`web.writer`), started first and stopped last:

- pyoxigraph lets one process open a store for writing, and the search index has one writer
  too. The writer process holds both; the web workers read *published checkpoints* of the
  store (:mod:`graph.store.snapshots`) and the search index as the writer last committed it,
  and pass every write (SPARQL Update, the Graph Store Protocol) to the writer over a Unix
  socket in the data directory (:mod:`web.forward`), where tokens are checked and writes
  serialised as in a single-process server. After a write the writer publishes a checkpoint
  before it answers, and each worker looks for a new one at the start of every request.
- Reads never leave the worker: pages and ``/sparql`` queries run on its own read-only copy of
  the store. A client query runs under the time limit, on a thread the request waits for with
  the deadline; one that runs past it is answered with the timeout, and the worker is retired:
  the arbiter starts a fresh worker, then stops this one as in a graceful restart (it finishes
  its other requests and exits, at most :data:`RETIRE_S` later), query and all.
- ``SIGHUP`` to the arbiter is a graceful restart: it restarts the writer (writes wait for it,
  see :data:`web.forward.CONNECT_WAIT_S`) and replaces the workers one at a time, each new one
  before the old one stops, finishing requests in flight. ``SIGTERM``/Ctrl+C stop everything.
  A worker that dies is started again.
- With ``--store sparql+http://…`` the graph is in a SPARQL server, which every node (machine)
  reads and writes; each node runs this same arrangement, its writer keeping the node's search
  index following the server (:func:`web.writer.follow`).

Why granian: it was gunicorn (gthread) until the ``/sparql`` lookups were measured against
Oxigraph server (docs/benchmarks.md): gunicorn's own Python HTTP handling cost 0.44 ms a
request with no query at all (``OPTIONS /sparql``), against 0.07 ms for the query in pyoxigraph.

Waitress still serves where a pre-fork server has no place: the writer's Unix socket (one
process, a few threads), the tests' in-process servers, and ``alliance serve`` on platforms
without ``fork`` (Windows), where it runs the single-process server of earlier versions.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from granian.constants import HTTPModes, Interfaces
from granian.log import LogLevels
from granian.server import MPServer

from graph.catalogue import Catalogue, configured_base
from graph.identity.uris import Minter
from graph.store.base import Store
from graph.store.remote import RemoteStore
from graph.store.snapshots import SnapshotStore
from web import create_app
from web.writer import SOCKET_NAME

READY_WAIT_S = 3600.0  # the writer may first bring a large search index up to date
log = logging.getLogger("alliance.serve")


class ServeError(Exception):
    pass


@dataclass
class Options:
    data: str
    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 0  # 0: one per core
    threads: int = 4
    store: str | None = None  # sparql+http://… or None for the embedded store
    base: str | None = None
    config: dict = field(default_factory=dict)  # app config for the workers (tests)

    @property
    def worker_count(self) -> int:
        return self.workers or cores()


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def supported() -> bool:
    """Whether this platform can run the pre-fork server (the workers are forked)."""
    return hasattr(os, "fork")


class Writer:
    """The writer process (:mod:`web.writer`), started and stopped by the arbiter, and started
    again if it dies meanwhile (writes wait for it: :data:`web.forward.CONNECT_WAIT_S`)."""

    def __init__(self, options: Options):
        self.options = options
        self.socket = str(Path(options.data).resolve() / SOCKET_NAME)
        self.process: subprocess.Popen | None = None
        self._lock = threading.RLock()
        self._stopping = False
        self._ready = False

    def start(self) -> None:
        with self._lock:
            self._stopping = False
            self._start()

    def _start(self) -> None:
        command = [sys.executable, "-m", "web.writer", "--data", self.options.data, "--socket", self.socket]
        if self.options.store:
            command += ["--store", self.options.store]
        if self.options.base:
            command += ["--base", self.options.base]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        if os.path.exists(self.socket):
            os.unlink(self.socket)  # left by a writer that was killed
        self.process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        said: list[str] = []
        threading.Thread(target=self._watch, args=(self.process, said), daemon=True, name="writer-log").start()
        self._ready = False
        deadline = time.monotonic() + READY_WAIT_S
        while not self._answers():
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the relay read the last words
                errors = [line for line in said if line.startswith("error:")]
                raise ServeError((errors or said or ["the writer process stopped"])[-1].removeprefix("error: ").strip())
            if time.monotonic() > deadline:
                self.stop()
                raise ServeError("the writer process did not start in time")
            time.sleep(0.05)
        self._ready = True

    def _answers(self) -> bool:
        if not os.path.exists(self.socket):
            return False
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            try:
                s.connect(self.socket)
                return True
            except OSError:
                return False

    def _watch(self, process: subprocess.Popen, said: list[str]) -> None:
        """The writer's log goes where ours goes (its error lines are kept for :meth:`start`); when it
        ends without being stopped, the writer is started again."""
        assert process.stderr is not None  # started with stderr=PIPE
        for line in process.stderr:
            said.append(line)
            if not line.startswith("error:"):
                sys.stderr.write(line)
        process.wait()
        with self._lock:
            if self._stopping or process is not self.process or not self._ready:
                return  # stopped, replaced, or failed to start (start() said why)
            log.error("the writer process ended (status %s); starting it again", process.returncode)
            try:
                self._start()
            except ServeError as err:
                log.error("the writer process could not start again: %s; writes are unavailable", err)

    def stopping(self) -> None:
        """The server is stopping: a writer that ends now is not started again (no lock: called from a
        signal handler, which may interrupt a thread holding it)."""
        self._stopping = True

    def stop(self, timeout: float = 60.0) -> None:
        with self._lock:
            self._stopping = True
            if self.process is None or self.process.poll() is not None:
                return
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def restart(self) -> None:
        with self._lock:
            self.stop()
            self.start()


# in the workers ------------------------------------------------------------------------------
RETIRE_S = 10.0  # a retiring worker's other requests finish within this, then it exits, query and all
GRACEFUL_S = 30  # on SIGHUP and SIGTERM a worker's requests in flight finish within this, then it is killed
_retire_pipe: int | None = None  # write end of the arbiter's retire pipe, inherited by the forked workers


def _retire_worker() -> None:
    """A query ran away in this worker: ask the arbiter to replace it (:class:`Arbiter`).

    The request that ran it has its 503 already (it waited with the deadline). The runaway query
    cannot be stopped inside the process, so the arbiter starts a fresh worker, then stops this one
    as in a graceful restart: it takes no more connections and finishes its other requests; after
    :data:`RETIRE_S` it ends at once (``os._exit``: Python's exit would wait on the query).
    """
    if _retire_pipe is None:
        return  # not under alliance serve (the bench's in-process store)
    log.warning("a query ran past the time limit: worker %s retires", os.getpid())
    try:
        os.write(_retire_pipe, struct.pack("=i", os.getpid()))  # < PIPE_BUF: one atomic write
    except OSError:
        pass
    timer = threading.Timer(RETIRE_S, os._exit, args=(0,))
    timer.daemon = True
    timer.start()


def worker_app(options: Options, socket_path: str):
    """The Flask app of one web worker: read-only store, writes forwarded to the writer.

    A client query runs on a thread of its own while the request waits with the deadline
    (:class:`SnapshotStore`), so a runaway query's client gets its 503 from its own request."""
    minter = Minter(configured_base(options.data, options.base))
    store: Store
    if options.store:
        store = RemoteStore(options.store, minter, read_only=True)
    else:
        store = SnapshotStore(Path(options.data) / "store", minter, on_runaway=_retire_worker, threads=options.threads)
    catalogue = Catalogue(Path(options.data), store, minter)
    config = {
        "ALLIANCE_DATA": options.data,
        "ALLIANCE_CATALOGUE": catalogue,
        "ALLIANCE_SPARQL_WORKERS": 0,
        "ALLIANCE_SEARCH_SYNC": False,
        "ALLIANCE_WRITER": socket_path,
        **options.config,
    }
    return create_app(config)


# the arbiter ---------------------------------------------------------------------------------
class Arbiter(MPServer):
    """granian's process manager (it forks the workers, respawns one that dies, SIGHUP replaces them
    all one by one, SIGTERM stops them), which also replaces a worker that asks to retire.

    A retiring worker writes its pid to a pipe (:func:`_retire_worker`); a thread here reads it and
    wakes granian's main loop through the flag of its memory watcher (unused: no ``workers_max_rss``),
    whose handler then replaces that worker the way a reload does: the new one first, then the old
    one stopped gracefully (it ends itself after :data:`RETIRE_S`). A worker that exits on its own
    counts as failed and is respawned, and granian stops the server when one fails again within
    seconds of its respawn: a retirement must not count as a failure.
    """

    def __init__(self, *args, writer: Writer | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.writer = writer
        self._retiring: set[int] = set()
        self._retire_lock = threading.Lock()

    def signal_handler_interrupt(self, signum=None, frame=None, *args, **kwargs):
        """SIGTERM: a graceful stop. Ctrl+C (SIGINT) reaches every process of the terminal's group, the
        writer and the workers too: a quick stop, as gunicorn's, and the writer is not started again."""
        if self.writer is not None:
            self.writer.stopping()
        if signum == signal.SIGINT:
            self.workers_kill_timeout = 1
        super().signal_handler_interrupt(signum, frame, *args, **kwargs)

    def listen_for_retirements(self) -> None:
        global _retire_pipe
        read, _retire_pipe = os.pipe()
        threading.Thread(target=self._retirements, args=(read,), daemon=True, name="retirements").start()

    def _retirements(self, read: int) -> None:
        while chunk := os.read(read, 4):
            (pid,) = struct.unpack("=i", chunk)
            with self._retire_lock:
                self._retiring.add(pid)
            self.rss_signal = True
            self.main_loop_interrupt.set()

    def _handle_rss_signal(self, spawn_target, target_loader):
        with self._retire_lock:
            pids, self._retiring = self._retiring, set()
        indices = [w.idx for w in self.wrks if w._id() in pids and w.is_alive()]
        if indices:
            self._respawn_workers(indices, spawn_target, target_loader)

    def _watch_workers_rss(self):
        if self.workers_rss is not None:
            super()._watch_workers_rss()


LOGGING = {  # granian's log (workers spawned and stopped, reloads) on stderr, where the writer's goes
    "formatters": {
        "generic": {"()": "logging.Formatter", "fmt": "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"}
    },
    "handlers": {
        "console": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        "access": {"formatter": "generic", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
    },
}


def _arbiter(options: Options, writer: Writer) -> Arbiter:
    server = Arbiter(
        "web.prefork:worker_app",
        writer=writer,  # named for granian's logs; the app comes from the loader below
        address=options.host,
        port=options.port,
        interface=Interfaces.WSGI,
        workers=options.worker_count,
        blocking_threads=options.threads,
        http=HTTPModes.http1,
        websockets=False,
        respawn_failed_workers=True,
        respawn_interval=0.5,  # SIGHUP: the next worker is replaced this long after the last
        workers_kill_timeout=GRACEFUL_S,
        log_level=LogLevels.info,
        log_dictconfig=LOGGING,
    )
    server.on_reload(writer.restart)
    server.on_shutdown(writer.stop)
    server.listen_for_retirements()
    return server


def check_port(host: str, port: int) -> None:
    """Fail in one line, before any work, when HOST:PORT cannot be listened on (another server has it;
    the server itself would only log it)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no obstacle
            probe.bind(address)
    except OSError as err:
        raise ServeError(port_message(host, port, err)) from err


def port_message(host: str, port: int, err: OSError) -> str:
    import errno

    if err.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use (another server?); choose another with --port"
    if err.errno == errno.EACCES:
        return f"no permission to listen on port {port} on {host}; choose a port above 1023 with --port"
    return f"cannot listen on {host}:{port}: {err.strerror or err}"


def serve(options: Options) -> None:
    """Run the writer and the pre-fork web workers until stopped (SIGTERM, Ctrl+C)."""
    check_port(options.host, options.port)
    writer = Writer(options)
    writer.start()
    try:
        _arbiter(options, writer).serve(
            target_loader=lambda _target: worker_app(options, writer.socket)  # called in each worker
        )
    finally:
        writer.stop()
