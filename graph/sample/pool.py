"""The pool of editions the sample alliance holds: canonical bibliographic facts, one per edition.

Members describe the same edition in their own ways (see ``records.py``); what they agree
on, an edition's title, names, publisher, date and ISBN, lives here. Well-known works come
from ``data_zh``/``data_en``; local literature (gazetteers 地方志, books about a place,
genealogies 家谱) is composed from places, topics and family names. Everything is drawn
from a :class:`random.Random` seeded by the caller, so a seed gives the same pool.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

from graph.identity.normalize import isbn10_check, isbn13_check
from graph.sample import data_en, data_zh

CATEGORIES = ("eng", "chi", "gazetteer", "topic", "genealogy")
# Share of the pool each category aims at; what one cannot fill the generated ones take.
SHARES = {"eng": 0.22, "chi": 0.20, "gazetteer": 0.22, "topic": 0.20, "genealogy": 0.16}
# How likely an edition is to be widely held, by category (old genealogies are rarer).
POPULARITY = {"eng": 1.4, "chi": 1.6, "gazetteer": 0.9, "topic": 0.8, "genealogy": 0.6}


@dataclass
class Name:
    rom: str  # LC form: "Cao, Xueqin", "Austen, Jane", or a corporate name
    han: str = ""  # vernacular form, for an 880
    dates: str = ""
    relator: str = "author"
    corporate: bool = False


@dataclass
class Edition:
    key: str
    category: str
    lang: str  # MARC language code: chi or eng
    title: list[tuple[str, str]]  # 245 subfields (code, text), ISBD punctuation added later
    title_han: list[tuple[str, str]] = field(default_factory=list)
    nonfiling: int = 0
    resp: str = ""
    resp_han: str = ""
    names: list[Name] = field(default_factory=list)
    main_entry: bool = True  # the first name is the 1XX (else entered under title)
    uniform: str = ""  # 240, "Lun yu. English"
    edition: str = ""
    edition_han: str = ""
    place: str = ""
    place_han: str = ""
    publisher: str = ""
    publisher_han: str = ""
    date: str = ""
    date_han: str = ""
    year: int = 2000
    original_year: int | None = None  # for reprints: 008 type r
    country: str = "cc "
    isbn10: str | None = None  # hyphenated
    isbn13: str | None = None  # hyphenated
    price: str = ""
    extent: str = ""
    volumes: int = 0
    illus: bool = False
    size: int = 21
    series: str = ""
    series_han: str = ""
    series_vol: str = ""
    series_vol_han: str = ""
    notes: list[tuple[str, str]] = field(default_factory=list)  # (romanised/English, Han)
    summary: str = ""
    cn_subjects: list[str] = field(default_factory=list)  # "651 北京 $x 地方志"
    lcsh: list[str] = field(default_factory=list)  # "651 Beijing (China) $v Gazetteers"
    clc: str = ""
    lcc: str = ""  # "DS754 .S64"
    fiction: bool = False
    bibliography: bool = False
    traditional: bool = False  # vernacular transcribed in Traditional characters
    region: str | None = None
    flags: str = ""
    oclc: str | None = None
    lccn: str | None = None
    holders: tuple[str, ...] = ()  # fixed holders (the anchors every demo shows)


def roman(text: str, split: bool = False) -> str:
    """Pinyin as LC writes it ("Beijing") or syllable by syllable ("Bei jing")."""
    return text.replace("|", " " if split else "")


# ISBNs ----------------------------------------------------------------------------
def make_isbn(rng: random.Random, prefix: str, year: int, used: set[str]) -> tuple[str | None, str]:
    """A fresh, valid ISBN under a group-publisher prefix: (ISBN-10 or None after 2006, ISBN-13)."""
    group, publisher = prefix.split("-")
    width = 9 - len(group) - len(publisher)
    while True:
        title = f"{rng.randrange(10**width):0{width}d}"
        core = group + publisher + title
        if core not in used:
            used.add(core)
            break
    isbn13 = f"978-{group}-{publisher}-{title}-{isbn13_check('978' + core)}"
    isbn10 = f"{group}-{publisher}-{title}-{isbn10_check(core)}" if year < 2007 else None
    return isbn10, isbn13


def _subfields(text: str) -> list[tuple[str, str]]:
    """ "Title $n Volume 1, $p Part" -> [(a, Title), (n, Volume 1), (p, Part)]."""
    parts = text.split(" $")
    out = [("a", parts[0])]
    out += [(p[0], p[1:].strip().rstrip(",")) for p in parts[1:]]
    return out


def _price(rng: random.Random, year: int) -> str:
    low, high = (1, 6) if year < 1990 else (10, 45) if year < 2000 else (20, 98)
    return f"CNY{rng.randint(low, high)}.{rng.choice(['00', '00', '50', '80'])}"


def _oclc(rng: random.Random, year: int) -> str:
    return str(rng.randint(1_000_000, 9_999_999) if year < 1995 else rng.randint(30_000_000, 999_999_999))


def _lccn(rng: random.Random, year: int) -> str:
    return f"   {year % 100:02d}{rng.randint(1, 99999):06d} " if year < 2001 else f"  {year}{rng.randint(1, 99999):06d}"


# The builder ------------------------------------------------------------------------
class PoolBuilder:
    def __init__(self, seed: int):
        self.rng = random.Random(f"alliance-sample|{seed}|pool")
        self.isbns: set[str] = set()
        self.keys: set[str] = set()
        self.curated: list[Edition] = []  # the well-known works' editions that are not anchors

    def isbn(self, ed: Edition, prefix: str) -> None:
        if prefix and ed.year >= (1987 if ed.lang == "chi" else 1970):
            ed.isbn10, ed.isbn13 = make_isbn(self.rng, prefix, ed.year, self.isbns)

    def fresh(self, ed: Edition) -> bool:
        """False for an edition that would duplicate one already in the pool."""
        if ed.key in self.keys:
            return False
        self.keys.add(ed.key)
        return True

    def person(self, surname=None) -> Name:
        han, rom = surname or self.rng.choice(data_zh.SURNAMES)[:2]
        given_han, given_rom = self.rng.choice(data_zh.GIVEN_NAMES)
        return Name(f"{rom}, {given_rom}", han + given_han)

    def chinese_publisher(self, ed: Edition, key: str) -> None:
        han, rom, place_han, place_rom, prefix = data_zh.PUBLISHERS[key]
        ed.publisher, ed.publisher_han, ed.place, ed.place_han = rom, han, place_rom, place_han
        ed.date = ed.date_han = str(ed.year)
        self.isbn(ed, prefix)
        if ed.year >= 1987:
            ed.price = _price(self.rng, ed.year)

    # well-known works --------------------------------------------------------------
    def chinese_works(self) -> list[Edition]:
        out = []
        for han, rom, people, clc, lcc, cn, lcsh, summary, editions, fiction in data_zh.WORKS:
            for pub, year, number, pages in editions:
                names = [Name(lc, h, dates, data_zh.ROLES[role][2]) for h, lc, dates, role in people]
                ed = Edition(
                    key=f"chi:{rom}:{pub}:{year}",
                    category="chi",
                    lang="chi",
                    title=[("a", rom)],
                    title_han=[("a", han)],
                    names=names,
                    resp=" ".join(f"{lc.replace(',', '')} {data_zh.ROLES[role][0]}" for _, lc, _, role in people),
                    resp_han="；".join(f"{h}{data_zh.ROLES[role][1]}" for h, _, _, role in people),
                    year=year,
                    extent=f"{pages} pages",
                    size=self.rng.choice([19, 20, 21, 23]),
                    summary=summary,
                    cn_subjects=[cn],
                    lcsh=[lcsh],
                    clc=clc,
                    lcc=f"{lcc} .{rom[0].upper()}{self.rng.randint(10, 99)}",
                    fiction=fiction,
                    bibliography=not fiction and self.rng.random() < 0.4,
                )
                if number:
                    ed.edition, ed.edition_han = f"Di {number} ban", f"第{number}版"
                if pages > 1200:
                    ed.volumes = (pages + 599) // 600
                    ed.extent = f"{ed.volumes} volumes ({pages} pages)"
                self.chinese_publisher(ed, pub)
                if self.rng.random() < 0.6:
                    ed.oclc = _oclc(self.rng, year)
                out.append(ed)
        return out

    def english_works(self) -> list[Edition]:
        out = []
        for title, subtitle, people, resp, uniform, lcc, clc, lcsh, summary, editions, flags in data_en.WORKS:
            for pub, year, number, pages, series in editions:
                name, place, prefix, country = data_en.PUBLISHERS[pub]
                first = title.split(" ", 1)[0]
                ed = Edition(
                    key=f"eng:{title}:{pub}:{year}",
                    category="eng",
                    lang="eng",
                    title=_subfields(title + (f" $b {subtitle}" if subtitle else "")),
                    nonfiling={"The": 4, "A": 2, "An": 3}.get(first, 0),
                    resp=resp,
                    uniform=uniform,
                    names=[Name(lc, "", dates, rel) for lc, dates, rel in people],
                    main_entry=people[0][2] != "editor",
                    place=place,
                    publisher=name,
                    date=str(year),
                    year=year,
                    country=country,
                    extent=f"{'xiv, ' if self.rng.random() < 0.4 else ''}{pages} pages",
                    illus=self.rng.random() < 0.3,
                    size=self.rng.choice([20, 22, 23, 24, 26]),
                    series=series,
                    summary=summary,
                    lcsh=list(lcsh),
                    clc=clc,
                    lcc=lcc,
                    fiction="fiction" in flags,
                    bibliography="fiction" not in flags,
                    flags=flags,
                    oclc=_oclc(self.rng, year),
                )
                if number:
                    ed.edition = _english_edition(number, year)
                self.isbn(ed, prefix)
                if ed.isbn13 and self.rng.random() < 0.7:
                    ed.lccn = _lccn(self.rng, year)
                out.append(ed)
        return out

    # local literature -----------------------------------------------------------------
    def gazetteers(self) -> list[Edition]:
        out = []
        for han, rom, level, region in data_zh.PLACES:
            if level == "capital":
                for part_han, part_rom in data_zh.BEIJING_ZHI_PARTS:
                    out.append(self.gazetteer(han, rom, level, region, (part_han, part_rom)))
            else:
                out.append(self.gazetteer(han, rom, level, region))
        return out

    def gazetteer(self, han, rom, level, region, part=None, *, year=None, publisher=None) -> Edition:
        rng = self.rng
        kind_han, kind_rom, unit_han, unit_rom, years = {
            "capital": ("志", "zhi", "市", "shi", (1999, 2012)),
            "province": ("通志", "tong zhi", "市", "shi", (1998, 2010)),
            "city": ("市志", "shi zhi", "市", "shi", (1993, 2012)),
            "county": ("县志", "xian zhi", "县", "xian", (1987, 2001)),
            "district": ("区志", "qu zhi", "区", "qu", (1992, 2010)),
        }[level]
        org = Name(
            f"{roman(rom)} {unit_rom} di fang zhi bian zuan wei yuan hui",
            f"{han}{unit_han}地方志编纂委员会",
            relator="compiler",
            corporate=True,
        )
        clc, lcc, parent, _ = data_zh.REGIONS[region]
        ed = Edition(
            key=f"gaz:{han}:{part[0] if part else ''}",
            category="gazetteer",
            lang="chi",
            title=[("a", f"{rom} {kind_rom}")],
            title_han=[("a", han + kind_han)],
            names=[org],
            main_entry=False,
            resp=f"{org.rom} bian",
            resp_han=f"{org.han}编",
            year=year or rng.randint(*years),
            illus=True,
            size=rng.choice([26, 27, 29]),
            cn_subjects=[f"651 {han} $x 地方志"],
            lcsh=[f"651 {_lcsh_place(rom, level, region)} $v Gazetteers"],
            clc=clc,
            lcc=f"{lcc} .{roman(rom)[0]}{rng.randint(20, 99)}",
            region=region,
            bibliography=True,
            summary=f"本志系统记述{han}的自然环境、建置沿革、政治、经济、文化和社会发展的历史与现状。",
        )
        if part:
            ed.title.append(("p", part[1]))
            ed.title_han.append(("p", part[0]))
        pages = rng.randint(700, 2400)
        ed.extent = f"{pages} pages" if pages < 1600 else f"{(pages + 799) // 800} volumes ({pages} pages)"
        self.chinese_publisher(ed, publisher or rng.choice(data_zh.REGION_PUBLISHERS[region]))
        return ed

    def topics(self) -> list[Edition]:
        rng = self.rng
        out = []
        for han, rom, level, region in data_zh.PLACES:
            if level == "county" or level == "district":
                continue
            lcsh_place, z = _lcsh_place(rom, level, region), _lcsh_z(rom, level)
            for t_han, t_rom, cn, lcsh, clc, phrase, only in data_zh.TOPICS:
                if only is not None and han not in only:
                    continue
                people = [self.person() for _ in range(rng.choice([1, 1, 1, 2]))]
                role = rng.choice(["zhu", "zhu", "bian zhu", "zhu bian"])
                for p in people:
                    p.relator = data_zh.ROLES[role][2]
                sub_cn = " ".join(f"$x {part}" for part in cn.split("--"))
                ed = Edition(
                    key=f"topic:{han}:{t_han}",
                    category="topic",
                    lang="chi",
                    title=[("a", f"{rom} {t_rom}")],
                    title_han=[("a", han + t_han)],
                    names=people,
                    main_entry=role != "zhu bian",
                    resp=f"{', '.join(p.rom.replace(',', '') for p in people)} {data_zh.ROLES[role][0]}",
                    resp_han=f"{'，'.join(p.han for p in people)}{data_zh.ROLES[role][1]}",
                    year=rng.randint(1985, 2022),
                    extent=f"{rng.randint(160, 680)} pages",
                    illus=rng.random() < 0.6,
                    size=rng.choice([21, 23, 24, 26]),
                    cn_subjects=[f"651 {han} {sub_cn}"],
                    lcsh=[lcsh.format(p=lcsh_place, z=z)],
                    clc=clc or data_zh.REGIONS[region][0],
                    region=region,
                    lcc=f"{data_zh.REGIONS[region][1]} .{roman(rom)[0]}{rng.randint(20, 99)}",
                    summary=f"本书{phrase.format(h=han)}。",
                    bibliography=rng.random() < 0.5,
                )
                if rng.random() < 0.3:
                    ed.series_han, ed.series = rng.choice(data_zh.REGION_SERIES[region])
                self.chinese_publisher(ed, rng.choice(data_zh.REGION_PUBLISHERS[region]))
                out.append(ed)
        return out

    def genealogies(self, count: int = 320) -> list[Edition]:
        rng = self.rng
        places = [p for p in data_zh.PLACES if p[3] != "tianjin" and p[2] != "district"]
        out = []
        for _ in range(count):
            place = rng.choice(places)
            surname = rng.choice(data_zh.SURNAMES)
            kind = rng.choice(data_zh.GENEALOGY_KINDS)
            ed = self.genealogy(place[0], place[1], surname, kind, old=rng.random() < 0.6, region=place[3])
            if self.fresh(ed):
                out.append(ed)
        return out

    def genealogy(self, place_han, place_rom, surname, kind, *, old, region, year=None) -> Edition:
        rng = self.rng
        s_han, s_rom, hall_han, hall_rom = surname
        compiler = self.person((s_han, s_rom))
        compiler.relator = "compiler"
        where = f"{place_rom} " if place_rom else ""
        ed = Edition(
            key=f"gen:{place_han}:{s_han}:{kind[0]}",
            category="genealogy",
            lang="chi",
            title=[("a", f"{where}{s_rom} shi {kind[1]}")],
            title_han=[("a", f"{place_han}{s_han}氏{kind[0]}")],
            names=[compiler],
            resp=f"{compiler.rom.replace(',', '')} zuan xiu",
            resp_han=f"{compiler.han}纂修",
            cn_subjects=[f"600 {s_han}氏 $v 家谱"] + ([f"651 {place_han} $v 家谱"] if place_han else []),
            lcsh=[f"600 {s_rom} family"]
            + ([f"651 {_lcsh_place(place_rom, 'city', region)} $v Genealogy"] if place_han else []),
            clc="K820.9",
            lcc=f"CS1169 .{s_rom[0]}{rng.randint(20, 99)}",
            region=region,
            summary=f"记述{place_han}{s_han}氏家族的源流、世系、人物传记、家训及祠堂资料。",
        )
        if old:
            ed.year = year or rng.randint(1862, 1948)
            ed.publisher, ed.publisher_han = hall_rom, hall_han
            ed.place, ed.place_han = (
                (f"[{place_rom}]", f"[{place_han}]")
                if place_han
                else ("[Place of publication not identified]", "[出版地不详]")
            )
            ed.date, ed.date_han = _reign_date(ed.year)
            ed.volumes = rng.randint(2, 24)
            ed.extent, ed.size = f"{ed.volumes} ce", rng.choice([26, 28, 29, 30, 32])
            han, romanised = rng.choice(data_zh.OLD_PRINTINGS)
            ed.notes.append((romanised, han))
            traditionalise(ed)
        else:
            ed.year = year or rng.randint(1988, 2018)
            ed.illus = True
            ed.size = rng.choice([26, 29])
            if rng.random() < 0.4:
                self.chinese_publisher(ed, "xianzhuang")
            else:
                ed.publisher, ed.publisher_han = "[publisher not identified]", "[出版者不详]"
                ed.place, ed.place_han = (
                    place_rom or "[Place of publication not identified]",
                    place_han or "[出版地不详]",
                )
                ed.date = ed.date_han = str(ed.year)
            pages = rng.randint(300, 1800)
            ed.extent = f"{pages} pages" if pages < 900 else f"{(pages + 599) // 600} volumes ({pages} pages)"
        return ed

    # anchors: present in every pool, with fixed holders -----------------------------------
    def anchors(self) -> list[Edition]:
        chi = {e.key: e for e in self.chinese_works()}
        eng = {e.key: e for e in self.english_works()}
        hlm = chi["chi:Hong lou meng:rmwx:1996"]
        hlm.holders = ("PKU", "THU", "CAPLIB", "SHL", "RPL")
        spence = eng["eng:The search for modern China:norton:1990"]
        spence.holders = ("PKU", "THU", "CAPLIB", "SHL", "RPL")
        bjz = self.gazetteer(
            "北京", "Bei|jing", "capital", "beijing", data_zh.BEIJING_ZHI_PARTS[0], year=2002, publisher="bjcbs"
        )
        bjz.holders = ("PKU", "CAPLIB", "THU", "SHL")
        shx = self.gazetteer("上海", "Shang|hai", "county", "shanghai", year=1993, publisher="shrm")
        shx.key, shx.holders = "gaz:上海县", ("SHL", "PKU", "CAPLIB")
        shx.names[0] = Name(
            "Shanghai xian xian zhi bian zuan wei yuan hui", "上海县县志编纂委员会", relator="compiler", corporate=True
        )
        shx.resp, shx.resp_han = "Shanghai xian xian zhi bian zuan wei yuan hui bian", "上海县县志编纂委员会编"
        shx.cn_subjects = ["651 上海县 $x 地方志"]
        tongzhi = self.old_gazetteer()
        wang = self.genealogy(
            "", "", data_zh.SURNAMES[0], data_zh.GENEALOGY_KINDS[0], old=True, region="shanghai", year=1921
        )
        wang.names[0] = Name("Wang, Chengzu", "王承祖", relator="compiler")
        wang.resp, wang.resp_han = "Wang Chengzu zuan xiu", "王承祖纂修"
        traditionalise(wang)
        wang.holders = ("SHL", "PKU")
        anchors = [hlm, spence, bjz, shx, tongzhi, wang]
        for ed in anchors:
            self.fresh(ed)
        self.curated = [e for e in [*chi.values(), *eng.values()] if e not in anchors]
        return anchors

    def old_gazetteer(self) -> Edition:
        """同治上海县志, reprinted in Taibei in 1975: a reprint, Traditional script, no ISBN."""
        ed = Edition(
            key="gaz:同治上海县志",
            category="gazetteer",
            lang="chi",
            region="shanghai",
            title=[("a", "[Tongzhi] Shanghai xian zhi")],
            title_han=[("a", "[同治]上海縣志")],
            names=[
                Name("Ying, Baoshi", "應寶時", relator="compiler"),
                Name("Yu, Yue", "俞樾", "1821-1907", "compiler"),
            ],
            resp="Ying Baoshi xiu ; Yu Yue zuan",
            resp_han="應寶時修 ; 俞樾纂",
            traditional=True,
            place="Taibei",
            place_han="臺北",
            publisher="Cheng wen chu ban she",
            publisher_han="成文出版社",
            date="Min guo 64 [1975]",
            date_han="民國64[1975]",
            year=1975,
            original_year=1872,
            country="ch ",
            volumes=4,
            extent="4 volumes (2526 pages)",
            illus=True,
            size=22,
            series="Zhongguo fang zhi cong shu. Hua zhong di fang",
            series_han="中國方志叢書. 華中地方",
            series_vol="di 169 hao",
            series_vol_han="第169號",
            notes=[("Reprint of the Tongzhi 11 nian [1872] ed.", "據清同治十一年刊本影印")],
            cn_subjects=["651 上海县 $x 地方志 $y 清代"],
            lcsh=["651 Shanghai Xian (China) $v Gazetteers"],
            clc="K295.1",
            lcc="DS796.S2 S53 1975",
            holders=("SHL", "PKU", "RPL"),
            oclc="2541178",
        )
        return ed


@functools.lru_cache(maxsize=1)
def _s2t():
    import opencc  # opencc-python-reimplemented, already a dependency of the mapper

    return opencc.OpenCC("s2t")


def traditionalise(ed: Edition) -> None:
    """Han forms as an old book prints them: Traditional characters (headings stay Simplified)."""

    def t(text: str) -> str:
        return _s2t().convert(text).replace("誌", "志") if text else text

    ed.traditional = True
    ed.title_han = [(c, t(v)) for c, v in ed.title_han]
    ed.resp_han, ed.place_han, ed.publisher_han, ed.date_han = map(
        t, (ed.resp_han, ed.place_han, ed.publisher_han, ed.date_han)
    )
    ed.notes = [(rom, t(han)) for rom, han in ed.notes]
    for name in ed.names:
        name.han = t(name.han)


def _english_edition(number: int, year: int) -> str:
    words = {2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth", 6: "Sixth"}
    if year >= 2010:
        return f"{words.get(number, str(number))} edition"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number, "th")
    return f"{number}{suffix} ed."


def _lcsh_place(rom: str, level: str, region: str) -> str:
    name = roman(rom)
    parent = data_zh.REGIONS[region][2]
    if level in ("capital", "province"):
        return f"{name} (China)"
    if level == "city":
        return f"{name} ({parent}, China)" if parent.endswith("Sheng") else f"{name} (China)"
    return f"{name} {'Xian' if level == 'county' else 'Qu'} ({parent}, China)"


def _lcsh_z(rom: str, level: str) -> str:
    return roman(rom) + {"county": " Xian", "district": " Qu"}.get(level, "")


_HAN_DIGITS = "〇一二三四五六七八九"


def _han_number(n: int) -> str:
    if n == 1:
        return "元"
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _HAN_DIGITS[tens]) + "十" if tens else "") + (_HAN_DIGITS[ones] if ones else "")


def _reign_date(year: int) -> tuple[str, str]:
    """("Qing Guangxu 15 nian [1889]", "清光绪十五年[1889]") for an old imprint."""
    start, han, rom, dynasty = [r for r in data_zh.REIGNS if r[0] <= year][-1]
    n = year - start + 1
    prefix = "Qing " if dynasty else ""
    return f"{prefix}{rom} {n} nian [{year}]", f"{dynasty}{han}{_han_number(n)}年[{year}]"


def build_pool(seed: int, titles: int) -> list[Edition]:
    """``titles`` distinct editions: the anchors, then each category's share, drawn at random."""
    if titles < 1:
        raise ValueError("the sample needs at least one title")
    builder = PoolBuilder(seed)
    rng = builder.rng
    anchors = builder.anchors()
    candidates = {
        "chi": [e for e in builder.curated if e.category == "chi"],
        "eng": [e for e in builder.curated if e.category == "eng"],
        "gazetteer": [e for e in builder.gazetteers() if builder.fresh(e)],
        "topic": [e for e in builder.topics() if builder.fresh(e)],
        "genealogy": builder.genealogies(),
    }
    capacity = len(anchors) + sum(len(c) for c in candidates.values())
    if titles > capacity:
        raise ValueError(f"the sample can hold at most {capacity} titles, not {titles}")
    pool = anchors[:titles]
    wanted = titles - len(pool)
    for category in CATEGORIES:
        rng.shuffle(candidates[category])
    quotas = {c: min(len(candidates[c]), round(wanted * SHARES[c])) for c in CATEGORIES}
    while sum(quotas.values()) > wanted:
        quotas[max(quotas, key=quotas.__getitem__)] -= 1
    while sum(quotas.values()) < wanted:
        open_ = [c for c in ("topic", "gazetteer", "genealogy", "chi", "eng") if quotas[c] < len(candidates[c])]
        quotas[min(open_, key=lambda c: quotas[c] / SHARES[c])] += 1
    for category in CATEGORIES:
        pool.extend(candidates[category][: quotas[category]])
    return pool
