"""What Chinese cataloguing shares across sources: dynasties as resources, roles said in Chinese.

A dynasty is one bf:Temporal resource for the whole alliance (``subject/…`` minted
from the canonical name), labelled in Chinese, pinyin and English, so every member's
``(清)`` author and ``清光绪刻本`` edition meet on the same node:
``?x alliance:dynasty ?d . ?d rdfs:label "清"@zh-Hans``.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.periods import Dynasty
from graph.identity.uris import Minter
from vocab.namespaces import BF, RDF, RDFS

# Edition types of old books (版本类型) -> (pinyin, English, manuscript?): alliance-wide bf:ProductionMethod terms
EDITION_TYPES = {
    "刻本": ("ke ben", "woodblock print", False),
    "抄本": ("chao ben", "manuscript copy", True),
    "稿本": ("gao ben", "author's manuscript", True),
    "写本": ("xie ben", "manuscript", True),
    "石印本": ("shi yin ben", "lithograph", False),
    "铅印本": ("qian yin ben", "letterpress (lead type)", False),
    "活字本": ("huo zi ben", "movable-type print", False),
    "木活字本": ("mu huo zi ben", "wooden movable-type print", False),
    "影印本": ("ying yin ben", "photographic reprint", False),
    "油印本": ("you yin ben", "mimeograph", False),
    "拓本": ("ta ben", "rubbing", False),
    "排印本": ("pai yin ben", "typeset print", False),
}
_EDITION_WORDS = sorted(EDITION_TYPES, key=len, reverse=True)


def find_edition_type(text: str | None) -> str | None:
    """The edition type an edition statement names ('清光绪十年(1884)木活字本' -> 木活字本), or None."""
    if not text:
        return None
    text = text.replace("鈔本", "抄本").replace("寫本", "写本").replace("鉛印本", "铅印本")
    return next((word for word in _EDITION_WORDS if word in text), None)


def edition_type_node(add, minter: Minter, label: str) -> NamedNode:
    """The alliance-wide bf:ProductionMethod for an edition type (its triples added via ``add``)."""
    node = minter.subject(keys.subject_key(label, "edition-type"))
    add(node, RDF.type, BF.ProductionMethod)
    add(node, RDFS.label, Literal(label, language="zh-Hans"))
    if label in EDITION_TYPES:
        add(node, RDFS.label, Literal(EDITION_TYPES[label][0], language="zh-Latn-pinyin"))
        add(node, RDFS.label, Literal(EDITION_TYPES[label][1], language="en"))
    return node


# Role words of Chinese statements of responsibility and CNMARC $4 -> MARC relator codes.
ROLE_TERMS = {
    "著": "aut",
    "撰": "aut",
    "撰著": "aut",
    "著述": "aut",
    "编著": "aut",
    "原著": "aut",
    "作": "aut",
    "述": "aut",
    "口述": "aut",
    "修": "aut",
    "纂修": "aut",
    "重修": "aut",
    "续修": "aut",
    "主修": "aut",
    "监修": "aut",
    "纂": "com",
    "编纂": "com",
    "总纂": "com",
    "辑": "com",
    "编辑": "com",
    "辑录": "com",
    "选编": "com",
    "汇编": "com",
    "编": "com",
    "编次": "com",
    "主编": "edt",
    "编订": "edt",
    "整理": "edt",
    "点校": "edt",
    "校点": "edt",
    "校": "edt",
    "校订": "edt",
    "校勘": "edt",
    "审订": "edt",
    "重订": "edt",
    "注": "ann",
    "笺注": "ann",
    "校注": "ann",
    "集注": "ann",
    "评": "ann",
    "评点": "ann",
    "批": "ann",
    "译": "trl",
    "翻译": "trl",
    "编译": "trl",
    "绘": "ill",
    "绘图": "ill",
    "图": "ill",
    "书": "cll",
    "抄": "scr",
    "录": "scr",
    "摄影": "pht",
    "刻": "prt",
    "刊": "pbl",
    "出版": "pbl",
    "印": "prt",
}
# UNIMARC relator codes (numeric, Appendix C) -> MARC relator codes.
UNIMARC_RELATORS = {
    "005": "act",
    "010": "adp",
    "020": "ann",
    "040": "art",
    "060": "asn",
    "065": "auc",
    "070": "aut",
    "072": "aqt",
    "075": "aft",
    "080": "aui",
    "090": "aus",
    "100": "ant",
    "110": "bnd",
    "140": "bjd",
    "160": "bsl",
    "170": "cll",
    "180": "ctg",
    "190": "cns",
    "195": "cnd",
    "200": "chr",
    "205": "clb",
    "210": "cmm",
    "212": "cwt",
    "220": "com",
    "230": "cmp",
    "245": "ccp",
    "250": "cnd",
    "270": "crr",
    "273": "cur",
    "275": "dnc",
    "280": "dte",
    "290": "dto",
    "295": "dgg",
    "300": "drt",
    "305": "dis",
    "310": "dst",
    "320": "dnr",
    "330": "dub",
    "340": "edt",
    "350": "egr",
    "360": "etr",
    "365": "exp",
    "370": "flm",
    "380": "frg",
    "390": "fmo",
    "400": "fnd",
    "410": "grt",
    "420": "hnr",
    "430": "ilu",
    "440": "ill",
    "450": "ins",
    "460": "ive",
    "470": "ivr",
    "480": "lbt",
    "490": "lse",
    "500": "lso",
    "510": "ltg",
    "520": "lyr",
    "530": "mte",
    "540": "mon",
    "550": "nrt",
    "555": "opn",
    "557": "orm",
    "560": "org",
    "570": "oth",
    "580": "ppm",
    "582": "pta",
    "584": "inv",
    "587": "pth",
    "590": "prf",
    "595": "res",
    "600": "pht",
    "605": "prs",
    "610": "prt",
    "620": "pop",
    "630": "pro",
    "633": "prm",
    "635": "prg",
    "637": "pdr",
    "640": "pfr",
    "650": "pbl",
    "651": "pbd",
    "660": "rcp",
    "670": "rce",
    "673": "rth",
    "675": "rev",
    "677": "rtm",
    "680": "rbr",
    "690": "sce",
    "695": "sad",
    "700": "scr",
    "705": "scl",
    "710": "sec",
    "720": "sgn",
    "721": "sng",
    "723": "spn",
    "725": "stn",
    "726": "stl",
    "727": "ths",
    "730": "trl",
    "740": "tyd",
    "750": "tyg",
    "755": "voc",
    "760": "wde",
    "770": "wam",
}
_ROLE_SUFFIX = re.compile("(" + "|".join(sorted(map(re.escape, ROLE_TERMS), key=len, reverse=True)) + r")$")


def relator(term: str | None) -> str | None:
    """A MARC relator code for a CNMARC/UNIMARC $4 value or a Chinese role word, or None."""
    if not term:
        return None
    term = term.strip().rstrip(".。")
    if term.isdigit():
        return UNIMARC_RELATORS.get(term.zfill(3))
    if term.isalpha() and term.isascii() and len(term) == 3:
        return term.lower()
    return ROLE_TERMS.get(term) or ROLE_TERMS.get(term.removesuffix("等"))


def split_role(text: str) -> tuple[str, str | None]:
    """'王夫之撰' -> ('王夫之', '撰'); a name with no role word comes back whole."""
    text = text.strip()
    match = _ROLE_SUFFIX.search(text)
    if match and match.start() > 0:
        name = text[: match.start()].strip().removesuffix("等").strip()
        if name:
            return name, match.group(1)
    return text, None


def dynasty_node(add, minter: Minter, dynasty: Dynasty) -> NamedNode:
    """The alliance-wide bf:Temporal resource for a dynasty (its triples added via ``add``)."""
    node = minter.subject(keys.subject_key(dynasty.name, "dynasty"))
    add(node, RDF.type, BF.Temporal)
    add(node, RDFS.label, Literal(dynasty.name, language="zh-Hans"))
    add(node, RDFS.label, Literal(dynasty.pinyin, language="zh-Latn-pinyin"))
    add(node, RDFS.label, Literal(dynasty.english, language="en"))
    add(node, BF.code, Literal(dynasty.name))
    return node
