"""Mappers: a source record in, BIBFRAME triples out. They know nothing of storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.identity.uris import Minter


@dataclass
class MappingContext:
    """What a mapper needs beyond the record: the minter, the loading member, its collection and the
    identity resolver.

    ``identity.resolve(evidence)`` gives the Instance and Work IRIs of a record; by default
    a :class:`graph.identity.resolver.KeyIdentity` (digests of match keys), during an ingest
    into a catalogue a load of its :class:`graph.identity.clusters.ClusterIndex`.
    """

    minter: Minter
    member: str
    collection: str | None = None  # name of the member's collection this load builds, if any
    identity: Any = field(default=None)
    # a load into the alliance: the record's Instance and Work statements go onto member descriptions
    # (graph.union.description); plain conversion (`alliance convert`) keeps them on the resources
    member_descriptions: bool = False
    # 001s whose holdings come in holdings records of their own (graph.load.pipeline): no items from 852s
    holdings_elsewhere: frozenset[str] = frozenset()

    def __post_init__(self):
        if self.identity is None:
            from graph.identity.resolver import KeyIdentity

            self.identity = KeyIdentity(self.minter)

    @property
    def library(self):
        return self.minter.library(self.member)

    @property
    def collection_iri(self):
        return self.minter.collection(self.member, self.collection) if self.collection else None


def admin_metadata(instance, ctx: MappingContext, control: str) -> list[tuple]:
    """The member's admin metadata on ``instance``: the member as assigner, and its own record id
    (a bf:Local assigned by it), as fragments of the instance scoped by the member."""
    from pyoxigraph import Literal

    from vocab.namespaces import BF, RDF

    m = ctx.member.upper()
    admin = ctx.minter.fragment(instance, f"{m}-admin")
    local = ctx.minter.fragment(instance, f"{m}-local")
    return [
        (instance, BF.adminMetadata, admin),
        (admin, RDF.type, BF.AdminMetadata),
        (admin, BF.assigner, ctx.library),
        (admin, BF.identifiedBy, local),
        (local, RDF.type, BF.Local),
        (local, RDF.value, Literal(control)),
        (local, BF.assigner, ctx.library),
    ]
