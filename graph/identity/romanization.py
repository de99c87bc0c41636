"""Romanised Chinese: pinyin syllables, and Wade-Giles read as pinyin (keys only).

Catalogues made before the 2000 pinyin conversion, and many never converted, romanise
Chinese in **Wade-Giles**: ``Hung lou meng``, ``Ts'ao, Hsüeh-ch'in``, ``Pei-ching``. The
syllable table here is written from the published Wade-Giles/pinyin correspondence (the
Library of Congress's conversion tables): :data:`WADE_GILES` maps every pinyin syllable to its
Wade-Giles spelling, with aspiration as an apostrophe (``ch'``, ``k'``, ``p'``, ``t'``, ``ts'``,
``tz'``) and ``ü`` where Wade-Giles writes it; the reverse reading is derived from it.

Two marks carry meaning, and records lose them: the apostrophe (``ch'ang`` is *chang*,
``chang`` is *zhang*; records write it as ``'`` ``’`` ``‘`` ``ʻ`` or ``\\```) and the umlaut
(``yü`` is *yu*, ``yu`` is *you*). A string that uses a mark anywhere is taken to use it
everywhere; a string that uses none is ambiguous wherever a mark could have stood, and then
:func:`wade_giles_readings` gives every reading, :func:`exact_key` gives nothing and only the
*loose key* (the Wade-Giles letters with the marks dropped, which Han, pinyin and Wade-Giles
forms of the same words all give) is left: matching treats a loose key as weaker evidence
(``graph/identity/match.py``), because a false merge costs more than a missed one.

English is never read as Wade-Giles by accident: :func:`is_wade_giles` needs every word to be
a Wade-Giles syllable (hyphenated syllables allowed) and the string not to read as pinyin
already, unless it carries an aspiration apostrophe.
"""

from __future__ import annotations

import functools
import re
import unicodedata

PINYIN_SYLLABLES = frozenset(
    """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu
cuan cui cun cuo da dai dan dang dao de dei den deng di dian diao die ding diu dong dou du duan dui dun duo e ei
en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang
gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao
jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui kun kuo
la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo ma mai man
mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang
niao nie nin ning niu nong nou nu nuan nue nun nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping
po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua
ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai
shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong
tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan
xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai
zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui
zun zuo""".split()
)
LONGEST_SYLLABLE = max(map(len, PINYIN_SYLLABLES))

# Wade-Giles ---------------------------------------------------------------------------------------
_INITIALS = {
    "zh": "ch",
    "ch": "ch'",
    "sh": "sh",
    "b": "p",
    "p": "p'",
    "m": "m",
    "f": "f",
    "d": "t",
    "t": "t'",
    "n": "n",
    "l": "l",
    "g": "k",
    "k": "k'",
    "h": "h",
    "j": "ch",
    "q": "ch'",
    "x": "hs",
    "r": "j",
    "z": "ts",
    "c": "ts'",
    "s": "s",
    "y": "y",
    "w": "w",
}
# Whole syllables the initial + final rules below do not give (LC's table).
_SPECIAL = {
    "zhi": "chih",
    "chi": "ch'ih",
    "shi": "shih",
    "ri": "jih",
    "zi": "tzu",
    "ci": "tz'u",
    "si": "ssu",
    "e": "o",
    "er": "erh",
    "me": "mo",
    "ge": "ko",
    "ke": "k'o",
    "he": "ho",
    "gui": "kuei",
    "kui": "k'uei",
    "guo": "kuo",
    "kuo": "k'uo",
    "huo": "huo",
    "shuo": "shuo",
    "yi": "i",
    "you": "yu",
    "yong": "yung",
    "yan": "yen",
    "ye": "yeh",
    "yu": "yü",
    "yue": "yüeh",
    "yuan": "yüan",
    "yun": "yün",
    "lue": "lüeh",
    "nue": "nüeh",
    "ju": "chü",
    "qu": "ch'ü",
    "xu": "hsü",
    "juan": "chüan",
    "quan": "ch'üan",
    "xuan": "hsüan",
    "jun": "chün",
    "qun": "ch'ün",
    "xun": "hsün",
    "jue": "chüeh",
    "que": "ch'üeh",
    "xue": "hsüeh",
    "jiong": "chiung",
    "qiong": "ch'iung",
    "xiong": "hsiung",
}
# Where two pinyin syllables spell the same in Wade-Giles (e/o, lo/luo, me/mo), the one read back.
_PREFERRED = {"o": "e", "lo": "luo", "mo": "mo"}
# Other spellings of a Wade-Giles syllable seen in records -> the table's.
_WG_ALIASES = {"szu": "ssu", "yi": "i", "e": "o"}


