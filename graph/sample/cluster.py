"""Cluster members' MARC files in the cluster index without building triples (benchmarks, re-indexing)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from graph.identity.clusters import ClusterIndex
from graph.load.mappers.marc21_identity import evidence
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc


def cluster_member(
    index: ClusterIndex,
    member: str,
    files: Iterable[str | Path],
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Resolve every record of ``member``'s files into ``index`` (one transaction); returns records resolved."""
    load = index.begin(member, replace=replace)
    n = 0
    try:
        for path in files:
            for item in read_marc(path):
                if not isinstance(item, SourceRecord):
                    continue
                fields = item.record.get_fields("001")
                control = fields[0].data.strip() if fields else f"{Path(path).name}:{item.position}"
                load.resolve(evidence(item.record, member.upper(), control))
                n += 1
                if progress and n % 1000 == 0:
                    progress(1000)
        load.finish()
        load.commit()
    except BaseException:
        load.rollback()
        raise
    return n
