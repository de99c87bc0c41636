"""Work documents from a few whole-store queries, each answering one row per work.

:func:`graph.index.documents.build` describes works a chunk at a time: every chunk joins
``VALUES`` lists against the store, and pyoxigraph answers each joined row with index seeks.
What costs in pyoxigraph is not evaluating a query (counting the store's 270,734
``rdfs:label`` statements takes 0.07 s) but turning each returned term back into text: ~4 µs
an IRI (a lookup in the store's string table), ~1 µs a literal, the same whether the rows
come back as Python objects or serialised as TSV. So here every query starts from the store's
works (a scan), groups its rows by work (``GROUP BY ?w``, on the store's term ids) and hands
back, per work, one string of everything the document needs from that kind of statement
(``GROUP_CONCAT``): a work's IRI is decoded once per query, an edition's or a title node's
never, and only the literals and IRIs the document keeps are decoded at all.

The documents are the same as the per-work builder's, value for value
(``tests/test_search_build.py`` compares them); both end with :meth:`WorkDocument.settle`,
so the order of values does not depend on the order rows came in. Everything is read through
``store.query`` with the store's own default graph (the union of the active graphs), so what a
document says is what SPARQL says. Used for the embedded store (``alliance index rebuild``,
and a sync that re-derives half the store's works or more, e.g. a member's first load), where
:func:`graph.index.parallel.build_all` runs each query in a worker process and files the rows
here (:class:`Collector`); a SPARQL server gets the per-work builder. A sync right after a load
runs the queries on threads of the loading process instead (:func:`build_all` with ``threads``:
pyoxigraph evaluates without the GIL, and this thread files the rows of the queries already
answered): there worker checkpoints cost twice the CPU.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Callable, Iterable, Iterator

from pyoxigraph import Literal, NamedNode

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
from vocab.namespaces import BF, LANGUAGES, XSD

# Separators no catalogue text holds (Unicode noncharacters): between the values of a work's cell,
# and between the fields of one value.
ROW, FIELD = "\ufdd1", "\ufdd0"
_ROW, _FIELD = r"\ufdd1", r"\ufdd0"
_XSD_STRING = XSD.string.value


def _lit(var: str) -> str:
    """A literal as text: value, language, datatype (empty for a plain string or a language's)."""
    return (
        f'CONCAT(STR(?{var}), "{_FIELD}", LANG(?{var}), "{_FIELD}", '
        f'IF(LANG(?{var}) != "" || DATATYPE(?{var}) = xsd:string, "", STR(DATATYPE(?{var}))))'
    )


def _case(var: str, terms: list[str]) -> str:
    """``?var``'s position among ``terms`` (compared by the store's ids: nothing is decoded)."""
    chain = f'"{len(terms) - 1}"'
    for n in range(len(terms) - 2, -1, -1):
        chain = f'IF(?{var} = {terms[n]}, "{n}", {chain})'
    return chain


def _sub(variables: str, pattern: str) -> str:
    """A pattern as a subquery: pyoxigraph then joins it by hashing rather than by an index seek per row
    (an edition's statements joined to its work: 3-5x less time)."""
    return f"{{ SELECT {variables} WHERE {{ {pattern} }} }}"


def _among(var: str, terms: list[str]) -> str:
    """``?var`` one of ``terms``: a ``VALUES`` list scans each term's statements (``FILTER(?var IN …)``
    would scan every statement)."""
    return f"VALUES ?{var} {{ {' '.join(terms)} }}"


def _query(where: str, value: str, extra: str = "") -> str:
    """One row per ``?w``: its IRI and the distinct ``value`` of its rows, joined by ``ROW``."""
    return (
        PREFIXES
        + f"""SELECT ?w (GROUP_CONCAT(DISTINCT ?v; SEPARATOR="{_ROW}") AS ?x){extra} WHERE {{
        {where} BIND({value} AS ?v) }} GROUP BY ?w"""
    )


# MINUS is joined by hashing; FILTER NOT EXISTS (catalogued()) seeks once per work
WORKS = PREFIXES + "SELECT ?w WHERE { ?w a bf:Work MINUS { ?w a alliance:RelatedResource } }"
WORK_COUNT = PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?w a bf:Work }"
_W = _sub("?w", "?w a bf:Work")
_E = _sub("?i ?w", "?i bf:instanceOf ?w") + _sub("?i", "?i a bf:Instance")  # an edition and its work
_TITLE_PARTS = ["bf:mainTitle", "bf:subtitle", "bf:partName", "bf:partNumber"]
_TITLES = _sub("?n ?t", f"{_among('k', _TITLE_PARTS)} ?n ?k ?t")
_INSTANCE_STATEMENTS = [
    "rdfs:label",
    "bf:seriesStatement",
    "bf:responsibilityStatement",
    "bf:editionStatement",
    "bf:provisionActivityStatement",
]
_PROVISION = ["bflc:simpleDate", "bflc:simplePlace", "bflc:simpleAgent"]
_PRIMARY = [t.strip() for t in PRIMARY_CONTRIBUTION.split(",")]
_IDENTIFIER_TYPES = [f"<{iri}>" for iri in IDENTIFIER_KINDS]
_KIND_OF = list(IDENTIFIER_KINDS.values())

