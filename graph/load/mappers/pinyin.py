"""Chinese text and its pinyin: the cataloguer's when given, generated (and marked so) when not.

CNMARC carries the cataloguer's pinyin in ``$9`` or in the upper-case twin of a
subfield (``$A`` for ``$a``). Where a source has none (spreadsheets, Dublin Core),
:func:`romanise` writes it with pypinyin, which reads polyphonic surnames wrongly
(仇 chou, 曾 ceng, 单 dan); names go through a surname table first, and the node
is marked with ``alliance:pinyinGenerated`` and, for each surname reading the table
changed, ``alliance:pinyinCorrected``.
"""

from __future__ import annotations

import functools
import re

from pyoxigraph import Literal

from graph.load.mappers.script import script_of, vernacular_tag
from vocab.namespaces import ALLIANCE

PINYIN = "zh-Latn-pinyin"
GENERATOR = "pypinyin"
# Surnames whose reading differs from the character's common one (pypinyin gets these wrong).
SURNAMES = {
    "万俟": "mo qi",
    "尉迟": "yu chi",
    "单于": "chan yu",
    "長孫": "zhang sun",
    "长孙": "zhang sun",
    "仇": "qiu",
    "曾": "zeng",
    "单": "shan",
    "單": "shan",
    "解": "xie",
    "区": "ou",
    "區": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "蓋": "ge",
    "乐": "yue",
    "樂": "yue",
    "秘": "bi",
    "覃": "qin",
    "缪": "miao",
    "繆": "miao",
    "翟": "zhai",
    "繁": "po",
    "种": "chong",
    "種": "chong",
    "员": "yun",
    "員": "yun",
    "召": "shao",
    "折": "she",
    "句": "gou",
    "阚": "kan",
    "闞": "kan",
    "叶": "ye",
    "葉": "ye",
    "宓": "mi",
    "牟": "mu",
    "任": "ren",
    "华": "hua",
    "華": "hua",
    "纪": "ji",
    "紀": "ji",
    "燕": "yan",
    "相": "xiang",
    "谌": "chen",
    "諶": "chen",
    "薄": "bo",
    "柏": "bai",
    "隗": "wei",
    "冼": "xian",
    "沈": "shen",
    "褚": "chu",
    "重": "chong",
    "朝": "chao",
    "尉": "wei",
    "应": "ying",
    "應": "ying",
}
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _pypinyin():
    import pypinyin

    return pypinyin


def has_han(text: str | None) -> bool:
    return text is not None and text != "" and not text.isascii() and script_of(text) == "Hani"


def romanise(text: str, *, personal_name: bool = False) -> tuple[str, list[str]]:
    """Toneless pinyin of ``text`` ('地方志' -> 'di fang zhi') and the surname corrections made."""
    corrections = []
    head, rest, prefix = "", text, ""
    if personal_name:
        for surname in sorted(SURNAMES, key=len, reverse=True):
            if text.startswith(surname):
                default = " ".join(_pypinyin().lazy_pinyin(surname))
                prefix = SURNAMES[surname]
                if default != prefix:
                    corrections.append(f"{surname} {prefix}")
                head, rest = surname, text[len(surname) :]
                break
    syllables = _pypinyin().lazy_pinyin(rest, errors="default")
    body = " ".join(s.strip() for s in syllables if s.strip())
    result = f"{prefix} {body}" if head else body
    return _SPACES.sub(" ", result).strip(), corrections


def han_literal(text: str, language: str = "chi") -> Literal:
    """Han text tagged zh-Hans or zh-Hant by its characters (other text untagged)."""
    if text.isascii():
        return Literal(text)
    tag = vernacular_tag(text, language) if has_han(text) else None
    return Literal(text, language=tag) if tag else Literal(text)


def pinyin_literal(text: str) -> Literal:
    return Literal(_SPACES.sub(" ", text).strip(), language=PINYIN)


def with_pinyin(
    add,
    node,
    prop,
    text: str,
    pinyin: str | None = None,
    *,
    generate: bool = False,
    personal_name: bool = False,
    language: str = "chi",
) -> None:
    """Add ``text`` (tagged by script) and its pinyin to ``node``: the given pinyin, or, with
    ``generate``, pinyin written here and marked as generated (and corrected, for surnames)."""
    if not text:
        return
    add(node, prop, han_literal(text, language))
    if pinyin and pinyin.strip():
        add(node, prop, pinyin_literal(pinyin))
    elif generate and has_han(text):
        value, corrections = romanise(text, personal_name=personal_name)
        if value:
            add(node, prop, pinyin_literal(value))
            add(node, ALLIANCE.pinyinGenerated, Literal(GENERATOR))
            for c in corrections:
                add(node, ALLIANCE.pinyinCorrected, Literal(c))
