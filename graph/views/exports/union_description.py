"""What the default graph says about one edition and its work, gathered for a union record.

The Instance and its fragment nodes (titles, identifiers, provision activities, extent, notes),
its Work (with its contributions, classifications, summaries) without the work's other editions,
and the resources both link to (agents, subjects, genre/forms, hubs): their types, labels,
sources and, for hubs, their titles. Whatever the graph holds, whether one union description per
edition or every member's description piled on the shared IRIs, comes back as one
:class:`graph.views.common.Description`; :mod:`graph.views.exports.marc21` chooses from it.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from graph.views.common import Description, chunks, node, select, values
from graph.views.describe import describe
from graph.store.base import Store
from vocab.namespaces import BF, RDF

_LINKED = (
    "rdf:type",
    "rdfs:label",
    "bf:source",
    "bf:code",
    "bf:title",
    "bf:mainTitle",
    "bf:partNumber",
    "bf:partName",
    "rdfs:seeAlso",
)


def work_of(desc: Description, instance: NamedNode) -> NamedNode | None:
    """The edition's work: the smallest IRI when a pile names several."""
    works = sorted(desc.nodes(instance, BF.instanceOf), key=lambda n: n.value)
    return works[0] if works else None


def union_description(store: Store, iri: str | NamedNode) -> Description | None:
    """Instance + work + what they link to, or None when the store says nothing of ``iri``."""
    instance = node(iri)
    triples = describe(store, instance, linked_labels=False)
    if not triples:
        return None
    works = sorted(
        {
            t.object
            for t in triples
            if t.subject == instance and t.predicate == BF.instanceOf and isinstance(t.object, NamedNode)
        },
        key=lambda n: n.value,
    )
    if works:
        triples += describe(store, works[0], linked_labels=False, skip=(BF.hasInstance,))
    inside = {t.subject for t in triples}
    # fragments describe did not follow (members' own descriptions of a union description) are not linked
    own = tuple(f"{r.value}#" for r in [instance, *works[:1]])
    linked = list(
        dict.fromkeys(
            t.object
            for t in triples
            if isinstance(t.object, NamedNode)
            and t.object not in inside
            and t.predicate != RDF.type
            and t.predicate != BF.instanceOf
            and t.predicate != BF.hasInstance
            and not t.object.value.startswith(own)
        )
    )
    triples += _linked(store, linked)
    titles = [t.object for t in triples if t.predicate == BF.title and t.subject in linked]
    triples += _linked(store, [t for t in titles if t not in inside])
    return Description((t.subject, t.predicate, t.object) for t in triples)


def _linked(store: Store, nodes: list) -> list[Triple]:
    out = []
    preds = ", ".join(_LINKED)
    for part in chunks(nodes):  # subjects bound first: a VALUES list of predicates makes the store scan them
        rows = select(
            store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values('s', part)} ?s ?p ?o FILTER(?p IN ({preds})) }}"
        )
        out += [Triple(r["s"], r["p"], r["o"]) for r in rows]
    return out
