"""Fuzz targets: bytes in, every reader and mapper of one source format run on them, invariants checked.

Shared by the hypothesis tests (tests/test_fuzz_readers.py), the regression corpus
(tests/fuzz_corpus/TARGET/*) and the coverage-guided atheris runner (bench/fuzz.py).
A target raises AssertionError when an invariant breaks, :class:`Hang` when a run takes longer
than :data:`LIMIT` seconds, and any other exception is a crash. Invariants: each item a reader
yields is a record, a rejection with a reason, or a notice; positions count up from 1; every
record maps to triples (or the mapper's failure is what the ingest reports as a rejection).
"""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path

from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.sources import Notice, Rejection, SourceRecord

LIMIT = 20  # seconds one input may take, however hostile
MINTER = Minter("http://alliance.test/")


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int = LIMIT):
    def alarm(signum, frame):
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _run(dialect_name: str, data: bytes, suffix: str) -> dict:
    """Read ``data`` as a file of ``dialect_name`` and map every record, checking the invariants."""
    from graph.load import dialects

    dialect = dialects.get(dialect_name)
    ctx = MappingContext(MINTER, "FUZZ")
    counts = {"records": 0, "rejections": 0, "notices": 0, "unmappable": 0}
    fd, name = tempfile.mkstemp(suffix=suffix, prefix="fuzz-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with time_limit():
            last = 0
            for item in dialect.read(Path(name)):
                if isinstance(item, Notice):
                    counts["notices"] += 1
                    assert item.reason, item
                    continue
                assert isinstance(item, (SourceRecord, Rejection)), f"a reader yielded {type(item).__name__}"
                if item.position is not None:
                    assert item.position > last or dialect_name == "local", (item.position, last)
                    last = item.position
                if isinstance(item, Rejection):
                    counts["rejections"] += 1
                    assert isinstance(item.reason, str) and item.reason.strip(), item
                    str(item)
                    continue
                counts["records"] += 1
                try:
                    triples = list(dialect.map(item.record, ctx))
                except (AssertionError, Hang):
                    raise
                except Exception:  # noqa: BLE001 - the ingest reports this record as 'could not be mapped'
                    counts["unmappable"] += 1
                    continue
                for t in triples:
                    assert len(t) == 3, t
    finally:
        os.unlink(name)
    return counts


def iso2709(data: bytes) -> dict:
    return _run("marc21", data, ".mrc")


def marcxml(data: bytes) -> dict:
    return _run("marc21", data, ".xml")


def unimarc(data: bytes) -> dict:
    return _run("unimarc", data, ".mrc")


def cnmarcxml(data: bytes) -> dict:
    return _run("unimarc", data, ".xml")


def csv(data: bytes) -> dict:
    return _run("local", data, ".csv")


def xlsx(data: bytes) -> dict:
    return _run("local", data, ".xlsx")


def dublin_core(data: bytes) -> dict:
    return _run("dc", data, ".xml")


def oai_marcxml(data: bytes) -> dict:
    return _run("oai_marc21", data, ".xml")


TARGETS = {f.__name__: f for f in (iso2709, marcxml, unimarc, cnmarcxml, csv, xlsx, dublin_core, oai_marcxml)}
