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

from graph.sources import Rejection, SourceRecord

RECORD_END = b"\x1d"
FIELD_END = b"\x1e"
_CHUNK = 1 << 20


def read_marc(path: str | Path) -> Iterator[SourceRecord | Rejection]:
    """Records of a MARC file, ISO 2709 or MARCXML, told apart by the first byte."""
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
    if head.startswith(b"<") or head.startswith(b"\xef\xbb\xbf<"):
        yield from read_marcxml(path)
    else:
        yield from read_iso2709(path)


# ISO 2709 ----------------------------------------------------------------------
def iso2709_chunks(path: Path) -> Iterator[bytes]:
    """Raw records, split on the record terminator (leader lengths are not trusted)."""
    with open(path, "rb") as fh:
        pending = b""
        while block := fh.read(_CHUNK):
            pending += block
            *complete, pending = pending.split(RECORD_END)
            for raw in complete:
                yield raw + RECORD_END
        if pending.strip(b" \r\n\x00\x1a"):
            yield pending  # a last record without its terminator: truncated


def read_iso2709(path: Path) -> Iterator[SourceRecord | Rejection]:
    name = str(path)
    position = 0
    for raw in iso2709_chunks(path):
        if not raw.strip(b" \r\n\x00\x1a" + RECORD_END):
            continue
        raw = raw.lstrip(b" \r\n\x00")
        position += 1
        yield decode_iso2709(raw, name, position)


def decode_iso2709(raw: bytes, file: str = "<bytes>", position: int = 1) -> SourceRecord | Rejection:
    """Decode one raw ISO 2709 record, choosing UTF-8 or MARC-8 from its bytes."""
    control = control_number(raw)
    if not raw.endswith(RECORD_END):
        return Rejection(file, position, control, "truncated record: no record terminator")
    if len(raw) < 25 or not raw[:5].isdigit():
        return Rejection(file, position, control, "invalid leader: record length is not numeric")
    warnings = []
    utf8 = _looks_utf8(raw)
    claimed = raw[9:10] == b"a"
    if utf8 != claimed:
        warnings.append(f"leader/09 says {'UTF-8' if claimed else 'MARC-8'} but the bytes are "
                        f"{'UTF-8' if utf8 else 'not UTF-8'}; read as {'UTF-8' if utf8 else 'MARC-8'}")
    if int(raw[:5]) != len(raw):
        warnings.append(f"leader record length {int(raw[:5])} but the record has {len(raw)} bytes")
        raw = b"%05d" % len(raw) + raw[5:] if len(raw) < 100000 else raw
    try:
        record = pymarc.Record(data=raw, to_unicode=True, force_utf8=utf8,
                               hide_utf8_warnings=True, utf8_handling="replace")
    except Exception as err:  # pymarc raises many kinds; each is a reason to report
        return Rejection(file, position, control, _reason(err))
    if not record.fields:
        return Rejection(file, position, control, "no fields found")
    if "\ufffd" in str(record):
        warnings.append("invalid bytes replaced with U+FFFD")
    return SourceRecord(file, position, record, warnings)


def _looks_utf8(raw: bytes) -> bool:
    if raw[9:10] == b"a":
        try:
            raw.decode("utf-8")
            return True
        except UnicodeDecodeError:
            # mostly UTF-8 with a few bad bytes is still UTF-8; MARC-8 rarely decodes at all
            good = raw.decode("utf-8", errors="ignore").encode("utf-8")
            return len(good) > 0.9 * len(raw)
    if max(raw, default=0) < 0x80:
        return False
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def control_number(raw: bytes) -> str | None:
    """The 001 of a raw record if its directory can be walked that far, else None."""
    try:
        base = int(raw[12:17])
        directory = raw[24:raw.index(FIELD_END)]
        for i in range(0, len(directory) - 11, 12):
            entry = directory[i:i + 12]
            if entry[:3] == b"001":
                length, start = int(entry[3:7]), int(entry[7:12])
                value = raw[base + start: base + start + length].rstrip(FIELD_END + RECORD_END)
                text = value.decode("utf-8", errors="replace").strip()
                return text or None
    except (ValueError, IndexError):
        pass
    return None


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
    parser = ET.XMLPullParser(events=("end",))
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
