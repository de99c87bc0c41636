"""The registry of source formats: name -> how to recognise a file, read it and map its records.

MARC 21, UNIMARC/CNMARC, local-literature spreadsheets and Dublin Core are peers here;
:mod:`graph.load.pipeline` (the one conversion road of ``alliance ingest`` and ``alliance
convert``) dispatches through :func:`detect`. Each entry holds its reader, mapper and (for
ISO 2709) record decoder themselves, so what a format needs is visible to readers and tools. MARC 21 and
UNIMARC share ISO 2709 and MARCXML, so their readers are guarded:
a record whose fields say it is the other dialect is rejected with that reason,
never read as the wrong one (``--format`` overrides detection, not the guard).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from graph.load.mappers import dublincore as dc_mapper, local as local_mapper, marc21 as marc21_mapper
from graph.load.mappers import unimarc as unimarc_mapper
from graph.load.sources import Rejection, SourceRecord
from graph.load.sources import dublincore as dc_source, marc, oaipmh, spreadsheet, unimarc as unimarc_source
from graph.load.sources.marcxml import is_xml


class UnknownDialect(ValueError):
    """A file whose format cannot be told, or a --format name that does not exist."""


@dataclass(frozen=True)
class Dialect:
    name: str
    title: str
    reader: Callable[[Path], Iterator]  # path -> SourceRecord | Rejection ...
    mapper: Callable[..., list[tuple]]  # (record, ctx) -> triples
    sniff: Callable[[Path], int]  # 0: not this format; higher: surer
    aliases: tuple[str, ...] = ()
    guard: str | None = None  # MARC dialect the records must not contradict
    xml_names: tuple[str, ...] = ()  # aliases that promise XML (--format marcxml on a binary file is refused)
    counter: Callable[[Path], int] | None = None  # path -> records, when not MARC-like
    # (raw, file, position, byte offset) -> one ISO 2709 record read: the pipeline splits
    # such files into raw records and decodes them on its converter processes
    decode: Callable[[bytes, str, int, int | None], SourceRecord | Rejection] | None = None
    holdings: bool = False  # MARC 21 holdings records (MFHD) join their Instance

    def read(self, path: str | Path) -> Iterator[SourceRecord | Rejection]:
        records = self.reader(Path(path))
        return _guarded(records, self.guard) if self.guard else records

    def splits(self, path: str | Path) -> bool:
        """Whether ``path`` is ISO 2709 this dialect decodes record by record (else its reader reads it)."""
        return self.decode is not None and not is_xml(path)

    def map(self, record, ctx) -> list[tuple]:
        return self.mapper(record, ctx)


_SURE = {"marc21": "245", "unimarc": "200"}  # a tag only that dialect has: its records need no vote


def guard(item, expected: str):
    """One read record, or its rejection if its fields say it is the other MARC dialect."""
    if isinstance(item, SourceRecord) and any(f.tag == _SURE[expected] for f in item.record.fields):
        return item
    return next(_guarded([item], expected))


def _guarded(records, expected: str):
    names = {"marc21": "MARC 21", "unimarc": "UNIMARC/CNMARC"}
    other = "unimarc" if expected == "marc21" else "marc21"
    for item in records:
        if isinstance(item, SourceRecord):
            record = item.record
            scores = unimarc_source.dialect_scores({f.tag for f in record.fields}, str(record.leader))
            if scores[other] >= 2 and scores[expected] == 0:
                control = next((f.data for f in record.get_fields("001")), None)
                yield Rejection(
                    item.file,
                    item.position,
                    control,
                    f"this is a {names[other]} record, not {names[expected]} "
                    f"(its fields say so); load it with --format {other}",
                )
                continue
        yield item


# Sniffers: how sure each format is about a file ----------------------------------------
def _head(path: Path, size: int = 4096) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(size)


def _marc(expected: str) -> Callable[[Path], int]:
    def sniff(path: Path) -> int:
        if path.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm"):
            return 0
        head = _head(path, 1 << 16).lstrip(b"\xef\xbb\xbf \r\n\t")
        is_xml = head.startswith(b"<")
        if is_xml and b"<leader" not in head and b":leader" not in head and b"datafield" not in head:
            return 0
        if not is_xml and not head[:5].isdigit():
            return 0
        from graph.load.sources.unimarc import marc_dialect

        found = marc_dialect(path)
        if found == expected:
            return 90
        if found is None and expected == "marc21":
            return 10  # MARC of no clear dialect: the historical default
        return 0

    return sniff


def _is_xml(path: Path) -> bool:
    return _head(path, 1 << 10).lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<")


def _spreadsheet(path: Path) -> int:
    return 90 if path.suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm") else 0


def _oai_marc21(path: Path) -> int:
    return 95 if oaipmh.sniff(_head(path, 1 << 14)) else 0  # surer than MARC 21, whose reader reads no OAI wrapper


def _dublin_core(path: Path) -> int:
    head = _head(path, 1 << 14)
    if not head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"<"):
        return 0
    if b"http://www.openarchives.org/OAI/2.0/oai_dc/" in head or b"http://purl.org/dc/elements/1.1/" in head:
        return 0 if b"datafield" in head else 80
    return 0


DIALECTS: tuple[Dialect, ...] = (
    Dialect(
        "marc21",
        "MARC 21 (ISO 2709 or MARCXML)",
        marc.read_marc,
        marc21_mapper.map_record,
        _marc("marc21"),
        ("marc", "marcxml"),
        guard="marc21",
        xml_names=("marcxml",),
        decode=marc.decode_iso2709,
        holdings=True,
    ),
    Dialect(
        "unimarc",
        "UNIMARC or CNMARC (ISO 2709, UNIMARC XML, CNMARC XML)",
        unimarc_source.read_unimarc,
        unimarc_mapper.map_record,
        _marc("unimarc"),
        ("cnmarc", "unimarcxml", "cnmarcxml"),
        guard="unimarc",
        xml_names=("unimarcxml", "cnmarcxml"),
        decode=unimarc_source.decode_unimarc_at,
    ),
    Dialect(
        "local",
        "local-literature spreadsheet (CSV or XLSX, columns in docs/local-literature.md)",
        spreadsheet.read_spreadsheet,
        local_mapper.map_row,
        _spreadsheet,
        ("csv", "xlsx", "spreadsheet"),
        counter=spreadsheet.count_rows,
    ),
    Dialect(
        "oai_marc21",
        "MARC 21 harvested over OAI-PMH (a ListRecords response with MARCXML metadata)",
        oaipmh.read_oai_marcxml,
        marc21_mapper.map_record,
        _oai_marc21,
        ("oai_marcxml",),
        guard="marc21",
    ),
    Dialect(
        "dc",
        "Dublin Core (oai_dc XML, or an OAI-PMH ListRecords response)",
        dc_source.read_dublin_core,
        dc_mapper.map_dc,
        _dublin_core,
        ("oai_dc", "dublincore"),
        counter=dc_source.count_dc,
    ),
)
BY_NAME = {name: d for d in DIALECTS for name in (d.name, *d.aliases)}


def names() -> list[str]:
    """Every name --format accepts."""
    return sorted(BY_NAME)


def get(name: str) -> Dialect:
    try:
        return BY_NAME[name.lower()]
    except KeyError:
        raise UnknownDialect(f"unknown format {name!r}; known: {', '.join(names())}") from None


def count_records(path: str | Path, override: str | None = None, dialect: Dialect | None = None) -> int:
    """A quick estimate of how many records a file holds (progress bars, the pipeline's plan)."""
    if dialect is None:
        try:
            dialect = detect(path, override)
        except (UnknownDialect, OSError):
            dialect = None
    if dialect is not None and dialect.counter:
        return dialect.counter(Path(path))
    with open(path, "rb") as fh:
        head = fh.read(64).lstrip()
        fh.seek(0)
        marker = b"<record" if head.startswith((b"<", b"\xef\xbb\xbf<")) else b"\x1d"
        return sum(block.count(marker) for block in iter(lambda: fh.read(1 << 20), b""))


def detect(path: str | Path, override: str | None = None) -> Dialect:
    """The dialect of a file: ``override`` if given, else the surest sniffer's.

    An override that names XML (``marcxml``) must find XML: a binary file is refused with
    that reason rather than read as ISO 2709 against the user's word.
    """
    if override:
        dialect = get(override)
        if override.lower() in dialect.xml_names and not _is_xml(Path(path)):
            raise UnknownDialect(
                f"{path}: not {override} (XML starts with '<'; this file starts with "
                f"{_head(Path(path), 12)!r}); leave --format out to detect its format"
            )
        return dialect
    path = Path(path)
    scored = sorted(((d.sniff(path), i, d) for i, d in enumerate(DIALECTS)), key=lambda t: (-t[0], t[1]))
    score, _, best = scored[0]
    if score <= 0:
        raise UnknownDialect(
            f"{path}: cannot tell its format (not MARC 21, UNIMARC/CNMARC, a spreadsheet "
            f"or Dublin Core); name it with --format ({', '.join(names())})"
        )
    return best
