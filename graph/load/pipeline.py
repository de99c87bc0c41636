"""The conversion pipeline: MARC files in, serialised RDF out, on every core, streaming.

``convert_stream(files, ctx, report)`` yields chunks of N-Triples (or N-Quads, or
Turtle) bytes, each the output of a batch of records, in file order. Large ISO 2709
inputs are split into batches of raw records that worker processes decode, map and
serialise while the caller writes or loads the previous chunk; small inputs and
MARCXML run in-process. Memory stays flat: at most a few batches are in flight.

Holdings records (MFHD, leader/06 u/v/x/y) belong to the bibliographic record their
004 names. A quick pre-scan finds them; bibliographic records they name get no
stand-in Item, and remember their Instance; the holdings records are mapped last,
when every Instance is known (or looked up with ``lookup``, e.g. in the store).
"""
from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from pyoxigraph import NamedNode, RdfFormat, parse, serialize

from graph.identity.match import original_keys
from graph.identity.resolver import KeyIdentity, Resolved
from graph.load import dialects
from graph import faults
from graph.load.mappers import MappingContext
from graph.load.mappers import marc21
from graph.load.sources import Notice, Rejection, SourceRecord
from graph.load.sources import iso2709
from graph.union.description import as_member_description
from graph.load.sources.marc import decode_iso2709, iso2709_chunks_at, is_marcxml, read_marcxml
from vocab.namespaces import BF, PREFIXES

BATCH = 400                # records per work unit
PARALLEL_THRESHOLD = 3000  # fewer records than this: not worth starting processes
MAX_NOTICES = 10_000       # repairs listed in a report (all are counted)
IN_FLIGHT = 3              # batches per converter process converted ahead of the consumer
_ADMIN = BF.adminMetadata


@dataclass
class ConvertReport:
    """What a conversion read, loaded and rejected (the ingest report has the same fields)."""

    read: int = 0
    loaded: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    warnings: int = 0
    triples: int = 0


@dataclass
class _Plan:
    holdings_of: frozenset[str]    # 001s of bibliographic records that have holdings records
    records: int                   # a count of records, to choose between in-process and parallel


@dataclass
class _Result:
    data: bytes = b""
    triples: int = 0
    read: int = 0
    loaded: int = 0
    warnings: int = 0
    rejected: list = field(default_factory=list)
    notices: list = field(default_factory=list)    # the repairs the reader made, as Notices
    deferred: list = field(default_factory=list)   # (file, position, offset, raw) of holdings records
    instances: dict = field(default_factory=dict)  # 001 -> instance IRI, for records with holdings
    evidence: list = field(default_factory=list)   # what deferred identity resolution needs


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
    """Resolve a converted batch's deferred evidence and put the real IRIs in its data."""
    if not res.evidence:
        return
    real = []
    for ev in res.evidence:
        got = identity.resolve(ev)
        # an ":o" placeholder (a translation's original) only where the resolver names one: see original_keys
        original = f"<{got.original.value}".encode() if got.original is not None else None
        real.append((f"<{got.instance.value}".encode(), f"<{got.work.value}".encode(), original))
    def placed(m: re.Match[bytes]) -> bytes:
        iri = real[int(m.group(1))][_PLACE[m.group(2)]]
        assert iri is not None  # ":o" is only written where the resolver names an original
        return iri

    res.data = _PENDING_RE.sub(placed, res.data)
    for control, iri in list(res.instances.items()):
        if iri.startswith(_PENDING):  # the main Instance itself, never a fragment of it
            res.instances[control] = real[int(iri[len(_PENDING):].split(":")[0])][0][1:].decode()


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


def _init_worker(ctx: MappingContext, plan: _Plan, kind: str, graph, defer: bool = False) -> None:
    if defer:  # a stateful resolver lives in the parent; this process only gathers evidence
        ctx = MappingContext(ctx.minter, ctx.member, ctx.collection, identity=DeferredIdentity(),
                             member_descriptions=ctx.member_descriptions)
    _STATE.update(ctx=ctx, plan=plan, serializer=Serializer(kind, graph), defer=defer)
    gc.freeze()  # everything inherited is long-lived; young collections stay cheap


