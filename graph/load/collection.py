"""Collections: a member's named set of resources (a local-literature list, a digitised fonds).

``alliance ingest FILE --member CODE --collection NAME`` makes the load one collection
of the member's: a bf:Collection resource at ``collection/…`` (minted from member and
name), ``alliance:collectionOf`` the member, with ``bf:hasPart`` every Instance the load
describes and ``bf:partOf`` back. Loading the same collection again replaces it.
"""

from __future__ import annotations

import hashlib

from graph.load.mappers import MappingContext
from graph.load.mappers.pinyin import han_literal
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS


def fingerprint(ctx: MappingContext) -> str:
    """The same for every load of one collection, so a reload replaces the last one."""
    key = f"collection|{ctx.member.upper()}|{ctx.collection}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def collection_triples(ctx: MappingContext) -> list[tuple]:
    node, name = ctx.collection_iri, ctx.collection
    assert name is not None  # only a load that builds a collection asks (graph.load.ingest)
    return [
        (node, RDF.type, BF.Collection),
        (node, RDFS.label, han_literal(name)),
        (node, ALLIANCE.collectionOf, ctx.library),
    ]


def join(triples: list[tuple], ctx: MappingContext) -> list[tuple]:
    """``triples`` plus the links between the collection and every Instance in them."""
    node = ctx.collection_iri
    instances = {s for s, p, o in triples if p == RDF.type and o == BF.Instance}
    instances -= {s for s, p, o in triples if p == RDF.type and o == ALLIANCE.RelatedResource}
    extra = []
    for instance in sorted(instances, key=lambda n: n.value):
        extra += [(node, BF.hasPart, instance), (instance, BF.partOf, node)]
    return [*triples, *extra]