# (name, query): each answers ?w (a work, or anything: rows of what is not a catalogued work are
# dropped) and ?x (and ?n for the editions)
QUERIES: dict[str, str] = {
    "work types": _query(f"{_W} ?w a ?t", "STR(?t)"),
    # a work has a label or two: a seek per work costs less than hashing all 270k labels of the store
    "work labels": _query(f"{_W} ?w rdfs:label ?o FILTER(isLiteral(?o))", _lit("o")),
    "languages": _query(f"{_W} ?w bf:language ?o", "STR(?o)"),
    "subjects": _query(f"{_W} ?w bf:subject ?o", "STR(?o)"),
    "headings": _query(
        f"{_W} {_sub('?w ?s', _among('h', ['bf:subject', 'bf:genreForm']) + ' ?w ?h ?s')} "
        f"{_sub('?s ?l', '?s rdfs:label ?l')}",
        f'CONCAT(STR(?s), "{_FIELD}", {_lit("l")})',
    ),
    "contributors": _query(
        f"""{_W} {_sub("?w ?c", "?w bf:contribution ?c")} {_sub("?c ?a", "?c bf:agent ?a")}
        {_sub("?a ?l", "?a rdfs:label ?l")}
        OPTIONAL {{ {_sub("?c ?pt", _among("pt", _PRIMARY) + " ?c a ?pt")} }}""",
        f'CONCAT(IF(BOUND(?pt), "1", "0"), "{_FIELD}", {_lit("l")})',
    ),
    "work titles": _query(f"{_W} {_sub('?w ?n', '?w bf:title ?n')} {_TITLES}", _lit("t")),
    "summaries": _query(f"{_W} {_sub('?w ?n', '?w bf:summary ?n')} {_sub('?n ?o', '?n rdfs:label ?o')}", _lit("o")),
    "classes": _query(
        f"""{_W} {_sub("?w ?n", "?w bf:classification ?n")} {_sub("?n ?t", "?n a ?t")}
        {_sub("?n ?o", "?n bf:classificationPortion ?o")} OPTIONAL {{ {_sub("?n ?src", "?n bf:source ?src")} }}""",
        f'CONCAT(STR(?t), "{_FIELD}", COALESCE(STR(?src), ""), "{_FIELD}", STR(?o))',
    ),
    "work graphs": _query("GRAPH ?g { { ?w a bf:Work } UNION { ?w alliance:memberDescription ?d } }", "STR(?g)"),
    "editions": _query(f"{_E} ?i a ?t", "STR(?t)", " (COUNT(DISTINCT ?i) AS ?n)"),
    "collections": _query(f"{_sub('?i ?o', '?i bf:partOf ?o')} {_E}", "STR(?o)"),
    "edition statements": _query(
        f"{_E} {_sub('?i ?p ?o', _among('p', _INSTANCE_STATEMENTS) + ' ?i ?p ?o')}",
        f'CONCAT({_case("p", _INSTANCE_STATEMENTS)}, "{_FIELD}", IF(isLiteral(?o), {_lit("o")}, ""))',
    ),
    "edition titles": _query(f"{_E} {_sub('?i ?n', '?i bf:title ?n')} {_TITLES}", _lit("t")),
    "identifiers": _query(
        f"""{_E} {_sub("?i ?n", "?i bf:identifiedBy ?n")} {_sub("?n ?t", _among("t", _IDENTIFIER_TYPES) + " ?n a ?t")}
        {_sub("?n ?o", "?n rdf:value ?o")}""",
        f'CONCAT({_case("t", _IDENTIFIER_TYPES)}, "{_FIELD}", STR(?o))',
    ),
    "provision": _query(
        f"{_E} {_sub('?i ?n', '?i bf:provisionActivity ?n')} {_sub('?n ?p ?o', _among('p', _PROVISION) + ' ?n ?p ?o')}",
        f'CONCAT({_case("p", _PROVISION)}, "{_FIELD}", {_lit("o")})',
    ),
    "edition notes": _query(
        f"{_E} {_sub('?i ?n', _among('h', ['bf:note', 'bf:tableOfContents']) + ' ?i ?h ?n')} "
        f"{_sub('?n ?o', '?n rdfs:label ?o')}",
        _lit("o"),
    ),
    "edition graphs": _query(
        f"{_E} {{ GRAPH ?g {{ ?i bf:instanceOf ?w }} }} UNION {{ {_E} GRAPH ?g {{ ?x bf:itemOf ?i }} }}", "STR(?g)"
    ),
    # copies: distinct items per edition and library, summed over the work's editions
    "holdings": PREFIXES
    + f"""SELECT ?w (GROUP_CONCAT(?kn; SEPARATOR="{_ROW}") AS ?x) WHERE {{
        {{ SELECT ?w ?lib (COUNT(*) AS ?c) WHERE {{
            {{ SELECT DISTINCT ?w ?i ?item ?lib WHERE {{
                {_E} {_sub("?item ?i", "?item bf:itemOf ?i")} {_sub("?item ?lib", "?item bf:heldBy ?lib")} }} }}
           }} GROUP BY ?w ?lib }}
        BIND(CONCAT(STR(?lib), "{_FIELD}", STR(?c)) AS ?kn) }} GROUP BY ?w""",
}


