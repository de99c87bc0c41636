"""MARC readers: ISO 2709 (UTF-8 or MARC-8, whatever leader/09 claims) and MARCXML.

``read_marc(path)`` yields a :class:`SourceRecord` per readable record and a
:class:`Rejection` per unreadable one, so one broken record never stops a file.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pymarc

from graph.sources import Rejection, SourceRecord, iso2709
from graph.xmlsafe import pull_parser

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
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
    return head.startswith(b"<") or head.startswith(b"\xef\xbb\xbf<")


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


def read_iso2709(path: Path) -> Iterator[SourceRecord | Rejection]:
    name = str(path)
    position = 0
    for offset, raw in iso2709_chunks_at(path):
        if not raw.strip(_PADDING + RECORD_END):
            continue
        position += 1
        yield decode_iso2709(raw, name, position, offset)


def decode_iso2709(raw: bytes, file: str = "<bytes>", position: int = 1,
                   offset: int | None = None) -> SourceRecord | Rejection:
    """Decode one raw ISO 2709 record, choosing UTF-8 or MARC-8 from its bytes."""
    stripped = raw.lstrip(_PADDING)
    if offset is not None:
        offset += len(raw) - len(stripped)
    try:
        record, warnings = iso2709.decode(stripped)
    except iso2709.BadRecord as err:
        return Rejection(file, position, iso2709.control_number(stripped), str(err), offset)
    except Exception as err:  # a decoder bug on one record must not stop the file
        return Rejection(file, position, iso2709.control_number(stripped), _reason(err), offset)
    return SourceRecord(file, position, record, warnings)


def control_number(raw: bytes) -> str | None:
    """The 001 of a raw record if its directory can be walked that far, else None."""
    return iso2709.control_number(raw)


def _reason(err: Exception) -> str:
    text = str(err) or type(err).__name__
    return f"{type(err).__name__}: {text}"


# MARCXML -------------------------------------------------------------------------
_NS = re.compile(r"^\{[^}]*\}")


def _local(tag: str) -> str:
    return _NS.sub("", tag)


def read_marcxml(path: Path) -> Iterator[SourceRecord | Rejection]:
    """MARCXML (any namespace, or none); a malformed document is reported where it breaks."""
    name = str(path)
    position = 0
    parser = pull_parser(("end",))  # refuses entity declarations (XXE, entity expansion)
    try:
        with open(path, "rb") as fh:
            while block := fh.read(_CHUNK):
                parser.feed(block)
                for _, elem in parser.read_events():
                    if _local(elem.tag) != "record":
                        continue
                    position += 1
                    yield _xml_record(elem, name, position)
                    elem.clear()
            parser.close()
            for _, elem in parser.read_events():
                if _local(elem.tag) == "record":
                    position += 1
                    yield _xml_record(elem, name, position)
    except ET.ParseError as err:
        yield Rejection(name, position + 1, None, f"XML is not well-formed: {err}")


def _xml_record(elem: ET.Element, file: str, position: int) -> SourceRecord | Rejection:
    record = pymarc.Record(leader=" " * 24)
    control = None
    for child in elem:
        kind = _local(child.tag)
        if kind == "leader":
            text = child.text or ""
            record.leader = pymarc.Leader(text.ljust(24)[:24])
        elif kind == "controlfield":
            tag = (child.get("tag") or "").strip()
            if not tag:
                return Rejection(file, position, control, "controlfield without a tag")
            if tag == "001":
                control = (child.text or "").strip() or None
            record.add_field(pymarc.Field(tag=tag, data=child.text or ""))
        elif kind == "datafield":
            tag = (child.get("tag") or "").strip()
            if not tag:
                return Rejection(file, position, control, "datafield without a tag")
            subfields = []
            for sub in child:
                code = sub.get("code")
                if not code:
                    return Rejection(file, position, control, f"field {tag}: subfield without a code")
                subfields.append(pymarc.Subfield(code=code, value=sub.text or ""))
            record.add_field(pymarc.Field(
                tag=tag, indicators=pymarc.Indicators(child.get("ind1") or " ", child.get("ind2") or " "),
                subfields=subfields))
    if not record.fields:
        return Rejection(file, position, control, "no fields found")
    return SourceRecord(file, position, record)
