"""Bulk RDF files into the store: every serialisation of :mod:`graph.formats`, gzip or not.

A file with a syntax error loads nothing; the error names the file and line.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from graph.formats import for_path
from graph.load.xmlsafe import GuardedRdfXml, Readable
from graph.store.base import Batch, Store, StoreError


class LoadError(Exception):
    """An RDF file could not be loaded; nothing of it was stored."""


@dataclass
class LoadReport:
    files: list[str]
    triples: int = 0
    batch: Batch | None = None
    errors: list[str] = field(default_factory=list)


def file_fingerprint(paths: Iterable[str | Path], salt: str = "") -> str:
    """SHA-256 over the contents of ``paths``: the same input gives the same fingerprint."""
    h = hashlib.sha256(salt.encode("utf-8"))
    for path in paths:
        with open(path, "rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


class _Progress(io.RawIOBase):
    """A binary file that reports how many bytes have been read from it."""

    def __init__(self, raw, report: Callable[[int], None]):
        self._raw = raw
        self._report = report

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)
        if n:
            self._report(n)
        return n


def read_rdf(path: str | Path, progress: Callable[[int], None] | None = None) -> Iterator[tuple]:
    """Triples of an RDF file (named graphs in quad formats are flattened).

    ``progress`` is called with the number of (compressed) bytes read so far.
    """
    serialisation, gz = for_path(path)
    with open(path, "rb") as raw:
        source = io.BufferedReader(_Progress(raw, progress)) if progress else raw
        fh: Readable = gzip.open(source, "rb") if gz else source
        if serialisation.format == ox.RdfFormat.RDF_XML:  # pyoxigraph expands entities without a limit
            fh = GuardedRdfXml(fh, str(path))
        try:
            for quad in ox.parse(
                input=fh,  # type: ignore[arg-type]  # read() is all it uses
                format=serialisation.format,
                rename_blank_nodes=True,
            ):
                yield quad.subject, quad.predicate, quad.object
        except SyntaxError as err:
            raise LoadError(f"{path}: line {err.lineno}: {err.msg}") from err
        except (OSError, EOFError, ValueError) as err:
            raise LoadError(f"{path}: {err}") from err


def load_files(
    store: Store,
    files: list[str | Path],
    *,
    member: str | None = None,
    graph: ox.NamedNode | None = None,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LoadReport:
    """Load RDF files as one batch of ``member`` (or into the named ``graph``), atomically."""
    names = [str(f) for f in files]
    for f in names:
        for_path(f)  # fail on an unknown extension before touching the store
    report = LoadReport(files=names)

    def triples():
        for f in names:
            yield from read_rdf(f, progress)

    try:
        if graph is not None and replace:
            batch = store.replace_graph(graph, triples(), sources=names)
        else:
            batch = store.write_batch(
                member,
                triples(),
                replace=replace,
                graph=graph,
                fingerprint=file_fingerprint(names, f"rdf|{member}|{graph}"),
                sources=names,
            )
    except StoreError as err:
        cause = err.__cause__
        raise LoadError(str(cause) if isinstance(cause, LoadError) else str(err)) from err
    report.batch = batch
    report.triples = batch.triples
    return report
