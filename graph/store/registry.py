"""The alliance graph's register of batches, as SPARQL Update text both stores run.

A batch graph is *active* while the alliance graph says ``<g> alliance:active true``,
with its member, source files, fingerprint, triple count and load time beside it. The
embedded store (:mod:`graph.store.embedded`) and the remote one
(:mod:`graph.store.remote`) switch batches on and off with the same operations, built
here, so the register reads the same whichever store holds it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

import pyoxigraph as ox

from graph.identity.uris import Minter
from graph.store.base import Batch
from vocab.namespaces import ALLIANCE, RDF, XSD

TRUE = ox.Literal("true", datatype=XSD.boolean)


def register(
    minter: Minter,
    graph: ox.NamedNode,
    member: str | None = None,
    count: int | None = None,
    *,
    fingerprint: str | None = None,
    sources: Iterable[str] = (),
    index_generation: int | None = None,
) -> str:
    """The INSERT DATA that registers ``graph`` as an active batch (of ``member``)."""
    g = graph
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    facts = [
        f"{g} {RDF.type} {ALLIANCE.Batch}",
        f"{g} {ALLIANCE.active} {TRUE}",
        f"{g} {ALLIANCE.loadedAt} {ox.Literal(now, datatype=XSD.dateTime)}",
    ]
    if count is not None:
        facts.append(f"{g} {ALLIANCE.tripleCount} {ox.Literal(str(count), datatype=XSD.integer)}")
    if member:
        facts.append(f"{g} {ALLIANCE.batchOf} {minter.library(member)}")
    if fingerprint:
        facts.append(f"{g} {ALLIANCE.fingerprint} {ox.Literal(fingerprint)}")
    if index_generation is not None:
        facts.append(f"{g} {ALLIANCE.indexGeneration} {ox.Literal(str(index_generation), datatype=XSD.integer)}")
    facts += [f"{g} {ALLIANCE.sourceFile} {ox.Literal(s)}" for s in sources]
    return f"INSERT DATA {{ GRAPH {minter.alliance_graph} {{ {' . '.join(facts)} }} }}"


def register_batch(minter: Minter, batch: Batch) -> str:
    """:func:`register` for a written batch, with everything it records."""
    return register(
        minter,
        batch.graph,
        batch.member,
        batch.triples,
        fingerprint=batch.fingerprint,
        sources=batch.sources,
        index_generation=batch.index_generation,
    )


def unregister(minter: Minter, graph: ox.NamedNode) -> str:
    """The DELETE WHERE that switches ``graph`` off (forgets all the register says of it)."""
    return f"DELETE WHERE {{ GRAPH {minter.alliance_graph} {{ {graph} ?p ?o }} }}"


def switch(minter: Minter, batch: Batch, rewrite: Iterable[str] = ()) -> str:
    """One update: ``rewrite`` (cluster renames), switch off what ``batch`` replaces, switch it on."""
    ops = [*rewrite, *(unregister(minter, old) for old in batch.replaced), register_batch(minter, batch)]
    return " ;\n".join(ops)


def delete_quads(quads: Iterable, per_op: int = 5000) -> list[str]:
    """DELETE DATA operations removing ``quads`` (in parts, so no one operation text grows without bound);
    a quad may come already written as ``GRAPH <g> { s p o }``."""
    quads = list(quads)
    return [
        " ".join(
            [
                "DELETE DATA {",
                *(
                    q if isinstance(q, str) else f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"
                    for q in quads[i : i + per_op]
                ),
                "}",
            ]
        )
        for i in range(0, len(quads), per_op)
    ]


def batch_from(minter: Minter, graph: ox.NamedNode, props: dict[str, list]) -> Batch:
    """A :class:`Batch` from what the register says of ``graph`` (predicate IRI -> objects)."""
    library = props.get(ALLIANCE.batchOf.value, [None])[0]
    ref = minter.parse(library.value) if library is not None else None
    generation = props.get(ALLIANCE.indexGeneration.value)
    return Batch(
        graph=graph,
        member=ref.id.upper() if ref else None,
        sources=[s.value for s in props.get(ALLIANCE.sourceFile.value, [])],
        fingerprint=next((f.value for f in props.get(ALLIANCE.fingerprint.value, [])), None),
        triples=int(props.get(ALLIANCE.tripleCount.value, [ox.Literal("0")])[0].value),
        index_generation=int(generation[0].value) if generation else None,
    )


def of_member(batch: Batch, member: str | None) -> bool:
    return member is None or (batch.member or "").upper() == member.upper()


def protocol_registrations(
    minter: Minter, writes: Iterable[str], drops: Iterable[str], active: set, members: dict
) -> list[str]:
    """What an update sent over the protocols must add to the register: graphs it writes that are not
    active yet come on (as ``members`` says whose), graphs it drops go off."""
    drops = list(drops)
    ag = minter.alliance_graph
    ops = []
    for iri in writes:
        g = ox.NamedNode(iri)
        if iri not in drops and g not in active and g != ag:
            ops.append(register(minter, g, members.get(iri)))
    ops += [unregister(minter, ox.NamedNode(iri)) for iri in drops]
    return ops


def reconciliation(minter: Minter, before: set, after: set, active: set) -> list[str]:
    """After an update that may have touched any graph: switch off active graphs that no longer exist,
    switch on graphs it made (their member read from their IRI)."""
    ag = minter.alliance_graph
    ops = [unregister(minter, g) for g in active if g != ag and g not in after]
    for g in sorted(after - before - active - {ag}, key=lambda g: g.value):
        code = minter.graph_member(g.value)
        ops.append(register(minter, g, code.upper() if code else None))
    return ops


def reconciliation_ops(minter: Minter, inactive_before: Iterable[ox.NamedNode]) -> list[str]:
    """:func:`reconciliation` as operations appended to the update itself, so that one transaction holds
    both: active graphs that no longer exist go off; graphs that exist, are not active and were not there
    (inactive) before come on, their member read from their IRI. ``GRAPH ?g {}`` lists the graphs that
    exist at that point of the transaction."""
    ag = minter.alliance_graph
    prefix = ox.Literal(minter.base + "graph/")
    libraries = ox.Literal(minter.base + "library/")
    now = ox.Literal(datetime.now(timezone.utc).isoformat(timespec="seconds"), datatype=XSD.dateTime)
    old = ", ".join(str(g) for g in inactive_before)
    return [
        f"DELETE {{ GRAPH {ag} {{ ?g ?p ?o }} }} WHERE {{ GRAPH {ag} {{ ?g {ALLIANCE.active} {TRUE} ; ?p ?o }}"
        f" FILTER(?g != {ag}) FILTER NOT EXISTS {{ GRAPH ?g {{ }} }} }}",
        f"INSERT {{ GRAPH {ag} {{ ?g a {ALLIANCE.Batch} ; {ALLIANCE.active} {TRUE} ; {ALLIANCE.loadedAt} {now} ;"
        f" {ALLIANCE.batchOf} ?library }} }} WHERE {{ GRAPH ?g {{ }} FILTER(?g != {ag})"
        f" FILTER NOT EXISTS {{ GRAPH {ag} {{ ?g {ALLIANCE.active} {TRUE} }} }}"
        + (f" FILTER(?g NOT IN ({old}))" if old else "")
        + f' BIND(STRBEFORE(STRAFTER(STR(?g), {prefix}), "/") AS ?code)'
        f' BIND(IF(STRSTARTS(STR(?g), {prefix}) && ?code != "" && STRAFTER(STRAFTER(STR(?g), {prefix}), "/") != "",'
        f' IRI(CONCAT({libraries}, LCASE(?code))), 1 + "error") AS ?library) }}',
    ]


def append(update: str, ops: list[str]) -> str:
    """``update`` followed by ``ops`` in the same request (one transaction)."""
    from graph.store.sparqltext import code_only

    if not ops:
        return update
    text = update.rstrip()
    if code_only(text).rstrip().endswith(";"):
        text = text[:-1]
    return text + "\n;\n" + " ;\n".join(ops)
