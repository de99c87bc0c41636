"""Work documents from a few whole-store scans, grouped in Python (the index at the store's speed).

:func:`graph.index.documents.build` describes works a chunk at a time: every chunk joins
``VALUES`` lists against the store, and pyoxigraph answers each joined row with index seeks
(a work's document cost ~1 ms). Here each kind of statement the documents need is read
once for the whole store by a query of one or two patterns, de-duplicated in the store
(``DISTINCT``: the union default graph repeats a statement once per graph that holds it)
and joined in Python by dictionaries: the store decodes each value once, which is what
costs (about 1-2 µs a term; evaluation without decoding is several times cheaper).

The documents are the same as the per-work builder's, value for value
(``tests/test_search_scan.py`` compares them); both end with
:meth:`WorkDocument.settle`, so the order of values does not depend on the order rows
came in. Everything is read through ``store.query`` with the store's own default graph
(the union of the active graphs), so what a document says is what SPARQL says.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Iterator

from pyoxigraph import Literal

from graph.identity.normalize import year as year_of
from graph.identity.uris import Minter
from graph.index.documents import (
    IDENTIFIER_KINDS,
    PREFIXES,
    PRIMARY_CONTRIBUTION,
    WorkDocument,
    _FORMAT_SKIP,
    _class_key,
    _place,
)
from graph.store.base import Store
from vocab.namespaces import BF, BFLC, LANGUAGES

_TITLE_PARTS = "bf:mainTitle, bf:subtitle, bf:partName, bf:partNumber"


def _rows(store: Store, query: str):
    return store.query(PREFIXES + query)


# What an edition's statements add to its work's document, by predicate.
def _series(d: WorkDocument, o, minter: Minter, years) -> None:
    d.series.append(o)


def _responsibility(d: WorkDocument, o, minter: Minter, years) -> None:
    d.names.append(o)


def _edition(d: WorkDocument, o, minter: Minter, years) -> None:
    d.notes.append(o)


def _provision_statement(d: WorkDocument, o, minter: Minter, years) -> None:
    d.notes.append(o)
    y = year_of(o.value)
    if y:
        years[d.iri].add(int(y))


def _part_of(d: WorkDocument, o, minter: Minter, years) -> None:
    ref = minter.parse(o.value)
    if ref is not None and ref.kind == "collection":
        d.collections.add(o.value)


def _edition_label(d: WorkDocument, o, minter: Minter, years) -> None:
    if isinstance(o, Literal):
        d.edition_labels.append(o)
        d.titles.append(o)


_INSTANCE_STATEMENTS = (
    ("rdfs:label", _edition_label),
    ("bf:seriesStatement", _series),
    ("bf:responsibilityStatement", _responsibility),
    ("bf:editionStatement", _edition),
    ("bf:provisionActivityStatement", _provision_statement),
    ("bf:partOf", _part_of),
)


def build_all(store: Store, minter: Minter, only: Iterable[str] | None = None) -> Iterator[WorkDocument]:
    """Documents of every work in the store (or of the works in ``only``), from whole-store scans."""
    wanted = None if only is None else set(only)
    docs: dict[str, WorkDocument] = {}
    for (w,) in _rows(store, "SELECT DISTINCT ?w WHERE { ?w a bf:Work }"):
        iri = w.value
        if wanted is not None and iri not in wanted:
            continue
        ref = minter.parse(iri)
        if ref is None or ref.kind != "work" or ref.fragment:
            continue
        docs[iri] = WorkDocument(iri)
    if not docs:
        return iter(())
    _work_statements(store, docs)
    _contributors(store, docs)
    _instances(store, minter, docs)
    return (d.settle() for d in docs.values())


def _work_statements(store: Store, docs: dict[str, WorkDocument]) -> None:
    get = docs.get
    for w, t in _rows(store, "SELECT DISTINCT ?w ?t WHERE { ?w a bf:Work , ?t }"):
        if (d := get(w.value)) is not None and t.value not in _FORMAT_SKIP and t.value.startswith(BF.base):
            d.formats.add(BF.local(t))
    for w, o in _rows(store, "SELECT DISTINCT ?w ?o WHERE { ?w a bf:Work ; rdfs:label ?o }"):
        if (d := get(w.value)) is not None and isinstance(o, Literal):
            d.labels.append(o)
            d.titles.append(o)
    for w, o in _rows(store, "SELECT DISTINCT ?w ?o WHERE { ?w bf:language ?o }"):
        if (d := get(w.value)) is not None and o.value.startswith(LANGUAGES):
            d.languages.add(o.value[len(LANGUAGES) :])
    headings: dict[str, dict[str, WorkDocument]] = defaultdict(dict)  # subject or genre -> works
    for w, s in _rows(store, "SELECT DISTINCT ?w ?s WHERE { ?w bf:subject ?s }"):
        if (d := get(w.value)) is not None:
            d.subject_iris.append(s.value)
            headings[s.value][d.iri] = d
    for w, s in _rows(store, "SELECT DISTINCT ?w ?s WHERE { ?w bf:genreForm ?s }"):
        if (d := get(w.value)) is not None:
            headings[s.value][d.iri] = d
    for s, label in _rows(
        store,
        """SELECT DISTINCT ?s ?l WHERE {
            { SELECT DISTINCT ?s WHERE { { ?w bf:subject ?s } UNION { ?w bf:genreForm ?s } } }
            ?s rdfs:label ?l }""",
    ):
        for d in headings.get(s.value, {}).values():
            d.subjects.append(label)
            d.subject_labels.append((s.value, label.value))
    for w, v in _rows(store, "SELECT DISTINCT ?w ?v WHERE { ?w bf:summary ?n . ?n rdfs:label ?v }"):
        if (d := get(w.value)) is not None:
            d.notes.append(v)
    for w, t, v, src in _rows(
        store,
        """SELECT DISTINCT ?w ?t ?v ?src WHERE { ?w bf:classification ?n .
            ?n a ?t ; bf:classificationPortion ?v . OPTIONAL { ?n bf:source ?src } }""",
    ):
        if (d := get(w.value)) is not None:
            key = _class_key(t.value, src.value if src is not None else "", v.value)
            if key:
                d.classes.add(key)
    for g in store.active_graphs():
        for (w,) in _rows(
            store,
            f"""SELECT DISTINCT ?w WHERE {{ GRAPH {g} {{
                {{ ?w a bf:Work }} UNION {{ ?w alliance:memberDescription ?d }} }} }}""",
        ):
            if (d := get(w.value)) is not None:
                d.graphs.add(g.value)


def _contributors(store: Store, docs: dict[str, WorkDocument]) -> None:
    agents: dict[str, list[tuple[WorkDocument, bool]]] = defaultdict(list)
    primary = {
        (w.value, a.value)
        for w, a in _rows(
            store,
            f"""SELECT DISTINCT ?w ?a WHERE {{
            ?w bf:contribution ?c . ?c a ?t ; bf:agent ?a FILTER(?t IN ({PRIMARY_CONTRIBUTION})) }}""",
        )
    }
    for w, a in _rows(store, "SELECT DISTINCT ?w ?a WHERE { ?w bf:contribution ?c . ?c bf:agent ?a }"):
        if (d := docs.get(w.value)) is not None:
            agents[a.value].append((d, (w.value, a.value) in primary))
    for a, label in _rows(
        store,
        """SELECT DISTINCT ?a ?l WHERE {
            { SELECT DISTINCT ?a WHERE { ?w bf:contribution ?c . ?c bf:agent ?a } } ?a rdfs:label ?l }""",
    ):
        for d, is_primary in agents.get(a.value, ()):
            d.names.append(label)
            (d.primary if is_primary else d.creators).append(label)


def _instances(store: Store, minter: Minter, docs: dict[str, WorkDocument]) -> None:
    works_of: dict[str, list[WorkDocument]] = defaultdict(list)
    for w, i in _rows(store, "SELECT DISTINCT ?w ?i WHERE { ?i bf:instanceOf ?w ; a bf:Instance }"):
        if (d := docs.get(w.value)) is not None:
            works_of[i.value].append(d)
            d.editions += 1
    statement_years: dict[str, set[int]] = defaultdict(set)
    instances = "{ SELECT DISTINCT ?i WHERE { ?i bf:instanceOf ?w ; a bf:Instance } }"
    for i, t in _rows(store, f"SELECT DISTINCT ?i ?t WHERE {{ {instances} ?i a ?t }}"):
        if t.value not in _FORMAT_SKIP and t.value.startswith(BF.base):
            for d in works_of.get(i.value, ()):
                d.formats.add(BF.local(t))
    for predicate, handle in _INSTANCE_STATEMENTS:
        for i, o in _rows(store, f"SELECT DISTINCT ?i ?o WHERE {{ {instances} ?i {predicate} ?o }}"):
            for d in works_of.get(i.value, ()):
                handle(d, o, minter, statement_years)
    # titles of works and of editions in one scan
    for r, v in _rows(
        store,
        f"""SELECT DISTINCT ?r ?v WHERE {{ ?r bf:title ?n . ?n ?k ?v
            FILTER(?k IN ({_TITLE_PARTS})) }}""",
    ):
        if (d := docs.get(r.value)) is not None:
            d.titles.append(v)
        for d in works_of.get(r.value, ()):
            d.titles.append(v)
    for kind_iri, kind in IDENTIFIER_KINDS.items():
        for i, v in _rows(
            store,
            f"""SELECT DISTINCT ?i ?v WHERE {{ ?n a <{kind_iri}> ; rdf:value ?v .
                ?i bf:identifiedBy ?n }}""",
        ):
            for d in works_of.get(i.value, ()):
                d.identifiers.append((kind, v.value))
    for k, part in ((BFLC.simpleDate, "date"), (BFLC.simplePlace, "place"), (BFLC.simpleAgent, "agent")):
        for i, v in _rows(store, f"SELECT DISTINCT ?i ?v WHERE {{ ?i bf:provisionActivity ?n . ?n {k} ?v }}"):
            for d in works_of.get(i.value, ()):
                if part == "date":
                    y = year_of(v.value)
                    if y:
                        d.years.add(int(y))
                elif part == "place":
                    place = _place(v.value)
                    if place:
                        d.places.add(place)
                else:
                    d.notes.append(v)
    for predicate in ("bf:note", "bf:tableOfContents"):
        for i, v in _rows(store, f"SELECT DISTINCT ?i ?v WHERE {{ ?i {predicate} ?n . ?n rdfs:label ?v }}"):
            for d in works_of.get(i.value, ()):
                d.notes.append(v)
    for i, lib, n in _rows(
        store,
        """SELECT ?i ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {
            ?item bf:itemOf ?i ; bf:heldBy ?lib } GROUP BY ?i ?lib""",
    ):
        found = works_of.get(i.value)
        if not found:
            continue
        ref = minter.parse(lib.value)
        if ref is not None and ref.kind == "library":
            for d in found:
                d.libraries[ref.id] = d.libraries.get(ref.id, 0) + int(n.value)
    for g in store.active_graphs():
        for (i,) in _rows(
            store,
            f"""SELECT DISTINCT ?i WHERE {{
                {{ GRAPH {g} {{ ?i bf:instanceOf ?w }} }} UNION {{ GRAPH {g} {{ ?x bf:itemOf ?i }} }} }}""",
        ):
            for d in works_of.get(i.value, ()):
                d.graphs.add(g.value)
    for w, d in docs.items():
        if not d.years:
            d.years = statement_years.get(w, set())
