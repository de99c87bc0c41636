"""Genealogies (家谱) across all members, browsed as Chinese genealogy platforms do: by surname (姓氏),
hall name (堂号), ancestral place (谱籍) and dynasty or year of compilation.

A genealogy is a work with a family as subject (``bf:subject`` a ``bf:Family`` labelled ``王氏``:
the spreadsheet's 姓氏 column, a CNMARC 602 or MARC 600 family heading); its hall name is
``alliance:hallName``; its ancestral place the ``bf:Place`` it covers (the 地区/谱籍 column, 607,
651); its compilation the edition's provision activity (``bf:date``, ``alliance:dynasty``). A
dynasty asked for stands for its years (``graph/identity/periods.py``): 明 finds what was compiled
in 1368-1644, by year or by a dynasty said without a year. :func:`query_text` is the SPARQL that
answers a :class:`Filters`; ``docs/local-literature.md`` shows it, and the JSON API
(``/local-literature/genealogies.json``) answers with the same works.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graph.identity.periods import DYNASTIES
from graph.identity.periods import dynasty as find_dynasty
from graph.store.base import Store
from vocab.namespaces import sparql_prefixes

FACETS = ("surname", "hall", "place", "dynasty")


@dataclass
class Filters:
    surname: str = ""  # 王 or 王氏
    hall: str = ""  # 三槐堂
    place: str = ""  # a place or the start of one: 福建 finds 福建福州
    dynasty: str = ""  # 明, 清, 民国 ...: its years
    year_from: int | None = None
    year_to: int | None = None

    def years(self) -> tuple[int | None, int | None]:
        """The years asked for: the dynasty's, narrowed by from/to; ValueError for an unknown dynasty."""
        lo, hi = self.year_from, self.year_to
        if self.dynasty:
            found = find_dynasty(self.dynasty)
            if found is None:
                raise ValueError(f"unknown dynasty {self.dynasty!r}")
            lo = max(lo, found.start) if lo is not None else found.start
            hi = min(hi, found.end) if hi is not None else found.end
        return lo, hi

    def family(self) -> str:
        s = self.surname.strip()
        return s if not s or s.endswith("氏") else s + "氏"


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def query_text(f: Filters) -> str:
    """The SPARQL that lists the genealogies matching ``f``: one row per work, its title and years."""
    lo, hi = f.years()
    where = ["?work a bf:Work ; bf:subject ?family . ?family a bf:Family ; rdfs:label ?surname ."]
    if f.surname:
        where.append(f"FILTER(STR(?surname) = {_literal(f.family())})")
    if f.hall:
        where.append(f"?work alliance:hallName ?h . FILTER(STR(?h) = {_literal(f.hall.strip())})")
    if f.place:
        where.append(
            "?work bf:subject|bf:geographicCoverage ?p . ?p a bf:Place ; rdfs:label ?pl . "
            f"FILTER(STRSTARTS(STR(?pl), {_literal(f.place.strip())}))"
        )
    if lo is not None or hi is not None:
        year = "xsd:integer(SUBSTR(STR(?d), 1, 4))"
        tests = [
            t
            for t in (
                f"{year} >= {int(lo)}" if lo is not None else "",
                f"{year} <= {int(hi)}" if hi is not None else "",
            )
            if t
        ]
        by_year = f"{{ ?work bf:hasInstance/bf:provisionActivity/bf:date ?d FILTER({' && '.join(tests)}) }}"
        if f.dynasty and f.year_from is None and f.year_to is None:
            named = find_dynasty(f.dynasty)
            assert named is not None  # f.years() above raised for an unknown dynasty
            by_name = (
                "{ ?work bf:hasInstance/bf:provisionActivity/alliance:dynasty/rdfs:label ?dn "
                f"FILTER(STR(?dn) = {_literal(named.name)}) }}"
            )
            where.append(f"{by_year} UNION {by_name}")
        else:
            where.append(by_year)
    body = "\n  ".join(where)
    return sparql_prefixes() + f"SELECT DISTINCT ?work WHERE {{\n  {body}\n}}"


