"""``alliance convert``: catalogue files to an RDF file, without loading anything.

The output format follows the file name (``.nq`` N-Quads in the member's graph, ``.nt``
N-Triples, ``.ttl`` Turtle; any of them ``.gz``). Every format (MARC 21, UNIMARC/CNMARC,
spreadsheets, Dublin Core) goes through :mod:`graph.load.pipeline` on every core, the
road ``alliance ingest`` takes. The file appears only when complete: it
is written beside its final name and renamed at the end, so a failed run leaves no
half-written output.
"""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path
from typing import Callable

from graph.load import dialects, pipeline
from graph.formats import UnknownFormat, for_path
from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.report import ConversionReport
from graph.load.sources import Notice, Rejection

KINDS = {"nquads": "nq", "ntriples": "nt", "turtle": "ttl"}


class ConvertError(Exception):
    """The conversion produced nothing (or could not start); no output file was written."""

    def __init__(self, message: str, report: "ConversionReport | None" = None):
        super().__init__(message)
        self.report = report


def output_kind(path: str | Path) -> tuple[str, bool]:
    """("nq" | "nt" | "ttl", gzip?) for an output file name."""
    serialisation, gz = for_path(path)
    kind = KINDS.get(serialisation.name)
    if kind is None:
        raise UnknownFormat(
            f"{path}: convert writes N-Quads (.nq), N-Triples (.nt) or Turtle (.ttl), each optionally .gz"
        )
    return kind, gz


def convert_files(
    files: list[str | Path],
    output: str | Path,
    member: str,
    *,
    base: str,
    format: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ConversionReport:
    """Convert ``files`` as ``member``'s records into ``output``; raises :class:`ConvertError` if none converts."""
    names = [str(f) for f in files]
    kind, gz = output_kind(output)
    try:
        sources = pipeline.sources(names, format)  # each file found and its dialect detected, once
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
            for chunk in pipeline.convert_stream(
                sources, ctx, report, kind=kind, graph=graph, workers=workers, progress=progress
            ):
                fh.write(chunk)
        if report.loaded == 0:
            raise ConvertError("no record could be converted", report)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    report.seconds = time.perf_counter() - started
    return report


__all__ = ["ConversionReport", "ConvertError", "Notice", "Rejection", "convert_files", "output_kind"]
