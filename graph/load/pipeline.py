"""The conversion pipeline: catalogue files of every dialect in, serialised RDF out, on every core, streaming.

``convert_stream(files, ctx, report)`` is the one conversion road: ``alliance ingest``
(:mod:`graph.load.ingest`), ``alliance convert`` (:mod:`graph.load.convert`) and
``alliance validate`` all take it, for MARC 21, UNIMARC/CNMARC, spreadsheets and Dublin
Core alike. It yields chunks of N-Triples (or N-Quads, or Turtle) bytes, each the output
of a batch of records, in file order. Each file's dialect comes from
:mod:`graph.load.dialects`: ISO 2709 files are split here into raw records that the
converter processes decode (``Dialect.decode``), map and serialise; every other file
(MARCXML, UNIMARC/CNMARC XML, spreadsheets, Dublin Core) is read here by its dialect's
reader and its records are mapped and serialised on the converters. Small inputs run
in-process, with the same batches and the same bytes. Memory stays flat: at most a few
batches are in flight.

MARC 21 holdings records (MFHD, leader/06 u/v/x/y) belong to the bibliographic record their
004 names. A quick pre-scan finds them; bibliographic records they name get no
stand-in Item, and remember their Instance; the holdings records are mapped last,
when every Instance is known (or looked up with ``lookup``, e.g. in the store).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from contextlib import nullcontext
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple

from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from graph.identity.clusters import Load
from graph.identity.match import original_keys
from graph.identity.resolver import KeyIdentity, ResolutionFailed, Resolved
from graph.load import collection, dialects
from graph import faults
from graph.load.archive import MARC_DIALECTS, RecordSpool, source_row
from graph.load.dialects import Dialect
from graph.load.mappers import MappingContext
from graph.load.mappers import marc21
from graph.load.report import ConversionReport
from graph.load.sources import Notice, Rejection, SourceRecord
from graph.load.sources import iso2709
from graph.union.description import as_member_description
from graph.load.sources.marc import decode_iso2709, iso2709_chunks_at, iso2709_records, read_marcxml
from graph.store.base import StoreError
from vocab.namespaces import BF, PREFIXES

BATCH = 400  # records per work unit
PARALLEL_THRESHOLD = 3000  # fewer records than this: not worth starting processes
MAX_NOTICES = 10_000  # repairs listed in a report (all are counted)
IN_FLIGHT = 3  # batches per converter process converted ahead of the consumer
_ADMIN = BF.adminMetadata


@dataclass(frozen=True)
class Source:
    """One input file and the dialect it is read as (detected once, for the whole load)."""

    path: str
    dialect: Dialect

    @property
    def split(self) -> bool:
        """ISO 2709: raw records, decoded by the converters."""
        return self.dialect.splits(self.path)


def sources(files: Iterable[str | Path | Source], format: str | None = None) -> list[Source]:
    """Each file with its dialect: ``format`` if named, else detected.

    Raises :class:`graph.load.dialects.UnknownDialect` for a file that is not there or
    whose format cannot be told, naming the file.
    """
    found = []
    for f in files:
        if not isinstance(f, Source):
            if not Path(f).is_file():
                raise dialects.UnknownDialect(f"{f}: no such file")
            f = Source(str(f), dialects.detect(f, format))
        found.append(f)
    return found


@dataclass
class _Plan:
    holdings_of: frozenset[str]  # 001s of bibliographic records that have holdings records
    records: int  # a count of records, to choose between in-process and parallel


@dataclass
class _Result:
    data: bytes = b""
    triples: int = 0
    read: int = 0
    loaded: int = 0
    warnings: int = 0
    rejected: list = field(default_factory=list)
    notices: list = field(default_factory=list)  # the reader's notices and repairs, in order
    deferred: list = field(default_factory=list)  # (file, position, offset, raw) of holdings records
    instances: dict = field(default_factory=dict)  # 001 -> instance IRI, for records with holdings
    evidence: list = field(default_factory=list)  # what deferred identity resolution needs
    archived: list = field(default_factory=list)  # source rows of the records mapped (graph.load.archive)
    spans: list = field(default_factory=list)  # with deferred identity: each mapped record's _Span


class _Span(NamedTuple):
    """Where one mapped record's part of a converted batch lies, so that it can be taken out again
    should resolving its deferred evidence fail (:func:`_settle`)."""

    evidence: int  # its evidence: res.evidence[evidence:evidence_end]
    evidence_end: int
    start: int  # its lines: res.data[start:end]
    end: int
    triples: int
    rejected: int  # len(res.rejected) when it was mapped: where its rejection goes, in record order
    notices: int  # its warnings: res.notices[notices:notices_end]
    notices_end: int
    archived: int  # its source row, if any: res.archived[archived:archived_end]
    archived_end: int
    file: str
    position: int
    control: str | None
    offset: int | None


_PENDING = "urn:x-alliance-pending:"
_PENDING_RE = re.compile(rb"<urn:x-alliance-pending:(\d+):([iwo])")
_PLACE = {b"i": 0, b"w": 1, b"o": 2}


class DeferredIdentity:
    """Stands in for a stateful resolver (the cluster index) inside converter processes.

    It hands out placeholder IRIs and keeps each record's evidence; the parent process
    resolves the evidence in record order with the real resolver and rewrites the
    placeholders in the serialised chunk (:func:`_settle`).
    """

    def __init__(self):
        self.evidence: list = []

    def resolve(self, ev) -> Resolved:
        n = len(self.evidence)
        self.evidence.append(ev)
        original = NamedNode(f"{_PENDING}{n}:o") if original_keys(ev) else None  # a translation's original
        return Resolved(NamedNode(f"{_PENDING}{n}:i"), NamedNode(f"{_PENDING}{n}:w"), original)


def _settle(res: "_Result", identity) -> None:
    """Resolve a converted batch's deferred evidence and put the real IRIs in its data.

    A record whose resolution fails (:class:`ResolutionFailed`: the resolver left its state as it
    was) is rejected, as the one-process road rejects it, and its lines are taken out of the batch.
    """
    if not res.evidence:
        return
    real: list = []
    failed: dict[int, str] = {}
    for n, ev in enumerate(res.evidence):
        try:
            got = identity.resolve(ev)
        except ResolutionFailed as err:
            failed[n] = str(err)
            real.append(None)
            continue
        # an ":o" placeholder (a translation's original) only where the resolver names one: see original_keys
        original = f"<{got.original.value}".encode() if got.original is not None else None
        real.append((f"<{got.instance.value}".encode(), f"<{got.work.value}".encode(), original))
    if failed:
        _reject_unresolved(res, failed)

    def placed(m: re.Match[bytes]) -> bytes:
        iri = real[int(m.group(1))][_PLACE[m.group(2)]]
        assert iri is not None  # ":o" is only written where the resolver names an original
        return iri

    res.data = _PENDING_RE.sub(placed, res.data)
    for control, iri in list(res.instances.items()):
        if iri.startswith(_PENDING):  # the main Instance itself, never a fragment of it
            res.instances[control] = real[int(iri[len(_PENDING) :].split(":")[0])][0][1:].decode()


def _reject_unresolved(res: "_Result", failed: dict[int, str]) -> None:
    """Take the records whose evidence could not be resolved out of a converted batch, and reject them."""
    for span in reversed(res.spans):  # from the end: earlier spans' offsets stay valid
        reason = next((failed[n] for n in range(span.evidence, span.evidence_end) if n in failed), None)
        if reason is None:
            continue
        res.data = res.data[: span.start] + res.data[span.end :]
        res.loaded -= 1
        res.triples -= span.triples
        if span.notices_end > span.notices:
            res.warnings -= 1
            del res.notices[span.notices : span.notices_end]
        del res.archived[span.archived : span.archived_end]
        res.rejected.insert(span.rejected, Rejection(span.file, span.position, span.control, reason, span.offset))
    for control, iri in list(res.instances.items()):
        if iri.startswith(_PENDING) and int(iri[len(_PENDING) :].split(":")[0]) in failed:
            del res.instances[control]


# serialisation ---------------------------------------------------------------------
class Serializer:
    """Triples to N-Triples/N-Quads/Turtle bytes, a record at a time.

    Each term is stringified once per batch (``cache``: term -> its text and a space), and a
    run of triples about one subject looks it up once. Each record's text is encoded on
    its own: one batch-sized string holding a single CJK character would take four bytes a
    character, and be slow to build and to encode.
    """

    def __init__(self, kind: str = "nt", graph: NamedNode | None = None):
        self.kind = kind
        self.tail = f"{graph} .\n" if kind == "nq" and graph is not None else ".\n"

    def lines(self, triples: Iterable[tuple], cache: dict) -> bytes:
        get = cache.get
        tail = self.tail
        parts: list[str] = []
        append = parts.append
        last = ss = None
        for s, p, o in triples:
            if s is not last:
                last = s
                ss = get(s)
                if ss is None:
                    ss = cache[s] = f"{s} "
            ps = get(p)
            if ps is None:
                ps = cache[p] = f"{p} "
            os_ = get(o)
            if os_ is None:
                os_ = cache[o] = f"{o} "
            append(ss)  # type: ignore[arg-type]  # set by the first triple: no subject is None
            append(ps)
            append(os_)
            append(tail)
        return "".join(parts).encode("utf-8")

    def finish(self, chunks: list[bytes]) -> bytes:
        data = b"".join(chunks)
        if self.kind == "ttl" and data:
            triples = parse(data, format=RdfFormat.N_TRIPLES)
            data = serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        return data


# the work of one batch ---------------------------------------------------------------
_STATE: dict = {}
# Failures of the machine, not of a record: they stop the load (nothing of it becomes visible).
FAULTS = (*faults.MACHINE_FAULTS, StoreError)


def _init_worker(
    ctx: MappingContext, plan: _Plan, kind: str, graph, defer: bool = False, archive: bool = False
) -> None:
    if defer:  # a stateful resolver lives in the parent; this process only gathers evidence
        ctx = MappingContext(
            ctx.minter,
            ctx.member,
            ctx.collection,
            identity=DeferredIdentity(),
            member_descriptions=ctx.member_descriptions,
        )
    _STATE.update(ctx=ctx, plan=plan, serializer=Serializer(kind, graph), defer=defer, archive=archive)
    gc.freeze()  # everything inherited is long-lived; young collections stay cheap


def _convert_batch(batch: tuple[str, list]) -> _Result:
    """Map and serialise one batch of one dialect's entries: raw ISO 2709 records
    ``(file, position, offset, raw)`` to decode here, or what the dialect's reader yielded."""
    name, entries = batch
    dialect = dialects.get(name)
    ctx, plan, ser = _STATE["ctx"], _STATE["plan"], _STATE["serializer"]
    defer = _STATE.get("defer")
    if defer:
        ctx.identity.evidence = []
    res = _Result()
    chunks = []
    size = 0  # bytes in chunks
    cache: dict = {}
    scheme = MARC_DIALECTS.get(name) if _STATE.get("archive") else None
    for entry in entries:
        offset = None
        if type(entry) is tuple:
            file, position, offset, raw = entry
            res.read += 1
            if dialect.holdings and iso2709.record_type(raw) in marc21.HOLDINGS_TYPES:
                res.deferred.append(entry)
                continue
            assert dialect.decode is not None  # only a dialect that decodes records is split into raw ones
            item = dialect.decode(raw, file, position, offset)
            if dialect.guard:  # e.g. a UNIMARC record in a MARC 21 file
                item = dialects.guard(item, dialect.guard)
        elif isinstance(entry, Notice):
            res.notices.append(entry)
            continue
        else:
            item = entry
            res.read += 1
            if dialect.holdings and isinstance(item, SourceRecord) and marc21.is_holdings(item.record):
                res.deferred.append((item.file, item.position, None, item.record))
                continue
        if defer:
            marks = (len(ctx.identity.evidence), len(res.rejected), len(res.notices), len(res.archived))
        triples = _map_item(dialect, item, ctx, plan, res, offset)
        if triples is None and defer:  # nothing of a rejected record is resolved (see _map_item)
            del ctx.identity.evidence[marks[0] :]
        if triples is not None:
            res.triples += len(triples)
            chunks.append(ser.lines(triples, cache))
            if scheme is not None and isinstance(item, SourceRecord) and (row := source_row(scheme, item.record)):
                res.archived.append(row)
            if defer:
                assert not isinstance(item, Rejection)  # it was mapped
                start, size = size, size + len(chunks[-1])
                res.spans.append(
                    _Span(
                        marks[0],
                        len(ctx.identity.evidence),
                        start,
                        size,
                        len(triples),
                        marks[1],
                        marks[2],
                        len(res.notices),
                        marks[3],
                        len(res.archived),
                        item.file,
                        item.position,
                        _control(item.record),
                        offset,
                    )
                )
    res.data = ser.finish(chunks)
    if _STATE.get("defer"):
        res.evidence = ctx.identity.evidence
    return res