def _literal(text: str) -> Literal:
    value, language, datatype = text.split(FIELD)
    if language:
        return Literal(value, language=language)
    if datatype and datatype != _XSD_STRING:
        return Literal(value, datatype=NamedNode(datatype))
    return Literal(value)


def rows(store: Store, name: str) -> list[tuple[str, str, int]]:
    """Query ``name``'s rows as plain values: (work IRI, its cell, the count of its editions or 0)."""
    out = []
    for row in store.query(QUERIES[name]):
        cell, n = row[1], row["n"] if name == "editions" else None
        out.append((row[0].value, cell.value if cell is not None else "", int(n.value) if n is not None else 0))
    return out


def works(store: Store, minter: Minter, only: Iterable[str] | None = None) -> list[str]:
    """The store's catalogued works (of those in ``only``), this catalogue's own, not fragments."""
    wanted = None if only is None else set(only)
    found = []
    for (w,) in store.query(WORKS):
        iri = w.value
        if wanted is not None and iri not in wanted:
            continue
        ref = minter.parse(iri)
        if ref is not None and ref.kind == "work" and not ref.fragment:
            found.append(iri)
    return found


class Collector:
    """Work documents filled from the queries' rows, in whatever order the queries finish."""

    def __init__(self, minter: Minter, works: Iterable[str]):
        self.minter = minter
        self.docs = {iri: WorkDocument(iri) for iri in works}
        self.statement_years: dict[str, set[int]] = defaultdict(set)

    def add(self, name: str, rows: Iterable[tuple[str, str, int]]) -> None:
        add, get, minter, years = _ADD[name], self.docs.get, self.minter, self.statement_years
        for iri, cell, n in rows:
            d = get(iri)
            if d is not None:
                add(d, cell.split(ROW) if cell else [], n, minter, years)

    def documents(self) -> list[WorkDocument]:
        for iri, d in self.docs.items():
            if not d.years:
                d.years = self.statement_years.get(iri, set())
        return [d.settle() for d in self.docs.values()]


