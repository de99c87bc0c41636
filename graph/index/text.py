"""Text analysis for the search index: the same tokens for what is indexed and what is asked.

Han text is folded to Simplified (keys only) and cut into overlapping character
bigrams, each with the unigram of its first character at the same position, so a
two-character query (``北京``, ``家谱``) is a term, a longer one a phrase of bigrams, and
one character still finds something; Traditional and Simplified meet on the same
tokens. Other scripts are words, NFKD-folded without accents and case-folded
(``Lüe`` -> ``lue``). Han titles and romanised (``zh-Latn``) text also give toneless
pinyin syllables, so ``beijing`` or ``bei jing`` finds 北京. Identifiers are keys of
their own: an ISBN in any form (10 or 13 digits, hyphens, qualifiers) becomes its
ISBN-13.

Nothing here knows tantivy or RDF: text in, ``(token, position)`` out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from graph.identity.normalize import has_han, isbn13, issn, lccn, simplified
from graph.identity.romanization import is_wade_giles, split_pinyin, wade_giles_readings, words

VALUE_GAP = 50  # positions between two values of one field, so a phrase never spans them

# Scripts written without spaces: cut into bigrams (Han, kana, Hangul).
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]+")
_WORD = re.compile(r"\w+", re.UNICODE)


# folding -------------------------------------------------------------------------------------
def fold(text: str) -> str:
    """NFKC, Traditional -> Simplified, accents stripped and case folded (``ü`` -> ``u``)."""
    text = simplified(unicodedata.normalize("NFKC", text))
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))
    return text.casefold()


def _runs(text: str):
    """(kind, text) pieces of folded text: "cjk" runs and "word"s, in order."""
    pos = 0
    for m in _CJK.finditer(text):
        for w in _WORD.findall(text[pos : m.start()]):
            yield "word", w
        yield "cjk", m.group()
        pos = m.end()
    for w in _WORD.findall(text[pos:]):
        yield "word", w


def tokens(text: str, start: int = 0) -> list[tuple[str, int]]:
    """Index tokens of one value: words, and Han bigrams with their first character's unigram."""
    out = []
    pos = start
    for kind, piece in _runs(fold(text)):
        if kind == "word":
            out.append((piece, pos))
            pos += 1
            continue
        for i, ch in enumerate(piece):
            out.append((ch, pos + i))
            if i + 1 < len(piece):
                out.append((piece[i : i + 2], pos + i))
        pos += len(piece)
    return out


def value_tokens(values, gap: int = VALUE_GAP) -> list[tuple[str, int]]:
    """Tokens of several values of one field, ``gap`` positions apart."""
    out: list[tuple[str, int]] = []
    start = 0
    for v in values:
        toks = tokens(v, start)
        if toks:
            out += toks
            start = toks[-1][1] + gap
    return out


def place_keys(places) -> dict[str, list[str]]:
    """Places of publication grouped under one facet key each, with the forms of their names.

    A Han name is its own key (Simplified), and a romanised form that reads the same in
    pinyin joins it (北京 with "Beijing" and "Bei jing"); other names key by their letters
    alone, so "Bei jing" and "Beijing" are one place. Han names that share a reading (山西,
    陕西) stay apart.
    """
    from graph.identity.normalize import pinyin_key, text_key

    keys: dict[str, list[str]] = {}
    han = {p: pinyin_key(p) for p in places if has_han(p)}
    for p in sorted(places):
        if p in han:
            keys.setdefault(simplified(p), []).append(p)
    for p in sorted(places):
        if p in han:
            continue
        latin = text_key(fold(p))
        owners = [h for h, reading in han.items() if reading and reading == latin]
        key = simplified(owners[0]) if owners else latin
        if key:
            keys.setdefault(key, []).append(p)
    return keys


HEADING_SEPARATOR = "--"


def heading_key(label: str) -> str:
    """A subject heading folded for prefix lookups, its ``--`` subdivisions kept (``China--History``)."""
    parts = [" ".join(fold(p).split()) for p in label.split(HEADING_SEPARATOR)]
    return HEADING_SEPARATOR.join(p for p in parts if p)


# pinyin ------------------------------------------------------------------------------------
def syllables(word: str) -> list[str] | None:
    """A folded Latin word cut into pinyin syllables (``beijing`` -> bei, jing), or None.

    Fewest syllables first (``xian`` stays one), so romanised words split the way
    ALA-LC and the pinyin of Han titles do.
    """
    found = split_pinyin(word.replace("'", ""))
    return list(found) if found is not None else None


