"""The union descriptions a load changes, derived before it is switched on.

Every load of member records goes through :func:`derive` between writing its (still
inactive) batch graph and the switch. For each shared Instance and Work the load touches
(its records describe it, or a batch it replaces did, or a cluster merge renamed it) the
union description is made again from every member description that will be active after
the switch (:func:`graph.union.description.merge`) and written into the new batch's graph;
the union description it had, wherever it was, is deleted in the switch's own transaction.
So each shared resource has exactly one union description, in the graph of the batch that
last touched it, and readers see the old one or the new one, never both or neither.

The store hands in its own readers (:meth:`graph.store.base.Store.scan` and ``about``), and
writes and deletes what comes back (``Store.write_batch(derive=…)``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from pyoxigraph import NamedNode, Quad

from graph.union.description import DESCRIPTION_OF, Description, is_member_node, is_union_node, merge
from vocab.namespaces import BF

About = Callable[[list], Iterable[Quad]]                    # subjects -> their quads in every graph


@dataclass
class Derived:
    """What a load does to the union: triples to add to its own graph and quads to remove from it
    (before the switch), quads to delete elsewhere (in the switch)."""

    triples: list[tuple] = field(default_factory=list)
    duplicates: list[Quad] = field(default_factory=list)
    deletions: list[Quad] = field(default_factory=list)
    resources: int = 0


def derive(store, batch: NamedNode, live: list[NamedNode], replaced: list[NamedNode],
           renames: Iterable = (), owners: dict | None = None) -> Derived:
    """The union descriptions of what a load into ``batch`` touches (see the module).

    ``live`` are the batch graphs that stay active through the switch, ``replaced`` the
    ones it switches off; ``renames`` the cluster merges and splits of this load (``old``/``new``,
    in the graphs of ``members``, or all when None), ``owners`` the member of each batch graph.
    ``store`` reads: ``scan(predicate, graph)`` one graph's quads with that predicate,
    ``about(subjects)`` the quads of those subjects in every graph, ``query_every_graph``.
    """
    scan, about = store.scan, store.about
    renames = list(renames)
    moves = _Moves(renames, owners or {})
    touched: set[str] = {r.new.value for r in renames} | {r.old.value for r in renames}
    for g in [batch, *replaced]:
        for q in scan(DESCRIPTION_OF, g):
            touched.add(moves.value(q.subject.value, g))
        for q in scan(BF.adminMetadata, g):
            if q.object.value == q.subject.value + "#admin":
                touched.add(moves.value(q.subject.value, g))
    names = sorted(touched)
    sources = {*live, batch}
    holders = set(live)
    descriptions: dict[str, list[Description]] = {}
    found: dict[tuple, list] = {}          # (node, graph) -> its quads, for member descriptions
    union: dict[tuple, list] = {}          # (resource name, graph) -> its union quads there
    level0 = _about(about, names)
    member_nodes, union_nodes = [], []
    for name in names:
        quads = level0.get(name, [])
        marked = {q.graph_name for q in quads
                  if q.predicate == BF.adminMetadata and q.object.value == name + "#admin" and q.graph_name in holders}
        for q in quads:
            if q.predicate == DESCRIPTION_OF and q.graph_name in sources:
                member_nodes.append((q.object, q.graph_name, moves.value(name, q.graph_name)))
            elif q.graph_name in marked:
                union.setdefault((name, q.graph_name), []).append(q)
                if isinstance(q.object, NamedNode) and is_union_node(q.object.value, name):
                    union_nodes.append((q.object, q.graph_name, name))
    # member descriptions: their nodes, to any depth, in their own graph
    frontier = member_nodes
    roots = {(n.value, g): (n, res) for n, g, res in member_nodes}
    seen: set = set()
    while frontier:
        wanted = [(n, g, root) for n, g, root in frontier if (n.value, g) not in seen]
        seen |= {(n.value, g) for n, g, _ in wanted}
        got = _about(about, sorted({n.value for n, _, _ in wanted}))
        frontier = []
        for n, g, root in wanted:
            key = root if isinstance(root, tuple) else (n.value, g)
            for q in got.get(n.value, []):
                if q.graph_name != g:
                    continue
                found.setdefault(key, []).append(q)
                if isinstance(q.object, NamedNode) and q.object.value.startswith(key[0] + "-"):
                    frontier.append((q.object, g, key))
    for (node_value, g), (node, res) in roots.items():
        triples = [(moves.term(q.subject, g), q.predicate, moves.term(q.object, g))
                   for q in found.get((node_value, g), [])]
        member = node_value.rpartition("#")[2].split(".", 1)[0]
        descriptions.setdefault(res, []).append(Description(member, moves.term(node, g), triples))
    # the union descriptions there are now: their nodes, to any depth
    frontier, seen = union_nodes, set()
    while frontier:
        wanted = [(n, g, name) for n, g, name in frontier if (n.value, g) not in seen]
        seen |= {(n.value, g) for n, g, _ in wanted}
        got = _about(about, sorted({n.value for n, _, _ in wanted}))
        frontier = []
        for n, g, name in wanted:
            for q in got.get(n.value, []):
                if q.graph_name != g:
                    continue
                union.setdefault((name, g), []).append(q)
                if isinstance(q.object, NamedNode) and is_union_node(q.object.value, name):
                    frontier.append((q.object, g, name))
    out = Derived()
    for (name, g), quads in union.items():
        for q in quads:
            out.deletions.append(q)
            after = Quad(moves.term(q.subject, g), q.predicate, moves.term(q.object, g), g)
            if after != q:  # the switch's rewrite moves it first
                out.deletions.append(after)
    for value in sorted(touched):
        triples = merge(NamedNode(value), descriptions.get(value, []))
        if triples:
            out.resources += 1
            out.triples += triples
    _state_once(store, batch, live, replaced, touched, out)
    return out


def _state_once(store, batch: NamedNode, live: list[NamedNode], replaced: list[NamedNode], touched: set[str],
                out: Derived) -> None:
    """What members say of shared authorities (agents, subjects, genres, series and other works, outside
    IRIs) stated once in the union of active graphs.

    A statement the new batch makes that a live graph already holds is taken out of the batch; a
    statement only a replaced batch held, about an authority the alliance still links to, is taken
    into the new batch, so withdrawing one member's records never loses what another member says
    too (its price: a form only the withdrawn record gave stays while others link the authority).
    Members' own resources (copies, collections, libraries, their descriptions) and the union
    descriptions are left alone.
    """
    base = store.minter.base
    own = tuple(base + kind + "/" for kind in ("item", "instance", "collection", "library", "graph"))

    def shared(term) -> bool:
        value = term.value
        return (isinstance(term, NamedNode) and not value.startswith(own) and not is_member_node(value)
                and value.partition("#")[0] not in touched)

    if live:
        graphs = " ".join(str(g) for g in live)
        for r in store.query_every_graph(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {batch} {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {graphs} }} }}"):
            if shared(r["s"]):
                out.duplicates.append(Quad(r["s"], r["p"], r["o"], batch))
    keep = " ".join(str(g) for g in [*live, batch])
    for old in replaced:
        for r in store.query_every_graph(f"""SELECT ?s ?p ?o WHERE {{ GRAPH {old} {{ ?s ?p ?o }}
                FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {keep} }} }}
                FILTER EXISTS {{ GRAPH ?h {{ ?x ?y ?s }} VALUES ?h {{ {keep} }} }} }}"""):
            if shared(r["s"]):
                out.triples.append((r["s"], r["p"], r["o"]))


def _about(about: About, subjects: list[str]) -> dict[str, list[Quad]]:
    got: dict[str, list[Quad]] = {}
    for q in about([NamedNode(s) for s in subjects]):
        got.setdefault(q.subject.value, []).append(q)
    return got


class _Moves:
    """Where the switch's rewrite moves an IRI in a graph: renames apply in all graphs or their members'."""

    def __init__(self, renames: list, owners: dict):
        self.everywhere = {r.old.value: r.new.value for r in renames if r.members is None}
        self.scoped = [r for r in renames if r.members is not None]
        self.owners = owners
        self._in: dict = {}

    def _mapping(self, graph) -> dict[str, str]:
        got = self._in.get(graph)
        if got is None:
            got = dict(self.everywhere)
            owner = self.owners.get(graph) or ""
            got.update({r.old.value: r.new.value for r in self.scoped if owner in r.members})
            self._in[graph] = got
        return got

    def value(self, value: str, graph) -> str:
        mapping = self._mapping(graph)
        if not mapping:
            return value
        base, sep, frag = value.partition("#")
        return mapping[base] + sep + frag if base in mapping else value

    def term(self, term, graph):
        if not self.everywhere and not self.scoped:
            return term
        if isinstance(term, NamedNode):
            value = self.value(term.value, graph)
            return term if value == term.value else NamedNode(value)
        return term
