"""The embedded store: pyoxigraph in a data directory, zero set-up."""

from __future__ import annotations

import functools
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import pyoxigraph as ox

from graph import faults
from graph.identity.uris import Minter
from graph.store import registry, scratch
from graph.store.answers import Limits
from graph.store.base import Batch, SerializedTriples, Store, StoreBusy, StoreError, Triple
from graph.store.kept import BatchStatements
from graph.store.pool import QueryPool
from graph.store.sparqltext import has_dataset_clause
from graph.store.registry import TRUE
from vocab.namespaces import ALLIANCE

DROP_SLICE = 100_000  # quads one transaction deletes when an inactive graph is removed (see EmbeddedStore._drop)


class EmbeddedStore(Store):
    """A :class:`Store` over a pyoxigraph ``Store`` (one writer process at a time)."""

    def __init__(self, location: str, minter: Minter, *, read_only: bool = False):
        self.location = str(location)
        self.minter = minter
        self.read_only = read_only
        try:
            self._ox = ox.Store.read_only(self.location) if read_only else _Counted(ox.Store(self.location), self)
        except OSError as err:
            if "lock file" in str(err).lower():  # RocksDB: "IO error: While lock file: …/LOCK: …"
                raise StoreBusy(f"another process is using the store in {self.location}") from err
            raise StoreError(f"cannot open the store in {self.location}: {err}") from err
        self._write_lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._active: list[ox.NamedNode] | None = None
        self.generation = 0  # bumped by every write (graph.store.pool reopens its checkpoints)
        # The union of all graphs is the union of the active ones when no inactive graph exists and
        # no write is running; queries then let pyoxigraph read its own union, several times faster
        # than naming every active graph. ``_gate`` orders that check against the start of writes.
        self._gate = threading.Lock()
        self._writing = 0
        self._union_checked: int | None = None
        self._union_ok = False
        self._pool: QueryPool | None = None
        self._switches = 0  # bumped with the active-graph cache cleared, before retired graphs are dropped
        self._switching = 0  # a switch is committing (readers naming active graphs wait and ask again)
        if not read_only:  # one writer at a time: any inactive batch graph is a crashed load's
            self.collect_garbage()
            scratch.clear_orphans(self.scratch_parent)  # and so is a dead process's scratch folder

    @property
    def scratch_parent(self) -> Path:
        """Where this store's loads put their scratch folders: the data directory, beside the store."""
        return Path(self.location).parent

    # reading -------------------------------------------------------------------
    def active_graphs(self) -> list[ox.NamedNode]:
        return self._current()[1]

    def _current(self) -> tuple[int, list[ox.NamedNode]]:
        """The switch count and the graphs active after it (cached until the next switch)."""
        with self._cache_lock:
            if self._active is None:
                ag = self.minter.alliance_graph
                graphs = [
                    q.subject
                    for q in self._ox.quads_for_pattern(None, ALLIANCE.active, TRUE, ag)
                    if isinstance(q.subject, ox.NamedNode)
                ]  # batch graphs, named by IRI
                self._active = [ag, *sorted(graphs, key=lambda g: g.value)]
            return self._switches, self._active

    def query(self, sparql, *, default_graph=None, named_graphs=None, base_iri=None):
        if default_graph is None and named_graphs is None:
            if has_dataset_clause(sparql):
                return self._ox.query(sparql, base_iri=base_iri)  # FROM / FROM NAMED say what to read
            if self.read_only:  # nothing writes here: no gate (an aggregate evaluates inside query(),
                if self._union_is_active():  # and under the gate it would hold up every other reader)
                    return self._ox.query(sparql, base_iri=base_iri, use_default_graph_as_union=True)
            else:
                with self._gate:  # the query's snapshot is taken before any write can start
                    if self._union_is_active():
                        return self._ox.query(sparql, base_iri=base_iri, use_default_graph_as_union=True)
        # pyoxigraph evaluates a query on the snapshot taken when it is called. If a switch
        # committed between reading the active graphs and that call, the snapshot holds the new
        # catalogue (and the union descriptions the switch deleted from graphs that stay active)
        # while the list names the old: ask again, so a reader sees the old catalogue or the new.
        # A switch under way counts as one that happened (``_switching``, set before it commits).
        while True:
            switches, active = self._current()
            if self._switching:
                time.sleep(0.002)
                continue
            results = self._ox.query(
                sparql,
                base_iri=base_iri,
                default_graph=default_graph if default_graph is not None else [ox.DefaultGraph(), *active],
                named_graphs=named_graphs if named_graphs is not None else active,
            )
            if switches == self._switches and not self._switching:
                return results

    def _union_is_active(self) -> bool:
        """Whether every graph in the store is active (called under ``_gate``)."""
        if self._writing:
            return False
        if self._union_checked != self.generation:
            generation = self.generation
            with self._cache_lock:
                self._active = None
            active = set(self.active_graphs())
            self._union_ok = all(g in active for g in self._ox.named_graphs())
            self._union_checked = generation
        return self._union_ok

    # the protocol's queries: in worker processes, bounded in time ----------------------
    def start_query_workers(self, workers: int = 2, snapshots: str | None = None) -> None:
        """Answer :meth:`answer` in ``workers`` processes over checkpoints (see graph.store.pool)."""
        if self._pool is None:
            self._pool = QueryPool(self, snapshots or self.location.rstrip("/") + ".snapshots", workers)

    @property
    def query_workers(self):
        return self._pool

    def answer(
        self,
        query,
        *,
        default_graph=None,
        named_graphs=None,
        results_format="json",
        graph_format="turtle",
        limits=None,
        base_iri=None,
    ):
        if self._pool is None:
            return super().answer(
                query,
                default_graph=default_graph,
                named_graphs=named_graphs,
                results_format=results_format,
                graph_format=graph_format,
                limits=limits,
                base_iri=base_iri,
            )

        def iris(graphs):
            return None if graphs is None else ["" if isinstance(g, ox.DefaultGraph) else g.value for g in graphs]

        return self._pool.answer(
            query,
            default_graph=iris(default_graph),
            named_graphs=iris(named_graphs),
            results_format=results_format,
            graph_format=graph_format,
            limits=limits or Limits(),
            base=self.minter.base,
            base_iri=base_iri,
        )

    def checkpoint(self, path: str) -> None:
        """A consistent copy of the store at ``path`` (hard links), to open read-only elsewhere."""
        self._ox.backup(path)

    def quads_in(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return self._ox.quads_for_pattern(None, None, None, graph)

    def scan(self, predicate: ox.NamedNode, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        return self._ox.quads_for_pattern(None, predicate, None, graph)

    def about(self, pairs: list[tuple]) -> Iterator[tuple]:
        pattern = self._ox.quads_for_pattern
        for s, g in pairs:
            for q in pattern(s, None, None, g):
                yield tuple(q)

    def query_every_graph(self, sparql: str):
        return self._ox.query(sparql)

    def batches(self, member: str | None = None) -> list[Batch]:
        ag = self.minter.alliance_graph
        found = []
        for graph in self.active_graphs()[1:]:
            props: dict[str, list] = {}
            for q in self._ox.quads_for_pattern(graph, None, None, ag):
                props.setdefault(q.predicate.value, []).append(q.object)
            batch = registry.batch_from(self.minter, graph, props)
            if registry.of_member(batch, member):
                found.append(batch)
        return found

    def __len__(self) -> int:
        return len(self._ox)

    # writing -------------------------------------------------------------------
    def write_batch(
        self,
        member,
        triples: Iterable[Triple],
        *,
        replace=False,
        fingerprint=None,
        sources=(),
        graph=None,
        renames=None,
        index_generation=None,
        derive=None,
    ) -> Batch:
        with self._write_lock:
            if graph is None:
                if member is None:
                    raise StoreError("a batch needs a member or a graph")
                graph = self.minter.batch_graph(member, uuid.uuid4().hex[:12])
            batch = Batch(
                graph=graph,
                member=member.upper() if member else None,
                sources=list(sources),
                fingerprint=fingerprint,
                index_generation=index_generation,
            )
            if graph in self.active_graphs():
                raise StoreError(f"graph <{graph.value}> already holds data; load it with replace")
            # what the union derivation will ask of this batch, kept on the way in (not read back)
            # (the lines that may be said elsewhere too, if anything else is active)
            known = BatchStatements(self.minter.base, len(self.active_graphs()) > 1) if derive is not None else None
            try:
                if isinstance(triples, SerializedTriples):
                    batch.triples = _bulk_load_stream(
                        self._ox,
                        triples.chunks,
                        graph,
                        self.scratch_parent,
                        keep=known.add_chunk if known is not None else None,
                    )
                else:
                    counter = _Counter(triples, graph, keep=known.add if known is not None else None)
                    self._ox.bulk_extend(counter)
                    batch.triples = counter.count
            except Exception as err:  # the inactive graph is invisible; drop it now
                self._drop([graph])
                raise StoreError(str(err)) from err
            faults.point("store.written")
            batch.replaced = [
                b.graph
                for b in self.batches(member)
                if member and (replace or (fingerprint and b.fingerprint == fingerprint))
            ]
            try:
                renamed = list(renames()) if renames else []
                moving = self._rewrite_quads(batch, renamed)  # read before the union changes the batch
                deletions: list = []
                if derive is not None:
                    derived = self._union_changes(derive, batch, renamed, known)
                    if derived.duplicates:  # the batch is still inactive: one update, not a write per quad
                        self._ox.update(" ;\n".join(registry.delete_quads(derived.duplicates)))
                    counter = _Counter(derived.triples, graph)
                    self._ox.bulk_extend(counter)
                    batch.triples += counter.count - len(derived.duplicates)
                    deletions = derived.deletions
                rewrite, deletions = _settled(moving, deletions)
                rewrite += registry.delete_quads(deletions)
            except Exception as err:
                self._drop([graph])
                raise StoreError(str(err)) from err
            self._switch(batch, rewrite)
            faults.point("store.switched")
            self._drop(batch.replaced)
            return batch

    def replace_graph(self, graph: ox.NamedNode, triples: Iterable[Triple], *, sources=()) -> Batch:
        """Replace one fixed-IRI graph (``alliance load --graph``, the Graph Store's PUT), atomically.

        The new data is written into an inactive staging graph (a crash leaves only that,
        which the next writer collects); then one transaction moves it onto ``graph`` and
        switches it on, so readers and a crash see the old graph or the new, never neither.
        """
        with self._write_lock:
            staging = self.minter.batch_graph("_staging", uuid.uuid4().hex[:12])
            counter = _Counter(triples, staging)
            try:
                self._ox.bulk_extend(counter)
            except Exception as err:
                self._drop([staging])
                raise StoreError(str(err)) from err
            batch = Batch(graph=graph, member=None, sources=list(sources), triples=counter.count)
            faults.point("store.written")
            self._switch(
                batch,
                [
                    registry.unregister(self.minter, graph),
                    f"DROP SILENT GRAPH {graph}",
                    f"ADD SILENT GRAPH {staging} TO {graph}",
                    f"DROP SILENT GRAPH {staging}",
                ],
            )
            return batch

    def set_alliance_triples(self, subject: ox.NamedNode, triples: Iterable[Triple]) -> None:
        ag = self.minter.alliance_graph
        body = " ".join(f"{s} {p} {o} ." for s, p, o in triples)
        with self._write_lock:
            self._ox.update(
                f"DELETE WHERE {{ GRAPH {ag} {{ {subject} ?p ?o }} }} ;INSERT DATA {{ GRAPH {ag} {{ {body} }} }}"
            )

    # writes over the protocols ---------------------------------------------------------------------
    def graph_exists(self, graph) -> bool:
        return isinstance(graph, ox.DefaultGraph) or graph in self.active_graphs()

    def graph_triples(self, graph) -> Iterator[ox.Triple]:
        for q in self._ox.quads_for_pattern(None, None, None, graph):
            yield q.triple

    def put_graph(self, graph, triples, *, member=None) -> bool:
        body = _data(triples)
        with self._write_lock:
            new = not self.graph_exists(graph)
            faults.point("store.put")
            if isinstance(graph, ox.DefaultGraph):
                self._ox.update(f"CLEAR SILENT DEFAULT ;\nINSERT DATA {{ {body.text} }}")
            else:
                self._ox.update(
                    f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{ {body.text} }} }} ;\n"
                    + self._registration(graph, member, body.count)
                )
            self._retire()
            faults.point("store.put.done")
            return new

    def post_graph(self, graph, triples, *, member=None) -> bool:
        body = _data(triples)
        with self._write_lock:
            new = not self.graph_exists(graph)
            if isinstance(graph, ox.DefaultGraph):
                self._ox.update(f"INSERT DATA {{ {body.text} }}")
            else:
                ops = [f"INSERT DATA {{ GRAPH {graph} {{ {body.text} }} }}"]
                if new:
                    ops.append(self._registration(graph, member, body.count))
                self._ox.update(" ;\n".join(ops))
            self._retire()
            return new

    def put_graph_files(self, graph, files, *, member=None) -> bool:
        return self._load_files(graph, files, member, replace=True)

    def post_graph_files(self, graph, files, *, member=None) -> bool:
        return self._load_files(graph, files, member, replace=False)

    def _load_files(self, graph, files, member, *, replace: bool) -> bool:
        """PUT/POST from files, never holding them in memory: pyoxigraph's bulk loader streams them.

        A named graph that is not there yet is loaded the way batches are: bulk-loaded while inactive
        (invisible), then switched on by a small transaction that registers it. Into a graph that is
        there (or the default graph), the files are bulk-loaded into an inactive staging graph, then one
        transaction brings the graph to it (PUT: removes the triples the staging graph lacks, adds those
        the graph lacks; POST: adds the staging graph) and registers it. The old data's removal and the
        new data's insertion must be one transaction, and pyoxigraph holds a transaction's changes in
        memory (~1.5 KB per triple removed or added, measured), so a PUT changes only what differs; the
        staging graph is removed afterwards. A syntax error or failure before the
        switch drops what was loaded: nothing changed; a crash leaves only an inactive graph, which the
        next writer collects (graphs under the catalogue's ``graph/`` prefix).
        """
        with self._write_lock:
            direct = isinstance(graph, ox.NamedNode) and not self.graph_exists(graph)
            target = graph if direct else self.minter.batch_graph("_staging", uuid.uuid4().hex[:12])
            try:
                if direct:
                    self._drop([graph])  # an inactive leftover of a crashed load, if any
                for f in files:
                    self._ox.bulk_load(path=f.path, format=f.format, base_iri=f.base_iri, to_graph=target)
                count = sum(1 for _ in self._ox.quads_for_pattern(None, None, None, target))
            except SyntaxError:
                self._drop([target])
                raise
            except Exception as err:
                self._drop([target])
                raise StoreError(str(err)) from err
            faults.point("store.put")
            into = "DEFAULT" if isinstance(graph, ox.DefaultGraph) else str(graph)
            ops = []
            if not direct and replace:  # only what differs: a re-load of much the same data costs little
                triple = "?s ?p ?o" if into == "DEFAULT" else f"GRAPH {graph} {{ ?s ?p ?o }}"
                staged = f"GRAPH {target} {{ ?s ?p ?o }}"
                ops.append(f"DELETE {{ {triple} }} WHERE {{ {triple} FILTER NOT EXISTS {{ {staged} }} }}")
                ops.append(f"INSERT {{ {triple} }} WHERE {{ {staged} FILTER NOT EXISTS {{ {triple} }} }}")
            elif not direct:
                ops.append(f"ADD SILENT GRAPH {target} TO {into}")
            if into != "DEFAULT" and (replace or direct):
                ops.append(self._registration(graph, member, count))
            try:
                if ops:
                    self._ox.update(" ;\n".join(ops))
            except Exception as err:
                self._drop([target])
                raise StoreError(str(err)) from err
            finally:
                self._retire()
            faults.point("store.put.done")
            if not direct:
                self._drop([target])  # the staging graph: inactive, so its removal needs no transaction with the rest
            return direct

    def delete_graph(self, graph) -> bool:
        with self._write_lock:
            if isinstance(graph, ox.DefaultGraph):
                self._ox.update("CLEAR SILENT DEFAULT")
                return True
            if not self.graph_exists(graph):
                return False
            self._ox.update(f"DROP SILENT GRAPH {graph} ;\n{registry.unregister(self.minter, graph)}")
            self._retire()
            return True

    def run_update(self, sparql, *, base_iri=None, writes=(), drops=(), members=None, reconcile=False) -> None:
        with self._write_lock:
            active = set(self.active_graphs())
            ops = registry.protocol_registrations(self.minter, writes, drops, active, members or {})
            if reconcile:  # in the same transaction: the operations see what the update left
                ops += registry.reconciliation_ops(
                    self.minter, [g for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode) and g not in active]
                )
            try:
                self._ox.update(registry.append(sparql, ops), base_iri=base_iri)
            finally:
                self._retire()

    def _registration(self, graph: ox.NamedNode, member: str | None, count: int | None) -> str:
        """Operations that (re-)register ``graph`` as an active batch (of ``member``)."""
        return f"{registry.unregister(self.minter, graph)} ;\n{registry.register(self.minter, graph, member, count)}"

    def collect_garbage(self) -> int:
        with self._write_lock:
            keep = set(self.active_graphs())
            prefix = self.minter.base + "graph/"
            stale = [
                g
                for g in self._ox.named_graphs()
                if isinstance(g, ox.NamedNode) and g.value.startswith(prefix) and g not in keep
            ]
            self._drop(stale)
            return len(stale)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if isinstance(self._ox, _Counted):  # read-only stores have nothing to flush (pyoxigraph refuses)
            self._ox.flush()
            self._ox.release()
        del self._ox

    # internals -----------------------------------------------------------------
    def _rewrite_quads(self, batch: Batch, renames: list) -> list[tuple]:
        """The quads that mention retired IRIs (and fragments), each with the quad it becomes."""
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

        return [
            (q, ox.Quad(move(q.subject, own), q.predicate, move(q.object, own), q.graph_name))
            for q, own in old_quads.items()
        ]

    def _switch(self, batch: Batch, rewrite: Sequence[str] = ()) -> None:
        """Make ``batch`` active and its replaced batches inactive, in one transaction."""
        with self._cache_lock:
            self._switching += 1
        try:
            self._ox.update(registry.switch(self.minter, batch, rewrite))
        finally:
            self._retire()
            with self._cache_lock:
                self._switching -= 1

    def _retire(self) -> None:
        """After a switch: new readers see the new active graphs; running ones re-ask (see query)."""
        with self._cache_lock:
            self._switches += 1
            self._active = None

    def _switch_off(self, graphs: list[ox.NamedNode]) -> None:
        if graphs:
            self._ox.update(" ;\n".join(registry.unregister(self.minter, g) for g in graphs))
            self._retire()

    def _drop(self, graphs: list[ox.NamedNode]) -> None:
        """Remove inactive graphs. Nothing reads them, so a graph goes in slices of :data:`DROP_SLICE`
        quads: pyoxigraph holds a transaction's every deletion in memory, and removing a graph whole
        is one transaction (1M quads: +800 MB and 42 s, against +100 MB and 15 s in slices; a failed
        or replaced 250,000-record batch of 23M quads grew the process past 15 GB). A kill between
        slices leaves an inactive rest, which :meth:`collect_garbage` removes."""
        for g in graphs:
            rest = f"ASK {{ GRAPH {g} {{ ?s ?p ?o }} }}"
            part = (
                f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} WHERE {{ SELECT ?s ?p ?o WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} "
                f"LIMIT {DROP_SLICE} }}"
            )
            while self._ox.query(rest):
                self._ox.update(part)
            self._ox.remove_graph(g)


