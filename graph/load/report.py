"""What a conversion read, loaded and rejected: the one report shape of every load road.

:class:`ConversionReport` holds each count once; :func:`graph.load.pipeline.convert_stream`
fills it, ``alliance convert`` prints it, and :class:`graph.load.ingest.IngestReport` extends
it with what the store did (the batch, renamed IRIs, records archived, works re-indexed).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from graph.load.sources import Notice, Rejection


@dataclass
class ConversionReport:
    """Records read, converted and rejected (file, position, byte offset, control number, reason)."""

    member: str = ""
    files: list[str] = field(default_factory=list)
    read: int = 0
    loaded: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    warnings: int = 0
    triples: int = 0
    seconds: float = 0.0
    output: str = ""  # the RDF file written (``alliance convert``)

    def summary(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        return (
            f"{self.member}: {self.read} records read, {self.loaded} converted, "
            f"{len(self.rejected)} rejected, {self.warnings} repaired with warnings; "
            f"{self.triples} triples to {self.output} in {self.seconds:.1f} s ({rate:,.0f} records/s)"
        )

    def write_rejects(self, path: str | Path) -> None:
        """The rejections as JSON Lines, one object per rejected record."""
        with open(path, "w", encoding="utf-8") as fh:
            for r in self.rejected:
                fh.write(json.dumps(r.as_dict(), ensure_ascii=False) + "\n")


__all__ = ["ConversionReport"]
