"""Text from MARC 21 fields: subfields joined, ISBD punctuation trimmed, 880 pairs found and tagged."""

from __future__ import annotations

import re
import zlib
from typing import Sequence

from graph.load.mappers.script import vernacular_tag

_ABBREVIATION_END = re.compile(
    r"(?i)(?:\b[A-Z]|\b(?:Jr|Sr|etc|ed|Co|Inc|Ltd|St|Dr|Mr|Mrs|ca|cm|p|v|no|vol|col|ill|b)|\.\.)\.$"
)
_PUNCT_END = frozenset(" /:;,=.")


def clean(text: str | None) -> str:
    """A subfield without the ISBD punctuation MARC leaves at its end ("Title /" -> "Title").

    A final full stop goes unless it ends an abbreviation or an initial ("Jr.", "ill.", "J.").
    """
    if not text:
        return ""
    text = text.strip()
    if not text or text[-1] not in _PUNCT_END:
        return text
    while text and text[-1] in " /:;,=":
        text = text[:-1].rstrip()
    if text.endswith(".") and not text.endswith(".."):
        word = text[text.rfind(" ") + 1 :]
        if len(word) > 5 and word.count(".") == 1 and not word[:-1].isupper():
            return text[:-1]
        if not _ABBREVIATION_END.search(text, len(text) - 6):  # a match is at most 4 characters
            return text[:-1].rstrip()
    return text


def subfields(field, codes: str) -> list[str]:
    """Values of the subfields with these codes, in order, blank ones left out."""
    return [v for c, v in field.subfields if c in codes and v and not v.isspace()]


def first(field, codes: str) -> str:
    for c, v in field.subfields:
        if c in codes and v and not v.isspace():
            return v
    return ""


def joined(field, codes: str, sep: str = " ") -> str:
    """The subfields with these codes joined, punctuation at the end trimmed."""
    return clean(sep.join(v.strip() for c, v in field.subfields if c in codes and v and not v.isspace()))


def fid(*parts: str) -> str:
    """A short stable id for content (fragment names): CRC-32 of the parts, hex."""
    return format(zlib.crc32("\x1f".join(parts).encode("utf-8")), "08x")


def linkage(field) -> tuple[str, str, str] | None:
    """($6 tag, occurrence, script) of a field, e.g. ('245', '01', '$1'), or None."""
    for c, v in field.subfields:
        if c == "6":
            head, _, script = v.partition("/")
            tag, _, occ = head.partition("-")
            return tag[:3], occ[:2], script[:2]
    return None


class Vernacular:
    """The record's 880 fields, paired with the fields they render in another script."""

    __slots__ = ("paired", "unpaired", "language", "_tags")

    def __init__(self, fields880: Sequence, language: str):
        self.paired: dict[tuple[str, str], object] = {}
        self.unpaired: list[tuple[str, object]] = []
        self.language = language
        self._tags: dict[int, str | None] = {}
        for field in fields880:
            link = linkage(field)
            if link is None or not link[0].isdigit():
                continue
            tag, occ, _ = link
            if occ and occ != "00" and (tag, occ) not in self.paired:
                self.paired[(tag, occ)] = field
            else:
                self.unpaired.append((tag, field))

    def of(self, field):
        """The 880 paired with ``field`` (through its $6 880-NN), or None."""
        if not self.paired:
            return None
        link = linkage(field)
        if link is None or link[0] != "880":
            return None
        return self.paired.get((field.tag, link[1]))

    def tag(self, field) -> str | None:
        """The language tag of an 880's text: script from the text, language from the record."""
        key = id(field)
        if key not in self._tags:
            text = " ".join(v for c, v in field.subfields if c not in "0123456789")
            self._tags[key] = vernacular_tag(text, self.language)
        return self._tags[key]


ROMANISED = {
    "zh": "zh-Latn-pinyin",
    "ja": "ja-Latn",
    "ko": "ko-Latn",
    "ru": "ru-Latn",
    "ar": "ar-Latn",
    "he": "he-Latn",
    "el": "el-Latn",
    "fa": "fa-Latn",
    "uk": "uk-Latn",
    "th": "th-Latn",
}


def romanised_tag(vernacular_tag_: str | None) -> str | None:
    """The tag of a romanised form whose vernacular twin is tagged ``vernacular_tag_``."""
    if not vernacular_tag_:
        return None
    return ROMANISED.get(vernacular_tag_.split("-")[0])


# $0 authority record numbers that name a resolvable IRI ("(DE-588)4075739-0" is a GND record)
_AUTHORITY_PREFIXES = {
    "DE-588": "https://d-nb.info/gnd/",
    "viaf": "http://viaf.org/viaf/",
    "isni": "https://isni.org/isni/",
    "orcid": "https://orcid.org/",
    "wikidata": "http://www.wikidata.org/entity/",
}
_LC_AUTHORITIES = (
    ("sh", "subjects"),
    ("sj", "childrensSubjects"),
    ("gf", "genreForms"),
    ("dg", "demographicTerms"),
    ("mp", "performanceMediums"),
    ("n", "names"),
)


def authority_iri(value: str) -> str | None:
    """An IRI for a $0/$1 value: itself if it is one, else from a known "(source)number" form."""
    value = value.strip()
    if value.startswith(("http://", "https://")):
        return value
    if not value.startswith("("):
        return None
    source, _, number = value[1:].partition(")")
    number = number.strip().replace(" ", "")
    if not number:
        return None
    if source in ("DLC", "DLC-R", "uri"):
        for prefix, scheme in _LC_AUTHORITIES:
            if number.startswith(prefix) and number[len(prefix) : len(prefix) + 1].isalnum():
                return f"http://id.loc.gov/authorities/{scheme}/{number}"
        return None
    if source == "OCoLC" and number.startswith("fst"):
        return f"http://id.worldcat.org/fast/{number[3:].lstrip('0')}"
    base = _AUTHORITY_PREFIXES.get(source)
    return base + number if base else None
