"""Search documents: one per bf:Work, with everything of its editions and copies folded in.

A work's document holds the words people search for (titles in every form and script,
names, subjects, series, notes, identifiers), the facet values of all its editions
(holding libraries, formats, languages, years, subjects, classes, places, collections)
and what a result list shows, so a search answers without touching the store.

Built by SPARQL over ``store.query`` (any :class:`graph.store.base.Store`), a chunk of
works at a time; terms enter queries only as ``str()`` of pyoxigraph terms. What costs is
pyoxigraph turning each returned IRI back into a string (~4 µs, against under 1 µs for a
literal): so rows name the chunk's works and editions by small integer keys
(:func:`_keyed`), and an IRI many rows share (a type, a language, a library, a graph) comes
once with the keys of its rows (:func:`_grouped`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from pyoxigraph import Literal, NamedNode

from graph.identity.normalize import has_han, simplified, title_key, year as year_of
from graph.identity.uris import Minter
from graph.store.base import Store
from vocab.namespaces import BF, LANGUAGES, catalogued, sparql_prefixes

CHUNK = 400
PREFIXES = sparql_prefixes()
CLASS_SCHEMES = "http://id.loc.gov/vocabulary/classSchemes/"
# Instance and Work classes that say something about format (bf:Instance / bf:Work themselves do not;
# nor bf:Monograph, the issuance of nearly every book: beside "Text" it only repeated the same count).
_FORMAT_SKIP = {BF.Instance.value, BF.Work.value, BF.Monograph.value}
_TRAILING = re.compile(r"^[\s\[\](),.:;/=]+|[\s\[\](),.:;/=?]+$")
_LCC = re.compile(r"^\s*([A-Z])")
_CLC = re.compile(r"^\s*([A-Z])")
_DDC = re.compile(r"^\s*([0-9])")
# A title node's parts. Alternatives are written as FILTER(?k IN (…)) rather than property paths
# (a|b): pyoxigraph 0.5 evaluates the path about twice as slowly for the same rows.
_TITLE_PARTS = "?n ?k ?v FILTER(?k IN (bf:mainTitle, bf:subtitle, bf:partName, bf:partNumber))"
# The main entry's contribution: the mappers write bf:PrimaryContribution (BIBFRAME 2.x); older data and the
# local and UNIMARC mappers bflc:PrimaryContribution. Either puts its agent first among a work's creators.
PRIMARY_CONTRIBUTION = "bf:PrimaryContribution, bflc:PrimaryContribution"
IDENTIFIER_KINDS = {
    BF.Isbn.value: "isbn",
    BF.Issn.value: "issn",
    BF.Lccn.value: "lccn",
    BF.OclcNumber.value: "oclc",
    BF.Local.value: "local",
}


@dataclass
class WorkDocument:
    """What the index keeps about one work."""

    iri: str
    titles: list[Literal] = field(default_factory=list)  # work and edition titles, every form
    names: list[Literal] = field(default_factory=list)  # contributors' names, responsibility statements
    subjects: list[Literal] = field(default_factory=list)  # subject and genre labels
    series: list[Literal] = field(default_factory=list)
    notes: list[Literal] = field(default_factory=list)  # notes, summaries, contents, publishers
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)
    # facets
    libraries: dict[str, int] = field(default_factory=dict)  # library code -> copies
    formats: set[str] = field(default_factory=set)  # class local names
    languages: set[str] = field(default_factory=set)  # language codes
    years: set[int] = field(default_factory=set)
    subject_iris: list[str] = field(default_factory=list)
    subject_labels: list[tuple[str, str]] = field(default_factory=list)  # (subject IRI, label): headings' tree
    classes: set[str] = field(default_factory=set)  # "lcc:D", "clc:K", "ddc:9"
    places: set[str] = field(default_factory=set)
    collections: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)  # batch graphs that say something of it
    # display
    labels: list[Literal] = field(default_factory=list)  # rdfs:label of the work, then of its editions
    creators: list[Literal] = field(default_factory=list)  # primary contributors first
    editions: int = 0
    isbn: str | None = None
    # gathered while building, folded into labels and creators by settle()
    edition_labels: list[Literal] = field(default_factory=list)
    primary: list[Literal] = field(default_factory=list)

    def settle(self) -> "WorkDocument":
        """Put every value list in one order, repeats gone, whatever order the store's rows came in:
        the work's labels before its editions', primary contributors first, the first ISBN in order."""
        own, primary = set(self.labels), set(self.primary)
        self.labels = _ordered(self.labels) + [lit for lit in _ordered(self.edition_labels) if lit not in own]
        self.creators = _ordered(self.primary) + [lit for lit in _ordered(self.creators) if lit not in primary]
        self.edition_labels, self.primary = [], []
        for name in ("titles", "names", "subjects", "series", "notes"):
            setattr(self, name, _ordered(getattr(self, name)))
        self.identifiers = sorted(set(self.identifiers))
        self.isbn = next((v for kind, v in self.identifiers if kind == "isbn"), None)
        self.subject_iris = sorted(set(self.subject_iris))
        self.subject_labels = sorted(set(self.subject_labels))
        return self

    @property
    def copies(self) -> int:
        return sum(self.libraries.values())

    def sort_title(self) -> str:
        """A title key that files Han titles by their pinyin among Latin ones."""
        for lit in self.labels or self.titles:
            key = title_key(lit.value)
            if key:
                if has_han(key):
                    from pypinyin import lazy_pinyin

                    key = "".join(lazy_pinyin(simplified(key)))
                return key[:80]
        return "\uffff"

    def first_year(self) -> int | None:
        return min(self.years) if self.years else None

    def display(self) -> dict:
        """What a result list shows (stored in the index as JSON)."""

        def lits(values, n):
            out = []
            for lit in values:
                entry = [unicodedata.normalize("NFC", lit.value), lit.language or ""]
                if entry not in out:
                    out.append(entry)
                if len(out) == n:
                    break
            return out

        years = sorted(self.years)
        return {
            "labels": lits(self.labels or self.titles, 8),
            "creators": lits(self.creators, 6),
            "years": [years[0], years[-1]] if years else [],
            "editions": self.editions,
            "holders": dict(sorted(self.libraries.items())),
            "formats": sorted(self.formats),
            "languages": sorted(self.languages),
            "isbn": self.isbn,
        }


def _ordered(literals: list[Literal]) -> list[Literal]:
    """Literals without repeats, by value, then language, then datatype."""
    return sorted(set(literals), key=lambda lit: (lit.value, lit.language or "", lit.datatype.value))


def all_works(store: Store) -> Iterator[NamedNode]:
    for row in store.query(PREFIXES + f"SELECT DISTINCT ?w WHERE {{ ?w a bf:Work {catalogued('w')} }}"):
        yield row["w"]


def works_in_graphs(store: Store, graphs: list[NamedNode]) -> set[str]:
    """Works a set of graphs says anything about: directly, or through an edition or a copy."""
    if not graphs:
        return set()
    found: set[str] = set()
    for g in graphs:
        rows = store.query(
            PREFIXES
            + f"""SELECT DISTINCT ?w WHERE {{
            {{ GRAPH {g} {{ ?w a bf:Work }} }}
            UNION {{ GRAPH {g} {{ ?i bf:instanceOf ?w }} }}
            UNION {{ GRAPH {g} {{ ?x bf:itemOf ?i }} ?i bf:instanceOf ?w }}
            UNION {{ GRAPH {g} {{ ?i bf:partOf ?c }} ?i bf:instanceOf ?w }} }}"""
        )
        found.update(r["w"].value for r in rows)
    return found


def works_of_instances(store: Store, instances: Iterable[str]) -> set[str]:
    found: set[str] = set()
    insts = [NamedNode(i) for i in instances]
    for part in _chunks(insts):
        rows = store.query(PREFIXES + f"SELECT DISTINCT ?w WHERE {{ {_values('i', part)} ?i bf:instanceOf ?w }}")
        found.update(r["w"].value for r in rows)
    return found


def build(store: Store, minter: Minter, works: Iterable[NamedNode | str], threads: int = 2) -> Iterator[WorkDocument]:
    """Documents of ``works`` (IRIs that are not works in the store give none).

    Chunks of works are described by ``threads`` threads at once: pyoxigraph evaluates a
    query without the GIL, so one thread's queries run while another's rows become
    documents (about 1.4x on two cores).
    """
    from concurrent.futures import ThreadPoolExecutor

    def chunks() -> Iterator[list[NamedNode]]:
        batch: list[NamedNode] = []
        for w in works:
            w = w if isinstance(w, NamedNode) else NamedNode(w)
            ref = minter.parse(w.value)
            if ref is None or ref.kind != "work" or ref.fragment:  # this catalogue's works, not fragments
                continue
            batch.append(w)
            if len(batch) == CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    if threads <= 1:
        for batch in chunks():
            yield from _build_chunk(store, minter, batch)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="index-build") as pool:
        pending = []
        for batch in chunks():
            pending.append(pool.submit(_build_chunk, store, minter, batch))
            if len(pending) > threads * 2:  # bounded read-ahead
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


# the queries ----------------------------------------------------------------------------------
def _values(var: str, terms) -> str:
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _select(store: Store, query: str):
    return store.query(PREFIXES + query)


def _keyed(var: str, terms) -> str:
    """``VALUES (?var ?var_k)``: each term with its position, so rows name a resource by a small integer.

    pyoxigraph decodes every IRI it returns from the store's string table (~4 µs each, against
    under 1 µs for a literal and nothing for an integer): rows carry the key instead of the IRI."""
    return f"VALUES (?{var} ?{var}_k) {{ {' '.join(f'({t} {n})' for n, t in enumerate(terms))} }}"


def _each(keys: str, targets: list) -> Iterator:
    """The targets a ``GROUP_CONCAT`` of keys names."""
    return (targets[int(k)] for k in keys.split())


def _grouped(var: str) -> str:
    """Keys of one IRI's rows in one cell: the IRI is decoded once per distinct value, not per row."""
    return f'(GROUP_CONCAT(DISTINCT STR(?{var}_k); SEPARATOR=" ") AS ?keys)'  # Virtuoso needs the separator named


