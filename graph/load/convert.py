"""``alliance convert``: catalogue files to an RDF file, without loading anything.

The output format follows the file name (``.nq`` N-Quads in the member's graph, ``.nt``
N-Triples, ``.ttl`` Turtle; any of them ``.gz``). MARC 21 goes through
:mod:`graph.load.pipeline` on every core; other formats (UNIMARC/CNMARC, spreadsheets,
Dublin Core) through their dialect's mapper. The file appears only when complete: it
is written beside its final name and renamed at the end, so a failed run leaves no
half-written output.
"""
from __future__ import annotations

import gzip
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from graph.load import dialects
from graph.formats import UnknownFormat, for_path
from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.pipeline import ConvertReport, Serializer, convert_stream
from graph.load.sources import Notice, Rejection

KINDS = {"nquads": "nq", "ntriples": "nt", "turtle": "ttl"}


class ConvertError(Exception):
    """The conversion produced nothing (or could not start); no output file was written."""

    def __init__(self, message: str, report: "ConversionReport | None" = None):
        super().__init__(message)
        self.report = report


@dataclass
class ConversionReport(ConvertReport):
    member: str = ""
    files: list[str] = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0

    def summary(self) -> str:
        rate = self.read / self.seconds if self.seconds else 0.0
        return (f"{self.member}: {self.read} records read, {self.loaded} converted, "
                f"{len(self.rejected)} rejected, {self.warnings} repaired with warnings; "
                f"{self.triples} triples to {self.output} in {self.seconds:.1f} s ({rate:,.0f} records/s)")

    def write_rejects(self, path: str | Path) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            for r in self.rejected:
                fh.write(json.dumps(r.as_dict(), ensure_ascii=False) + "\n")


def output_kind(path: str | Path) -> tuple[str, bool]:
    """("nq" | "nt" | "ttl", gzip?) for an output file name."""
    serialisation, gz = for_path(path)
    kind = KINDS.get(serialisation.name)
    if kind is None:
        raise UnknownFormat(f"{path}: convert writes N-Quads (.nq), N-Triples (.nt) or Turtle (.ttl), "
                            "each optionally .gz")
    return kind, gz


def convert_files(files: list[str | Path], output: str | Path, member: str, *, base: str,
                  format: str | None = None, workers: int | None = None,
                  progress: Callable[[int], None] | None = None) -> ConversionReport:
    """Convert ``files`` as ``member``'s records into ``output``; raises :class:`ConvertError` if none converts."""
    names = [str(f) for f in files]
    kind, gz = output_kind(output)
    for f in names:
        if not Path(f).is_file():
            raise ConvertError(f"{f}: no such file")
        try:
            dialects.detect(f, format)
        except dialects.UnknownDialect as err:
            raise ConvertError(str(err)) from err
    minter = Minter(base)
    code = member.upper()
    ctx = MappingContext(minter, code)
    graph = minter.batch_graph(code, "convert") if kind == "nq" else None
    report = ConversionReport(member=code, files=names, output=str(output))
    started = time.perf_counter()
    target = Path(output)
    partial = target.with_name(f".{target.name}.partial")
    opener = gzip.open if gz else open
    try:
        with opener(partial, "wb") as fh:
            marc21 = [f for f in names if dialects.detect(f, format).name == "marc21"]
            for chunk in convert_stream(marc21, ctx, report, kind=kind, graph=graph, workers=workers,
                                        progress=progress):
                fh.write(chunk)
            others = [f for f in names if f not in marc21]
            if others:
                _convert_other(others, ctx, report, Serializer(kind, graph), fh, format, progress)
        if report.loaded == 0:
            raise ConvertError("no record could be converted", report)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    report.seconds = time.perf_counter() - started
    return report


def _convert_other(files, ctx, report: ConversionReport, ser: Serializer, fh, format, progress) -> None:
    from graph.load.ingest import IngestReport, convert

    sub = IngestReport(member=report.member, files=files)
    chunks: list[bytes] = []
    cache: dict = {}
    batch: list = []
    for triple in convert(files, ctx, sub, progress, format):
        batch.append(triple)
        if len(batch) >= 20000:
            report.triples += len(batch)
            chunks.append(ser.lines(batch, cache))
            fh.write(ser.finish(chunks))
            chunks, batch, cache = [], [], {}
    if batch:
        report.triples += len(batch)
        fh.write(ser.finish([ser.lines(batch, cache)]))
    report.read += sub.read
    report.loaded += sub.loaded
    report.warnings += sub.warnings
    report.rejected.extend(sub.rejected)
    report.notices.extend(sub.notices)


__all__ = ["ConversionReport", "ConvertError", "Notice", "Rejection", "convert_files", "output_kind"]
