"""MARC 21 harvested over OAI-PMH: an OAI-PMH ListRecords document whose metadata is MARCXML.

Each live OAI ``<record>`` is one record, its position counted among the live ones (as the
Dublin Core reader counts them), built by :func:`graph.load.sources.marcxml.xml_record` from the
MARC ``<record>`` inside its ``<metadata>`` (any namespace: ``marc21`` and ``marcxml``
repositories write MARC21/slim, some none). A record whose metadata holds no MARC record, or
one the MARC builder refuses, is rejected with the OAI identifier as its control number
when it has no 001. Deleted records are skipped (the harvester keeps track of deletions).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

from graph.load.sources import Rejection, SourceRecord
from graph.load.sources.dublincore import OAI
from graph.load.sources.marcxml import local_name, xml_record
from graph.load.xmlsafe import pull_parser

MARC21_SLIM = "http://www.loc.gov/MARC21/slim"
_RECORD = f"{{{OAI}}}record"
_CHUNK = 1 << 20


def marc_in(metadata: ET.Element | None) -> ET.Element | None:
    """The MARC ``record`` inside an OAI ``metadata`` element (directly, or in a ``collection``)."""
    if metadata is None:
        return None
    for elem in metadata.iter():
        if elem is not metadata and local_name(elem.tag) == "record":
            return elem
    return None


def oai_marc_record(elem: ET.Element, file: str, position: int) -> SourceRecord | Rejection | None:
    """The MARC record of one OAI ``<record>`` element; None when the record is deleted."""
    header = elem.find(f"{{{OAI}}}header")
    if header is not None and header.get("status") == "deleted":
        return None
    ident = ((header.findtext(f"{{{OAI}}}identifier") or "").strip() or None) if header is not None else None
    marc = marc_in(elem.find(f"{{{OAI}}}metadata"))
    if marc is None:
        return Rejection(file, position, ident, "no MARCXML record in its OAI-PMH metadata")
    item = xml_record(marc, file, position)
    if isinstance(item, Rejection) and item.control_number is None:
        item.control_number = ident
    return item


def read_oai_marcxml(path: str | Path) -> Iterator[SourceRecord | Rejection]:
    """Records of an OAI-PMH ListRecords document with MARCXML metadata, streamed."""
    name = str(path)
    position = 0
    parser = pull_parser(("end",))  # refuses entity declarations (XXE, entity expansion)
    try:
        with open(path, "rb") as fh:
            while True:
                block = fh.read(_CHUNK)
                if block:
                    parser.feed(block)
                else:
                    parser.close()
                for _, elem in parser.read_events():
                    if elem.tag == _RECORD:
                        item = oai_marc_record(elem, name, position + 1)
                        elem.clear()
                        if item is not None:
                            position += 1
                            yield item
                if not block:
                    break
    except ET.ParseError as err:
        yield Rejection(name, position + 1, None, f"XML is not well-formed: {err}")


def sniff(head: bytes) -> bool:
    """Whether the start of a file is an OAI-PMH response carrying MARCXML."""
    return OAI.encode() in head and (MARC21_SLIM.encode() in head or b"datafield" in head)