def _build_chunk(store: Store, minter: Minter, works: list[NamedNode]) -> list[WorkDocument]:
    docs: dict[str, WorkDocument] = {}
    for r in _select(store, f"SELECT ?w WHERE {{ {_values('w', works)} ?w a bf:Work {catalogued('w')} }}"):
        docs.setdefault(r[0].value, WorkDocument(r[0].value))
    if not docs:
        return []
    by = list(docs.values())
    vw = _keyed("w", [NamedNode(d.iri) for d in by])
    for t, keys in _select(store, f"SELECT ?t {_grouped('w')} WHERE {{ {vw} ?w a ?t }} GROUP BY ?t"):
        if t.value not in _FORMAT_SKIP and t.value.startswith(BF.base):
            for d in _each(keys.value, by):
                d.formats.add(BF.local(t))
    for k, o in _select(store, f"SELECT DISTINCT ?w_k ?o WHERE {{ {vw} ?w rdfs:label ?o }}"):
        if isinstance(o, Literal):
            d = by[int(k.value)]
            d.labels.append(o)
            d.titles.append(o)
    for o, keys in _select(store, f"SELECT ?o {_grouped('w')} WHERE {{ {vw} ?w bf:language ?o }} GROUP BY ?o"):
        if o.value.startswith(LANGUAGES):
            for d in _each(keys.value, by):
                d.languages.add(o.value[len(LANGUAGES) :])
    for o, keys in _select(store, f"SELECT ?o {_grouped('w')} WHERE {{ {vw} ?w bf:subject ?o }} GROUP BY ?o"):
        for d in _each(keys.value, by):
            d.subject_iris.append(o.value)
    for s, label, keys in _select(
        store,
        f"""SELECT ?s ?l {_grouped("w")} WHERE {{ {vw}
            ?w ?h ?s FILTER(?h IN (bf:subject, bf:genreForm)) ?s rdfs:label ?l }} GROUP BY ?s ?l""",
    ):
        for d in _each(keys.value, by):
            d.subjects.append(label)
            d.subject_labels.append((s.value, label.value))
    for k, label, primary in _select(
        store,
        f"""SELECT DISTINCT ?w_k ?l ?p WHERE {{ {vw}
            ?w bf:contribution ?c . ?c bf:agent ?a . ?a rdfs:label ?l
            OPTIONAL {{ ?c a ?t FILTER(?t IN ({PRIMARY_CONTRIBUTION})) }} BIND(BOUND(?t) AS ?p) }}""",
    ):
        d = by[int(k.value)]
        d.names.append(label)
        (d.primary if primary.value == "true" else d.creators).append(label)
    for k, v in _select(store, f"SELECT DISTINCT ?w_k ?v WHERE {{ {vw} ?w bf:title ?n . {_TITLE_PARTS} }}"):
        by[int(k.value)].titles.append(v)
    for k, v in _select(store, f"SELECT DISTINCT ?w_k ?v WHERE {{ {vw} ?w bf:summary ?n . ?n rdfs:label ?v }}"):
        by[int(k.value)].notes.append(v)
    for t, src, v, keys in _select(
        store,
        f"""SELECT ?t ?src ?v {_grouped("w")} WHERE {{ {vw}
            ?w bf:classification ?n . ?n a ?t ; bf:classificationPortion ?v . OPTIONAL {{ ?n bf:source ?src }} }}
            GROUP BY ?t ?src ?v""",
    ):
        key = _class_key(t.value, src.value if src is not None else "", v.value)
        if key:
            for d in _each(keys.value, by):
                d.classes.add(key)
    for g, keys in _select(
        store,
        f"""SELECT ?g {_grouped("w")} WHERE {{ {vw}
            GRAPH ?g {{ {{ ?w a bf:Work }} UNION {{ ?w alliance:memberDescription ?d }} }} }} GROUP BY ?g""",
    ):
        for d in _each(keys.value, by):
            d.graphs.add(g.value)
    _add_instances(store, vw, by, minter)
    return [d.settle() for d in by]