def build_all(
    store: Store, minter: Minter, only: Iterable[str] | None = None, threads: int = 1
) -> Iterator[WorkDocument]:
    """Documents of every work in the store (or of the works in ``only``), from whole-store queries
    on ``threads`` threads (pyoxigraph evaluates without the GIL), their rows filed as each answers."""
    collector = Collector(minter, works(store, minter, only))
    if not collector.docs:
        return iter(())
    with ThreadPoolExecutor(max(1, threads), thread_name_prefix="index-scan") as pool:
        pending = {pool.submit(rows, store, name): name for name in QUERIES}
        for future in as_completed(pending):  # filed here while the other threads' queries run
            collector.add(pending[future], future.result())
    return iter(collector.documents())


# What each query's values add to a work's document --------------------------------------------
def _types(d: WorkDocument, values, n, minter, years) -> None:
    for t in values:
        if t not in _FORMAT_SKIP and t.startswith(BF.base):
            d.formats.add(t[len(BF.base) :])


def _labels(d, values, n, minter, years) -> None:
    for v in values:
        lit = _literal(v)
        d.labels.append(lit)
        d.titles.append(lit)


def _languages(d, values, n, minter, years) -> None:
    for v in values:
        if v.startswith(LANGUAGES):
            d.languages.add(v[len(LANGUAGES) :])


def _subjects(d, values, n, minter, years) -> None:
    d.subject_iris.extend(values)


def _headings(d, values, n, minter, years) -> None:
    for v in values:
        s, text = v.split(FIELD, 1)
        label = _literal(text)
        d.subjects.append(label)
        d.subject_labels.append((s, label.value))


def _contributors(d, values, n, minter, years) -> None:
    for v in values:
        primary, text = v.split(FIELD, 1)
        label = _literal(text)
        d.names.append(label)
        (d.primary if primary == "1" else d.creators).append(label)


def _titles(d, values, n, minter, years) -> None:
    d.titles.extend(_literal(v) for v in values)


def _notes(d, values, n, minter, years) -> None:
    d.notes.extend(_literal(v) for v in values)


def _classes(d, values, n, minter, years) -> None:
    for v in values:
        key = _class_key(*v.split(FIELD))
        if key:
            d.classes.add(key)


def _graphs(d, values, n, minter, years) -> None:
    d.graphs.update(values)


def _editions(d, values, n, minter, years) -> None:
    d.editions += n
    _types(d, values, n, minter, years)


def _collections(d, values, n, minter, years) -> None:
    for v in values:
        ref = minter.parse(v)
        if ref is not None and ref.kind == "collection":
            d.collections.add(v)


def _edition_statements(d, values, n, minter, years) -> None:
    for v in values:
        p, text = v.split(FIELD, 1)
        if not text:  # not a literal
            continue
        o = _literal(text)
        if p == "0":  # rdfs:label
            d.edition_labels.append(o)
            d.titles.append(o)
        elif p == "1":
            d.series.append(o)
        elif p == "2":
            d.names.append(o)
        elif p == "3":
            d.notes.append(o)
        else:  # bf:provisionActivityStatement
            d.notes.append(o)
            y = year_of(o.value)
            if y:
                years[d.iri].add(int(y))


def _identifiers(d, values, n, minter, years) -> None:
    for v in values:
        kind, value = v.split(FIELD, 1)
        d.identifiers.append((_KIND_OF[int(kind)], value))


def _provision(d, values, n, minter, years) -> None:
    for v in values:
        what, text = v.split(FIELD, 1)
        o = _literal(text)
        if what == "0":
            y = year_of(o.value)
            if y:
                d.years.add(int(y))
        elif what == "1":
            place = _place(o.value)
            if place:
                d.places.add(place)
        else:
            d.notes.append(o)


def _holdings(d, values, n, minter, years) -> None:
    for v in values:
        lib, n = v.split(FIELD)
        ref = minter.parse(lib)
        if ref is not None and ref.kind == "library":
            d.libraries[ref.id] = d.libraries.get(ref.id, 0) + int(n)


_ADD: dict[str, Callable] = {
    "work types": _types,
    "work labels": _labels,
    "languages": _languages,
    "subjects": _subjects,
    "headings": _headings,
    "contributors": _contributors,
    "work titles": _titles,
    "summaries": _notes,
    "classes": _classes,
    "work graphs": _graphs,
    "editions": _editions,
    "collections": _collections,
    "edition statements": _edition_statements,
    "edition titles": _titles,
    "identifiers": _identifiers,
    "provision": _provision,
    "edition notes": _notes,
    "edition graphs": _graphs,
    "holdings": _holdings,
}
