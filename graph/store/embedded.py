"""The embedded store: pyoxigraph in a data directory, zero set-up."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timezone
from typing import Iterable, Iterator

import pyoxigraph as ox

from graph.identity.uris import Minter
from graph.store.base import Batch, Store, StoreError, Triple
from vocab.namespaces import ALLIANCE, RDF, XSD

TRUE = ox.Literal("true", datatype=XSD.boolean)


class EmbeddedStore(Store):
    """A :class:`Store` over a pyoxigraph ``Store`` (one writer process at a time)."""

    def __init__(self, location: str, minter: Minter, *, read_only: bool = False):
        self.location = str(location)
        self.minter = minter
        try:
            self._ox = ox.Store.read_only(self.location) if read_only else ox.Store(self.location)
        except OSError as err:
            raise StoreError(f"cannot open the store in {self.location}: {err}") from err
        self._write_lock = threading.Lock()
        self._active: list[ox.NamedNode] | None = None

    # reading -------------------------------------------------------------------
    def active_graphs(self) -> list[ox.NamedNode]:
        active = self._active
        if active is None:
            ag = self.minter.alliance_graph
            graphs = [q.subject for q in self._ox.quads_for_pattern(None, ALLIANCE.active, TRUE, ag)]
            active = self._active = [ag, *sorted(graphs, key=lambda g: g.value)]
        return active

    def query(self, sparql, *, default_graph=None, named_graphs=None):
        active = self.active_graphs()
        return self._ox.query(
            sparql,
            default_graph=default_graph if default_graph is not None else active,
            named_graphs=named_graphs if named_graphs is not None else active,
        )

    def quads_in(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return self._ox.quads_for_pattern(None, None, None, graph)

    def batches(self, member: str | None = None) -> list[Batch]:
        ag = self.minter.alliance_graph
        found = []
        for graph in self.active_graphs()[1:]:
            props: dict[str, list] = {}
            for q in self._ox.quads_for_pattern(graph, None, None, ag):
                props.setdefault(q.predicate.value, []).append(q.object)
            library = props.get(ALLIANCE.batchOf.value, [None])[0]
            code = None
            if library is not None:
                ref = self.minter.parse(library.value)
                code = ref.id.upper() if ref else None
            if member is not None and (code or "").upper() != member.upper():
                continue
            found.append(Batch(
                graph=graph, member=code,
                sources=[s.value for s in props.get(ALLIANCE.sourceFile.value, [])],
                fingerprint=next((f.value for f in props.get(ALLIANCE.fingerprint.value, [])), None),
                triples=int(props.get(ALLIANCE.tripleCount.value, [ox.Literal("0")])[0].value),
            ))
        return found

    def __len__(self) -> int:
        return len(self._ox)

    # writing -------------------------------------------------------------------
    def write_batch(self, member, triples: Iterable[Triple], *, replace=False, fingerprint=None,
                    sources=(), graph=None, renames=None) -> Batch:
        with self._write_lock:
            if graph is None:
                if member is None:
                    raise StoreError("a batch needs a member or a graph")
                graph = self.minter.batch_graph(member, uuid.uuid4().hex[:12])
            batch = Batch(graph=graph, member=member.upper() if member else None,
                          sources=list(sources), fingerprint=fingerprint)
            if graph in self.active_graphs():
                raise StoreError(f"graph <{graph.value}> already holds data; load it with replace")
            counter = _Counter(triples, graph)
            try:
                self._ox.bulk_extend(counter)
            except Exception as err:  # the inactive graph is invisible; drop it now
                self._drop([graph])
                raise StoreError(str(err)) from err
            batch.triples = counter.count
            batch.replaced = [b.graph for b in self.batches(member) if member and (
                replace or (fingerprint and b.fingerprint == fingerprint))]
            try:
                rewrite = self._rewrite(batch, list(renames()) if renames else [])
            except Exception as err:
                self._drop([graph])
                raise StoreError(str(err)) from err
            self._switch(batch, rewrite)
            self._drop(batch.replaced)
            return batch

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[Triple], *, sources=()) -> Batch:
        """Replace one fixed-IRI graph (``alliance load --graph``).

        The data is staged and checked before the old graph is touched, so a bad
        input changes nothing; the swap itself clears and refills the graph.
        """
        staged = list(triples)
        with self._write_lock:
            was_active = graph in self.active_graphs()
            if was_active:
                self._switch_off([graph])
                self._drop([graph])
        return self.write_batch(None, staged, graph=graph, sources=sources)

    def set_alliance_triples(self, subject: ox.NamedNode, triples: Iterable[Triple]) -> None:
        ag = self.minter.alliance_graph
        body = " ".join(f"{s} {p} {o} ." for s, p, o in triples)
        with self._write_lock:
            self._ox.update(
                f"DELETE WHERE {{ GRAPH {ag} {{ {subject} ?p ?o }} }} ;"
                f"INSERT DATA {{ GRAPH {ag} {{ {body} }} }}")

    def collect_garbage(self) -> int:
        with self._write_lock:
            keep = set(self.active_graphs())
            prefix = self.minter.base + "graph/"
            stale = [g for g in self._ox.named_graphs()
                     if isinstance(g, ox.NamedNode) and g.value.startswith(prefix) and g not in keep]
            self._drop(stale)
            return len(stale)

    def close(self) -> None:
        self._ox.flush()
        del self._ox

    # internals -----------------------------------------------------------------
    def _rewrite(self, batch: Batch, renames: list) -> list[str]:
        """DELETE DATA / INSERT DATA operations that move retired IRIs (and fragments) to their survivors."""
        if not renames:
            return []
        graphs = [g for g in self.active_graphs()[1:] if g not in batch.replaced] + [batch.graph]
        owner = {b.graph: b.member for b in self.batches()}
        owner[batch.graph] = batch.member
        everywhere = {r.old.value: r.new.value for r in renames if r.members is None}
        scoped = [r for r in renames if r.members is not None]
        mapping = {}
        for g in graphs:
            own = dict(everywhere)
            own.update({r.old.value: r.new.value for r in scoped if (owner.get(g) or "") in r.members})
            if own:
                mapping[g] = own
        old_quads: dict = {}
        for g, own in mapping.items():
            for old in own:
                frontier = [ox.NamedNode(old)]
                seen = set()
                while frontier:
                    node = frontier.pop()
                    if node in seen:
                        continue
                    seen.add(node)
                    for q in self._ox.quads_for_pattern(node, None, None, g):
                        old_quads[q] = own
                        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(old + "#"):
                            frontier.append(q.object)
                    for q in self._ox.quads_for_pattern(None, None, node, g):
                        old_quads[q] = own
        if not old_quads:
            return []

        def move(term, own):
            if isinstance(term, ox.NamedNode):
                base, sep, frag = term.value.partition("#")
                if base in own:
                    return ox.NamedNode(own[base] + sep + frag)
            return term

        moved = [ox.Quad(move(q.subject, own), q.predicate, move(q.object, own), q.graph_name)
                 for q, own in old_quads.items()]
        def data(quads):
            return " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}" for q in quads)

        return [f"DELETE DATA {{ {data(old_quads)} }}", f"INSERT DATA {{ {data(moved)} }}"]

    def _switch(self, batch: Batch, rewrite: list[str] = ()) -> None:
        """Make ``batch`` active and its replaced batches inactive, in one transaction."""
        ag = self.minter.alliance_graph
        g = batch.graph
        facts = [f"{g} {RDF.type} {ALLIANCE.Batch}", f"{g} {ALLIANCE.active} {TRUE}",
                 f"{g} {ALLIANCE.tripleCount} {ox.Literal(str(batch.triples), datatype=XSD.integer)}",
                 f"{g} {ALLIANCE.loadedAt} "
                 f"{ox.Literal(datetime.now(timezone.utc).isoformat(timespec='seconds'), datatype=XSD.dateTime)}"]
        if batch.member:
            facts.append(f"{g} {ALLIANCE.batchOf} {self.minter.library(batch.member)}")
        if batch.fingerprint:
            facts.append(f"{g} {ALLIANCE.fingerprint} {ox.Literal(batch.fingerprint)}")
        facts += [f"{g} {ALLIANCE.sourceFile} {ox.Literal(s)}" for s in batch.sources]
        ops = [*rewrite]
        ops += [f"DELETE WHERE {{ GRAPH {ag} {{ {old} ?p ?o }} }}" for old in batch.replaced]
        ops.append(f"INSERT DATA {{ GRAPH {ag} {{ {' . '.join(facts)} }} }}")
        self._ox.update(" ;\n".join(ops))
        self._active = None

    def _switch_off(self, graphs: list[ox.NamedNode]) -> None:
        ag = self.minter.alliance_graph
        if graphs:
            self._ox.update(" ;\n".join(f"DELETE WHERE {{ GRAPH {ag} {{ {g} ?p ?o }} }}" for g in graphs))
            self._active = None

    def _drop(self, graphs: list[ox.NamedNode]) -> None:
        for g in graphs:
            self._ox.remove_graph(g)


class _Counter:
    """Turns triples into quads of one graph and counts them on the way."""

    def __init__(self, triples: Iterable[Triple], graph: ox.NamedNode):
        self._triples = triples
        self._graph = graph
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        graph = self._graph
        for s, p, o in self._triples:
            self.count += 1
            yield ox.Quad(s, p, o, graph)