@dataclass
class Genealogy:
    work: str
    title: str
    pinyin: str | None
    surname: str
    halls: list[str]
    places: list[str]
    year: int | None
    dynasty: str | None
    holders: list[str]

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def find(store: Store, f: Filters, *, limit: int = 1000) -> list[Genealogy]:
    """The genealogies matching ``f``, described for a page or the JSON API, in title order."""
    works = [row["work"].value for row in store.query(query_text(f))]
    return describe(store, works[:limit])


def describe(store: Store, works: list[str]) -> list[Genealogy]:
    if not works:
        return []
    values = " ".join(f"<{w}>" for w in works)
    query = (
        sparql_prefixes()
        + f"""
    SELECT ?work ?surname ?title ?pinyin ?hall ?place ?date ?dyn ?code WHERE {{
      VALUES ?work {{ {values} }}
      ?work bf:subject ?family . ?family a bf:Family ; rdfs:label ?surname .
      OPTIONAL {{ ?work rdfs:label ?title FILTER(langMatches(lang(?title), "zh") && !langMatches(lang(?title), "zh-Latn")) }}
      OPTIONAL {{ ?work rdfs:label ?pinyin FILTER(langMatches(lang(?pinyin), "zh-Latn-pinyin")) }}
      OPTIONAL {{ ?work alliance:hallName ?hall }}
      OPTIONAL {{ ?work bf:subject|bf:geographicCoverage ?p . ?p a bf:Place ; rdfs:label ?place
                 FILTER(langMatches(lang(?place), "zh") && !langMatches(lang(?place), "zh-Latn"))
                 FILTER NOT EXISTS {{ ?p a madsrdf:ComplexSubject }} }}
      OPTIONAL {{ ?work bf:hasInstance/bf:provisionActivity/bf:date ?date }}
      OPTIONAL {{ ?work bf:hasInstance/bf:provisionActivity/alliance:dynasty/rdfs:label ?dyn
                 FILTER(langMatches(lang(?dyn), "zh-Hans")) }}
      OPTIONAL {{ ?work bf:hasInstance/bf:hasItem/bf:heldBy/alliance:code ?code }}
    }}"""
    )
    found: dict[str, Genealogy] = {}
    for row in store.query(query):
        iri = row["work"].value
        g = found.get(iri)
        if g is None:
            g = found[iri] = Genealogy(iri, "", None, row["surname"].value, [], [], None, None, [])
        if row["title"] and not g.title:
            g.title = row["title"].value
        if row["pinyin"] and not g.pinyin:
            g.pinyin = row["pinyin"].value
        for attr, key in (("halls", "hall"), ("places", "place"), ("holders", "code")):
            if row[key] and row[key].value not in getattr(g, attr):
                getattr(g, attr).append(row[key].value)
        if row["date"] and row["date"].value[:4].isdigit():
            year = int(row["date"].value[:4])
            g.year = min(g.year, year) if g.year else year
        if row["dyn"] and not g.dynasty:
            g.dynasty = row["dyn"].value
    for g in found.values():
        g.halls.sort()
        g.places.sort()
        g.holders.sort()
        if not g.title:
            g.title = g.pinyin or g.surname
    return sorted(found.values(), key=lambda g: (g.title, g.work))


def facets(genealogies: list[Genealogy]) -> dict[str, list[tuple[str, int]]]:
    """Counts of surname, hall name, ancestral place and dynasty over ``genealogies``, most first.

    A genealogy counts under a dynasty as the dynasty filter finds it: compiled within its years, or
    said to be of it without a year (so one compiled in 1640 counts under both 明 and 清)."""
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for g in genealogies:
        counts["surname"][g.surname] += 1
        counts["hall"].update(g.halls)
        counts["place"].update(g.places)
        for d in DYNASTIES:
            if (g.year is not None and d.start <= g.year <= d.end) or (g.year is None and g.dynasty == d.name):
                counts["dynasty"][d.name] += 1
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()}
