"""The members' own source records, kept beside the graph so an edition can be exported as they sent it.

``SourceArchive`` is a SQLite file in the data directory (``sources.sqlite``): each MARC 21
or UNIMARC/CNMARC record a load read, as MARCXML (compressed), under the member, its control
number (001) and the batch graph it was loaded in. A record is shown only while its batch is
active, so a replaced catalogue's records disappear with it (and are pruned at the next load);
a load that never switched on never archives anything. Spreadsheets and Dublin Core have no
MARC record to keep.

The records come from the load's own stream, not a second read of its files: the converter
processes turn each record they mapped into a row (:func:`source_row`), the load gathers the rows
in a :class:`RecordSpool` (a temporary file, so memory does not grow with the file), and
:meth:`graph.catalogue.Catalogue.after_load` adds them once the batch is switched on.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import tempfile
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from graph.load import dialects
from graph.load.sources import SourceRecord

MARC_DIALECTS = {"marc21": "marc21", "oai_marc21": "marc21", "unimarc": "unimarc"}


@dataclass
class ArchivedRecord:
    member: str
    control: str
    scheme: str  # "marc21" or "unimarc"
    xml: bytes  # one <record> in the MARCXML namespace

    def record(self):
        """The record as a pymarc Record, for showing its fields."""
        import pymarc

        found = pymarc.parse_xml_to_array(io.BytesIO(self.xml))
        return found[0] if found else None


class SourceArchive:
    FILE = "sources.sqlite"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(self.path), check_same_thread=False)
        self.db.execute("""CREATE TABLE IF NOT EXISTS records (member TEXT NOT NULL, control TEXT NOT NULL,
            graph TEXT NOT NULL, scheme TEXT NOT NULL, xml BLOB NOT NULL, PRIMARY KEY (member, control, graph))""")
        self.db.commit()

    @classmethod
    def in_dir(cls, data_dir: str | Path) -> "SourceArchive":
        return cls(Path(data_dir) / cls.FILE)

    def add(self, member: str, graph: str, rows: Iterable[tuple[str, str, bytes]]) -> int:
        """Keep source rows (:func:`source_row`) as loaded into ``graph``; returns how many were kept."""
        kept = [(member.upper(), control, graph, scheme, packed) for scheme, control, packed in rows]
        with self._lock, self.db:
            self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)", kept)
        return len(kept)

    def prune(self, active: Iterable[str]) -> int:
        """Forget the records of batches that are no longer active."""
        keep = set(active)
        with self._lock, self.db:
            graphs = [g for (g,) in self.db.execute("SELECT DISTINCT graph FROM records") if g not in keep]
            for g in graphs:
                self.db.execute("DELETE FROM records WHERE graph = ?", (g,))
        return len(graphs)

    def records(self, wanted: Iterable[tuple[str, str]], active: Iterable[str]) -> list[ArchivedRecord]:
        """The archived records of (member, control number) pairs, from active batches only."""
        live = set(active)
        out = []
        with self._lock:
            for member, control in wanted:
                for graph, scheme, xml in self.db.execute(
                    "SELECT graph, scheme, xml FROM records WHERE member = ? AND control = ?", (member.upper(), control)
                ):
                    if graph in live:
                        out.append(ArchivedRecord(member.upper(), control, scheme, zlib.decompress(xml)))
                        break
        return out

    def close(self) -> None:
        self.db.close()


def source_row(scheme: str, record) -> tuple[str, str, bytes] | None:
    """(scheme, control number, compressed MARCXML) of a MARC record with a 001, else None."""
    import pymarc

    if not hasattr(record, "get_fields"):
        return None
    control = record.get_fields("001")
    if not control or not (control[0].data or "").strip():
        return None
    try:
        xml = pymarc.record_to_xml(record, namespace=True)
    except Exception:  # noqa: BLE001 - a record pymarc cannot write is simply not kept
        return None
    return scheme, control[0].data.strip(), zlib.compress(xml, 6)


class RecordSpool:
    """The source rows of one load, in a temporary file until the batch is switched on."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self.count = 0

    def add(self, rows: list[tuple[str, str, bytes]]) -> None:
        pickle.dump(rows, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += len(rows)

    def rows(self) -> Iterator[tuple[str, str, bytes]]:
        self._file.seek(0)
        while True:
            try:
                yield from pickle.load(self._file)
            except EOFError:
                return

    def close(self) -> None:
        self._file.close()


def marc_records(files: Iterable[str | Path], format: str | None = None) -> Iterator[tuple[str, str, bytes]]:
    """The source rows (:func:`source_row`) of every MARC record in ``files`` that has a 001."""
    for path in files:
        dialect = dialects.detect(path, format)
        scheme = MARC_DIALECTS.get(dialect.name)
        if scheme is None:
            continue
        for item in dialect.read(path):
            if isinstance(item, SourceRecord) and (row := source_row(scheme, item.record)) is not None:
                yield row


def marcxml_collection(records: list[ArchivedRecord]) -> bytes:
    """One MARCXML ``<collection>`` of the records."""
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n'
    body = b"".join(r.xml.replace(b' xmlns="http://www.loc.gov/MARC21/slim"', b"") + b"\n" for r in records)
    return head + body + b"</collection>\n"
