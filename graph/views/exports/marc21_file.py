"""``alliance export --member CODE -o FILE``: the union record of every edition a member holds, to one file.

ISO 2709 (``.mrc``) or MARCXML (``.xml``) by the file name, written a record at a time (nothing
holds the whole file) beside its final name and renamed when complete, so a failed export leaves
no half-written file. Editions come in IRI order, so two exports of the same data are the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import pymarc
from pyoxigraph import NamedNode

from graph.views.exports.marc21 import COLLECTION_END, COLLECTION_START, marcxml_record, union_record
from graph.views.common import select
from graph.store.base import Store

FORMATS = {".mrc": "marc21", ".marc": "marc21", ".iso": "marc21", ".xml": "marcxml"}


class ExportError(Exception):
    """The export cannot be written (unknown file kind); says why."""


@dataclass
class ExportReport:
    member: str
    output: str
    records: int = 0
    skipped: int = 0  # held editions the store no longer describes as instances


def held_editions(store: Store, library: NamedNode) -> list[NamedNode]:
    """Every edition (Instance) with an Item the library holds, in IRI order."""
    rows = select(
        store, f"SELECT DISTINCT ?inst WHERE {{ ?item bf:heldBy {library} ; bf:itemOf ?inst }} ORDER BY ?inst"
    )
    return [r["inst"] for r in rows]


def file_format(path: str | Path) -> str:
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise ExportError(f"{path}: export writes MARC 21 as ISO 2709 (.mrc) or MARCXML (.xml)")
    return kind


def export_member(
    store: Store, library: NamedNode, member: str, output: str | Path, progress: Callable[[int], None] | None = None
) -> ExportReport:
    kind = file_format(output)
    report = ExportReport(member, str(output))
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with open(partial, "wb") as fh:
            if kind == "marcxml":
                fh.write(COLLECTION_START)
            for record in _records(store, held_editions(store, library), report):
                fh.write(marcxml_record(record) if kind == "marcxml" else record.as_marc())
                report.records += 1
                if progress is not None:
                    progress(1)
            if kind == "marcxml":
                fh.write(COLLECTION_END)
        partial.replace(target)
    finally:
        if partial.exists():
            partial.unlink()
    return report


def _records(store: Store, editions: list[NamedNode], report: ExportReport) -> Iterator[pymarc.Record]:
    for inst in editions:
        record = union_record(store, inst)
        if record is None:
            report.skipped += 1
            continue
        yield record
