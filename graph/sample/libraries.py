"""The sample alliance's member libraries: who they are, how each catalogues, what each collects.

Each library has its own habits, as real members do: its own control-number scheme,
ISBN-10 or -13 (with or without hyphens), LC-style or syllable-by-syllable pinyin,
Chinese Library Classification or LCC, Chinese subject headings or LCSH, and its own
shelving locations. The holdings (which library holds which edition, how many copies)
are drawn with a skew: a few titles everywhere, most at one or two libraries, each
library leaning to what it collects (Shanghai Library to genealogies and Shanghai,
Capital Library to Beijing, the English-language public library to English books).
The libraries' names are used as examples; their holdings here are invented.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from graph.sample.pool import POPULARITY, Edition


@dataclass(frozen=True)
class Library:
    code: str
    name: str
    name_zh: str
    opac: str
    org: str  # 003 / 040 / 852 $a
    filename: str
    id_format: str  # 001 scheme, "PKU{:06d}"
    id_start: int
    barcode_format: str
    isbn_style: str  # "13", "13-", "10-", "10", "13q"
    split_pinyin: bool  # "Bei jing zhi" rather than "Beijing zhi"
    scheme: str  # "clc" (中图法, 084 $2 clc) or "lcc" (050)
    chinese_subjects: bool  # 650 _4 地方志 rather than LCSH
    rda_since: int  # records entered from this year use 264/336-338, before it 260
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)  # category[:region] -> ($b, $c)
    affinity: dict[str, float] = field(default_factory=dict)  # category, region or flag -> weight

    @property
    def marcxml(self) -> bool:
        return self.filename.endswith(".xml")

    def location(self, ed: Edition, extra: bool = False) -> tuple[str, str]:
        if extra:
            return self.locations["extra"]
        for key in (f"{ed.category}:{ed.region}", f"{ed.category}:fiction" if ed.fiction else "", ed.category):
            if key in self.locations:
                return self.locations[key]
        return self.locations["chi" if ed.lang == "chi" else "eng"]

    def weight(self, ed: Edition) -> float:
        w = self.affinity.get(ed.category, 1.0)
        w += self.affinity.get(f"{ed.category}:{ed.region}", 0.0)
        for flag in ed.flags.split():
            w += self.affinity.get(flag, 0.0)
        return max(w, 0.05)


LIBRARIES = [
    Library(
        "PKU",
        "Peking University Library",
        "北京大学图书馆",
        "https://opac.pku.example/record/{id}",
        "CN-PKU",
        "pku.mrc",
        "PKU{:06d}",
        120_000,
        "1{:09d}",
        "13",
        False,
        "clc",
        True,
        2014,
        {
            "chi": ("总馆", "中文图书借阅区"),
            "eng": ("总馆", "外文图书借阅区"),
            "gazetteer": ("总馆", "古籍部 方志阅览室"),
            "genealogy": ("总馆", "古籍部 家谱"),
            "extra": ("总馆", "基藏书库"),
        },
        {
            "eng": 3,
            "chi": 3,
            "gazetteer": 2,
            "topic": 1.5,
            "genealogy": 0.8,
            "gazetteer:beijing": 1,
            "topic:beijing": 1,
        },
    ),
    Library(
        "THU",
        "Tsinghua University Library",
        "清华大学图书馆",
        "https://opac.thu.example/record={id}",
        "CN-THU",
        "thu.mrc",
        "b{:07d}",
        1_034_000,
        "3001{:08d}",
        "10-",
        False,
        "clc",
        True,
        2015,
        {
            "chi": ("逸夫馆", "中文社科图书"),
            "eng": ("北馆(李文正馆)", "外文图书"),
            "gazetteer": ("北馆(李文正馆)", "地方文献"),
            "genealogy": ("北馆(李文正馆)", "古籍特藏"),
            "extra": ("老馆", "中文基藏"),
        },
        {"eng": 3, "chi": 2, "gazetteer": 0.6, "topic": 0.8, "genealogy": 0.1, "tech": 4},
    ),
    Library(
        "CAPLIB",
        "Capital Library of China",
        "首都图书馆",
        "https://opac.caplib.example/F/?func=direct&doc_number={id}",
        "CN-CAPLIB",
        "caplib.mrc",
        "{:09d}",
        1_230_000,
        "A{:09d}",
        "13-",
        True,
        "clc",
        True,
        2016,
        {
            "chi": ("首都图书馆", "中文图书借阅区"),
            "eng": ("首都图书馆", "外文图书借阅区"),
            "gazetteer": ("首都图书馆", "地方志阅览室"),
            "gazetteer:beijing": ("首都图书馆", "北京地方文献中心"),
            "topic:beijing": ("首都图书馆", "北京地方文献中心"),
            "genealogy": ("首都图书馆", "家谱阅览区"),
            "extra": ("首都图书馆", "保存本库"),
        },
        {
            "eng": 1,
            "chi": 2.5,
            "gazetteer": 1,
            "topic": 1,
            "genealogy": 0.8,
            "gazetteer:beijing": 6,
            "topic:beijing": 6,
            "genealogy:beijing": 2,
            "gazetteer:tianjin": 2,
        },
    ),
    Library(
        "SHL",
        "Shanghai Library",
        "上海图书馆",
        "https://catalog.shl.example/record/{id}",
        "CN-SHL",
        "shl.xml",
        "SHL{:08d}",
        3_100_000,
        "310{:09d}",
        "10",
        False,
        "clc",
        True,
        2014,
        {
            "chi": ("淮海中路馆", "中文书库"),
            "eng": ("淮海中路馆", "外文书库"),
            "gazetteer": ("淮海中路馆", "地方志阅览室"),
            "gazetteer:shanghai": ("淮海中路馆", "上海地方文献阅览室"),
            "topic:shanghai": ("淮海中路馆", "上海地方文献阅览室"),
            "genealogy": ("淮海中路馆", "家谱阅览室"),
            "extra": ("东馆", "中文基藏"),
        },
        {
            "eng": 1.5,
            "chi": 2.5,
            "gazetteer": 1,
            "topic": 1,
            "genealogy": 6,
            "gazetteer:shanghai": 5,
            "topic:shanghai": 5,
            "gazetteer:jiangsu": 3,
            "gazetteer:zhejiang": 3,
            "topic:jiangsu": 2,
            "topic:zhejiang": 2,
        },
    ),
    Library(
        "RPL",
        "Riverside Public Library",
        "河滨公共图书馆",
        "https://catalog.riverside.example/cgi-bin/koha/opac-detail.pl?biblionumber={id}",
        "US-RPL",
        "rpl.mrc",
        "{:d}",
        10_457,
        "39876{:09d}",
        "13q",
        False,
        "lcc",
        False,
        2013,
        {
            "chi": ("MAIN", "Asian Languages Collection"),
            "eng": ("MAIN", "Adult Nonfiction"),
            "eng:fiction": ("MAIN", "Fiction"),
            "genealogy": ("MAIN", "Local History & Genealogy Room"),
            "extra": ("EAST", "Adult Nonfiction"),
        },
        {"eng": 5, "chi": 1, "gazetteer": 0.2, "topic": 0.3, "genealogy": 0.3, "china": 1},
    ),
]
RESTRICTED = {"chi": "仅供馆内阅览", "eng": "Library use only"}


def assign_holdings(pool: list[Edition], libraries: list[Library], seed: int) -> dict[str, list[tuple[str, int]]]:
    """edition key -> [(library code, copies)]: a popularity skew, then each library's leaning."""
    rng = random.Random(f"alliance-sample|{seed}|holdings")
    by_code = {lib.code: lib for lib in libraries}
    free = [ed for ed in pool if not ed.holders]
    # weighted random order (Efraimidis-Spirakis): popular categories tend to the top
    ranked = sorted(free, key=lambda ed: rng.random() ** (1 / POPULARITY[ed.category]), reverse=True)
    n, everywhere = len(ranked), len(libraries)
    holdings: dict[str, list[tuple[str, int]]] = {}
    for rank, ed in enumerate(ranked):
        share = rank / max(n, 1)
        k = everywhere if share < 0.05 else rng.choice([3, 4]) if share < 0.15 else 2 if share < 0.40 else 1
        holdings[ed.key] = _holders(ed, min(k, everywhere), libraries, rng)
    for ed in pool:
        if ed.holders:
            holdings[ed.key] = [
                (code, _copies(ed, by_code[code], len(ed.holders), rng)) for code in ed.holders if code in by_code
            ]
            if not holdings[ed.key]:
                holdings[ed.key] = _holders(ed, 1, libraries, rng)
    return holdings


def _holders(ed: Edition, k: int, libraries: list[Library], rng: random.Random) -> list[tuple[str, int]]:
    candidates = list(libraries)
    chosen = []
    for _ in range(k):
        weights = [lib.weight(ed) for lib in candidates]
        lib = rng.choices(candidates, weights)[0]
        candidates.remove(lib)
        chosen.append(lib)
    order = {lib.code: i for i, lib in enumerate(libraries)}
    return [(lib.code, _copies(ed, lib, k, rng)) for lib in sorted(chosen, key=lambda lib: order[lib.code])]


def _copies(ed: Edition, lib: Library, holders: int, rng: random.Random) -> int:
    if ed.traditional:
        return 1
    chance = (0.08 + 0.06 * holders) * (0.5 if lib.code == "RPL" else 1.0)
    return rng.choice([2, 2, 2, 3, 3, 4]) if rng.random() < chance else 1