def pinyin_tokens(values, romanised=(), gap: int = VALUE_GAP) -> list[tuple[str, int]]:
    """Toneless pinyin syllables of Han ``values`` and of ``romanised`` (already pinyin) values."""
    out: list[tuple[str, int]] = []
    start = 0
    for v in values:
        if not has_han(v):
            continue
        from pypinyin import lazy_pinyin  # only once a Han value is met: its import costs ~0.15 s a command

        syls = []
        # a list per unknown run is what pypinyin documents for errors=; its stub says str
        for piece in lazy_pinyin(simplified(v), v_to_u=True, errors=lambda chars: [" "] * len(chars)):  # type: ignore[arg-type,return-value]
            syls += _WORD.findall(fold(piece))
        out += [(s, start + i) for i, s in enumerate(syls)]
        start += len(syls) + gap
    for v in romanised:
        if is_wade_giles(v):  # every reading of each Wade-Giles syllable, at the syllable's position
            readings = wade_giles_readings(v) or []
            out += [(s, start + i) for i, options in enumerate(readings) for s in options]
            start += len(readings) + gap
            continue
        syls = []
        for kind, w in _runs(fold(v)):
            if kind == "word":
                syls += syllables(w) or [w]
        out += [(s, start + i) for i, s in enumerate(syls)]
        start += len(syls) + gap
    return out


# identifiers ---------------------------------------------------------------------------------
_ID_CHARS = re.compile(r"[\s\-.()]")


def identifier_keys(kind: str, value: str) -> list[str]:
    """Search keys of an identifier: an ISBN as ISBN-13 (and its ISBN-10 digits), others folded."""
    keys = []
    if kind == "isbn":
        thirteen = isbn13(value)
        if thirteen:
            keys.append(thirteen)
            if thirteen.startswith("978"):
                keys.append(_isbn10(thirteen))
    elif kind == "issn":
        found = issn(value)
        if found:
            keys.append(found.lower())
    elif kind == "lccn":
        found = lccn(value)
        if found:
            keys.append(found)
    raw = _ID_CHARS.sub("", value).casefold()
    if raw and raw not in keys:
        keys.append(raw)
    return keys


def _isbn10(thirteen: str) -> str:
    core = thirteen[3:12]
    total = sum((10 - i) * int(c) for i, c in enumerate(core))
    check = (11 - total % 11) % 11
    return core + ("x" if check == 10 else str(check))


# queries ---------------------------------------------------------------------------------------
@dataclass
class Part:
    """One thing a query asks for: a word, a Han run or an identifier, with its alternatives.

    ``text`` is the token sequence for the text fields (one token: a term; more: a phrase);
    ``pinyin`` the syllables the word may stand for; ``readings`` other syllable sequences it
    may stand for (a Wade-Giles syllable's pinyin readings); ``ids`` identifier keys to try.
    """

    text: list[str]
    pinyin: list[str] | None = None
    ids: list[str] = field(default_factory=list)
    readings: list[list[str]] = field(default_factory=list)


_ISBNISH = re.compile(r"^[0-9][0-9\-\s]{7,}[0-9xX]$")


def parse_query(q: str) -> list[Part]:
    """The parts of what a person typed; every part must match somewhere (AND)."""
    parts: list[Part] = []
    q = (q or "").strip()
    if not q:
        return parts
    if _ISBNISH.match(q) and isbn13(q):  # "978-7-80232-257-8" is one identifier, not four numbers
        return [Part(text=[_ID_CHARS.sub("", q).casefold()], ids=identifier_keys("isbn", q))]
    if not _CJK.search(q) and is_wade_giles(q):
        # "Hung lou meng", "Ts'ao Hsüeh-ch'in": each syllable as written, or any pinyin it reads as
        for word, options in zip(words(q), wade_giles_readings(q) or []):
            parts.append(Part(text=_WORD.findall(fold(word)), readings=[[o] for o in options]))
        return parts
    for kind, piece in _runs(fold(q)):
        if kind == "cjk":
            if len(piece) == 1:
                parts.append(Part(text=[piece]))
            else:
                parts.append(Part(text=[piece[i : i + 2] for i in range(len(piece) - 1)]))
            continue
        syls = syllables(piece)
        ids = identifier_keys("isbn", piece) if piece[:1].isdigit() else []
        if piece[:1].isdigit() and not ids:
            ids = [piece]
        parts.append(Part(text=[piece], pinyin=syls if syls and len(syls) > 1 else None, ids=ids))
    return parts
