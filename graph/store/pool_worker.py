"""A query pool worker process: ``python -m graph.store.pool_worker FD`` (started by :mod:`graph.store.pool`).

It opens the checkpoint a request names read-only (reopening when the serial moves on), answers the
query serialised, and is killed by the pool when it runs past the deadline. Ctrl+C in the terminal
reaches the whole process group: the worker ignores it and ends when its pool closes the pipe
(no ``KeyboardInterrupt`` traceback from a worker under ``alliance serve``).
"""

from __future__ import annotations

import signal
import sys
from multiprocessing.connection import Connection

from pyoxigraph import DefaultGraph, NamedNode

from graph.identity.uris import Minter
from graph.store.answers import QueryTooLarge, serialise
from graph.store.embedded import EmbeddedStore
from graph.store.pool_wire import receive, send


def main(conn: Connection) -> None:
    store: EmbeddedStore | None = None
    generation = -1
    while True:
        try:
            (
                snapshot,
                serial,
                base,
                query,
                default_graph,
                named_graphs,
                results_format,
                graph_format,
                max_bytes,
                base_iri,
            ) = receive(conn)
        except EOFError:
            return
        try:
            if serial != generation:
                if store is not None:
                    store.close()
                store = EmbeddedStore(snapshot, Minter(base), read_only=True)
                generation = serial
            assert store is not None  # serials start at 0, so the first request opens one
            dataset = {}
            if default_graph is not None:
                dataset["default_graph"] = [_graph(g) for g in default_graph]
            if named_graphs is not None:
                dataset["named_graphs"] = [NamedNode(g) for g in named_graphs]
            results = store.query(query, base_iri=base_iri, **dataset)
            answer = serialise(results, results_format, graph_format, max_bytes)
            send(conn, ("ok", generation, (answer.kind, answer.format, answer.media_type, answer.body)))
        except SyntaxError as err:
            send(conn, ("syntax", generation, str(err)))
        except QueryTooLarge as err:
            send(conn, ("too_large", generation, str(err)))
        except Exception as err:  # noqa: BLE001 - evaluation errors: type errors, store errors
            send(conn, ("failed", generation, f"{type(err).__name__}: {err}"))


def _graph(value: str):
    return DefaultGraph() if value == "" else NamedNode(value)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    main(Connection(int(sys.argv[1])))
