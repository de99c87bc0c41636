"""Mappers: a source record in, BIBFRAME triples out. They know nothing of storage."""
from __future__ import annotations

from dataclasses import dataclass

from graph.identity.uris import Minter


@dataclass
class MappingContext:
    """What a mapper needs beyond the record: the minter, the loading member and its collection."""

    minter: Minter
    member: str
    collection: str | None = None   # name of the member's collection this load builds, if any

    @property
    def library(self):
        return self.minter.library(self.member)

    @property
    def collection_iri(self):
        return self.minter.collection(self.member, self.collection) if self.collection else None
