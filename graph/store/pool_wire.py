"""The query pool's wire: plain tuples through pickle and ``send_bytes`` (:mod:`graph.store.pool`).

One request: (checkpoint path, its serial, base URI, query, default graph IRIs or None, named graph
IRIs or None, results format, graph format, max answer bytes, base IRI). The answer: (status, serial,
payload), payload an Answer's fields for "ok", else the error message. multiprocessing's
``Connection.send`` builds a ForkingPickler for each message, several times the cost of a lookup
query's own Python work.
"""

from __future__ import annotations

import pickle
from multiprocessing.connection import Connection


def send(conn: Connection, message: tuple) -> None:
    conn.send_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))


def receive(conn: Connection) -> tuple:
    return pickle.loads(conn.recv_bytes())
