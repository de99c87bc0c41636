"""``alliance serve``: a pre-fork server (gunicorn) with one writer process, on every core.

One Python process serves one core (the GIL). So ``alliance serve`` runs gunicorn's arbiter
with ``--workers`` web worker processes (default: one per core), each with ``--threads``
threads (gthread: keep-alive connections wait in a poller, not in a thread), and beside them
one *writer* process (:mod:`web.writer`), started first and stopped last:

- pyoxigraph lets one process open a store for writing, and the search index has one writer
  too. The writer process holds both; the web workers read *published checkpoints* of the
  store (:mod:`graph.store.snapshots`) and the search index as the writer last committed it,
  and pass every write (SPARQL Update, the Graph Store Protocol) to the writer over a Unix
  socket in the data directory (:mod:`web.forward`), where tokens are checked and writes
  serialised as in a single-process server. After a write the writer publishes a checkpoint
  before it answers, and each worker looks for a new one at the start of every request.
- Reads never leave the worker: pages and ``/sparql`` queries run on its own read-only copy of
  the store. A client query still runs under the time limit (on a thread the request waits for
  with a deadline); one that runs past it is answered with the timeout, and the worker is
  retired: it stops taking requests, finishes those it has and exits, taking the runaway query
  with it, while gunicorn starts a fresh worker.
- ``SIGHUP`` to the arbiter is gunicorn's graceful restart: it restarts the writer (writes wait
  for it, see :data:`web.forward.CONNECT_WAIT_S`) and replaces the workers one generation at a
  time, finishing requests in flight. ``SIGTERM``/Ctrl+C stop everything.
- With ``--store sparql+http://…`` the graph is in a SPARQL server, which every node (machine)
  reads and writes; each node runs this same arrangement, its writer keeping the node's search
  index following the server (:func:`web.writer.follow`).

Waitress still serves where a pre-fork server has no place: the writer's Unix socket (one
process, a few threads), the tests' in-process servers, and ``alliance serve`` on platforms
without ``fork`` (Windows), where it runs the single-process server of earlier versions.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

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
    """Whether this platform can run the pre-fork server (gunicorn needs fork and fcntl)."""
    try:
        import fcntl  # noqa: F401
    except ImportError:
        return False
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
_worker = None  # the gunicorn worker this process is (set after fork)


RETIRE_S = 10.0  # a retiring worker's other requests finish within this, then it exits whatever runs


def _retire_worker() -> None:
    """A query ran away in this worker: stop taking requests, finish the others, exit (gunicorn replaces us).

    The runaway query cannot be stopped inside the process, and Python's exit would wait on it,
    so after :data:`RETIRE_S` the process ends at once (``os._exit``), query and all.
    """
    if _worker is None:
        return
    log.warning("a query ran past the time limit: worker %s retires", os.getpid())
    _worker.handle_exit(None, None)  # as SIGTERM: stop accepting, finish the requests in hand
    timer = threading.Timer(RETIRE_S, os._exit, args=(0,))
    timer.daemon = True
    timer.start()


class _Watch:
    __slots__ = ("deadline", "timeout_s", "sock", "lock", "done", "expired")

    def __init__(self, timeout_s: float, sock):
        self.deadline = time.monotonic() + timeout_s
        self.timeout_s = timeout_s
        self.sock = sock
        self.lock = threading.Lock()
        self.done = False
        self.expired = False


class Watchdog:
    """Keeps the deadline of client queries evaluated on the request threads of this worker.

    A query past its deadline cannot be stopped inside the process. So the watchdog answers its
    client itself, on the request's own socket (``gunicorn.socket``, bound per request by
    :meth:`bind`): a 503 saying so, then the socket is shut; and it retires the worker
    (:func:`_retire_worker`). The request thread, if the query ever returns, finds its watch
    expired and its client gone.
    """

    TICK_S = 0.25

    def __init__(self, retire):
        self.retire = retire
        self._local = threading.local()
        self._watches: set[_Watch] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._run, daemon=True, name="sparql-watchdog").start()

    def bind(self, sock) -> None:
        self._local.sock = sock

    @contextmanager
    def watch(self, timeout_s: float):
        w = _Watch(timeout_s, getattr(self._local, "sock", None))
        with self._lock:
            self._watches.add(w)
        try:
            yield w
        finally:
            with w.lock:
                w.done = True
            with self._lock:
                self._watches.discard(w)

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK_S)
            now = time.monotonic()
            with self._lock:
                late = [w for w in self._watches if now > w.deadline]
            for w in late:
                with w.lock:
                    if w.done or w.expired:
                        continue
                    w.expired = True
                    self._time_out(w)
                self.retire()

    @staticmethod
    def _time_out(w: _Watch) -> None:
        if w.sock is None:
            return  # not under gunicorn: the client's connection ends with the worker
        body = f"the query ran past the time limit of {w.timeout_s:g} s and was stopped\n".encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n"
            "X-Content-Type-Options: nosniff\r\n\r\n"
        ).encode()
        try:
            w.sock.sendall(head + body)
            w.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client is gone


def worker_app(options: Options, socket_path: str):
    """The Flask app of one web worker: read-only store, writes forwarded to the writer."""
    minter = Minter(configured_base(options.data, options.base))
    store: Store
    if options.store:
        store = RemoteStore(options.store, minter, read_only=True)
    else:
        watchdog = Watchdog(_retire_worker)
        store = SnapshotStore(
            Path(options.data) / "store", minter, on_runaway=_retire_worker, threads=options.threads, watchdog=watchdog
        )
    catalogue = Catalogue(Path(options.data), store, minter)
    config = {
        "ALLIANCE_DATA": options.data,
        "ALLIANCE_CATALOGUE": catalogue,
        "ALLIANCE_SPARQL_WORKERS": 0,
        "ALLIANCE_SEARCH_SYNC": False,
        "ALLIANCE_WRITER": socket_path,
        **options.config,
    }
    app = create_app(config)
    if not options.store:
        inner = app.wsgi_app

        def bound(environ, start_response):  # the watchdog answers a runaway query's client on its socket
            watchdog.bind(environ.get("gunicorn.socket"))
            return inner(environ, start_response)

        app.wsgi_app = bound  # type: ignore[method-assign]  # Flask's way to wrap the WSGI app
    return app


def _application(options: Options, writer: Writer):
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            settings = {
                "bind": [f"{options.host}:{options.port}"],
                "workers": options.worker_count,
                "worker_class": "gthread",
                "threads": options.threads,
                "timeout": 60,  # a worker's heartbeat (gthread beats while requests run)
                "graceful_timeout": 30,
                "keepalive": 5,
                "proc_name": "alliance",
                "control_socket_disable": True,  # one per user by default: two servers would share it
                "post_fork": _post_fork,
                "on_reload": lambda arbiter: writer.restart(),
                "on_exit": lambda arbiter: writer.stop(),
            }
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self):
            return worker_app(options, writer.socket)

    return Application()


def _post_fork(arbiter, worker) -> None:
    global _worker
    _worker = worker


def check_port(host: str, port: int) -> None:
    """Fail in one line, before any work, when HOST:PORT cannot be listened on (another server has it;
    gunicorn itself would retry five times, then log)."""
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
    from web.rawurls import install_for_gunicorn

    check_port(options.host, options.port)
    install_for_gunicorn()  # raw UTF-8 in request lines, as browsers would have encoded it
    writer = Writer(options)
    writer.start()
    try:
        _application(options, writer).run()
    finally:
        writer.stop()