def _settled(moving: list[tuple], deletions: list) -> tuple[list[str], list]:
    """The rename's DELETE DATA / INSERT DATA (``moving``: each quad and what it becomes), and the union
    derivation's ``deletions`` (run after them), less the operations that change nothing: a moved quad the
    derivation deletes is not inserted (the deletion stays: the quad may have been there already), and a
    quad the rename deletes is not deleted again (unless the rename also inserts it)."""
    if not moving:
        return [], deletions
    written = [_quad_text(q) for q, _ in moving]
    moved = [_quad_text(m) for _, m in moving]
    gone, old, new = {_quad_text(d) for d in deletions}, set(written), set(moved)
    ops = [f"DELETE DATA {{ {' '.join(written)} }}"]
    inserted = [m for m in moved if m not in gone]
    if inserted:
        ops.append(f"INSERT DATA {{ {' '.join(inserted)} }}")
    return ops, [d for d in deletions if (text := _quad_text(d)) not in old or text in new]


def _quad_text(q) -> str:
    """A quad as a DELETE DATA / INSERT DATA item; one may come already written as ``GRAPH <g> { s p o }``."""
    return q if isinstance(q, str) else f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"


class _Data:
    def __init__(self, text: str, count: int):
        self.text = text
        self.count = count


def _data(triples) -> _Data:
    """Triples as the body of an INSERT DATA (N-Triples terms), with their count."""
    parts = [f"{s} {p} {o} ." for s, p, o in triples]
    return _Data("\n".join(parts), len(parts))