def _map_item(dialect: Dialect, item, ctx: MappingContext, plan: _Plan, res: _Result, offset: int | None = None):
    if isinstance(item, Rejection):
        if item.offset is None:
            item.offset = offset
        res.rejected.append(item)
        return None
    record = item.record
    control = None
    if dialect.holdings and plan.holdings_of:
        control = marc21.control_of(record)
        ctx.holdings_elsewhere = plan.holdings_of
    try:
        # a stateful resolver here (one process): the record is a SAVEPOINT of the cluster index, undone
        # should its mapping fail after its resolution (converters defer resolution: see _convert_batch)
        with ctx.identity.record() if type(ctx.identity) is Load else nullcontext():
            triples = dialect.map(record, ctx)
    except FAULTS:  # e.g. the cluster index's disk is full: stop the load
        raise
    except (marc21.UnmappableRecord, ResolutionFailed) as err:
        res.rejected.append(Rejection(item.file, item.position, _control(record), str(err), offset))
        return None
    except Exception as err:  # noqa: BLE001 - a mapper bug on one record must not stop the batch
        res.rejected.append(
            Rejection(
                item.file, item.position, _control(record), f"could not be mapped: {type(err).__name__}: {err}", offset
            )
        )
        return None
    res.loaded += 1
    if item.warnings:
        res.warnings += 1
        res.notices.extend(Notice(item.file, item.position, w) for w in item.warnings)
    if control is not None and control in plan.holdings_of:
        instance = next((s for s, p, _ in triples if p == _ADMIN), None)
        if instance is not None:
            res.instances[control] = instance.value
    if ctx.collection:
        triples = collection.join(triples, ctx)
    if ctx.member_descriptions:
        triples = as_member_description(triples, ctx.member.upper())
    return triples


