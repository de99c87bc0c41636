"""MARC-shaped XML, whatever the dialect: MARCXML (MARC 21), UNIMARC XML, CNMARC XML.

The one place that streams ``<record>`` elements out of an XML file and builds a
:class:`pymarc.Record` from ``leader`` / ``controlfield`` / ``datafield`` / ``subfield``
children in any namespace (or none). The MARC 21 reader (:mod:`graph.load.sources.marc`) and
the UNIMARC reader (:mod:`graph.load.sources.unimarc`) differ only in which elements count as
records and how they explain a broken document.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable, Iterator

import pymarc

from graph.load.sources import Rejection, SourceRecord
from graph.load.xmlsafe import pull_parser

_CHUNK = 1 << 20
_NS = re.compile(r"^\{[^}]*\}")


def local_name(tag: str) -> str:
    """An element's name without its ``{namespace}``."""
    return _NS.sub("", tag)


def is_xml(path: str | Path) -> bool:
    """Whether a file is XML (its first non-blank byte is '<', after any UTF-8 BOM)."""
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
    return head.startswith((b"<", b"\xef\xbb\xbf<"))


def is_record(elem: ET.Element) -> bool:
    """A ``record`` element in any namespace."""
    return local_name(elem.tag) == "record"


def not_well_formed(path: Path, err: ET.ParseError) -> str:
    return f"XML is not well-formed: {err}"


def read_records(
    path: str | Path,
    accept: Callable[[ET.Element], bool] = is_record,
    explain: Callable[[Path, ET.ParseError], str] = not_well_formed,
) -> Iterator[SourceRecord | Rejection]:
    """Every element ``accept`` takes as a record, streamed; a malformed document is reported
    (``explain``) where it breaks, after the records before it."""
    path = Path(path)
    name = str(path)
    position = 0
    parser = pull_parser(("end",))  # refuses entity declarations (XXE, entity expansion)
    try:
        with open(path, "rb") as fh:
            while block := fh.read(_CHUNK):
                parser.feed(block)
                for _, elem in parser.read_events():
                    if accept(elem):
                        position += 1
                        yield xml_record(elem, name, position)
                        elem.clear()
            parser.close()
            for _, elem in parser.read_events():
                if accept(elem):
                    position += 1
                    yield xml_record(elem, name, position)
    except ET.ParseError as err:
        yield Rejection(name, position + 1, None, explain(path, err))


def xml_record(elem: ET.Element, file: str, position: int) -> SourceRecord | Rejection:
    """A pymarc record from a MARC-shaped XML element (any namespace; subfield codes kept as written)."""
    record = pymarc.Record(leader=" " * 24)
    control = None
    for child in elem:
        kind = local_name(child.tag)
        if kind == "leader":
            record.leader = pymarc.Leader((child.text or "").ljust(24)[:24])
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
            record.add_field(
                pymarc.Field(
                    tag=tag,
                    indicators=pymarc.Indicators(child.get("ind1") or " ", child.get("ind2") or " "),
                    subfields=subfields,
                )
            )
    if not record.fields:
        return Rejection(file, position, control, "no fields found")
    return SourceRecord(file, position, record)
