"""The sample alliance's local-literature collections: spreadsheets filled in the template's columns.

Three members list what they hold the way Chinese libraries do, in the local-literature template
(``docs/local-literature.md``), and the demo loads each list as a named collection of the member's:
Shanghai Library its genealogies (家谱: surname, hall name 堂号, ancestral place 谱籍, compiled in a
dynasty and reign year, woodblock or movable-type editions), Capital Library its old gazetteers of
Beijing (地方志 by dynasty and reign), and Peking University Library its rare old books (古籍) in the
four branches (经史子集) with their edition types (刻本, 抄本, 稿本, 活字本 …); Tsinghua lists a few of
the same old books. The works are real and well known; every copy detail (call number, census
number, which library holds which) is invented. A seed gives the same files.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from graph.sample import data_zh
from graph.load.sources.spreadsheet import COLUMNS, template_headers

# (title, responsibility, edition period, edition type, four-branch class, place, juan, volumes)
OLD_BOOKS = [
    ("史记", "(汉)司马迁撰；(南朝宋)裴骃集解", "清同治九年(1870)", "刻本", "史部.正史类", "", "一百三十卷", "24"),
    (
        "资治通鉴",
        "(宋)司马光编集；(元)胡三省音注",
        "清光绪十四年(1888)",
        "刻本",
        "史部.编年类",
        "",
        "二百九十四卷",
        "100",
    ),
    ("论语注疏", "(魏)何晏集解；(宋)邢昺疏", "清嘉庆二十年(1815)", "刻本", "经部.四书类", "", "二十卷", "6"),
    ("说文解字", "(汉)许慎撰", "清同治十二年(1873)", "刻本", "经部.小学类.字书之属", "", "十五卷", "8"),
    ("楚辞章句", "(汉)王逸章句", "明隆庆五年(1571)", "刻本", "集部.楚辞类", "", "十七卷", "4"),
    ("李太白文集", "(唐)李白撰", "清康熙五十六年(1717)", "刻本", "集部.别集类.汉魏六朝至五代之属", "", "三十卷", "8"),
    ("杜工部集", "(唐)杜甫撰", "清乾隆", "抄本", "集部.别集类.汉魏六朝至五代之属", "", "二十卷", "6"),
    ("红楼梦", "(清)曹雪芹撰；(清)高鹗续", "清乾隆五十六年(1791)", "木活字本", "子部.小说家类", "", "一百二十回", "24"),
    ("本草纲目", "(明)李时珍撰", "明万历二十四年(1596)", "刻本", "子部.医家类", "", "五十二卷", "40"),
    ("天工开物", "(明)宋应星撰", "明崇祯十年(1637)", "刻本", "子部.谱录类", "", "三卷", "3"),
    ("徐霞客游记", "(明)徐弘祖撰", "清", "抄本", "史部.地理类.游记之属", "", "十卷", "10"),
    ("水经注", "(北魏)郦道元撰", "清乾隆三十九年(1774)", "活字本", "史部.地理类.河渠之属", "", "四十卷", "12"),
    ("昭明文选", "(南朝梁)萧统编；(唐)李善注", "清嘉庆十四年(1809)", "刻本", "集部.总集类", "", "六十卷", "24"),
    ("日知录", "(清)顾炎武撰", "清", "稿本", "子部.杂家类", "", "三十二卷", "8"),
    ("帝京景物略", "(明)刘侗,于奕正撰", "明崇祯八年(1635)", "刻本", "史部.地理类.杂记之属", "北京", "八卷", "4"),
    ("宸垣识略", "(清)吴长元撰", "清乾隆五十三年(1788)", "刻本", "史部.地理类.杂记之属", "北京", "十六卷", "8"),
]
# Old gazetteers of Beijing: (title, responsibility, period, edition type, place)
GAZETTEERS = [
    ("[光绪]顺天府志", "(清)周家楣,缪荃孙纂", "清光绪十二年(1886)", "刻本", "北京"),
    ("[康熙]昌平州志", "(清)吴都梁修；(清)潘问奇纂", "清康熙十二年(1673)", "刻本", "北京昌平"),
    ("[光绪]昌平州志", "(清)缪荃孙纂", "清光绪十二年(1886)", "刻本", "北京昌平"),
    ("[乾隆]延庆州志", "(清)李钟俾修", "清乾隆七年(1742)", "刻本", "北京延庆"),
    ("[康熙]顺义县志", "(清)黄成章纂修", "清康熙五十八年(1719)", "刻本", "北京顺义"),
    ("[民国]顺义县志", "杨得馨修", "民国二十二年(1933)", "铅印本", "北京顺义"),
    ("[光绪]密云县志", "(清)赵文粹修", "清光绪八年(1882)", "刻本", "北京密云"),
    ("[康熙]大兴县志", "(清)张茂节修；(清)李开泰纂", "清康熙二十四年(1685)", "抄本", "北京大兴"),
    ("[万历]顺天府志", "(明)沈应文修；(明)张元芳纂", "明万历二十一年(1593)", "刻本", "北京"),
    ("[民国]房山县志", "冯庆澜修", "民国十七年(1928)", "铅印本", "北京房山"),
    ("日下旧闻考", "(清)于敏中等编纂", "清乾隆五十二年(1787)", "刻本", "北京"),
    ("[光绪]通州志", "(清)高建勋修", "清光绪五年(1879)", "刻本", "北京通州"),
    ("[民国]平谷县志", "李兴焯修", "民国二十三年(1934)", "铅印本", "北京平谷"),
    ("[光绪]怀柔县新志", "(清)吴景果纂", "清光绪", "抄本", "北京怀柔"),
]
PROVINCES = {"beijing": "北京", "shanghai": "上海", "tianjin": "天津", "jiangsu": "江苏", "zhejiang": "浙江"}
# (period, year) for genealogies; a few Ming, most Qing and Republican, as surviving genealogies are
GENEALOGY_PERIODS = [
    "明万历三十年(1602)",
    "明崇祯三年(1630)",
    "清康熙四十年(1701)",
    "清乾隆二十八年(1763)",
    "清嘉庆十年(1805)",
    "清道光十五年(1835)",
    "清同治八年(1869)",
    "清光绪十五年(1889)",
    "清光绪三十三年(1907)",
    "清宣统二年(1910)",
    "民国八年(1919)",
    "民国二十年(1931)",
    "民国三十六年(1947)",
]
GENEALOGY_EDITIONS = ["木活字本", "木活字本", "刻本", "刻本", "抄本", "稿本", "石印本", "铅印本"]
COLLECTIONS = {  # member code -> (collection name, file name)
    "SHL": ("上海图书馆家谱", "shl-genealogies.csv"),
    "CAPLIB": ("北京地方文献·旧志", "caplib-gazetteers.csv"),
    "PKU": ("北京大学图书馆古籍善本", "pku-rare-books.csv"),
    "THU": ("清华大学图书馆古籍", "thu-old-books.csv"),
}


def _row(**values) -> list[str]:
    return [values.get(name, "") for name in COLUMNS]


def genealogy_rows(rng: random.Random, count: int = 36) -> list[list[str]]:
    places = [(PROVINCES[region] + han, han) for han, _, level, region in data_zh.PLACES if level in ("county", "city")]
    rows: list[list[str]] = []
    seen: set[str] = set()
    while len(rows) < count:
        s_han, _, hall, _ = rng.choice(data_zh.SURNAMES)
        place, short = rng.choice(places)
        kind = rng.choice(data_zh.GENEALOGY_KINDS)[0]
        title = f"{short}{s_han}氏{kind}"
        if title in seen:
            continue
        seen.add(title)
        period = rng.choice(GENEALOGY_PERIODS)
        given = rng.choice(data_zh.GIVEN_NAMES)[0]
        dynasty = "(清)" if period.startswith("清") else "(明)" if period.startswith("明") else ""
        n = len(rows) + 1
        rows.append(
            _row(
                id=f"SHL-JP-{n:04d}",
                title=title,
                juan=f"{rng.choice(['四', '八', '十二', '二十', '三十六'])}卷",
                responsibility=f"{dynasty}{s_han}{given}纂修",
                edition_period=period,
                edition_type=rng.choice(GENEALOGY_EDITIONS),
                type="家谱",
                place=place,
                surname=s_han,
                hall=hall,
                binding="线装",
                volumes=str(rng.randint(2, 24)),
                call_number=f"JP{rng.randint(1000, 9999)}",
                sibu="史部.传记类.家谱之属",
            )
        )
    return rows


def gazetteer_rows(rng: random.Random) -> list[list[str]]:
    return [
        _row(
            id=f"CAP-FZ-{n:04d}",
            title=title,
            responsibility=resp,
            edition_period=period,
            edition_type=kind,
            type="地方志",
            place=place,
            publication_place="北京",
            binding="线装",
            volumes=str(rng.randint(4, 32)),
            call_number=f"地/京/{n:03d}",
            sibu="史部.地理类.方志之属",
            clc="K291",
        )
        for n, (title, resp, period, kind, place) in enumerate(GAZETTEERS, start=1)
    ]


def old_book_rows(rng: random.Random, prefix: str, books) -> list[list[str]]:
    rows = []
    for n, (title, resp, period, kind, sibu, place, juan, volumes) in enumerate(books, start=1):
        province = f"{rng.randint(11, 65):02d}0000"
        rows.append(
            _row(
                id=f"{prefix}-{n:04d}",
                title=title,
                responsibility=resp,
                edition_period=period,
                edition_type=kind,
                type="古籍",
                place=place,
                juan=juan,
                volumes=volumes,
                binding="线装",
                call_number=f"善本/{prefix}/{n:03d}",
                sibu=sibu,
                census_number=f"{province}-{rng.randint(1000, 9999)}-{rng.randint(1, 99999):07d}",
            )
        )
    return rows


def write_collections(out_dir: Path, seed: int) -> dict[str, tuple[str, Path]]:
    """Write each member's list as CSV (UTF-8 with BOM, as spreadsheet programs save it); code -> (name, path)."""
    rng = random.Random(f"alliance-sample|{seed}|local-literature")
    sheets = {
        "SHL": genealogy_rows(rng),
        "CAPLIB": gazetteer_rows(rng),
        "PKU": old_book_rows(rng, "PKU", OLD_BOOKS),
        # Tsinghua holds copies of some of the same editions: one edition, two members' items
        "THU": old_book_rows(rng, "THU", [OLD_BOOKS[i] for i in (0, 3, 7, 8, 12)]),
    }
    out = {}
    for code, rows in sheets.items():
        name, filename = COLLECTIONS[code]
        path = Path(out_dir) / filename
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([template_headers(), *rows])
        out[code] = (name, path)
    return out
