"""Normalisation of identifiers and text into match keys (keys only: stored text is never changed)."""

from __future__ import annotations

import functools
import re
import unicodedata
from operator import mul as _mul

from graph.identity import romanization

_ISBN_CHARS = re.compile(r"[0-9Xx]")
_ISBN_END = re.compile(r"[\s(:;]")
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")
_ISBN10_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_ISBN13_WEIGHTS = (1, 3) * 6


def isbn13(raw: str | None) -> str | None:
    """ISBN-13 digits for an ISBN-10 or -13 as catalogued ("0-19-852663-6 (pbk.)"), or None if invalid."""
    if not raw:
        return None
    head = _ISBN_END.split(raw.strip(), maxsplit=1)[0]
    chars = "".join(_ISBN_CHARS.findall(head)).upper()
    if len(chars) == 10:
        if not _isbn10_ok(chars):
            return None
        core = "978" + chars[:9]
        return core + isbn13_check(core)
    if len(chars) == 13 and chars.isdigit() and chars[:3] in ("978", "979"):
        return chars if isbn13_check(chars[:12]) == chars[12] else None
    return None


def isbn10_check(core9: str) -> str:
    """The check digit ("0"-"9" or "X") of the ISBN-10 whose first 9 digits are ``core9``."""
    value = (11 - sum(map(_mul, _ISBN10_WEIGHTS, map(int, core9))) % 11) % 11
    return "X" if value == 10 else str(value)


def _isbn10_ok(chars: str) -> bool:
    if not chars[:9].isdigit() or not (chars[9].isdigit() or chars[9] == "X"):
        return False
    total = sum(map(_mul, _ISBN10_WEIGHTS, map(int, chars[:9])))
    total += 10 if chars[9] == "X" else int(chars[9])
    return total % 11 == 0


def isbn13_check(core12: str) -> str:
    """The check digit of the ISBN-13 whose first 12 digits are ``core12``."""
    total = sum(map(_mul, _ISBN13_WEIGHTS, map(int, core12)))
    return str((10 - total % 10) % 10)


def lccn(raw: str | None) -> str | None:
    """LC's normalisation of an LCCN: no blanks, no suffix after '/', serial zero-padded to 6."""
    if not raw:
        return None
    value = raw.strip().replace(" ", "").split("/")[0].lower()
    if "-" in value:
        prefix, _, serial = value.partition("-")
        value = prefix + serial.zfill(6)
    return value or None


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)
_ASCII_PUNCT = str.maketrans({i: None for i in range(128) if not chr(i).isalnum()})  # _PUNCT, for ASCII


def text_key(text: str | None) -> str:
    """A key for matching text: NFKC, case-folded, punctuation and spaces removed."""
    if not text:
        return ""
    if text.isascii():
        return text.lower().translate(_ASCII_PUNCT)
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


def year(text: str | None) -> str | None:
    """The first plausible four-digit year in a date statement."""
    if not text:
        return None
    match = _YEAR.search(text)
    return match.group(1) if match else None


def issn(raw: str | None) -> str | None:
    """An ISSN as 8 characters without the hyphen, if its check digit holds."""
    if not raw:
        return None
    chars = "".join(_ISBN_CHARS.findall(raw.split("(")[0])).upper()
    if len(chars) != 8 or not chars[:7].isdigit():
        return None
    total = sum((8 - i) * int(c) for i, c in enumerate(chars[:7]))
    check = (11 - total % 11) % 11
    return chars if chars[7] == ("X" if check == 10 else str(check)) else None


_OCLC = re.compile(r"^\s*\(ocolc\)\s*(?:ocm|ocn|on)?\s*0*([0-9]+)\s*$", re.IGNORECASE)


def oclc(raw: str | None) -> str | None:
    """The OCLC number of a 035 "(OCoLC)ocm00012345" / "(OCoLC)ocn…" / "(OCoLC)on…", leading zeros dropped."""
    if not raw:
        return None
    match = _OCLC.match(raw)
    return match.group(1) if match else None