def _control(record) -> str | None:
    """The 001 of a MARC record (UNIMARC's too); None for a spreadsheet row or a Dublin Core record."""
    fields = getattr(record, "fields", None)
    if not isinstance(fields, list):
        return None
    return next((f.data.strip() for f in fields if f.tag == "001" and f.data), None)


# planning ----------------------------------------------------------------------------
_XML_HOLDINGS = re.compile(rb"<(?:\w+:)?leader>[^<]{6}[uvxy]")


def _plan(files: list[Source]) -> _Plan:
    wanted = set()
    records = 0
    for source in files:
        path, holdings = source.path, source.dialect.holdings
        if source.split:
            for _, raw in iso2709_chunks_at(path):
                records += 1
                if holdings and iso2709.record_type(raw.lstrip(b" \r\n\x00")) in marc21.HOLDINGS_TYPES:
                    if link := iso2709.linked_control_number(raw.lstrip(b" \r\n\x00")):
                        wanted.add(link)
        elif holdings:  # MARCXML
            with open(path, "rb") as fh:
                data = fh.read()
            records += data.count(b"<record") + data.count(b":record")
            if _XML_HOLDINGS.search(data):
                for item in read_marcxml(Path(path)):
                    if isinstance(item, SourceRecord) and marc21.is_holdings(item.record):
                        if link := marc21.holdings_link(item.record):
                            wanted.add(link)
        else:
            records += dialects.count_records(path, dialect=source.dialect)
    return _Plan(frozenset(wanted), records)


