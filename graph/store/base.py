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

from pyoxigraph import NamedNode, Quad


class StoreError(Exception):
    """A store operation failed; the store is as it was before the call."""


@dataclass
class Batch:
    """One load into the store: its graph, what it came from and what it added."""

    graph: NamedNode
    member: str | None
    sources: list[str] = field(default_factory=list)
    fingerprint: str | None = None
    triples: int = 0
    replaced: list[NamedNode] = field(default_factory=list)


Triple = tuple  # (subject, predicate, object) of pyoxigraph terms


class Store(abc.ABC):
    """The store interface the rest of the product is written against."""

    @abc.abstractmethod
    def query(self, sparql: str, *, default_graph: list[NamedNode] | None = None,
              named_graphs: list[NamedNode] | None = None):
        """Run a SPARQL query over the union of active graphs; returns pyoxigraph results."""

    @abc.abstractmethod
    def active_graphs(self) -> list[NamedNode]:
        """The named graphs queries see: the alliance graph and every active batch."""

    @abc.abstractmethod
    def write_batch(self, member: str | None, triples: Iterable[Triple], *,
                    replace: bool = False, fingerprint: str | None = None,
                    sources: Iterable[str] = (), graph: NamedNode | None = None,
                    renames: Callable[[], Iterable] | None = None) -> Batch:
        """Write ``triples`` as a new batch of ``member`` and switch it on atomically.

        ``replace`` switches off every other batch of the member in the same step; a
        batch with the same ``fingerprint`` (the same input loaded again) is always
        replaced. If ``triples`` raises, nothing becomes visible and the error is
        re-raised as :class:`StoreError`.

        ``renames``, called once every triple is written, gives the resource IRIs this
        load retired (:class:`graph.identity.clusters.Rename`: ``old``, ``new``, and the
        members whose data it touches, or None for all); they are rewritten (with their
        fragments) in the new batch and the active ones, in the same transaction as the switch.
        """

    @abc.abstractmethod
    def replace_graph(self, graph: NamedNode, triples: Iterable[Triple], *,
                      sources: Iterable[str] = ()) -> Batch:
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

    @abc.abstractmethod
    def collect_garbage(self) -> int:
        """Remove graphs of batches that are no longer (or never became) active; returns their count."""

    def close(self) -> None:
        """Release the store."""