def _add_instances(store: Store, vw: str, by: list[WorkDocument], minter: Minter) -> None:
    instances: dict[str, list[WorkDocument]] = defaultdict(list)  # an edition -> its works (one, nearly always)
    for k, i in _select(store, f"SELECT DISTINCT ?w_k ?i WHERE {{ {vw} ?i bf:instanceOf ?w ; a bf:Instance }}"):
        d = by[int(k.value)]
        instances[i.value].append(d)
        d.editions += 1
    statement_years: dict[str, set[int]] = defaultdict(set)  # when no edition gives a date of its own
    editions = list(instances)
    for start in range(0, len(editions), CHUNK):
        part = editions[start : start + CHUNK]
        _add_instance_chunk(
            store, _keyed("i", [NamedNode(i) for i in part]), [instances[i] for i in part], minter, statement_years
        )
    for d in by:
        if not d.years:
            d.years = statement_years.get(d.iri, set())


# An edition's statements that go into its work's document, each with a small key (see _keyed).
_INSTANCE_STATEMENTS = (
    "rdfs:label",
    "bf:seriesStatement",
    "bf:responsibilityStatement",
    "bf:editionStatement",
    "bf:provisionActivityStatement",
)


def _case(var: str, terms: list[str]) -> str:
    """Keep ?var to ``terms`` and bind ``?var_k`` to its position among them (a FILTER and an IF chain:
    a VALUES list of the terms would let pyoxigraph scan each term's statements in the whole store)."""
    chain = str(len(terms) - 1)
    for n in range(len(terms) - 2, -1, -1):
        chain = f"IF(?{var} = {terms[n]}, {n}, {chain})"
    return f"FILTER(?{var} IN ({', '.join(terms)})) BIND({chain} AS ?{var}_k)"