def _wade_giles_of(py: str) -> str:
    if py in _SPECIAL:
        return _SPECIAL[py]
    initial = next((i for i in ("zh", "ch", "sh") if py.startswith(i)), None) or (py[0] if py[0] in _INITIALS else "")
    final = py[len(initial) :]
    if final.endswith("ong"):
        final = final[:-3] + "ung"
    elif final.endswith("ian"):
        final = final[:-3] + "ien"
    elif final.endswith("ie"):
        final += "h"
    elif final == "uo":
        final = "o"
    return _INITIALS.get(initial, "") + final


WADE_GILES: dict[str, str] = {py: _wade_giles_of(py) for py in sorted(PINYIN_SYLLABLES)}
# marked Wade-Giles syllable -> pinyin
_READ: dict[str, str] = {wg: _PREFERRED.get(wg, py) for py, wg in WADE_GILES.items()}


def _unmarked(wg: str) -> str:
    return wg.replace("'", "").replace("ü", "u")


# unmarked syllable -> [(marked syllable, pinyin)]
_BY_LETTERS: dict[str, list[tuple[str, str]]] = {}
for _wg, _py in sorted(_READ.items()):
    _BY_LETTERS.setdefault(_unmarked(_wg), []).append((_wg, _py))

_APOSTROPHES = "'’‘ʻʼ`´′"
_APOSTROPHE = re.compile(f"[{_APOSTROPHES}]")
_ASPIRATED = re.compile(f"(?:ch|k|p|t|ts|tz)[{_APOSTROPHES}]", re.IGNORECASE)
_PIECES = re.compile(r"[\s\-‐‑–]+")
_EDGE = re.compile(r"^[^\w']+|[^\w']+$")


def _fold(text: str) -> str:
    """Lower case, apostrophes as ``'``, ``ê``/``ŭ`` without their marks, ``ü`` kept."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = _APOSTROPHE.sub("'", text).replace("u\u0308", "ü")
    return text.replace("ê", "e").replace("ŭ", "u").replace("ě", "e").replace("ä", "a")


def words(text: str) -> list[str]:
    """The words of romanised text, folded (apostrophes as ``'``, ``ü`` kept), split at spaces and hyphens."""
    out = []
    for piece in _PIECES.split(_fold(text).replace(",", " ").replace(".", " ")):
        piece = _EDGE.sub("", piece)
        if piece:
            out.append(piece)
    return out


def wade_giles_readings(text: str) -> list[list[str]] | None:
    """The pinyin readings of each Wade-Giles syllable of ``text``, or None if a word is not one.

    ``"Ts'ao Hsüeh-ch'in"`` -> ``[["cao"], ["xue"], ["qin"]]``; without its marks,
    ``"Tsao Hsueh-chin"`` -> ``[["cao", "zao"], ["xue"], ["jin", "qin"]]``.
    """
    found = words(text or "")
    if not found:
        return None
    apostrophes = "'" in "".join(found)
    umlauts = "ü" in "".join(found)
    if all(word.isdigit() for word in found):
        return None
    out = []
    for word in found:
        if word.isdigit():  # "60 nien": numbers stand as they are
            out.append([word])
            continue
        marked = _WG_ALIASES.get(word.replace("'", ""), None)
        if marked is not None and "'" not in word:
            word = marked
        letters = _unmarked(word)
        forms = _BY_LETTERS.get(_WG_ALIASES.get(letters, letters))
        if not forms:
            return None
        aspirated, umlaut = "'" in word, "ü" in word
        readings = [
            py
            for wg, py in forms
            if (not apostrophes or ("'" in wg) == aspirated) and (not umlauts or ("ü" in wg) == umlaut)
        ]
        if not readings:
            return None
        out.append(sorted(set(readings)))
    return out


@functools.lru_cache(maxsize=65536)
def split_pinyin(word: str, strict: bool = False) -> tuple[str, ...] | None:
    """A folded Latin word cut into pinyin syllables, fewest first (``beijing`` -> bei, jing), or None.

    A syllable starting with a, o or e inside a word should follow an apostrophe (``Xi'an``), so a
    split without one is tried only when no other exists (``tiananmen``), and never when ``strict``:
    strictly, ``chiang`` is not chi-ang but Wade-Giles.
    """
    word = word.replace("'", "").replace("ü", "u")
    if not word or not word.isascii() or not word.isalpha():
        return None
    found = _split(word, True)
    return found if found is not None or strict else _split(word, False)


def _split(word: str, strict: bool) -> tuple[str, ...] | None:
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for size in range(1, min(LONGEST_SYLLABLE, end) + 1):
            head = best[end - size]
            if strict and end - size and word[end - size] in "aoe":
                continue
            if head is not None and word[end - size : end] in PINYIN_SYLLABLES:
                candidate = head + (word[end - size : end],)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(word)]


