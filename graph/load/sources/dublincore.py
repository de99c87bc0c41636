"""Dublin Core records: ``oai_dc`` XML, alone, in any wrapper, or as an OAI-PMH ListRecords response.

Each record becomes a :class:`DCRecord` (the fifteen elements with their ``xml:lang``,
and the OAI header's identifier, datestamp and sets when there is one). A record with
no dc:title is rejected; a deleted OAI record (header ``status="deleted"``) is not a
record to load and is skipped (the harvester keeps track of deletions itself).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from graph.load.sources import Rejection, SourceRecord
from graph.load.xmlsafe import pull_parser

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
ELEMENTS = (
    "title",
    "creator",
    "subject",
    "description",
    "publisher",
    "contributor",
    "date",
    "type",
    "format",
    "identifier",
    "source",
    "language",
    "relation",
    "coverage",
    "rights",
)
_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_CHUNK = 1 << 20


@dataclass
class DCRecord:
    values: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)  # element -> (text, xml:lang)
    oai_identifier: str | None = None
    datestamp: str | None = None
    sets: list[str] = field(default_factory=list)
    deleted: bool = False

    def all(self, element: str) -> list[str]:
        return [text for text, _ in self.values.get(element, [])]

    def first(self, element: str) -> str | None:
        found = self.all(element)
        return found[0] if found else None

    def get_fields(self, tag):  # what ingest asks a record for its control number
        return []


def dc_values(elem: ET.Element) -> dict[str, list[tuple[str, str | None]]]:
    values: dict[str, list[tuple[str, str | None]]] = {}
    for child in elem:
        if not child.tag.startswith("{" + DC + "}"):
            continue
        name = child.tag[len(DC) + 2 :]
        text = " ".join((child.text or "").split())
        if name in ELEMENTS and text:
            values.setdefault(name, []).append((text, child.get(_LANG)))
    return values


def oai_record(elem: ET.Element) -> DCRecord:
    """A DCRecord of an OAI-PMH ``<record>`` element (header, and metadata unless deleted)."""
    header = elem.find(f"{{{OAI}}}header")
    rec = DCRecord()
    if header is not None:
        rec.oai_identifier = (header.findtext(f"{{{OAI}}}identifier") or "").strip() or None
        rec.datestamp = (header.findtext(f"{{{OAI}}}datestamp") or "").strip() or None
        rec.sets = [(s.text or "").strip() for s in header.findall(f"{{{OAI}}}setSpec")]
        rec.deleted = header.get("status") == "deleted"
    dc = elem.find(f"{{{OAI}}}metadata/{{{OAI_DC}}}dc")
    if dc is not None:
        rec.values = dc_values(dc)
    return rec


def _checked(rec: DCRecord, file: str, position: int) -> SourceRecord | Rejection:
    if not rec.first("title"):
        return Rejection(file, position, rec.oai_identifier or rec.first("identifier"), "no dc:title")
    return SourceRecord(file, position, rec)


def read_dublin_core(path: str | Path) -> Iterator[SourceRecord | Rejection]:
    name = str(path)
    position = 0
    depth_in_record = 0
    parser = pull_parser(("start", "end"))  # refuses entity declarations (XXE, entity expansion)
    try:
        with open(path, "rb") as fh:
            while block := fh.read(_CHUNK):
                parser.feed(block)
                for event, elem in parser.read_events():
                    if elem.tag == f"{{{OAI}}}record":
                        depth_in_record += 1 if event == "start" else -1
                        if event == "end":
                            rec = oai_record(elem)
                            elem.clear()
                            if not rec.deleted:
                                position += 1
                                yield _checked(rec, name, position)
                    elif event == "end" and elem.tag == f"{{{OAI_DC}}}dc" and depth_in_record == 0:
                        position += 1
                        yield _checked(DCRecord(dc_values(elem)), name, position)
                        elem.clear()
            parser.close()
    except ET.ParseError as err:
        yield Rejection(name, position + 1, None, f"XML is not well-formed: {err}")


def count_dc(path: str | Path) -> int:
    with open(path, "rb") as fh:
        data = fh.read()
    return len(re.findall(rb"<(?:\w+:)?dc[\s>]", data))
