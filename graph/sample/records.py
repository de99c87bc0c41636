"""One member's MARC 21 record for one edition, in that member's own cataloguing habits, and the writers.

Chinese editions are described as MARC 21 describes CJK: romanised (pinyin) in the regular
fields, each linked by ``$6`` to an 880 in Han characters (``245 $6 880-01`` and
``880 $6 245-01/$1``). Holdings are one 852 per copy.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pymarc

from graph.sample.libraries import RESTRICTED, Library
from graph.sample.pool import Edition, roman

MARCXML_NS = "http://www.loc.gov/MARC21/slim"
END_PUNCT = (".", "?", "!", "]", ")", "-")


def _field(tag: str, ind: str, subs: list[tuple[str, str]]) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind[0], ind[1]),
        subfields=[pymarc.Subfield(code, value) for code, value in subs if value],
    )


def _control(tag: str, data: str) -> pymarc.Field:
    return pymarc.Field(tag=tag, data=data)


def _end(text: str, mark: str = ".") -> str:
    text = text.rstrip()
    return text if not mark or text.endswith(END_PUNCT) and mark == "." else text + mark


def isbd_245(subs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """ISBD punctuation at the end of each 245 subfield, chosen by the one that follows."""
    out = []
    for i, (code, text) in enumerate(subs):
        following = subs[i + 1][0] if i + 1 < len(subs) else ""
        mark = {"b": " :", "c": " /", "n": ".", "p": "," if code == "n" else "."}.get(following, ".")
        out.append((code, text + mark if mark != "." else _end(text)))
    return out


def parse_heading(spec: str) -> tuple[str, list[tuple[str, str]]]:
    """ "651 北京 $x 地方志" -> ("651", [(a, 北京), (x, 地方志)])."""
    tag, rest = spec.split(" ", 1)
    parts = rest.split(" $")
    return tag, [("a", parts[0].strip())] + [(p[0], p[1:].strip()) for p in parts[1:]]


class RecordBuilder:
    """Builds one library's record for one edition; ``rng`` is that pair's own generator."""

    def __init__(self, ed: Edition, lib: Library, rng: random.Random):
        self.ed, self.lib, self.rng = ed, lib, rng
        self.fields: list[pymarc.Field] = []
        self.vernacular: list[pymarc.Field] = []
        self.chinese_library = lib.scheme == "clc"
        self.paired = ed.lang == "chi"

    def rom(self, text: str) -> str:
        return roman(text, self.lib.split_pinyin)

    def add(self, tag, ind, subs, han_subs=None):
        """A field, and its 880 twin when Han forms are given."""
        subs = [(c, v) for c, v in subs if v]
        if han_subs and self.paired:
            n = len(self.vernacular) + 1
            self.fields.append(_field(tag, ind, [("6", f"880-{n:02d}")] + subs))
            self.vernacular.append(
                _field("880", ind, [("6", f"{tag}-{n:02d}/$1")] + [(c, v) for c, v in han_subs if v])
            )
        else:
            self.fields.append(_field(tag, ind, subs))

    def build(self, local_id: str, copies: int, next_barcode: Callable[[], str]) -> pymarc.Record:
        ed, lib, rng = self.ed, self.lib, self.rng
        first = max(ed.year + 1, 1996)
        entered = date(rng.randint(min(first, 2023), 2023), rng.randint(1, 12), rng.randint(1, 28))
        changed = entered + timedelta(days=rng.randint(0, 600), seconds=rng.randint(0, 86399))
        rda = entered.year >= lib.rda_since
        copied = ed.lang == "eng" and self.chinese_library
        record = pymarc.Record(to_unicode=True, force_utf8=True, leader=f"00000nam a2200000 {'i' if rda else 'a'} 4500")
        self.fields = [
            _control("001", local_id),
            _control("003", lib.org),
            _control(
                "005", f"{changed:%Y%m%d}{rng.randint(0, 23):02d}{rng.randint(0, 59):02d}{rng.randint(0, 59):02d}.0"
            ),
            _control("008", self.f008(entered, copied)),
        ]
        self.identifiers()
        org = lib.org
        self.add(
            "040",
            "  ",
            [
                ("a", "DLC" if copied else org),
                ("b", "eng" if copied or not self.chinese_library else "chi"),
                ("e", "rda" if rda else ""),
                ("c", "DLC" if copied else org),
                ("d", org if copied else ""),
            ],
        )
        if lib.code == "RPL" and ed.lang == "chi":
            self.add("043", "  ", [("a", "a-cc---")])
        self.classification(copied)
        self.names_main()
        self.title()
        if ed.edition:
            self.add("250", "  ", [("a", _end(self.rom(ed.edition)))], [("a", _end(ed.edition_han))])
        self.imprint(rda)
        self.description(rda)
        self.notes()
        self.subjects()
        self.names_added()
        for i in range(copies):
            self.holding(i, copies, next_barcode())
        for f in self.fields + self.vernacular:
            record.add_field(f)
        return record

    # fixed fields ---------------------------------------------------------------------
    def f008(self, entered: date, copied: bool) -> str:
        ed = self.ed
        kind, date2 = ("r", f"{ed.original_year:04d}") if ed.original_year else ("s", "    ")
        illus = ("ab  " if ed.category == "gazetteer" else "a   ") if ed.illus else "    "
        contents = "b   " if ed.bibliography else "    "
        government = "l" if ed.category == "gazetteer" and not ed.traditional else " "
        index = "1" if ed.bibliography and ed.lang == "eng" else "0"
        source = " " if copied else "d" if self.chinese_library else "c"
        value = (
            f"{entered:%y%m%d}{kind}{ed.year:04d}{date2}{ed.country}{illus}  {contents}{government}00{index} "
            f"{'1' if ed.fiction else '0'} {ed.lang} {source}"
        )
        assert len(value) == 40, value
        return value

    def identifiers(self):
        ed, lib, rng = self.ed, self.lib, self.rng
        if ed.lccn and (lib.code == "RPL" or self.chinese_library and rng.random() < 0.5):
            self.add("010", "  ", [("a", ed.lccn)])
        if ed.isbn13:
            d13 = ed.isbn13.replace("-", "")
            d10 = ed.isbn10.replace("-", "") if ed.isbn10 else None
            style = lib.isbn_style
            if d10 and style in ("13", "13-") and rng.random() < 0.15:
                style = "10" if style == "13" else "10-"  # a cataloguer copying the book's own ISBN-10
            value = {"13": d13, "13-": ed.isbn13, "10-": ed.isbn10 or ed.isbn13, "10": d10 or d13, "13q": d13}[style]
            subs = [("a", value)]
            if style == "13" and rng.random() < 0.3:
                subs = [("a", f"{value} ({rng.choice(['pbk.', 'pbk', 'hbk.'])})")]
            elif style == "13q":
                subs.append(("q", rng.choice(["paperback", "paperback", "hardcover"])))
            if ed.price and self.chinese_library:
                subs = [(subs[0][0], subs[0][1] + " :")] + subs[1:] + [("c", ed.price)]
            self.add("020", "  ", subs)
        if ed.oclc and (lib.code == "RPL" or rng.random() < 0.5):
            n = int(ed.oclc)
            self.add("035", "  ", [("a", f"(OCoLC)ocm{n:08d}" if n < 100_000_000 else f"(OCoLC)ocn{n}")])

    def classification(self, copied: bool):
        ed, lib = self.ed, self.lib
        if ed.lcc and (lib.scheme == "lcc" or copied and self.rng.random() < 0.6):
            cls, cutter = lcc_call_number(ed)
            self.add("050", " 0" if ed.lang == "eng" else " 4", [("a", cls), ("b", cutter)])
        if lib.scheme == "clc" and ed.clc:
            self.add("084", "  ", [("a", ed.clc), ("2", "clc")])

    # names and titles -----------------------------------------------------------------
    def name_field(self, tag_base: str, name, last: bool = True):
        tag = tag_base + ("10" if name.corporate else "00")
        ind = "2 " if name.corporate else ("1 " if "," in name.rom else "0 ")
        parts = [(c, v) for c, v in [("a", name.rom), ("d", name.dates), ("e", name.relator)] if v]
        subs = [(c, _end(v, ",") if i < len(parts) - 1 else _end(v)) for i, (c, v) in enumerate(parts)]
        han = None
        if name.han:
            han = [("a", name.han + ("," if len(subs) > 1 else ""))] + subs[1:]
        self.add(tag, ind, subs, han)

    def names_main(self):
        ed = self.ed
        if ed.main_entry and ed.names:
            self.name_field("1", ed.names[0])
        if ed.uniform:
            a, _, lang = ed.uniform.partition(". ")
            self.add("240", "10", [("a", a + "."), ("l", _end(lang))])

    def names_added(self):
        ed = self.ed
        for name in ed.names[1:] if ed.main_entry else ed.names:
            self.name_field("7", name)

    def title(self):
        ed = self.ed
        rom = [(c, self.rom(v)) for c, v in ed.title] + ([("c", self.rom(ed.resp))] if ed.resp else [])
        han = ed.title_han + ([("c", ed.resp_han)] if ed.resp_han else [])
        ind = ("1" if ed.main_entry and ed.names else "0") + str(ed.nonfiling)
        self.add("245", ind, isbd_245(rom), isbd_245(han) if han else None)

    # description ----------------------------------------------------------------------
    def imprint(self, rda: bool):
        ed = self.ed
        tag, ind = ("264", " 1") if rda else ("260", "  ")
        rom = [("a", self.rom(ed.place) + " :"), ("b", self.rom(ed.publisher) + ","), ("c", _end(ed.date))]
        han = [("a", ed.place_han + " :"), ("b", ed.publisher_han + ","), ("c", _end(ed.date_han))]
        self.add(tag, ind, rom, han if ed.place_han else None)

    def description(self, rda: bool):
        ed = self.ed
        extent = ed.extent
        if not rda:
            extent = extent.replace(" pages", " p.").replace(" volumes", " v.")
        illus = ("illustrations, maps" if ed.category == "gazetteer" else "illustrations") if ed.illus else ""
        if illus and not rda:
            illus = illus.replace("illustrations", "ill.")
        subs = [("a", extent + (" :" if illus else " ;")), ("b", illus + " ;" if illus else ""), ("c", f"{ed.size} cm")]
        self.add("300", "  ", subs)
        if rda:
            self.add("336", "  ", [("a", "text"), ("b", "txt"), ("2", "rdacontent")])
            self.add("337", "  ", [("a", "unmediated"), ("b", "n"), ("2", "rdamedia")])
            self.add("338", "  ", [("a", "volume"), ("b", "nc"), ("2", "rdacarrier")])
        if ed.series:
            rom = [("a", self.rom(ed.series) + (" ;" if ed.series_vol else "")), ("v", ed.series_vol)]
            han = [("a", ed.series_han + (" ;" if ed.series_vol_han else "")), ("v", ed.series_vol_han)]
            self.add("490", "0 ", rom, han if ed.series_han else None)

    def notes(self):
        ed, rng = self.ed, self.rng
        for rom, han in ed.notes:
            if self.chinese_library and han:
                self.add("500", "  ", [("a", han)])
            else:
                self.add("500", "  ", [("a", _end(rom))], [("a", han)] if han else None)
        if ed.bibliography and rng.random() < 0.7:
            text = (
                "含参考文献"
                if self.chinese_library and ed.lang == "chi"
                else "Includes bibliographical references" + (" and index." if ed.lang == "eng" else ".")
            )
            self.add("504", "  ", [("a", text)])
        chance = 0.8 if self.lib.code == "RPL" else 0.6
        if ed.summary and rng.random() < chance and (ed.lang == "eng" or self.chinese_library):
            self.add("520", "  ", [("a", ed.summary)])
        if ed.lang == "chi" and not self.chinese_library:
            self.add("546", "  ", [("a", "In Chinese (traditional characters)." if ed.traditional else "In Chinese.")])

    def subjects(self):
        ed = self.ed
        chinese = self.lib.chinese_subjects and ed.cn_subjects
        for spec in ed.cn_subjects if chinese else ed.lcsh:
            tag, subs = parse_heading(spec)
            ind1 = {"600": "1" if "," in subs[0][1] else "3", "610": "2"}.get(tag, " ")
            subs = [(c, v) for c, v in subs[:-1]] + [(subs[-1][0], subs[-1][1] if chinese else _end(subs[-1][1]))]
            self.add(tag, ind1 + ("4" if chinese else "0"), subs)

    def holding(self, i: int, copies: int, barcode: str):
        ed, lib, rng = self.ed, self.lib, self.rng
        if i == 0:
            if lib.scheme == "lcc":
                self.call = lcc_call_number(ed)
            elif lib.code == "SHL" and ed.category == "genealogy":
                self.call = ("JP", str(rng.randint(100, 9999)))
            else:
                self.call = (ed.clc, str(rng.randint(1, 480)))
        b, c = lib.location(ed, extra=i > 0 and rng.random() < 0.5)
        restricted = (
            ed.traditional or ed.category == "genealogy" or (ed.category == "gazetteer" and self.chinese_library)
        )
        self.add(
            "852",
            ("0" if lib.scheme == "lcc" else "8") + " ",
            [
                ("a", lib.org),
                ("b", b),
                ("c", c),
                ("h", self.call[0]),
                ("i", self.call[1]),
                ("p", barcode),
                ("t", str(i + 1) if copies > 1 else ""),
                ("z", RESTRICTED["chi" if self.chinese_library else "eng"] if restricted else ""),
            ],
        )


def lcc_call_number(ed: Edition) -> tuple[str, str]:
    """An LC call number as (class, cutter and year): ("DS754", ".S64 1990")."""
    cls, _, cutter = (ed.lcc or "Z999 .X1").partition(" ")
    return cls, cutter if cutter[-4:].isdigit() else f"{cutter} {ed.year}".strip()


# writers ------------------------------------------------------------------------------
def write_iso2709(path: Path, records: list[pymarc.Record]) -> None:
    with open(path, "wb") as fh:
        for record in records:
            fh.write(record.as_marc21())


def write_marcxml(path: Path, records: list[pymarc.Record]) -> None:
    root = ET.Element("collection", {"xmlns": MARCXML_NS})
    for record in records:
        node = ET.SubElement(root, "record")
        ET.SubElement(node, "leader").text = record.as_marc21()[:24].decode("ascii")
        for f in record.fields:
            if f.is_control_field():
                ET.SubElement(node, "controlfield", {"tag": f.tag}).text = f.data
            else:
                df = ET.SubElement(node, "datafield", {"tag": f.tag, "ind1": f.indicator1, "ind2": f.indicator2})
                for sub in f.subfields:
                    ET.SubElement(df, "subfield", {"code": sub.code}).text = sub.value
    ET.indent(root, space="  ")
    with open(path, "wb") as fh:
        fh.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write(ET.tostring(root, encoding="utf-8", xml_declaration=False))
        fh.write(b"\n")
