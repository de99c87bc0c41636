"""BibTeX ``@book`` entries, UTF-8 (biber and modern bibtex read it), special characters escaped."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin

from graph.identity.normalize import has_han

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def escape(text: str) -> str:
    return "".join(_SPECIAL.get(c, c) for c in " ".join(text.split()))


# a dynasty before a Chinese name, "(清)曹雪芹", "[明]王应山", "（魏）何晏": not part of the surname
_DYNASTY = re.compile(r"^\s*[(（\[［【〔][^)）\]］】〕]{1,6}[)）\]］】〕]\s*")


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^A-Za-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))


def _romanised(text: str) -> str:
    """Latin text as it is; Han text as toneless pinyin (the key of a name the catalogue has only in Han)."""
    return text if not has_han(text) else " ".join(lazy_pinyin(text, errors="ignore"))


def cite_key(rec) -> str:
    """``surname`` + year + first title word, ASCII: from the catalogue's romanised forms ("Cao, Xueqin",
    "Hong lou meng" -> ``cao1996hong``), else pinyin of the Han form; ``anon`` only without any author."""
    author = _DYNASTY.sub("", rec.romanised_author or (rec.authors[0] if rec.authors else ""))
    surname = next((_ascii_word(w) for w in re.split(r"[,\s]", _romanised(author)) if _ascii_word(w)), "")
    title = rec.romanised_title or _romanised(rec.title)
    word = next(
        (_ascii_word(w) for w in title.split() if len(_ascii_word(w)) > 3),
        next((_ascii_word(w) for w in title.split() if _ascii_word(w)), ""),
    )
    return f"{surname or 'anon'}{rec.year}{word}".lower()


def bibtex(rec) -> str:
    fields = [("title", rec.title + (f": {rec.subtitle}" if rec.subtitle else ""))]
    if rec.authors:
        fields.append(("author", " and ".join(rec.authors)))
    if rec.editors:
        fields.append(("editor", " and ".join(rec.editors)))
    for name, value in (
        ("edition", rec.edition),
        ("address", rec.place),
        ("publisher", rec.publisher),
        ("year", rec.year),
        ("series", rec.series),
        ("language", rec.language),
    ):
        if value:
            fields.append((name, value))
    if rec.isbns:
        fields.append(("isbn", rec.isbns[0]))
    fields.append(("url", rec.url))
    body = ",\n".join(f"  {name} = {{{escape(value)}}}" for name, value in fields)
    return f"@book{{{cite_key(rec)},\n{body}\n}}\n"
