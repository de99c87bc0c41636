"""Counts of what the catalogue holds, for `alliance stats` and the home page."""

from __future__ import annotations

from graph.catalogue import Catalogue
from vocab.namespaces import catalogued, sparql_prefixes


def count(cat: Catalogue, pattern: str) -> int:
    rows = list(cat.store.query(sparql_prefixes() + f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
    return int(rows[0]["n"].value) if rows else 0


def catalogue_stats(cat: Catalogue) -> dict:
    batches = cat.store.batches()
    return {
        "members": count(cat, "?x a alliance:MemberLibrary"),
        "works": count(cat, "?x a bf:Work " + catalogued("x")),
        "instances": count(cat, "?x a bf:Instance " + catalogued("x")),
        "items": count(cat, "?x a bf:Item"),
        "triples": sum(b.triples for b in batches),
        "batches": [
            {
                "member": b.member,
                "graph": b.graph.value,
                "triples": b.triples,
                "sources": [s.rsplit("/", 1)[-1] for s in b.sources],
            }
            for b in batches
        ],
    }
