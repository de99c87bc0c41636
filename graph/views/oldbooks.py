"""Old books (古籍) across all members: the four-branch classification (经史子集) as a tree, and edition types.

Every classification whose ``bf:source`` is ``alliance:sibu`` (a spreadsheet's 四部分类, a CNMARC 686
with the four-branch scheme code; ``graph/load/mappers/sibu.py``) has a portion such as
``史部.地理类.方志之属``: :func:`tree` counts the works under every branch, class and division, as
CALIS's OPAC browses them, and :func:`works_under` lists those under one node. Edition types
(刻本, 抄本, 稿本, 活字本 …) are the alliance-wide ``bf:ProductionMethod`` terms of the
``edition`` facet in :mod:`graph.views.locallit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.identity.sibu import BRANCHES
from graph.store.base import Store
from vocab.namespaces import sparql_prefixes

PAIRS = """
    SELECT DISTINCT ?work ?portion WHERE {
      ?work a bf:Work ; bf:classification ?c . ?c bf:source alliance:sibu ; bf:classificationPortion ?portion }"""
BRANCH_ORDER = [name for name, _, _ in BRANCHES.values()]


@dataclass
class Node:
    name: str  # 史部, 地理类, 方志之属
    path: str  # 史部.地理类
    works: int = 0
    children: list["Node"] = field(default_factory=list)


def tree(store: Store) -> list[Node]:
    """The four branches (all of them, empty or not) with their classes and divisions and work counts."""
    members: dict[str, set[str]] = {}
    for row in store.query(sparql_prefixes() + PAIRS):
        parts = row["portion"].value.split(".")
        for depth in range(1, len(parts) + 1):
            members.setdefault(".".join(parts[:depth]), set()).add(row["work"].value)
    nodes = {path: Node(path.rsplit(".", 1)[-1], path, len(works)) for path, works in members.items()}
    roots = [nodes.get(name) or Node(name, name) for name in BRANCH_ORDER]
    for path, node in sorted(nodes.items()):
        if "." in path:
            parent = nodes.get(path.rsplit(".", 1)[0])
            if parent is not None:
                parent.children.append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: (-n.works, n.name))
    return roots


def works_under(store: Store, path: str, *, limit: int = 500) -> list[dict]:
    """Works classed at ``path`` or below it, with a Han title, a year and the members holding them."""
    path = path.strip(".")
    if not path or '"' in path or "\\" in path:
        raise ValueError("not a four-branch class")
    query = (
        sparql_prefixes()
        + f"""
    SELECT ?work ?portion (SAMPLE(?zh) AS ?title) (SAMPLE(?py) AS ?pinyin) (MIN(?d) AS ?date)
           (GROUP_CONCAT(DISTINCT ?code; separator=" ") AS ?holders) (SAMPLE(?m) AS ?method) WHERE {{
      ?work a bf:Work ; bf:classification ?c . ?c bf:source alliance:sibu ; bf:classificationPortion ?portion .
      FILTER(STR(?portion) = "{path}" || STRSTARTS(STR(?portion), "{path}."))
      OPTIONAL {{ ?work rdfs:label ?zh FILTER(langMatches(lang(?zh), "zh") && !langMatches(lang(?zh), "zh-Latn")) }}
      OPTIONAL {{ ?work rdfs:label ?py FILTER(langMatches(lang(?py), "zh-Latn-pinyin")) }}
      OPTIONAL {{ ?work bf:hasInstance/bf:provisionActivity/bf:date ?d }}
      OPTIONAL {{ ?work bf:hasInstance/bf:productionMethod/rdfs:label ?m
                 FILTER(langMatches(lang(?m), "zh") && !langMatches(lang(?m), "zh-Latn")) }}
      OPTIONAL {{ ?work bf:hasInstance/bf:hasItem/bf:heldBy/alliance:code ?code }}
    }} GROUP BY ?work ?portion ORDER BY ?portion ?title LIMIT {int(limit)}"""
    )
    out = []
    for row in store.query(query):
        out.append(
            {
                "work": row["work"].value,
                "class": row["portion"].value,
                "title": row["title"].value if row["title"] else (row["pinyin"].value if row["pinyin"] else ""),
                "pinyin": row["pinyin"].value if row["pinyin"] else None,
                "year": row["date"].value[:4] if row["date"] else None,
                "edition_type": row["method"].value if row["method"] else None,
                "holders": sorted(row["holders"].value.split()) if row["holders"] else [],
            }
        )
    return out
