"""Example queries shown on the SPARQL page (each is run by the tests)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.union.overlap import SPARQL_EXAMPLES as OVERLAP_QUERIES
from vocab.namespaces import PREFIXES


@dataclass(frozen=True)
class Example:
    title: tuple[str, str]  # (English, Chinese)
    query: str


def _prefixes(*names: str) -> str:
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in names)


EXAMPLES = (
    Example(
        ("Copies held by each member library", "各成员馆的馆藏册数"),
        _prefixes("bf", "rdfs", "alliance")
        + """
SELECT ?library ?name (COUNT(?item) AS ?copies) WHERE {
  ?library a alliance:MemberLibrary ; rdfs:label ?name .
  FILTER(lang(?name) = "en")
  OPTIONAL { ?item bf:heldBy ?library }
}
GROUP BY ?library ?name
ORDER BY DESC(?copies)""",
    ),
    Example(
        ("Editions held by more than one library", "多馆共藏的版本"),
        _prefixes("bf", "rdfs")
        + """
SELECT ?instance (SAMPLE(?label) AS ?title) (COUNT(DISTINCT ?library) AS ?libraries) WHERE {
  ?item bf:itemOf ?instance ; bf:heldBy ?library .
  ?instance rdfs:label ?label .
}
GROUP BY ?instance
HAVING (COUNT(DISTINCT ?library) > 1)
LIMIT 50""",
    ),
    Example(
        ("Titles in Chinese script", "中文题名"),
        _prefixes("bf", "rdfs")
        + """
SELECT ?instance ?title WHERE {
  ?instance a bf:Instance ; rdfs:label ?title .
  FILTER(langMatches(lang(?title), "zh"))
}
LIMIT 50""",
    ),
    Example(
        ("Who said what: each member's own title for shared editions", "各馆著录的题名（来源）"),
        _prefixes("bf", "alliance")
        + """
SELECT ?instance ?member ?title WHERE {
  ?instance a bf:Instance ; alliance:memberDescription ?said .
  ?said bf:adminMetadata/bf:assigner/alliance:code ?member ; bf:title/bf:mainTitle ?title .
}
ORDER BY ?instance ?member
LIMIT 50""",
    ),
    Example(
        ("One edition and its copies, as a graph", "一个版本及其馆藏（图）"),
        _prefixes("bf", "rdfs")
        + """
CONSTRUCT {
  ?instance rdfs:label ?title ; bf:hasItem ?item .
  ?item bf:heldBy ?library .
} WHERE {
  { SELECT ?instance WHERE { ?instance a bf:Instance ; bf:hasItem ?any } LIMIT 1 }
  ?instance rdfs:label ?title ; bf:hasItem ?item .
  ?item bf:heldBy ?library .
}""",
    ),
    Example(
        ("Editions two member libraries both hold (overlap report)", "两馆共同收藏的版本数（重复率报告）"),
        _prefixes("bf", "alliance") + OVERLAP_QUERIES["titles_in_common"],
    ),
    Example(
        ("Editions only one member library holds", "仅一馆收藏的版本数"),
        _prefixes("bf", "alliance") + OVERLAP_QUERIES["unique_titles"],
    ),
    Example(
        ("Duplication ratio of the alliance", "联盟复本率"),
        _prefixes("bf", "alliance") + OVERLAP_QUERIES["duplication_ratio"],
    ),
)
