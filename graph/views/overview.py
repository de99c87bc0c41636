"""The home page's picture of the alliance: members, what they hold, collections, ways in.

Counts of works, editions and copies and the browse lists come from the search index
(:mod:`graph.index`, constant time at any size); copies per member from one grouped
query, which callers may cache until the store changes.
"""

from __future__ import annotations

from graph.index.query import SearchResult
from graph.alliance.members import list_members
from graph.views.common import node, ref, select, values
from graph.views.holdings import member_label
from graph.views.results import ResultLabeller
from graph.store.base import Store

BROWSE = (("subject", 12), ("classification", 12), ("language", 8), ("format", 8), ("place", 10))


def copies_per_library(store: Store) -> dict[str, int]:
    return {
        r["lib"].value: int(r["n"].value)
        for r in select(store, "SELECT ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item bf:heldBy ?lib } GROUP BY ?lib")
    }


def overview(
    store: Store, lang: str, totals: dict, browse: SearchResult, copies: dict[str, int], searcher=None
) -> dict:
    members = list_members(store)
    labeller = ResultLabeller(store, lang, members, searcher)
    titles = dict(browse.facets.get("library", []))
    libraries = [
        ref(
            m.iri,
            member_label(m, lang),
            code=m.code,
            items=copies.get(m.iri or "", 0),
            titles=titles.get(m.code.lower(), 0),
        )
        for m in members
    ]
    facets = {f["name"]: f["values"] for f in labeller.facets(browse, {})}
    collections = []
    found = [v["value"] for v in facets.get("collection", [])]
    if found:
        owners = {
            r["c"].value: r["lib"].value
            for r in select(
                store,
                f"SELECT ?c ?lib WHERE {{ {values('c', [node(c) for c in found])} ?c alliance:collectionOf ?lib }}",
            )
        }
        by_iri = {m.iri: m for m in members}
        for v in facets["collection"]:
            owner = by_iri.get(owners.get(v["value"], ""))
            collections.append(
                ref(v["value"], v["label"], titles=v["count"], library=member_label(owner, lang) if owner else "")
            )
    return {
        "counts": {
            "members": len(members),
            "works": totals["works"],
            "instances": totals["editions"],
            "items": totals["copies"],
            "collections": len(collections),
        },
        "libraries": libraries,
        "collections": collections,
        "browse": [{"name": name, "values": facets.get(name, [])[:size]} for name, size in BROWSE if facets.get(name)],
    }
