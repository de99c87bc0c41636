"""Serialised query answers for the SPARQL protocol, bounded in size, and the errors a query can end in.

:meth:`graph.store.base.Store.answer` runs a client's query and returns an :class:`Answer`
(bytes in a format of :mod:`graph.formats`), never live results: the embedded store
evaluates in worker processes that can be killed at the deadline
(:mod:`graph.store.pool`), the remote store streams the server's answer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import QueryBoolean, QueryTriples, serialize

from graph.formats import BY_NAME, RESULTS_BY_NAME
from graph.store.errors import StoreError
from vocab.namespaces import PREFIXES

if TYPE_CHECKING:
    from graph.formats import RdfSerialisation, ResultsSerialisation

DEFAULT_TIMEOUT_S = 30.0
DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How long a query may run and how large its serialised answer may be."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES


@dataclass
class Answer:
    kind: str  # "solutions", "boolean" or "graph"
    format: str  # short name of the serialisation (graph.formats)
    media_type: str
    body: bytes


class QueryFailed(StoreError):
    """A query did not produce an answer; ``status`` is the HTTP status that says why."""

    status = 500


class QuerySyntaxError(QueryFailed):
    status = 400


class QueryTimeout(QueryFailed):
    status = 503


class QueryTooLarge(QueryFailed):
    status = 413


class QueryRefused(QueryFailed):
    status = 400


class Overloaded(QueryFailed):
    status = 503


class BoundedWriter:
    """A file-like sink for pyoxigraph's serialisers that refuses to grow past ``limit`` bytes, and past
    ``deadline`` (a :func:`time.monotonic` time; ``timeout_s`` names it in the error) when one is given.

    pyoxigraph evaluates while it serialises and writes here 8 KiB at a time, so raising here stops the
    query itself, within one chunk's work for a query that yields a row at every step
    (:mod:`graph.store.bounded`)."""

    def __init__(self, limit: int, deadline: float | None = None, timeout_s: float = 0.0):
        self.limit = limit
        self.deadline = deadline
        self.timeout_s = timeout_s
        self.size = 0
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(stopped_message(self.timeout_s))
        self.size += len(data)
        if self.size > self.limit:
            raise QueryTooLarge(
                f"the answer is larger than the limit of {self.limit:,} bytes; "
                "narrow the query or page through it with LIMIT and OFFSET"
            )
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


def stopped_message(timeout_s: float) -> str:
    return f"the query ran past the time limit of {timeout_s:g} s and was stopped"


def serialise(
    results,
    results_format: str,
    graph_format: str,
    max_bytes: int,
    deadline: float | None = None,
    timeout_s: float = 0.0,
) -> Answer:
    """Serialise pyoxigraph query results: SELECT/ASK as ``results_format``, graphs as ``graph_format``
    (stopped past ``max_bytes``, and past ``deadline``: see :class:`BoundedWriter`)."""
    out = BoundedWriter(max_bytes, deadline, timeout_s)
    if isinstance(results, QueryTriples):
        rep: RdfSerialisation | ResultsSerialisation = BY_NAME[graph_format]
        serialize(results, out, rep.format, prefixes=dict(PREFIXES))  # type: ignore[arg-type]  # any writer will do
        kind = "graph"
    else:
        rep = RESULTS_BY_NAME[results_format]
        results.serialize(out, rep.format)
        kind = "boolean" if isinstance(results, QueryBoolean) else "solutions"
    return Answer(kind, rep.name, rep.media_type, out.getvalue())
