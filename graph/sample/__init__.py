"""The sample alliance that ``alliance demo`` builds and serves: made here, nothing downloaded.

``write_sample(out_dir)`` writes one MARC 21 catalogue export per member library (ISO 2709,
UTF-8; Shanghai Library's as MARCXML) and returns the members. Five libraries hold a few
hundred records between them: Chinese and English titles, local literature (gazetteers
地方志, genealogies 家谱, books about Beijing and Shanghai), CJK described as MARC 21 does
(pinyin in 245 with the Han form in a linked 880), one 852 per copy, and the overlap a union
catalogue exists for: a few titles held everywhere, most by one or two libraries, the same
edition catalogued with ISBN-10 here and ISBN-13 there. The same seed writes the same bytes.

Beside the MARC files, four members' local-literature lists (genealogies, old gazetteers, rare old
books) in the spreadsheet template (``graph/sample/locallit.py``), each loaded as a collection of
the member's (``SampleMember.collections``).

Run ``python -m graph.sample OUT_DIR`` to write the files by hand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from graph.sample.libraries import LIBRARIES, Library, assign_holdings
from graph.sample.locallit import write_collections
from graph.sample.pool import Edition, build_pool
from graph.sample.records import RecordBuilder, write_iso2709, write_marcxml

__all__ = ["SampleMember", "write_sample", "write_editions", "LIBRARIES"]


@dataclass
class SampleMember:
    """A member library of the sample alliance and the catalogue file(s) it exports."""

    code: str
    name: str
    name_zh: str
    opac: str  # URL pattern with "{id}" for the member's own record page
    files: list[Path] = field(default_factory=list)
    collections: list[tuple[str, Path]] = field(default_factory=list)  # (name, spreadsheet) to load as collections
    records: int = 0
    items: int = 0

    def member(self):
        """As a :class:`graph.alliance.members.Member`, ready for ``add_member``."""
        from graph.alliance.members import Member

        return Member(self.code, self.name, self.name_zh, self.opac)


@dataclass
class SampleStats:
    titles: int
    records: int
    items: int
    held_by: dict[int, int]  # number of holding libraries -> number of editions

    def summary(self) -> str:
        spread = ", ".join(f"{n} by {k}" for k, n in sorted(self.held_by.items(), reverse=True))
        return f"{self.titles} editions, {self.records} records, {self.items} items; held {spread}"


def write_sample(out_dir: Path, *, seed: int = 7, titles: int = 240) -> list[SampleMember]:
    """Write each member's catalogue export into ``out_dir``; the same ``seed`` gives the same bytes."""
    members, _ = generate(Path(out_dir), seed=seed, titles=titles)
    return members


def generate(out_dir: Path, *, seed: int = 7, titles: int = 240) -> tuple[list[SampleMember], SampleStats]:
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = build_pool(seed, titles)
    holdings = assign_holdings(pool, LIBRARIES, seed)
    members = []
    sheets = write_collections(out_dir, seed)
    for lib in LIBRARIES:
        held = [(ed, copies) for ed in pool for code, copies in holdings[ed.key] if code == lib.code]
        records = _records(lib, held, seed)
        path = out_dir / lib.filename
        (write_marcxml if lib.marcxml else write_iso2709)(path, records)
        members.append(
            SampleMember(
                lib.code,
                lib.name,
                lib.name_zh,
                lib.opac,
                [path],
                [sheets[lib.code]] if lib.code in sheets else [],
                records=len(records),
                items=sum(c for _, c in held),
            )
        )
    held_by: dict[int, int] = {}
    for ed in pool:
        k = len(holdings[ed.key])
        held_by[k] = held_by.get(k, 0) + 1
    stats = SampleStats(len(pool), sum(m.records for m in members), sum(m.items for m in members), held_by)
    return members, stats


def write_editions(path: Path, *, seed: int = 7, titles: int = 600) -> int:
    """One record per edition of the sample pool, in Peking University Library's habits (pinyin with
    880 Han pairs), as one ISO 2709 file: a source for ``alliance generate`` with Chinese-language
    records in number, where the Library of Congress's files have almost none. Returns the count."""
    pool = build_pool(seed, titles)
    lib = next(lib for lib in LIBRARIES if lib.code == "PKU")
    records = []
    for n, ed in enumerate(pool, start=1):
        builder = RecordBuilder(ed, lib, random.Random(f"alliance-sample|{seed}|editions|{ed.key}"))
        records.append(builder.build(f"ED{n:06d}", 1, lambda: "0"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_iso2709(Path(path), records)
    return len(records)


def _records(lib: Library, held: list[tuple[Edition, int]], seed: int):
    """The library's records, numbered in its own scheme, in control-number order."""
    rng = random.Random(f"alliance-sample|{seed}|{lib.code}|numbers")
    order = list(held)
    rng.shuffle(order)
    number = lib.id_start
    barcode = rng.randint(10_000, 90_000) * 100
    records = []
    for ed, copies in order:
        number += rng.randint(1, 40)
        records.append((number, ed, copies))
    out = []
    for number, ed, copies in sorted(records, key=lambda r: r[0]):

        def next_barcode():
            nonlocal barcode
            barcode += rng.randint(1, 9)
            return lib.barcode_format.format(barcode)

        builder = RecordBuilder(ed, lib, random.Random(f"alliance-sample|{seed}|{lib.code}|{ed.key}"))
        out.append(builder.build(lib.id_format.format(number), copies, next_barcode))
    return out


def load_sample(catalogue, *, seed: int = 7, titles: int = 240) -> list:
    """Write the sample alliance's files and load each member through the catalogue's one road
    (:meth:`graph.catalogue.Catalogue.ingest`, replacing what the member had); the reports."""
    import tempfile

    from graph.alliance.members import add_member

    reports = []
    with tempfile.TemporaryDirectory(prefix="alliance-demo-") as tmp:
        for m in write_sample(Path(tmp), seed=seed, titles=titles):
            add_member(catalogue.store, catalogue.minter, m.member())
            reports.append(catalogue.ingest(m.files, m.code, replace=True))
            for name, sheet in m.collections:  # the member's local-literature lists, in the template
                reports.append(catalogue.ingest([sheet], m.code, collection=name))
    return reports