def _batches(files: list[Source]) -> Iterator[tuple[str, list]]:
    """Batches of at most BATCH entries of one dialect, in file order (a batch may span files)."""
    name, batch = "", []  # type: tuple[str, list]
    for source in files:
        dialect = source.dialect
        if batch and dialect.name != name:
            yield name, batch
            batch = []
        name = dialect.name
        entries: Iterable = (
            ((source.path, position, offset, raw) for position, offset, raw in iso2709_records(source.path))
            if source.split
            else dialect.read(source.path)
        )
        for entry in entries:
            batch.append(entry)
            if len(batch) >= BATCH:
                yield name, batch
                batch = []
    if batch:
        yield name, batch


# the pipeline --------------------------------------------------------------------------
def convert_stream(
    files: Iterable[str | Path | Source],
    ctx: MappingContext,
    report: ConversionReport,
    *,
    format: str | None = None,
    kind: str = "nt",
    graph: NamedNode | None = None,
    workers: int | None = None,
    lookup: Callable[[str], str | None] | None = None,
    progress: Callable[[int], None] | None = None,
    min_parallel: int = PARALLEL_THRESHOLD,
    keep: RecordSpool | None = None,
) -> Iterator[bytes]:
    """Serialised triples of every good record in ``files``; counts and rejections go into ``report``.

    Each file is read as its dialect (:func:`sources`: ``format`` if named, else detected).
    ``kind`` is "nt", "nq" (with ``graph``) or "ttl". ``workers`` defaults to the number of
    cores; 1 converts in this process, as do inputs of fewer than ``min_parallel`` records.
    With ``ctx.collection`` every Instance joins that collection.
    ``lookup(control_number)`` finds the Instance IRI of
    a bibliographic record that is not in ``files`` (for holdings records that name one).
    ``keep`` gathers the source row of every MARC record mapped, for the archive.
    """
    files = sources(files, format)
    plan = _plan(files)
    workers = workers or os.cpu_count() or 1
    deferred: list = []
    instances: dict = {}
    ser = Serializer(kind, graph)

    def absorb(res: _Result) -> bytes:
        for _ in range(res.read):  # the fault-test hook (graph.faults), once per record
            faults.point("ingest.record")
        _settle(res, ctx.identity)
        report.read += res.read - len(res.deferred)
        report.loaded += res.loaded
        report.warnings += res.warnings
        report.rejected.extend(res.rejected)
        if len(report.notices) < MAX_NOTICES:
            report.notices.extend(res.notices)  # repairs are counted in full, listed up to a limit
        report.triples += res.triples
        deferred.extend(res.deferred)
        instances.update(res.instances)
        if keep is not None and res.archived:
            keep.add(res.archived)
        if progress:
            progress(res.read)
        return res.data

    if ctx.collection:
        head = collection.collection_triples(ctx)
        report.triples += len(head)
        yield ser.finish([ser.lines(head, {})])
    if workers > 1 and plan.records >= min_parallel:
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        defer = not isinstance(ctx.identity, KeyIdentity)
        if defer and kind == "ttl":  # a record's lines are cut out of a batch whose resolution failed
            raise ValueError("deferred identity resolution writes N-Triples or N-Quads, not Turtle")
        pool = mp.get_context(method).Pool(workers, _init_worker, (ctx, plan, kind, graph, defer, keep is not None))
        try:
            for res in _bounded(pool, _batches(files), IN_FLIGHT * workers):
                yield absorb(res)
        finally:
            pool.terminate()
            pool.join()
    else:
        _init_worker(ctx, plan, kind, graph, archive=keep is not None)
        try:
            for batch in _batches(files):
                yield absorb(_convert_batch(batch))
        finally:
            gc.unfreeze()
    if deferred:
        yield _holdings(deferred, instances, ctx, ser, report, lookup)


