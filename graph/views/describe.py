"""``describe(store, iri)``: what the catalogue says about one resource, for RDF output and pages.

The resource's own triples, those of its fragment nodes (``iri#PKU-title`` ...,
followed to any depth they nest) and the labels of every resource it links to,
without duplicates where two members' graphs say the same thing.
"""

from __future__ import annotations

from pyoxigraph import NamedNode, Triple

from graph.views.common import Description, chunks, node, select, values
from graph.store.base import Store
from graph.union.description import is_member_node
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS

MAX_DEPTH = 4
# what a page leaves out of a shared resource's description: the links to each member's description
# and the union admin metadata's bf:derivedFrom to each (ten members' copies of 80 editions: 1,600)
NOT_ON_PAGES = (ALLIANCE.memberDescription, BF.derivedFrom)


def describe(store: Store, iri: str | NamedNode, *, linked_labels: bool = True, skip: tuple = ()) -> list[Triple]:
    """Triples about ``iri`` and its fragments, plus rdfs:label of linked resources.

    Of a shared Instance or Work that is its union description; the members' own
    descriptions are linked (``alliance:memberDescription``), and answer their own IRIs.

    ``skip`` names predicates to leave out, of the resource and of its fragments (a page asks
    for a work without its thousands of ``bf:hasInstance`` links, and lists editions a page at a
    time; without the links to its members' descriptions and the union admin metadata's
    ``bf:derivedFrom`` to each, which a page does not show).
    """
    subject = node(iri)
    prefix = subject.value + "#"
    triples: list[Triple] = []
    seen_subjects = {subject}
    frontier = [subject]
    for _ in range(MAX_DEPTH):
        found = []
        for part in chunks(frontier):
            unwanted = f"FILTER(?p NOT IN ({', '.join(str(p) for p in skip)}))" if skip else ""
            rows = select(store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values('s', part)} ?s ?p ?o {unwanted} }}")
            found += [Triple(r["s"], r["p"], r["o"]) for r in rows]
        triples += found
        frontier = []
        for t in found:
            o = t.object
            if (
                isinstance(o, NamedNode)
                and o.value.startswith(prefix)
                and o not in seen_subjects
                and not is_member_node(o.value)
            ):  # members' own descriptions: linked, not shown
                seen_subjects.add(o)
                frontier.append(o)
        if not frontier:
            break
    if not triples:
        return []
    if linked_labels:
        linked = list(
            dict.fromkeys(
                t.object
                for t in triples
                if isinstance(t.object, NamedNode)
                and t.object not in seen_subjects
                and t.predicate != RDF.type
                and not is_member_node(t.object.value)
            )
        )
        for part in chunks(linked):
            rows = select(store, f"SELECT DISTINCT ?s ?l WHERE {{ {values('s', part)} ?s rdfs:label ?l }}")
            triples += [Triple(r["s"], RDFS.label, r["l"]) for r in rows]
    return triples


def description(store: Store, iri: str | NamedNode, skip: tuple = ()) -> Description:
    return Description((t.subject, t.predicate, t.object) for t in describe(store, iri, skip=skip))