# Leading articles dropped from title keys even where a record's non-filing indicator forgot them.
_ARTICLES = (
    "the ",
    "a ",
    "an ",
    "le ",
    "la ",
    "les ",
    "l'",
    "der ",
    "die ",
    "das ",
    "el ",
    "los ",
    "las ",
    "il ",
    "lo ",
    "gli ",
    "i ",
    "un ",
    "une ",
    "ein ",
    "eine ",
)


def title_key(text: str | None, nonfiling: int = 0) -> str:
    """A key for a title: non-filing characters skipped, a leading article dropped, then :func:`text_key`.

    Han characters are folded to Simplified first, so 中國 and 中国 give the same key.
    """
    if not text:
        return ""
    if 0 < nonfiling < len(text):
        text = text[nonfiling:]
    lowered = unicodedata.normalize("NFKC", text).lstrip(" \"'[(¿¡").casefold()
    for article in _ARTICLES:
        if lowered.startswith(article) and len(lowered) > len(article) + 2:
            lowered = lowered[len(article) :]
            break
    return text_key(simplified(lowered)).replace("ü", "u")


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def simplified(text: str) -> str:
    """Traditional Han folded to Simplified (keys only); other text unchanged."""
    if not text or not has_han(text):
        return text
    return _opencc().convert(text)


def pinyin_key(text: str | None) -> str:
    """Han text as toneless pinyin, spaces and punctuation removed: the key a romanised form also gives.

    ALA-LC romanisation of Chinese is pinyin with its own word division; with the spaces
    gone, "Zhongguo li shi" and 中國歷史 both become ``zhongguolishi``.
    """
    if not text or not has_han(text):
        return ""
    from pypinyin import lazy_pinyin

    return text_key("".join(lazy_pinyin(simplified(text), errors="default", v_to_u=True))).replace("ü", "u")


def han_syllables(text: str) -> list[str]:
    """The toneless pinyin syllables of the Han characters in ``text`` (others dropped), ``ü`` as ``u``."""
    if not text or not has_han(text):
        return []
    from pypinyin import lazy_pinyin

    return [s.replace("ü", "u") for s in lazy_pinyin(simplified(text), errors="ignore", v_to_u=True)]


def romanised_keys(text: str | None, *, chinese: bool) -> tuple[str, str, bool]:
    """(exact, loose, ambiguous) keys of a title or name that may be romanised Chinese.

    ``exact`` is the pinyin key a Wade-Giles form reads as when every syllable has one reading
    (``Hung lou meng`` -> ``hongloumeng``, as 红楼梦 and ``Hong lou meng`` give); ``loose`` the
    Wade-Giles letters without apostrophes and umlauts, which Han, pinyin and Wade-Giles forms of
    the same words share (:mod:`graph.identity.romanization`); ``ambiguous`` says the text is
    Wade-Giles that lost its marks, so only the loose key stands for it. Text is read as
    romanised Chinese only where the record is Chinese (``chinese``) or the whole string is
    Wade-Giles syllables.
    """
    if not text:
        return "", "", False
    if has_han(text):
        return "", romanization.loose_of(han_syllables(text)), False
    if romanization.is_wade_giles(text):
        exact = romanization.exact_key(text)
        return exact, romanization.loose_key(text), not exact
    if chinese:
        # pinyin that also reads as Wade-Giles without marks ("Shui hu chuan": zhuan or chuan): loose only
        readings = romanization.wade_giles_readings(text)
        syllables = romanization.pinyin_syllables(text) or []
        ambiguous = readings is not None and [[s] for s in syllables] != readings
        return "", romanization.loose_key(text), ambiguous
    return "", "", False


@functools.lru_cache(maxsize=1)
def _opencc():
    import opencc

    return opencc.OpenCC("t2s")
