"""Ingest: read -> map -> load, one atomic batch per call, with every rejection reported.

``ingest(...)`` converts the files through :mod:`graph.load.pipeline` (each read and
mapped by its dialect, on every core) and streams the serialised triples into one new
batch of the member's data; the batch switches on only when every file has been read.
Broken records are skipped and reported (file, position, control number, reason); they
never stop the others.
"""

from __future__ import annotations

import sqlite3
from functools import partial
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from graph.load import collection

from graph.load import dialects

from graph.load import pipeline
from graph.identity.clusters import ClusterIndex, IndexBehind
from graph.identity.uris import Minter
from graph.load.archive import RecordSpool
from graph.load.dialects import count_records
from graph.load.mappers import MappingContext
from graph.load.rdfload import file_fingerprint
from graph.load.report import ConversionReport
from graph.store.base import Batch, SerializedTriples, Store, StoreError
from graph.union.derive import derive
from graph.union.memo import DescriptionMemo
from vocab.namespaces import ALLIANCE


class IngestError(Exception):
    """The ingest stopped; nothing of it became visible."""

    def __init__(self, message: str, report: "IngestReport | None" = None):
        super().__init__(message)
        self.report = report


@dataclass
class IngestReport(ConversionReport):
    """A conversion's report (:class:`graph.load.report.ConversionReport`) and what the store did with it."""

    batch: Batch | None = None
    renamed: list[str] = field(default_factory=list)  # resource IRIs a cluster merge retired or rewrote
    format: str | None = None  # the format the files were read as, when named rather than detected
    archived: int = 0  # source records kept for export (graph.catalogue.Catalogue.ingest)
    spool: RecordSpool | None = None  # this load's source rows, until they are archived (keep_sources)
    indexed: int = 0  # works the search index re-derived after the load
    index_seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.member}: {self.read} records read, {self.loaded} loaded, "
            f"{len(self.rejected)} rejected, {self.warnings} repaired with warnings; "
            f"{self.triples} triples in {self.seconds:.1f} s"
        )


def ingest(
    store: Store,
    minter: Minter,
    files: list[str | Path],
    member: str,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    format: str | None = None,
    collection_name: str | None = None,
    clusters: ClusterIndex | None = None,
    workers: int | None = None,
    min_parallel: int = pipeline.PARALLEL_THRESHOLD,
    keep_sources: bool = False,
) -> IngestReport:
    """Convert ``files`` and load them as one batch of ``member``'s catalogue.

    ``format`` names the dialect (:func:`graph.load.dialects.names`) instead of detecting it;
    ``collection_name`` makes the batch that collection of the member's: its Instances
    join it, and loading the collection again replaces the previous load of it.
    With ``clusters`` (the catalogue's :class:`ClusterIndex`), records join the alliance's
    Instance and Work clusters; the index commits only if the batch switched on.
    Every file goes through :mod:`graph.load.pipeline`: converted on ``workers`` processes
    (default: every core) while the store bulk-loads what they made. With ``keep_sources`` the
    converters also turn each MARC record they map into its archive row, gathered in
    ``report.spool`` (from the one read of the files) for the catalogue's source archive.
    """
    names = [str(f) for f in files]
    try:
        sources = pipeline.sources(names, format)  # each file found and its dialect detected, once
    except dialects.UnknownDialect as err:
        raise IngestError(str(err)) from err
    report = IngestReport(
        member=member.upper(), files=names, format=format, spool=RecordSpool() if keep_sources else None
    )
    load = (
        clusters.begin(member, replace=replace, files=names, format=format, collection=collection_name)
        if clusters is not None
        else None
    )
    ctx = MappingContext(minter, member.upper(), collection_name, identity=load, member_descriptions=True)
    started = time.perf_counter()
    fingerprint = (
        collection.fingerprint(ctx)
        if collection_name
        else file_fingerprint(names, f"marc|{member.upper()}" + (f"|{format}" if format else ""))
    )
    union = derive
    if clusters is not None and load is not None:  # a load switched on but never committed to the index comes first
        batches = store.batches()
        try:
            load.catch_up(batches, fingerprint)
        except IndexBehind as err:
            load.rollback()
            raise IngestError(str(err), report) from err
        # what the live graphs say about shared resources, kept beside the index (graph.union.memo)
        memo = DescriptionMemo(load.db, minter.base)
        if clusters.behind(batches, load.generation - 1):  # the store switched on what the memo never saw
            memo.clear()
        union = partial(derive, memo=memo)

    def nothing_read():  # never let an unreadable file replace a catalogue with nothing
        if report.loaded == 0:
            raise IngestError("no record could be read", report)

    def chunks():
        yield from pipeline.convert_stream(
            sources,
            ctx,
            report,
            workers=workers,
            progress=progress,
            min_parallel=min_parallel,
            lookup=_instance_of(store, minter, member),
            keep=report.spool,
        )
        nothing_read()

    payload = SerializedTriples(chunks())

    def renames():
        found = list(load.finish())
        report.renamed = sorted({r.old.value for r in found} | {r.new.value for r in found})
        return found

    try:
        report.batch = store.write_batch(
            member,
            payload,
            replace=replace,
            fingerprint=fingerprint,
            sources=names,
            renames=renames if load is not None else None,
            index_generation=load.generation if load is not None else None,
            derive=union,
        )
    except StoreError as err:
        if load is not None:
            load.rollback()
        cause = err.__cause__
        message = str(cause) if isinstance(cause, IngestError) else f"the load failed: {err}"
        raise IngestError(f"{message}; nothing of this load is visible", report) from err
    except BaseException:
        if load is not None:
            load.rollback()
        raise
    if load is not None:
        try:
            load.commit()
        except sqlite3.Error as err:  # the store switched on; only the index is behind
            raise IngestError(
                f"{member.upper()}'s new catalogue is loaded, but the cluster index could not "
                f"save it ({err}); run the same ingest again to bring the index up to date",
                report,
            ) from err
    report.triples = report.batch.triples
    report.seconds = time.perf_counter() - started
    return report


def _instance_of(store: Store, minter: Minter, member: str) -> Callable[[str], str | None]:
    """Finds, for a holdings record's 004, the Instance of the member's record with that 001."""
    library = minter.library(member)

    def lookup(control: str) -> str | None:
        from pyoxigraph import Literal

        rows = list(
            store.query(
                "PREFIX bf: <http://id.loc.gov/ontologies/bibframe/> "
                f"PREFIX alliance: <{ALLIANCE.base}> "
                "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
                f"SELECT ?i WHERE {{ ?i alliance:memberDescription/bf:adminMetadata ?a . "
                f"?a bf:assigner {library} ; bf:identifiedBy ?l . "
                f"?l rdf:value {Literal(control)} }} LIMIT 1"
            )
        )
        return rows[0]["i"].value if rows else None

    return lookup


__all__ = ["IngestError", "IngestReport", "count_records", "ingest"]  # count_records: the CLI's progress bars
