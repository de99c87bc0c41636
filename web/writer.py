"""The writer process of a pre-fork server: the one process that changes the data directory.

``alliance serve`` (:mod:`web.prefork`) starts it before the web workers: ``python -m
web.writer --data DIR --socket PATH [--store URL]``. It opens the catalogue for writing (the
embedded store's single writer), brings the search index up to date, publishes a checkpoint
for the workers (:mod:`graph.store.snapshots`) and then answers the writes the workers
forward to it (SPARQL Update, the Graph Store Protocol: :mod:`web.forward`) on a Unix
socket in the data directory, with the same app and token checks as a single-process server.
After every request that changed the store it publishes a new checkpoint before answering,
so the client's next request, on any worker, reads its write.

It is served by waitress: one process, a few threads, a Unix socket; writes are rare and
serialised by the store anyway. With ``--store sparql+http://…`` the graph lives in a SPARQL
server and every node writes to it directly; this process then keeps the node's search index
following the server (every :data:`FOLLOW_S` seconds: the batches other nodes switched on or
off) and is the one that writes it.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

import waitress

from graph.catalogue import Catalogue, CatalogueError
from graph.store import StoreError
from graph.store.snapshots import publish
from web import create_app

FOLLOW_S = 2.0
SOCKET_NAME = "writer.sock"

log = logging.getLogger("alliance.writer")


class Publisher:
    """Publishes a checkpoint of an embedded store whenever its write counter moved."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._published = None

    def __call__(self) -> bool:
        with self._lock:
            generation = self.store.generation
            if generation == self._published:
                return False
            publish(self.store)
            self._published = generation
            return True


def follow(catalogue, stop: threading.Event, every: float = FOLLOW_S) -> None:
    """Keep the search index following a shared SPARQL server (batches other nodes switched)."""
    while not stop.wait(every):
        try:
            if not catalogue.search.is_current(catalogue.store):
                n = catalogue.sync_search()
                log.info("search index: %d works re-derived from the shared store", n)
        except Exception:  # noqa: BLE001 - the server may be restarting; try again next round
            log.exception("the search index could not follow the shared store")


def _orphan_watch(parent: int, stop: threading.Event) -> None:
    """Exit when the server that started this process is gone (killed without stopping us)."""
    while not stop.wait(1.0):
        if os.getppid() != parent:
            log.warning("the server process is gone; the writer stops")
            os._exit(0)


def build(data: str, store_url: str | None, base: str | None = None):
    """The writer's app and catalogue, the search index current (unless ``ALLIANCE_SEARCH_SYNC`` is 0) and,
    with the embedded store, a checkpoint published."""
    catalogue = Catalogue.open(data, base, store=store_url)
    wanted = os.environ.get("ALLIANCE_SEARCH_SYNC", "1").lower() not in ("0", "false", "no")
    if wanted and not catalogue.search.is_current(catalogue.store):
        log.warning("bringing the search index up to date with the store")
        catalogue.sync_search()
    app = create_app(
        {
            "ALLIANCE_CATALOGUE": catalogue,
            "ALLIANCE_DATA": data,
            "ALLIANCE_SPARQL_WORKERS": 1,
            "ALLIANCE_SEARCH_SYNC": False,
        }
    )
    if hasattr(catalogue.store, "checkpoint"):
        publisher = Publisher(catalogue.store)
        publisher()

        @app.after_request
        def publish_writes(response):
            publisher()
            return response

    return app, catalogue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m web.writer")
    parser.add_argument("--data", required=True)
    parser.add_argument("--socket", required=True)
    parser.add_argument("--store", default=None)
    parser.add_argument("--base", default=None)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="[writer] %(message)s")
    try:
        app, catalogue = build(args.data, args.store, args.base)
    except (CatalogueError, StoreError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    stop = threading.Event()
    threading.Thread(target=_orphan_watch, args=(os.getppid(), stop), daemon=True, name="orphan-watch").start()
    if args.store:
        threading.Thread(target=follow, args=(catalogue, stop), daemon=True, name="search-follow").start()
    signal.signal(signal.SIGTERM, _stop_serving)
    if os.path.exists(args.socket):
        os.unlink(args.socket)
    server = waitress.create_server(
        app, unix_socket=args.socket, unix_socket_perms="600", threads=args.threads, ident="alliance-graph-writer"
    )
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        catalogue.close()
        if os.path.exists(args.socket):
            os.unlink(args.socket)
    return 0


def _stop_serving(signum, frame):
    raise KeyboardInterrupt  # leaves server.run(); the catalogue is closed on the way out


if __name__ == "__main__":
    sys.exit(main())