def pinyin_syllables(text: str, strict: bool = False) -> list[str] | None:
    """Every word of romanised ``text`` cut into pinyin syllables, or None if one is not pinyin."""
    out: list[str] = []
    for word in words(text or ""):
        if word.isdigit():
            out.append(word)
            continue
        syls = split_pinyin(word, strict)
        if syls is None:
            return None
        out += syls
    return out or None


def is_wade_giles(text: str) -> bool:
    """Does ``text`` read as Wade-Giles (every word a syllable) rather than pinyin or anything else?"""
    if not text or wade_giles_readings(text) is None:
        return False
    return bool(_ASPIRATED.search(text)) or pinyin_syllables(text, strict=True) is None


def exact_key(text: str) -> str:
    """The pinyin key (``hongloumeng``) of Wade-Giles ``text`` when every syllable has one reading, else ""."""
    readings = wade_giles_readings(text)
    if not readings or any(len(r) != 1 for r in readings):
        return ""
    return "".join(r[0] for r in readings)


def loose_of(syllables) -> str:
    """The loose key of pinyin syllables: their Wade-Giles letters without marks (``zhang`` -> chang)."""
    out = []
    for s in syllables:
        if s.isdigit():
            out.append(s)
            continue
        s = s.replace("ü", "u").replace("v", "u")
        wg = WADE_GILES.get(s)
        if wg is None:
            return ""
        out.append(_unmarked(wg))
    return "".join(out)


def loose_key(text: str) -> str:
    """The loose key of romanised text (Wade-Giles with or without marks, or pinyin), else ""."""
    if is_wade_giles(text):
        readings = wade_giles_readings(text)
        return loose_of(r[0] for r in readings) if readings else ""
    syls = pinyin_syllables(text)
    return loose_of(syls) if syls else ""


def to_wade_giles(text: str, *, marks: bool = True, apostrophe: str = "'") -> str:
    """Pinyin text as Wade-Giles: each pinyin word's syllables converted and hyphenated, case kept.

    ``"Cao, Xueqin"`` -> ``"Ts'ao, Hsüeh-ch'in"``; words that are not pinyin are left as they are.
    ``marks=False`` drops the apostrophes and umlauts (as records converted to ASCII did).
    """
    text = unicodedata.normalize("NFC", text)  # records often decompose ü (u + U+0308)

    def convert(match: re.Match) -> str:
        word = match.group(0)
        syls = split_pinyin(word.casefold())
        if syls is None:
            return word
        parts = [WADE_GILES[s] for s in syls]
        if not marks:
            parts = [_unmarked(p) for p in parts]
        joined = "-".join(parts).replace("'", apostrophe)
        return joined[:1].upper() + joined[1:] if word[:1].isupper() else joined

    return re.sub(r"[A-Za-zÜü]+", convert, text)
