"""BibTeX ``@book`` entries, UTF-8 (biber and modern bibtex read it), special characters escaped."""
from __future__ import annotations

import re
import unicodedata

_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
            "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def escape(text: str) -> str:
    return "".join(_SPECIAL.get(c, c) for c in " ".join(text.split()))


def cite_key(rec) -> str:
    """``surname`` + year + first title word, ASCII (romanised names and titles give readable keys)."""
    def ascii_word(text: str) -> str:
        folded = unicodedata.normalize("NFKD", text)
        return re.sub(r"[^A-Za-z0-9]", "", "".join(c for c in folded if not unicodedata.combining(c)))
    surname = ascii_word(re.split(r"[,\s]", rec.authors[0])[0]) if rec.authors else ""
    word = next((ascii_word(w) for w in rec.title.split() if len(ascii_word(w)) > 3), "")
    return f"{surname or 'anon'}{rec.year}{word}".lower()


def bibtex(rec) -> str:
    fields = [("title", rec.title + (f": {rec.subtitle}" if rec.subtitle else ""))]
    if rec.authors:
        fields.append(("author", " and ".join(rec.authors)))
    if rec.editors:
        fields.append(("editor", " and ".join(rec.editors)))
    for name, value in (("edition", rec.edition), ("address", rec.place), ("publisher", rec.publisher),
                        ("year", rec.year), ("series", rec.series), ("language", rec.language)):
        if value:
            fields.append((name, value))
    if rec.isbns:
        fields.append(("isbn", rec.isbns[0]))
    fields.append(("url", rec.url))
    body = ",\n".join(f"  {name} = {{{escape(value)}}}" for name, value in fields)
    return f"@book{{{cite_key(rec)},\n{body}\n}}\n"