class _Counted:
    """A writable pyoxigraph store that bumps its owner's ``generation`` on every write."""

    _WRITES = frozenset(
        {
            "add",
            "add_graph",
            "bulk_extend",
            "bulk_load",
            "clear",
            "clear_graph",
            "extend",
            "load",
            "remove",
            "remove_graph",
            "update",
        }
    )

    def __init__(self, store: ox.Store, owner: "EmbeddedStore"):
        self._store = store
        self._owner = owner

    def __getattr__(self, name):
        if name in self._WRITES:
            return functools.partial(self._write, name)
        return getattr(self._store, name)

    def _write(self, name, *args, **kwargs):
        owner = self._owner
        with owner._gate:  # no query may read the union from here on, until the write is done
            owner._writing += 1
            owner.generation += 1
        try:
            return getattr(self._store, name)(*args, **kwargs)
        finally:
            with owner._gate:
                owner._writing -= 1
                owner.generation += 1

    def release(self) -> None:
        """Drop the store (a traceback that still holds this proxy must not keep the lock)."""
        self._store = None  # type: ignore[assignment]  # released: any later use fails, as it should

    def __len__(self) -> int:
        return len(self._store)


class _Counter:
    """Turns triples into quads of one graph and counts them on the way."""

    def __init__(self, triples: Iterable[Triple], graph: ox.NamedNode, keep=None):
        self._triples = triples
        self._graph = graph
        self._keep = keep
        self.count = 0

    def __iter__(self) -> Iterator[ox.Quad]:
        graph, keep = self._graph, self._keep
        for s, p, o in self._triples:
            self.count += 1
            if keep is not None:
                keep(s, p, o)
            yield ox.Quad(s, p, o, graph)


