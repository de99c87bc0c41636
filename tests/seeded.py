"""What the seeded catalogue's tests expect, read from the catalogue files that went in (not from the store).

The seeded catalogue (``tests/conftest.py``) loads the sample alliance's own exports (``graph/sample``):
GWU and PKU both load Peking University's file, BL Shanghai Library's. The tests pick their records here
by what the MARC says (a Chinese edition with its 880 twins, an edition with several copies), so they
keep working when the sample grows, and still fail when the conversion or the pages get a record wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymarc

ISBD_END = " /:;,.="


@dataclass(frozen=True)
class Edition:
    """One record of a member's export, as a reader of the MARC would describe it."""

    control: str  # 001: the member's own record id (the OPAC link's {id})
    title: str  # the title proper, in Han characters where an 880 gives them
    romanised: str  # the 245 $a as catalogued (pinyin for a Chinese book)
    isbn: str  # the first 020 $a
    name: str  # the 100's name as catalogued (romanised) ...
    name_zh: str  # ... and its 880 twin (Han characters), "" without one
    call_number: str  # the first 852's $h $i
    copies: int  # 852s: one per copy


def read(path: Path) -> list[pymarc.Record]:
    if path.suffix == ".xml":
        return pymarc.parse_xml_to_array(str(path))
    with open(path, "rb") as fh:
        return [r for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True) if r is not None]


def _clean(text: str) -> str:
    return text.strip().rstrip(ISBD_END).strip()


def _twin(record: pymarc.Record, field: pymarc.Field) -> pymarc.Field | None:
    link = field.get("6")
    if not link:
        return None
    occurrence = link.split("-", 1)[1][:2]
    return next(
        (f for f in record.get_fields("880") if (f.get("6") or "").startswith(f"{field.tag}-{occurrence}")), None
    )


def _first(record: pymarc.Record, tag: str) -> pymarc.Field | None:
    return next(iter(record.get_fields(tag)), None)


def edition(record: pymarc.Record) -> Edition | None:
    """The record as an :class:`Edition`, or None where its title is more than a title proper (245 $b $n $p)."""
    f245 = _first(record, "245")
    if f245 is None or not record.get_fields("852") or any(c in "bnp" for c, _ in f245.subfields):
        return None
    vernacular = _twin(record, f245)
    author = _first(record, "100")
    author_zh = _twin(record, author) if author is not None else None
    isbns = record.get_fields("020")
    holding = record.get_fields("852")[0]
    return Edition(
        control=_first(record, "001").data.strip(),
        title=_clean((vernacular or f245).get("a")),
        romanised=_clean(f245.get("a")),
        isbn=isbns[0].get("a", "").split()[0] if isbns and isbns[0].get("a") else "",
        name=_clean(author.get("a")) if author is not None else "",
        name_zh=_clean(author_zh.get("a")) if author_zh is not None else "",
        call_number=" ".join(v.strip() for c, v in holding.subfields if c in "hi"),
        copies=len(record.get_fields("852")),
    )


@dataclass(frozen=True)
class Seeded:
    chinese: Edition  # held by GWU and PKU (one copy each), Han title and author with pinyin twins, an ISBN
    copies: Edition  # BL's only, with the most copies
    pku_file: Path  # what GWU and PKU load
    bl_file: Path  # what BL loads
    pku_records: int
    pku_items: int
    subject_word: str  # a word of PKU's subject headings that no other field of the file has
    series: str  # a series statement (490 $a) of PKU's
    bibliography_notes: int  # PKU's records whose 504 says "bibliographical references"


def facts(pku_file: Path, bl_file: Path) -> Seeded:
    pku = [e for e in map(edition, read(pku_file)) if e]
    bl = [e for e in map(edition, read(bl_file)) if e]
    both = {e.title for e in pku} & {e.title for e in bl}
    chinese = next(
        e for e in pku if e.copies == 1 and e.name_zh and e.isbn and e.title != e.romanised and e.title not in both
    )
    copies = max((e for e in bl if e.title not in both), key=lambda e: e.copies)
    assert copies.copies >= 3, "the sample has no edition with several copies at one library"
    records = read(pku_file)
    elsewhere = " ".join(
        v
        for r in records
        for f in r.fields
        if not f.tag.startswith("6") and not f.is_control_field()
        for _, v in f.subfields
    ).casefold()
    subject_word = next(
        w
        for r in records
        for f in r.fields
        if f.tag.startswith("6") and f.indicator2 == "0"
        for _, v in f.subfields
        for w in v.replace(",", " ").split()
        if len(w) >= 5 and w.isalpha() and w.casefold() not in elsewhere
    )
    series = next(_clean(f.get("a")) for r in records for f in r.get_fields("490") if f.get("a"))
    bibliography = sum(
        1 for r in records if any("bibliographical references" in (f.get("a") or "") for f in r.get_fields("504"))
    )
    return Seeded(
        chinese,
        copies,
        pku_file,
        bl_file,
        len(records),
        sum(len(r.get_fields("852")) for r in records),
        subject_word,
        series,
        bibliography,
    )
