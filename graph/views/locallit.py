"""The region's local literature across all members: browse by place, dynasty/period and type.

Every source meets on the same alliance-wide resources: a bf:Place (a spreadsheet's
地区, a CNMARC 607 or 606 $y), a dynasty bf:Temporal (``alliance:dynasty`` of an agent
or of an edition's provision activity), a bf:GenreForm (地方志, 家谱…) and a
bf:ProductionMethod (刻本, 抄本…). Places and types are the ones named in Han characters
(local literature is described in Chinese): a subject heading with subdivisions
("北京--地方志", "China--Economic conditions") is a topic about a place, not a place, and an
English genre ("Fiction") is not a kind of local literature. These queries are the documented
way to ask for them; the web layer and SPARQL users run the same patterns.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from graph.identity.normalize import has_han
from graph.store.base import Store
from vocab.namespaces import sparql_prefixes

# facet -> the graph pattern binding ?work (a bf:Work) and ?term (the facet's resource)
FACETS = {
    "place": (
        "?work bf:subject|bf:geographicCoverage ?term . ?term a bf:Place . "
        "FILTER NOT EXISTS { ?term a madsrdf:ComplexSubject } "
        'FILTER EXISTS { ?term rdfs:label ?han FILTER(REGEX(STR(?han), "^[\\u3400-\\u9fff]")) }'
    ),
    "dynasty": (
        "{ ?work bf:contribution/bf:agent/alliance:dynasty ?term } UNION "
        "{ ?work bf:hasInstance/bf:provisionActivity/alliance:dynasty ?term }"
    ),
    "type": (
        "?work bf:genreForm ?term . "
        'FILTER EXISTS { ?term rdfs:label ?han FILTER(REGEX(STR(?han), "^[\\u3400-\\u9fff]")) }'
    ),
    "edition": "?work bf:hasInstance/bf:productionMethod ?term .",
    "collection": "?work bf:hasInstance/bf:partOf ?term . ?term a bf:Collection .",
}


@dataclass
class FacetValue:
    iri: str
    label: str  # Chinese when there is one, else any label
    pinyin: str | None
    works: int


def _label_pattern(var: str) -> str:
    return f"""
      OPTIONAL {{ {var} rdfs:label ?zh FILTER(langMatches(lang(?zh), "zh") && !langMatches(lang(?zh), "zh-Latn")) }}
      OPTIONAL {{ {var} rdfs:label ?py FILTER(langMatches(lang(?py), "zh-Latn-pinyin")) }}
      OPTIONAL {{ {var} rdfs:label ?any }}"""


def facet(store: Store, name: str, *, limit: int = 200) -> list[FacetValue]:
    """The values of one facet (place, dynasty, type, edition, collection) with their work counts."""
    if name not in FACETS:
        raise ValueError(f"unknown facet {name!r}; known: {', '.join(FACETS)}")
    query = (
        sparql_prefixes()
        + f"""
    SELECT ?term (COUNT(DISTINCT ?work) AS ?works) (SAMPLE(?zh) AS ?zh1) (SAMPLE(?py) AS ?py1)
           (SAMPLE(?any) AS ?any1) WHERE {{
      {FACETS[name]}
      ?work a bf:Work .
      {_label_pattern("?term")}
    }} GROUP BY ?term ORDER BY DESC(?works) LIMIT {int(limit)}"""
    )
    values = []
    for row in store.query(query):
        label = row["zh1"] or row["any1"]
        values.append(
            FacetValue(
                row["term"].value,
                label.value if label else row["term"].value,
                row["py1"].value if row["py1"] else None,
                int(row["works"].value),
            )
        )
    return values


def works_with(store: Store, name: str, term_iri: str, *, limit: int = 500) -> list[dict]:
    """Works having one facet value, with a title and the members holding any of their Instances."""
    if name not in FACETS:
        raise ValueError(f"unknown facet {name!r}")
    term = NamedNode(term_iri)  # raises ValueError for anything that is not an IRI
    pattern = FACETS[name].replace("?term", str(term))
    query = (
        sparql_prefixes()
        + f"""
    SELECT ?work (SAMPLE(?zh) AS ?title) (SAMPLE(?py) AS ?pinyin) (SAMPLE(?any) AS ?other)
           (SAMPLE(?hant) AS ?han1) (MIN(?d) AS ?date)
           (GROUP_CONCAT(DISTINCT ?code; separator=" ") AS ?holders) WHERE {{
      {pattern}
      ?work a bf:Work .
      {_label_pattern("?work")}
      OPTIONAL {{ ?work bf:title/bf:mainTitle ?hant FILTER(REGEX(STR(?hant), "[\\u3400-\\u9fff]")) }}
      OPTIONAL {{ ?work bf:hasInstance/bf:provisionActivity/bf:date ?d }}
      OPTIONAL {{ ?work bf:hasInstance/bf:hasItem/bf:heldBy/alliance:code ?code }}
    }} GROUP BY ?work ORDER BY ?title LIMIT {int(limit)}"""
    )
    found = []
    for row in store.query(query):
        title = row["title"] or row["han1"] or row["other"]
        year = row["date"].value[:4] if row["date"] and row["date"].value[:4].isdigit() else None
        found.append(
            {
                "work": row["work"].value,
                "title": title.value if title else "",
                "pinyin": row["pinyin"].value if row["pinyin"] else None,
                "year": year,
                "holders": sorted(row["holders"].value.split()) if row["holders"] else [],
            }
        )
    return sorted(found, key=lambda w: (not has_han(w["title"]), w["title"]))


def collections(store: Store) -> list[dict]:
    """Every member collection: its IRI, name, member code and number of Instances."""
    query = (
        sparql_prefixes()
        + """
    SELECT ?c (SAMPLE(?name) AS ?label) (SAMPLE(?code) AS ?member) (COUNT(DISTINCT ?i) AS ?n) WHERE {
      ?c a bf:Collection ; rdfs:label ?name ; alliance:collectionOf ?lib .
      OPTIONAL { ?lib alliance:code ?code }
      OPTIONAL { ?c bf:hasPart ?i }
    } GROUP BY ?c ORDER BY ?member ?label"""
    )
    return [
        {
            "iri": r["c"].value,
            "name": r["label"].value,
            "member": r["member"].value if r["member"] else None,
            "instances": int(r["n"].value),
        }
        for r in store.query(query)
    ]
