"""What every store offers: queries over the union of active graphs, and atomic batch writes.

A member's data is a set of *batches*, each in a named graph of its own. Queries see
the union of the alliance graph (member descriptions) and every active batch graph.
A batch is written while inactive (invisible), then switched on in one transaction
together with switching off whatever it replaces, so readers see the old catalogue
or the new one and never half of either. A crash mid-write leaves an inactive graph
that the next writer removes.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from pyoxigraph import NamedNode, Quad, RdfFormat

from graph.store.answers import Limits, QueryFailed, QuerySyntaxError, serialise
from graph.store.errors import StoreBusy, StoreError

__all__ = [
    "ABOUT_CHUNK",
    "Batch",
    "RdfFile",
    "SerializedTriples",
    "Store",
    "StoreBusy",
    "StoreError",
    "Triple",
    "parsed_triples",
]


@dataclass
class Batch:
    """One load into the store: its graph, what it came from and what it added."""

    graph: NamedNode
    member: str | None
    sources: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    triples: int = 0
    replaced: list[NamedNode] = field(default_factory=list)
    index_generation: int | None = None  # the cluster index load that minted its ids (graph.identity.clusters)


Triple = tuple  # (subject, predicate, object) of pyoxigraph terms
ABOUT_CHUNK = 100  # (subject, graph) pairs per query of Store.about (Virtuoso caps a result at 10,000 rows)


class SerializedTriples:
    """Triples already serialised as chunks of N-Triples bytes (each chunk whole lines).

    Parallel converters hand these to :meth:`Store.write_batch` in place of triple tuples:
    a store that can bulk-load bytes (the embedded one) takes them without building a
    Python object per term; any other store iterates them as parsed triples.
    """

    def __init__(self, chunks: Iterable[bytes]):
        self.chunks = chunks

    def __iter__(self) -> Iterator[Triple]:
        from pyoxigraph import RdfFormat, parse

        for chunk in self.chunks:
            for t in parse(chunk, format=RdfFormat.N_TRIPLES):
                yield t.subject, t.predicate, t.object


@dataclass(frozen=True)
class RdfFile:
    """An RDF document of triples on disk (a Graph Store upload), loaded without reading it into memory."""

    path: str
    format: RdfFormat  # a triple format
    base_iri: str | None = None


def parsed_triples(files: Iterable[RdfFile]) -> list[Triple]:
    """Every triple of ``files``, parsed completely (a syntax error raises SyntaxError before any write)."""
    from pyoxigraph import parse

    return [
        (t.subject, t.predicate, t.object)
        for f in files
        for t in parse(path=f.path, format=f.format, base_iri=f.base_iri)
    ]


class Store(abc.ABC):
    """The store interface the rest of the product is written against."""

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        default_graph: list[NamedNode] | None = None,
        named_graphs: list[NamedNode] | None = None,
        base_iri: str | None = None,
    ):
        """Run a SPARQL query over the union of active graphs; returns pyoxigraph results.

        Without ``default_graph``/``named_graphs`` the default graph is the union of the
        store's own default graph and the active graphs, and the named graphs are the
        active graphs, unless the query names its dataset with FROM / FROM NAMED.
        """

    def answer(
        self,
        query: str,
        *,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        results_format: str = "json",
        graph_format: str = "turtle",
        limits=None,
        base_iri: str | None = None,
        deadline: float | None = None,
    ):
        """A client's query, answered serialised (:class:`graph.store.answers.Answer`).

        SELECT/ASK come as ``results_format``, CONSTRUCT/DESCRIBE as ``graph_format``
        (short names of :mod:`graph.formats`). The answer is bounded by ``limits``
        (:class:`graph.store.answers.Limits`): past its time the query is stopped and
        :class:`~graph.store.answers.QueryTimeout` raised, past its size
        :class:`~graph.store.answers.QueryTooLarge`; a syntax error raises
        :class:`~graph.store.answers.QuerySyntaxError`. This default evaluates in-process
        and cannot stop a query (stores override it), except one that yields a row at every step
        (:mod:`graph.store.bounded`): given a ``deadline`` (:func:`time.monotonic`), its serialisation
        stops it there.
        """
        limits = limits or Limits()
        try:
            results = self.query(query, default_graph=default_graph, named_graphs=named_graphs, base_iri=base_iri)
            return serialise(results, results_format, graph_format, limits.max_result_bytes, deadline, limits.timeout_s)
        except SyntaxError as err:
            raise QuerySyntaxError(f"query syntax error: {err}") from err
        except (OSError, RuntimeError, ValueError) as err:
            raise QueryFailed(f"query evaluation failed: {err}") from err

    @abc.abstractmethod
    def active_graphs(self) -> list[NamedNode]:
        """The named graphs queries see: the alliance graph and every active batch."""

    @abc.abstractmethod
    def write_batch(
        self,
        member: str | None,
        triples: Iterable[Triple],
        *,
        replace: bool = False,
        fingerprint: str | None = None,
        sources: Iterable[str] = (),
        graph: NamedNode | None = None,
        renames: Callable[[], Iterable] | None = None,
        index_generation: int | None = None,
        derive: Callable | None = None,
    ) -> Batch:
        """Write ``triples`` as a new batch of ``member`` and switch it on atomically.

        ``replace`` switches off every other batch of the member in the same step; a
        batch with the same ``fingerprint`` (the same input loaded again) is always
        replaced. If ``triples`` raises, nothing becomes visible and the error is
        re-raised as :class:`StoreError`.

        ``renames``, called once every triple is written, gives the resource IRIs this
        load retired (:class:`graph.identity.clusters.Rename`: ``old``, ``new``, and the
        members whose data it touches, or None for all); they are rewritten (with their
        fragments) in the new batch and the active ones, in the same transaction as the switch.
        ``index_generation`` (the cluster index load that minted the batch's ids) is recorded with
        the batch, so a load switched on but never committed to the index can be found.
        ``derive`` (:func:`graph.union.derive.derive`), called with the store's readers, the batch
        graph, the graphs staying active, the replaced ones and the renames, gives the union
        descriptions the load changes: added to the batch graph, and the ones they replace deleted
        in the switch's transaction.
        """

    def _union_changes(self, derive: Callable, batch: Batch, renames: list, known=None):
        """``derive`` (see :meth:`write_batch`) for a batch written but not yet switched on; ``known``, the
        batch's statements the store kept on the way in (:class:`graph.union.derive.BatchStatements`)."""
        live = [g for g in self.active_graphs()[1:] if g not in batch.replaced]
        owners = {b.graph: b.member for b in self.batches()}
        owners[batch.graph] = batch.member
        if known is None:
            return derive(self, batch.graph, live, batch.replaced, renames, owners)
        return derive(self, batch.graph, live, batch.replaced, renames, owners, known=known)

    @abc.abstractmethod
    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple], *, sources: Iterable[str] = ()) -> Batch:
        """Replace the contents of one fixed-IRI graph (checked before the old data is touched)."""

    @abc.abstractmethod
    def set_alliance_triples(self, subject: NamedNode, triples: Iterable[Triple]) -> None:
        """Replace what the alliance graph says about ``subject`` with ``triples``."""

    @abc.abstractmethod
    def batches(self, member: str | None = None) -> list[Batch]:
        """The active batches, of one member or all."""

    @abc.abstractmethod
    def quads_in(self, graph: NamedNode) -> Iterator[Quad]:
        """Every quad of one graph."""

    def scan(self, predicate: NamedNode, graph: NamedNode) -> Iterator[Quad]:
        """The quads of one graph (active or not) with ``predicate``."""
        return (q for q in self.quads_in(graph) if q.predicate == predicate)

    @abc.abstractmethod
    def query_every_graph(self, sparql: str):
        """A SELECT over every graph, active or not (``GRAPH ?g`` ranges over all), in-process: for the writer."""

    @abc.abstractmethod
    def about(self, pairs: list[tuple]) -> Iterator[tuple]:
        """Every quad, as a tuple (s, p, o, g), of each (subject, graph) pair (active or not)."""

    # writes over the protocols (SPARQL Update, Graph Store): graphs named by the client ------------
    # ``graph`` is a NamedNode or pyoxigraph.DefaultGraph (the store's own default graph, which is
    # part of the union); a named graph written here becomes an active batch graph (of ``member``).
    @abc.abstractmethod
    def graph_exists(self, graph) -> bool:
        """Whether ``graph`` is there to read: the default graph always, a named graph while active."""

    @abc.abstractmethod
    def graph_triples(self, graph) -> Iterator:
        """The triples of one graph (pyoxigraph Triples)."""

    @abc.abstractmethod
    def put_graph(self, graph, triples: Iterable[Triple], *, member: str | None = None) -> bool:
        """Replace a graph's contents in one transaction; True if the graph is new."""

    @abc.abstractmethod
    def post_graph(self, graph, triples: Iterable[Triple], *, member: str | None = None) -> bool:
        """Add triples to a graph (creating it) in one transaction; True if the graph is new."""

    def put_graph_files(self, graph, files: list[RdfFile], *, member: str | None = None) -> bool:
        """:meth:`put_graph` from RDF files; a syntax error (SyntaxError) leaves the graph as it was.

        This default parses the files into memory; a store that can load files directly
        (the embedded one) overrides it so that an upload never sits in memory whole.
        """
        return self.put_graph(graph, parsed_triples(files), member=member)

    def post_graph_files(self, graph, files: list[RdfFile], *, member: str | None = None) -> bool:
        """:meth:`post_graph` from RDF files (see :meth:`put_graph_files`)."""
        return self.post_graph(graph, parsed_triples(files), member=member)

    @abc.abstractmethod
    def delete_graph(self, graph) -> bool:
        """Remove a graph and switch it off in one transaction; False if it did not exist."""

    @abc.abstractmethod
    def run_update(
        self,
        sparql: str,
        *,
        base_iri: str | None = None,
        writes: Iterable = (),
        drops: Iterable = (),
        members: dict | None = None,
        reconcile: bool = False,
    ) -> None:
        """Run a SPARQL Update and switch on the named graphs it ``writes`` (off those it ``drops``).

        ``writes``/``drops`` are graph IRIs (strings) found by :func:`graph.store.updates.effects`;
        ``members`` maps a graph IRI to the member it is registered to. ``reconcile`` (an update
        that may touch any graph) re-derives the active graphs from what exists afterwards.
        """

    @abc.abstractmethod
    def collect_garbage(self) -> int:
        """Remove graphs of batches that are no longer (or never became) active; returns their count."""

    def close(self) -> None:  # noqa: B027 - a hook: stores with nothing to release keep it
        """Release the store."""
