"""MARC readers: ISO 2709 (UTF-8 or MARC-8, whatever leader/09 claims) and MARCXML.

``read_marc(path)`` yields a :class:`SourceRecord` per readable record and a
:class:`Rejection` per unreadable one, so one broken record never stops a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from graph.load.sources import Rejection, SourceRecord, iso2709, marcxml

RECORD_END = b"\x1d"
FIELD_END = b"\x1e"
_CHUNK = 1 << 20


def read_marc(path: str | Path) -> Iterator[SourceRecord | Rejection]:
    """Records of a MARC file, ISO 2709 or MARCXML, told apart by the first byte."""
    path = Path(path)
    if is_marcxml(path):
        yield from read_marcxml(path)
    else:
        yield from read_iso2709(path)


def is_marcxml(path: str | Path) -> bool:
    """Whether a file is XML (its first non-blank byte is '<'), else ISO 2709 is assumed."""
    return marcxml.is_xml(path)


# ISO 2709 ----------------------------------------------------------------------
def iso2709_chunks(path: Path) -> Iterator[bytes]:
    """Raw records, split on the record terminator (leader lengths are not trusted)."""
    for _, raw in iso2709_chunks_at(path):
        yield raw


def iso2709_chunks_at(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """(byte offset, raw record) pairs; a last record without its terminator comes as is."""
    offset = 0
    with open(path, "rb") as fh:
        pending = b""
        while block := fh.read(_CHUNK):
            pending += block
            *complete, pending = pending.split(RECORD_END)
            for raw in complete:
                yield offset, raw + RECORD_END
                offset += len(raw) + 1
        if pending.strip(_PADDING):
            yield offset, pending  # a last record without its terminator: truncated


_PADDING = b" \r\n\x00\x1a"


def iso2709_records(path: str | Path) -> Iterator[tuple[int, int, bytes]]:
    """(1-based position, byte offset, raw record) of every record, padding between records skipped.

    The one way positions are counted in an ISO 2709 file, whatever its dialect, so a
    record's position is the same whether a reader or the parallel pipeline reports it.
    """
    position = 0
    for offset, raw in iso2709_chunks_at(path):
        if not raw.strip(_PADDING + RECORD_END):
            continue
        position += 1
        yield position, offset, raw


def read_iso2709(path: Path) -> Iterator[SourceRecord | Rejection]:
    name = str(path)
    for position, offset, raw in iso2709_records(path):
        yield decode_iso2709(raw, name, position, offset)


def decode_iso2709(
    raw: bytes, file: str = "<bytes>", position: int = 1, offset: int | None = None
) -> SourceRecord | Rejection:
    """Decode one raw ISO 2709 record, choosing UTF-8 or MARC-8 from its bytes."""
    stripped = raw.lstrip(_PADDING)
    if offset is not None:
        offset += len(raw) - len(stripped)
    try:
        record, warnings = iso2709.decode(stripped)
    except iso2709.BadRecord as err:
        return Rejection(file, position, iso2709.control_number(stripped), str(err), offset)
    except Exception as err:  # noqa: BLE001 - a decoder bug on one record must not stop the file
        return Rejection(file, position, iso2709.control_number(stripped), _reason(err), offset)
    return SourceRecord(file, position, record, warnings)


def control_number(raw: bytes) -> str | None:
    """The 001 of a raw record if its directory can be walked that far, else None."""
    return iso2709.control_number(raw)


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return f"{type(err).__name__}: {text}"


# MARCXML -------------------------------------------------------------------------
def read_marcxml(path: Path) -> Iterator[SourceRecord | Rejection]:
    """MARCXML (any namespace, or none); a malformed document is reported where it breaks."""
    return marcxml.read_records(path)