def _convert_batch(batch: list) -> _Result:
    ctx, plan, ser = _STATE["ctx"], _STATE["plan"], _STATE["serializer"]
    if _STATE.get("defer"):
        ctx.identity.evidence = []
    res = _Result()
    chunks = []
    cache: dict = {}
    for file, position, offset, raw in batch:
        res.read += 1
        if iso2709.record_type(raw) in marc21.HOLDINGS_TYPES:
            res.deferred.append((file, position, offset, raw))
            continue
        item = decode_iso2709(raw, file, position, offset)
        triples = _map_item(item, ctx, plan, res, offset)
        if triples is not None:
            res.triples += len(triples)
            chunks.append(ser.lines(triples, cache))
    res.data = ser.finish(chunks)
    if _STATE.get("defer"):
        res.evidence = ctx.identity.evidence
    return res


def _map_item(item, ctx: MappingContext, plan: _Plan, res: _Result, offset: int | None = None):
    if isinstance(item, SourceRecord) and not any(f.tag == "245" for f in item.record.fields):
        item = dialects.guard(item, "marc21")  # a UNIMARC record (never a 245) in a MARC 21 file
    if isinstance(item, Rejection):
        if item.offset is None:
            item.offset = offset
        res.rejected.append(item)
        return None
    record = item.record
    control = None
    if plan.holdings_of:
        control = marc21.control_of(record)
        ctx.holdings_elsewhere = plan.holdings_of
    try:
        triples = marc21.map_record(record, ctx)
    except faults.MACHINE_FAULTS:  # e.g. the cluster index's disk is full: stop the load
        raise
    except marc21.UnmappableRecord as err:
        res.rejected.append(Rejection(item.file, item.position, _control(record), str(err), offset))
        return None
    except Exception as err:  # noqa: BLE001 - a mapper bug on one record must not stop the batch
        res.rejected.append(Rejection(item.file, item.position, _control(record),
                                      f"could not be mapped: {type(err).__name__}: {err}", offset))
        return None
    res.loaded += 1
    if item.warnings:
        res.warnings += 1
        res.notices.extend(Notice(item.file, item.position, w) for w in item.warnings)
    if control is not None and control in plan.holdings_of:
        instance = next((s for s, p, _ in triples if p == _ADMIN), None)
        if instance is not None:
            res.instances[control] = instance.value
    if ctx.member_descriptions:
        triples = as_member_description(triples, ctx.member.upper())
    return triples


def _control(record) -> str | None:
    return next((f.data.strip() for f in record.fields if f.tag == "001" and f.data), None)


# planning ----------------------------------------------------------------------------
_XML_HOLDINGS = re.compile(rb"<(?:\w+:)?leader>[^<]{6}[uvxy]")


def _plan(files: list[str]) -> _Plan:
    wanted = set()
    records = 0
    for path in files:
        if is_marcxml(path):
            with open(path, "rb") as fh:
                data = fh.read()
            records += data.count(b"<record") + data.count(b":record")
            if _XML_HOLDINGS.search(data):
                for item in read_marcxml(Path(path)):
                    if isinstance(item, SourceRecord) and marc21.is_holdings(item.record):
                        if link := marc21.holdings_link(item.record):
                            wanted.add(link)
            continue
        for _, raw in iso2709_chunks_at(path):
            records += 1
            if iso2709.record_type(raw.lstrip(b" \r\n\x00")) in marc21.HOLDINGS_TYPES:
                if link := iso2709.linked_control_number(raw.lstrip(b" \r\n\x00")):
                    wanted.add(link)
    return _Plan(frozenset(wanted), records)


def _batches(files: list[str]) -> Iterator[list]:
    batch = []
    for path in files:
        position = 0
        for offset, raw in iso2709_chunks_at(path):
            if not raw.strip(b" \r\n\x00\x1a\x1d"):
                continue
            position += 1
            batch.append((path, position, offset, raw))
            if len(batch) >= BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


