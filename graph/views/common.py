"""What every record view shares: safe queries, language choice for labels, a small triple index.

Terms enter queries only as ``str()`` of pyoxigraph terms (which escapes them);
nothing a user typed is pasted into SPARQL text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Iterable

from pyoxigraph import Literal, NamedNode

from graph.store.base import Store
from vocab.labels import term_label
from vocab.namespaces import RDF, RDFS, sparql_prefixes

PREFIXES = sparql_prefixes()
CHUNK = 400  # IRIs per VALUES block


def node(iri: str | NamedNode) -> NamedNode:
    """A NamedNode for ``iri`` (ValueError if it is not a valid IRI)."""
    return iri if isinstance(iri, NamedNode) else NamedNode(iri)


def select(store: Store, query: str) -> list:
    """The solutions of a SELECT (with the standard prefixes) as a list."""
    return list(store.query(PREFIXES + query))


def values(var: str, terms: Iterable) -> str:
    """A ``VALUES ?var { ... }`` block of pyoxigraph terms."""
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def count(store: Store, pattern: str, var: str) -> int:
    rows = select(store, f"SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ {pattern} }}")
    return int(rows[0]["n"].value) if rows else 0


# language choice ---------------------------------------------------------------------------
def preferences(lang: str) -> list[str]:
    """The page language first, then Chinese, English, untagged."""
    prefs = []
    for p in ((lang or "en").split("-")[0].lower(), "zh", "en", ""):
        if p not in prefs:
            prefs.append(p)
    return prefs


def _rank(literal: Literal, prefs: list[str]) -> tuple:
    tag = (literal.language or "").lower()
    subtags = tag.split("-")
    romanised = "latn" in subtags[1:]
    if not tag:
        place = prefs.index("")
    elif subtags[0] in prefs and not romanised:
        place = prefs.index(subtags[0])
    else:
        place = len(prefs) + romanised
    return place, "hant" in subtags, literal.value


def ranked(literals: Iterable[Literal], lang: str) -> list[str]:
    """Distinct literal values, best for ``lang`` first, in NFC (MARC data is often decomposed)."""
    prefs = preferences(lang)
    seen, out = set(), []
    for lit in sorted((x for x in literals if isinstance(x, Literal)), key=lambda x: _rank(x, prefs)):
        value = unicodedata.normalize("NFC", lit.value)
        if value not in seen:
            seen.add(value)
            out.append(value)
    return out


def pick(literals: Iterable[Literal], lang: str) -> str | None:
    best = ranked(literals, lang)
    return best[0] if best else None


# the dates MARC puts after a name ($d): "1881-1936", "approximately 1717-1763", "1944-", "active 1850",
# "b. 1920", "d. 1905", "ca. 1500-ca. 1560", "18th cent.", "1717?-1763"
_DATE_WORD = r"(?:approximately|active|flourished|born|died|ca\.|b\.|d\.|fl\.|circa)"
_LIFE_DATES = re.compile(
    rf",\s*(?:{_DATE_WORD}\s*)?\d{{1,4}}\??(?:\s*(?:th|st|nd|rd) cent\.?)?"
    rf"(?:\s*-\s*(?:{_DATE_WORD}\s*)?(?:\d{{1,4}}\??)?)?\.?\s*$"
)


def without_dates(name: str) -> str:
    """A heading without its trailing life dates: "Cao, Xueqin, approximately 1717-1763" -> "Cao, Xueqin"."""
    return _LIFE_DATES.sub("", name).strip()


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri


def labels_for(store: Store, iris: Iterable, lang: str) -> dict[str, str]:
    """rdfs:label of each IRI (the best one for ``lang``); vocabulary terms from vocab.labels."""
    found: dict[str, list] = defaultdict(list)
    todo = list(dict.fromkeys(node(i) for i in iris))
    for part in chunks(todo):
        for row in select(store, f"SELECT DISTINCT ?s ?l WHERE {{ {values('s', part)} ?s rdfs:label ?l }}"):
            found[row["s"].value].append(row["l"])
    out = {}
    for iri in todo:
        label = pick(found.get(iri.value, ()), lang) or term_label(iri.value, lang)
        if label:
            out[iri.value] = label
    return out


def ref(iri, label: str | None, **extra) -> dict:
    """A link to a resource: its IRI and what to call it (never the raw IRI when a label exists)."""
    iri = getattr(iri, "value", iri)
    return {"iri": iri, "label": label or local_name(iri), **extra}


# a small index over a resource's triples ---------------------------------------------------
class Description:
    """The triples of one description, indexed by subject and predicate."""

    def __init__(self, triples: Iterable[tuple]):
        self.triples = list(triples)
        self._index: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in self.triples:
            objs = self._index[s.value][p.value]
            if o not in objs:
                objs.append(o)

    def __bool__(self) -> bool:
        return bool(self.triples)

    def subjects(self) -> set[str]:
        return set(self._index)

    def objects(self, s, p) -> list:
        return list(self._index.get(getattr(s, "value", s), {}).get(p.value, ()))

    def nodes(self, s, p) -> list[NamedNode]:
        return [o for o in self.objects(s, p) if isinstance(o, NamedNode)]

    def literals(self, s, p) -> list[Literal]:
        return [o for o in self.objects(s, p) if isinstance(o, Literal)]

    def types(self, s) -> set[str]:
        return {o.value for o in self.nodes(s, RDF.type)}

    def label(self, s, lang: str) -> str | None:
        return pick(self.literals(s, RDFS.label), lang) or term_label(getattr(s, "value", s), lang)

    def ref(self, s, lang: str, **extra) -> dict:
        return ref(s, self.label(s, lang), **extra)

    def texts(self, subjects: Iterable, p, lang: str) -> list[str]:
        """Distinct values of ``p`` over several nodes (e.g. the same title said by two members)."""
        lits = [lit for s in subjects for lit in self.literals(s, p)]
        return ranked(lits, lang)

    def type_labels(self, s, lang: str, ignore: Iterable[str] = ()) -> list[str]:
        skip = set(ignore)
        return sorted({label for t in self.types(s) if t not in skip for label in [term_label(t, lang)] if label})
