"""Mappers: a source record in, BIBFRAME triples out. They know nothing of storage."""
from __future__ import annotations

from dataclasses import dataclass

from graph.identity.uris import Minter


@dataclass
class MappingContext:
    """What a mapper needs beyond the record: the minter and the loading member."""

    minter: Minter
    member: str

    @property
    def library(self):
        return self.minter.library(self.member)