def _bounded(pool, batches: Iterator[tuple[str, list]], limit: int) -> Iterator[_Result]:
    """Results of ``batches`` in order, with at most ``limit`` batches converted ahead of the caller.

    ``Pool.imap`` has no back-pressure: when the store loads more slowly than the converters
    convert, it would hold every converted chunk of the file in memory. Here the converters
    wait once ``limit`` results are waiting, so memory stays flat whatever the file's size.
    """
    pending: deque = deque()
    for batch in batches:
        pending.append(pool.apply_async(_convert_batch, (batch,)))
        if len(pending) >= limit:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _holdings(deferred: list, instances: dict, ctx, ser: Serializer, report: ConversionReport, lookup) -> bytes:
    chunks = []
    cache: dict = {}
    for file, position, offset, raw in deferred:
        report.read += 1
        if isinstance(raw, bytes):
            item = decode_iso2709(raw, file, position, offset)
            if isinstance(item, Rejection):
                report.rejected.append(item)
                continue
        else:
            item = SourceRecord(file, position, raw)
        record = item.record
        link = marc21.holdings_link(record)
        target = instances.get(link) if link else None
        if target is None and link and lookup is not None:
            target = lookup(link)
        if target is None:
            reason = (
                "holdings record without a 004 naming its bibliographic record"
                if not link
                else f"holdings record for bibliographic record {link}, which is neither in this load "
                "nor already loaded for this member"
            )
            report.rejected.append(Rejection(file, position, _control(record), reason, offset))
            continue
        try:
            triples = marc21.map_holdings(record, ctx, NamedNode(target))
        except Exception as err:  # noqa: BLE001 - a holding's failure is reported on its record
            report.rejected.append(
                Rejection(file, position, _control(record), f"could not be mapped: {type(err).__name__}: {err}", offset)
            )
            continue
        report.loaded += 1
        report.warnings += bool(item.warnings)
        report.notices.extend(Notice(item.file, item.position, w) for w in item.warnings)
        report.triples += len(triples)
        chunks.append(ser.lines(triples, cache))
    return ser.finish(chunks)


__all__ = ["FAULTS", "Serializer", "Source", "convert_stream", "sources"]
