"""Search documents: one per bf:Work, with everything of its editions and copies folded in.

A work's document holds the words people search for (titles in every form and script,
names, subjects, series, notes, identifiers), the facet values of all its editions
(holding libraries, formats, languages, years, subjects, classes, places, collections)
and what a result list shows, so a search answers without touching the store.

Built by SPARQL over ``store.query`` (any :class:`graph.store.base.Store`), a chunk of
works at a time; terms enter queries only as ``str()`` of pyoxigraph terms.
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
from vocab.namespaces import BF, BFLC, LANGUAGES, RDF, catalogued, sparql_prefixes

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
IDENTIFIER_KINDS = {BF.Isbn.value: "isbn", BF.Issn.value: "issn", BF.Lccn.value: "lccn",
                    BF.OclcNumber.value: "oclc", BF.Local.value: "local"}


@dataclass
class WorkDocument:
    """What the index keeps about one work."""

    iri: str
    titles: list[Literal] = field(default_factory=list)      # work and edition titles, every form
    names: list[Literal] = field(default_factory=list)       # contributors' names, responsibility statements
    subjects: list[Literal] = field(default_factory=list)    # subject and genre labels
    series: list[Literal] = field(default_factory=list)
    notes: list[Literal] = field(default_factory=list)       # notes, summaries, contents, publishers
    identifiers: list[tuple[str, str]] = field(default_factory=list)   # (kind, value)
    # facets
    libraries: dict[str, int] = field(default_factory=dict)  # library code -> copies
    formats: set[str] = field(default_factory=set)           # class local names
    languages: set[str] = field(default_factory=set)         # language codes
    years: set[int] = field(default_factory=set)
    subject_iris: list[str] = field(default_factory=list)
    subject_labels: list[tuple[str, str]] = field(default_factory=list)  # (subject IRI, label): headings' tree
    classes: set[str] = field(default_factory=set)           # "lcc:D", "clc:K", "ddc:9"
    places: set[str] = field(default_factory=set)
    collections: set[str] = field(default_factory=set)
    graphs: set[str] = field(default_factory=set)            # batch graphs that say something of it
    # display
    labels: list[Literal] = field(default_factory=list)      # rdfs:label of the work, then of its editions
    creators: list[Literal] = field(default_factory=list)    # primary contributors first
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
        return {"labels": lits(self.labels or self.titles, 8), "creators": lits(self.creators, 6),
                "years": [years[0], years[-1]] if years else [], "editions": self.editions,
                "holders": dict(sorted(self.libraries.items())), "formats": sorted(self.formats),
                "languages": sorted(self.languages), "isbn": self.isbn}


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
        rows = store.query(PREFIXES + f"""SELECT DISTINCT ?w WHERE {{
            {{ GRAPH {g} {{ ?w a bf:Work }} }}
            UNION {{ GRAPH {g} {{ ?i bf:instanceOf ?w }} }}
            UNION {{ GRAPH {g} {{ ?x bf:itemOf ?i }} ?i bf:instanceOf ?w }}
            UNION {{ GRAPH {g} {{ ?i bf:partOf ?c }} ?i bf:instanceOf ?w }} }}""")
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
        yield items[start:start + size]


def _select(store: Store, query: str):
    return store.query(PREFIXES + query)


def _build_chunk(store: Store, minter: Minter, works: list[NamedNode]) -> list[WorkDocument]:
    docs: dict[str, WorkDocument] = {}
    vw = _values("w", works)
    for r in _select(store, f"SELECT ?w WHERE {{ {vw} ?w a bf:Work {catalogued('w')} }}"):
        docs.setdefault(r["w"].value, WorkDocument(r["w"].value))
    if not docs:
        return []
    for r in _select(store, f"""SELECT DISTINCT ?w ?p ?o WHERE {{ {vw} ?w ?p ?o
            FILTER(?p IN (rdf:type, rdfs:label, bf:language, bf:subject)) }}"""):
        d = docs.get(r["w"].value)
        if d is None:
            continue
        p, o = r["p"], r["o"]
        if p == RDF.type:
            if o.value not in _FORMAT_SKIP and o.value.startswith(BF.base):
                d.formats.add(BF.local(o))
        elif p == BF.language:
            if o.value.startswith(LANGUAGES):
                d.languages.add(o.value[len(LANGUAGES):])
        elif p == BF.subject:
            if o.value not in d.subject_iris:
                d.subject_iris.append(o.value)
        elif isinstance(o, Literal):
            d.labels.append(o)
            d.titles.append(o)
    for r in _select(store, f"""SELECT DISTINCT ?w ?s ?l WHERE {{ {{ SELECT DISTINCT ?w ?s WHERE {{ {vw}
            ?w ?h ?s FILTER(?h IN (bf:subject, bf:genreForm)) }} }} ?s rdfs:label ?l }}"""):
        d = docs.get(r["w"].value)
        if d is None:
            continue
        d.subjects.append(r["l"])
        d.subject_labels.append((r["s"].value, r["l"].value))
    agents: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # agent -> (work, primary)
    for r in _select(store, f"""SELECT DISTINCT ?w ?a ?t WHERE {{ {vw} ?w bf:contribution ?c . ?c bf:agent ?a .
            OPTIONAL {{ ?c a ?t FILTER(?t IN ({PRIMARY_CONTRIBUTION})) }} }}"""):
        if r["w"].value in docs:
            agents[r["a"].value].append((r["w"].value, r["t"] is not None))
    for part in _chunks([NamedNode(a) for a in agents]):
        for r in _select(store, f"SELECT DISTINCT ?a ?l WHERE {{ {_values('a', part)} ?a rdfs:label ?l }}"):
            for w, primary in agents[r["a"].value]:
                d = docs[w]
                d.names.append(r["l"])
                (d.primary if primary else d.creators).append(r["l"])
    for r in _select(store, f"SELECT DISTINCT ?w ?v WHERE {{ {vw} ?w bf:title ?n . {_TITLE_PARTS} }}"):
        if (d := docs.get(r["w"].value)) is not None:
            d.titles.append(r["v"])
    for r in _select(store, f"SELECT DISTINCT ?w ?v WHERE {{ {vw} ?w bf:summary ?n . ?n rdfs:label ?v }}"):
        if (d := docs.get(r["w"].value)) is not None:
            d.notes.append(r["v"])
    for r in _select(store, f"""SELECT DISTINCT ?w ?t ?v ?src WHERE {{ {vw} ?w bf:classification ?n .
            ?n a ?t ; bf:classificationPortion ?v . OPTIONAL {{ ?n bf:source ?src }} }}"""):
        key = _class_key(r["t"].value, r["src"].value if r["src"] is not None else "", r["v"].value)
        if key and (d := docs.get(r["w"].value)) is not None:
            d.classes.add(key)
    for r in _select(store, f"""SELECT DISTINCT ?w ?g WHERE {{ {vw}
            GRAPH ?g {{ {{ ?w a bf:Work }} UNION {{ ?w alliance:memberDescription ?d }} }} }}"""):
        if (d := docs.get(r["w"].value)) is not None:
            d.graphs.add(r["g"].value)
    _add_instances(store, vw, docs, minter)
    return [d.settle() for d in docs.values()]


def _add_instances(store: Store, vw: str, docs: dict[str, WorkDocument], minter: Minter) -> None:
    work_of: dict[str, list[str]] = defaultdict(list)   # an edition -> its works (one, nearly always)
    for r in _select(store, f"SELECT DISTINCT ?w ?i WHERE {{ {vw} ?i bf:instanceOf ?w ; a bf:Instance }}"):
        if r["w"].value in docs:
            work_of[r["i"].value].append(r["w"].value)
            docs[r["w"].value].editions += 1
    statement_years: dict[str, set[int]] = defaultdict(set)  # when no edition gives a date of its own
    for part in _chunks([NamedNode(i) for i in work_of]):
        _add_instance_chunk(store, _values("i", part), docs, work_of, minter, statement_years)
    for w, d in docs.items():
        if not d.years:
            d.years = statement_years.get(w, set())


def _add_instance_chunk(store: Store, vi: str, docs: dict[str, WorkDocument], work_of: dict[str, list[str]],
                        minter: Minter, statement_years: dict[str, set[int]]) -> None:
    def each(row) -> Iterator[WorkDocument]:
        return (docs[w] for w in work_of[row["i"].value])

    for r in _select(store, f"""SELECT DISTINCT ?i ?p ?o WHERE {{ {vi} ?i ?p ?o
            FILTER(?p IN (rdf:type, rdfs:label, bf:seriesStatement, bf:responsibilityStatement,
                          bf:editionStatement, bf:provisionActivityStatement, bf:partOf)) }}"""):
        p, o = r["p"], r["o"]
        for d in each(r):
            if p == RDF.type:
                if o.value not in _FORMAT_SKIP and o.value.startswith(BF.base):
                    d.formats.add(BF.local(o))
            elif p == BF.partOf:
                ref = minter.parse(o.value)
                if ref is not None and ref.kind == "collection":
                    d.collections.add(o.value)
            elif p == BF.seriesStatement:
                d.series.append(o)
            elif p == BF.responsibilityStatement:
                d.names.append(o)
            elif p == BF.provisionActivityStatement:
                d.notes.append(o)
                y = year_of(o.value)
                if y:
                    statement_years[d.iri].add(int(y))
            elif p == BF.editionStatement:
                d.notes.append(o)
            elif isinstance(o, Literal):  # rdfs:label
                d.edition_labels.append(o)
                d.titles.append(o)
    for r in _select(store, f"SELECT DISTINCT ?i ?v WHERE {{ {vi} ?i bf:title ?n . {_TITLE_PARTS} }}"):
        for d in each(r):
            d.titles.append(r["v"])
    for r in _select(store, f"""SELECT DISTINCT ?i ?t ?v WHERE {{ {vi} ?i bf:identifiedBy ?n .
            ?n a ?t ; rdf:value ?v }}"""):
        kind = IDENTIFIER_KINDS.get(r["t"].value)
        if kind:
            for d in each(r):
                d.identifiers.append((kind, r["v"].value))
    for r in _select(store, f"SELECT DISTINCT ?i ?k ?v WHERE {{ {vi} ?i bf:provisionActivity ?n . ?n ?k ?v }}"):
        k, v = r["k"], r["v"]
        for d in each(r):
            if k == BFLC.simpleDate:
                y = year_of(v.value)
                if y:
                    d.years.add(int(y))
            elif k == BFLC.simplePlace:
                place = _place(v.value)
                if place:
                    d.places.add(place)
            elif k == BFLC.simpleAgent:
                d.notes.append(v)
    for r in _select(store, f"""SELECT DISTINCT ?i ?v WHERE {{ {vi} ?i ?h ?n FILTER(?h IN (bf:note, bf:tableOfContents))
            ?n rdfs:label ?v }}"""):
        for d in each(r):
            d.notes.append(r["v"])
    for r in _select(store, f"""SELECT ?i ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {vi}
            ?item bf:itemOf ?i ; bf:heldBy ?lib }} GROUP BY ?i ?lib"""):
        ref = minter.parse(r["lib"].value)
        if ref is not None and ref.kind == "library":
            for d in each(r):
                d.libraries[ref.id] = d.libraries.get(ref.id, 0) + int(r["n"].value)
    for r in _select(store, f"""SELECT DISTINCT ?i ?g WHERE {{ {vi}
            {{ GRAPH ?g {{ ?i bf:instanceOf ?w }} }} UNION {{ GRAPH ?g {{ ?x bf:itemOf ?i }} }} }}"""):
        for d in each(r):
            d.graphs.add(r["g"].value)


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