def _bulk_load_stream(store: ox.Store | _Counted, chunks, graph: ox.NamedNode, parent: Path, keep=None) -> int:
    """Bulk-load N-Triples chunks into ``graph`` through a pipe; returns the triples written.

    pyoxigraph's bulk loader parses and sorts in Rust without the GIL when it reads a
    path; a named pipe fed by a thread lets it load while the chunks are still being
    made (by converter processes), instead of waiting for a file. If ``chunks`` raises,
    the error is re-raised here after the loader has stopped. The pipe's folder is a scratch
    folder in ``parent`` (:mod:`graph.store.scratch`: collected if this process is killed).
    ``keep`` sees every chunk too.
    """
    if keep is not None:
        chunks = _teed(chunks, keep)
    if not hasattr(os, "mkfifo"):  # no named pipes: parse in Python instead
        counter = _Counter(SerializedTriples(chunks), graph)
        store.bulk_extend(counter)
        return counter.count
    folder = str(scratch.scratch_dir(parent, "load"))
    pipe = os.path.join(folder, "batch.nt")
    os.mkfifo(pipe)
    state: dict = {"count": 0, "error": None}

    def feed():
        try:
            with open(pipe, "wb") as fh:  # blocks until the loader opens the pipe
                for chunk in chunks:
                    state["count"] += chunk.count(b"\n")
                    fh.write(chunk)
        except BrokenPipeError:
            pass  # the loader stopped early; its own error says why
        except BaseException as err:  # noqa: BLE001 — handed to the caller below
            state["error"] = err

    feeder = threading.Thread(target=feed, name="alliance-bulk-feed", daemon=True)
    feeder.start()
    try:
        store.bulk_load(path=pipe, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    finally:
        if feeder.is_alive():  # the loader gave up: open and close the read end so the writer stops
            fd = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
            os.close(fd)
        feeder.join()
        shutil.rmtree(folder, ignore_errors=True)
    if state["error"] is not None:
        raise state["error"]
    return state["count"]


def _teed(chunks, keep):
    for chunk in chunks:
        keep(chunk)
        yield chunk
