"""The four-branch classification of old Chinese books (四部分类: 经 史 子 集): its written forms read.

Old books (古籍) are classed by branch (部), class (类) and, below it, division (属), as the
四库全书总目 did: ``史部.地理类.方志之属``. :func:`parse` reads any of the written forms
(``史部 地理类 方志之属``, ``史部/地理类``, ``史部地理类方志之属``, ``史.地理``, Traditional
characters) into the canonical path; ``graph/load/mappers/sibu.py`` makes it a classification.
Keys only: text in, a path out.
"""

from __future__ import annotations

import re

BRANCHES = {
    "经": ("经部", "jing bu", "Classics"),
    "史": ("史部", "shi bu", "Histories"),
    "子": ("子部", "zi bu", "Masters"),
    "集": ("集部", "ji bu", "Collections"),
}
_TRADITIONAL = {"經": "经", "類": "类", "屬": "属", "誌": "志"}
# $2 codes (case folded) that name the four-branch scheme in a 686: its initials, names and the census's
SCHEME_CODES = frozenset(
    {
        "sbfl",
        "sibu",
        "sbf",
        "skfl",
        "sk",
        "skqs",
        "四部",
        "四部分类",
        "四部分類",
        "四库",
        "四庫",
        "四库分类",
        "四庫分類",
        "四库全书总目",
        "古籍分类",
    }
)
_PATH = re.compile(r"^\s*([经史子集])部?\s*[./／\-—·\s]*([^./／\-—·\s]+?类)?\s*[./／\-—·\s]*([^./／\-—·\s]+?属)?\s*$")
_LOOSE = re.compile(r"[./／\-—·\s]+")


def parse(text: str | None) -> tuple[str, ...] | None:
    """A four-branch class as a path: '史部 地理类 方志之属' -> ('史部', '地理类', '方志之属'); else None."""
    if not text:
        return None
    for trad, simp in _TRADITIONAL.items():
        text = text.replace(trad, simp)
    match = _PATH.match(text)
    if match is None:
        parts = [p for p in _LOOSE.split(text.strip()) if p]
        if not parts or parts[0].rstrip("部") not in BRANCHES or len(parts) > 3:
            return None
        branch = BRANCHES[parts[0].rstrip("部")][0]
        rest = [p if p.endswith(("类", "属")) else p + ("类" if i == 0 else "属") for i, p in enumerate(parts[1:])]
        return (branch, *rest)
    return tuple(p for p in (BRANCHES[match.group(1)][0], match.group(2), match.group(3)) if p)


def is_scheme_code(code: str) -> bool:
    return code.strip().casefold() in SCHEME_CODES