# the pipeline --------------------------------------------------------------------------
def convert_stream(files: Iterable[str | Path], ctx: MappingContext, report, *,
                   kind: str = "nt", graph: NamedNode | None = None, workers: int | None = None,
                   lookup: Callable[[str], str | None] | None = None,
                   progress: Callable[[int], None] | None = None,
                   min_parallel: int = PARALLEL_THRESHOLD) -> Iterator[bytes]:
    """Serialised triples of every good record in ``files``; counts and rejections go into ``report``.

    ``kind`` is "nt", "nq" (with ``graph``) or "ttl". ``workers`` defaults to the number of
    cores; 1 converts in this process, as do inputs of fewer than ``min_parallel`` records.
    ``lookup(control_number)`` finds the Instance IRI of
    a bibliographic record that is not in ``files`` (for holdings records that name one).
    """
    names = [str(f) for f in files]
    plan = _plan(names)
    workers = workers or os.cpu_count() or 1
    xml = [f for f in names if is_marcxml(f)]
    binary = [f for f in names if f not in xml]
    deferred: list = []
    instances: dict = {}
    ser = Serializer(kind, graph)

    def absorb(res: _Result) -> bytes:
        for _ in range(res.read):  # the fault-test hook (graph.faults), as convert() has per record
            faults.point("ingest.record")
        _settle(res, ctx.identity)
        report.read += res.read - len(res.deferred)
        report.loaded += res.loaded
        report.warnings += res.warnings
        report.rejected.extend(res.rejected)
        if hasattr(report, "notices") and len(report.notices) < MAX_NOTICES:
            report.notices.extend(res.notices)  # repairs are counted in full, listed up to a limit
        report.triples += res.triples
        deferred.extend(res.deferred)
        instances.update(res.instances)
        if progress:
            progress(res.read)
        return res.data

    for path in xml:
        yield from _xml_chunks(path, ctx, plan, ser, absorb, deferred)
    if binary:
        if workers > 1 and plan.records >= min_parallel:
            method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
            defer = not isinstance(ctx.identity, KeyIdentity)
            pool = mp.get_context(method).Pool(workers, _init_worker, (ctx, plan, kind, graph, defer))
            try:
                for res in _bounded(pool, _batches(binary), IN_FLIGHT * workers):
                    yield absorb(res)
            finally:
                pool.terminate()
                pool.join()
        else:
            _init_worker(ctx, plan, kind, graph)
            try:
                for batch in _batches(binary):
                    yield absorb(_convert_batch(batch))
            finally:
                gc.unfreeze()
    if deferred:
        yield _holdings(deferred, instances, ctx, ser, report, lookup)


def _bounded(pool, batches: Iterator[list], limit: int) -> Iterator[_Result]:
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


def _xml_chunks(path, ctx, plan, ser, absorb, deferred) -> Iterator[bytes]:
    res = _Result()
    chunks = []
    cache: dict = {}
    for item in read_marcxml(Path(path)):
        res.read += 1
        if isinstance(item, SourceRecord) and marc21.is_holdings(item.record):
            res.deferred.append((item.file, item.position, None, item.record))
            continue
        triples = _map_item(item, ctx, plan, res)
        if triples is not None:
            res.triples += len(triples)
            chunks.append(ser.lines(triples, cache))
        if len(chunks) >= BATCH:
            res.data = ser.finish(chunks)
            yield absorb(res)
            res, chunks, cache = _Result(), [], {}
    res.data = ser.finish(chunks)
    yield absorb(res)


def _holdings(deferred: list, instances: dict, ctx, ser: Serializer, report, lookup) -> bytes:
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
            reason = ("holdings record without a 004 naming its bibliographic record" if not link else
                      f"holdings record for bibliographic record {link}, which is neither in this load "
                      "nor already loaded for this member")
            report.rejected.append(Rejection(file, position, _control(record), reason, offset))
            continue
        try:
            triples = marc21.map_holdings(record, ctx, NamedNode(target))
        except Exception as err:  # noqa: BLE001 - a holding's failure is reported on its record
            report.rejected.append(Rejection(file, position, _control(record),
                                             f"could not be mapped: {type(err).__name__}: {err}", offset))
            continue
        report.loaded += 1
        report.warnings += bool(item.warnings)
        if hasattr(report, "notices"):
            report.notices.extend(Notice(item.file, item.position, w) for w in item.warnings)
        report.triples += len(triples)
        chunks.append(ser.lines(triples, cache))
    return ser.finish(chunks)


__all__ = ["ConvertReport", "Serializer", "convert_stream"]