_STATEMENTS = _case("p", list(_INSTANCE_STATEMENTS))
_PROVISION = _case("p", ["bflc:simpleDate", "bflc:simplePlace", "bflc:simpleAgent"])
_IDENTIFIER_TYPES = [f"<{iri}>" for iri in IDENTIFIER_KINDS]
_IDENTIFIER = _case("t", _IDENTIFIER_TYPES)
_KIND_OF = list(IDENTIFIER_KINDS.values())


def _add_instance_chunk(
    store: Store, vi: str, works: list[list[WorkDocument]], minter: Minter, statement_years: dict[str, set[int]]
) -> None:
    """``works[n]``: the documents of the n-th edition of ``vi``."""
    for t, keys in _select(store, f"SELECT ?t {_grouped('i')} WHERE {{ {vi} ?i a ?t }} GROUP BY ?t"):
        if t.value not in _FORMAT_SKIP and t.value.startswith(BF.base):
            for ds in _each(keys.value, works):
                for d in ds:
                    d.formats.add(BF.local(t))
    for o, keys in _select(store, f"SELECT ?o {_grouped('i')} WHERE {{ {vi} ?i bf:partOf ?o }} GROUP BY ?o"):
        ref = minter.parse(o.value)
        if ref is not None and ref.kind == "collection":
            for ds in _each(keys.value, works):
                for d in ds:
                    d.collections.add(o.value)
    for k, p, o in _select(store, f"SELECT DISTINCT ?i_k ?p_k ?o WHERE {{ {vi} ?i ?p ?o {_STATEMENTS} }}"):
        p = int(p.value)
        for d in works[int(k.value)]:
            if p == 0:  # rdfs:label
                if isinstance(o, Literal):
                    d.edition_labels.append(o)
                    d.titles.append(o)
            elif p == 1:
                d.series.append(o)
            elif p == 2:
                d.names.append(o)
            elif p == 3:
                d.notes.append(o)
            else:  # bf:provisionActivityStatement
                d.notes.append(o)
                y = year_of(o.value)
                if y:
                    statement_years[d.iri].add(int(y))
    for k, v in _select(store, f"SELECT DISTINCT ?i_k ?v WHERE {{ {vi} ?i bf:title ?n . {_TITLE_PARTS} }}"):
        for d in works[int(k.value)]:
            d.titles.append(v)
    for k, kind, v in _select(
        store,
        f"""SELECT DISTINCT ?i_k ?t_k ?v WHERE {{ {vi} ?i bf:identifiedBy ?n .
            ?n a ?t ; rdf:value ?v {_IDENTIFIER} }}""",
    ):
        for d in works[int(k.value)]:
            d.identifiers.append((_KIND_OF[int(kind.value)], v.value))
    for k, what, v in _select(
        store,
        f"""SELECT DISTINCT ?i_k ?p_k ?v WHERE {{ {vi} ?i bf:provisionActivity ?n .
            ?n ?p ?v {_PROVISION} }}""",
    ):
        what = int(what.value)
        for d in works[int(k.value)]:
            if what == 0:
                y = year_of(v.value)
                if y:
                    d.years.add(int(y))
            elif what == 1:
                place = _place(v.value)
                if place:
                    d.places.add(place)
            else:
                d.notes.append(v)
    for k, v in _select(
        store,
        f"""SELECT DISTINCT ?i_k ?v WHERE {{ {vi} ?i ?h ?n FILTER(?h IN (bf:note, bf:tableOfContents))
            ?n rdfs:label ?v }}""",
    ):
        for d in works[int(k.value)]:
            d.notes.append(v)
    for lib, counts in _select(
        store,
        f"""SELECT ?lib (GROUP_CONCAT(?kn; SEPARATOR=" ") AS ?counts) WHERE {{
            {{ SELECT ?i_k ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {vi} ?item bf:itemOf ?i ; bf:heldBy ?lib }}
               GROUP BY ?i_k ?lib }} BIND(CONCAT(STR(?i_k), ":", STR(?n)) AS ?kn) }} GROUP BY ?lib""",
    ):
        ref = minter.parse(lib.value)
        if ref is not None and ref.kind == "library":
            for pair in counts.value.split():
                k, n = pair.split(":")
                for d in works[int(k)]:
                    d.libraries[ref.id] = d.libraries.get(ref.id, 0) + int(n)
    for g, keys in _select(
        store,
        f"""SELECT ?g {_grouped("i")} WHERE {{ {vi}
            {{ GRAPH ?g {{ ?i bf:instanceOf ?w }} }} UNION {{ GRAPH ?g {{ ?x bf:itemOf ?i }} }} }} GROUP BY ?g""",
    ):
        for ds in _each(keys.value, works):
            for d in ds:
                d.graphs.add(g.value)


def _class_key(class_type: str, source: str, portion: str) -> str | None:
    """The facet value of a classification: its scheme and main class (``lcc:D``, ``clc:K``, ``ddc:9``)."""
    if class_type == BF.ClassificationLcc.value or source.endswith("/lcc"):
        m = _LCC.match(portion)
        return f"lcc:{m.group(1)}" if m else None
    if source.endswith("/clc"):
        m = _CLC.match(portion)
        return f"clc:{m.group(1)}" if m else None
    if class_type == BF.ClassificationDdc.value or source.endswith("/ddc"):
        m = _DDC.match(portion)
        return f"ddc:{m.group(1)}" if m else None
    return None


def _place(text: str) -> str:
    """A place of publication as a facet value: brackets and ISBD punctuation gone, Han in Simplified."""
    cleaned = _TRAILING.sub("", unicodedata.normalize("NFC", text)).strip()
    if not cleaned or cleaned.casefold() in ("s.l", "s. l", "place of publication not identified"):
        return ""
    return simplified(cleaned)
