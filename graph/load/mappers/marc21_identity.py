"""What a MARC 21 record says about its edition and work, for matching (:class:`graph.identity.match.Evidence`)."""

from __future__ import annotations

from hashlib import blake2b
from typing import Protocol, Sequence

import pymarc

from graph.identity.match import Evidence

# fields a member changes on a copy it loads (control number, its agency, the time it saved it) or adds for
# its own copies (holdings, items, local 9XX): left out of the content digest
_LOCAL_TAGS = frozenset({"001", "003", "005", "852", "876", "877", "878"})


def _clean(text: str) -> str:
    """Without the spaces and ISBD punctuation at its end (a loop: a regex anchored at the end tries every position)."""
    text = (text or "").strip()
    while text and (text[-1] in "/:;,.=" or text[-1].isspace()):
        text = text[:-1]
    return text


def _subs(field, codes: str) -> list[str]:
    return [v for c, v in field.subfields if c in codes and v and not v.isspace()]


def _joined(field, codes: str) -> str:
    return _clean(" ".join(v.strip() for v in _subs(field, codes)))


def _linked(record, tag: str):
    """The 880 paired with ``tag`` (its $6 starts with the tag), if any."""
    for field in record.get_fields("880"):
        if next((v for c, v in field.subfields if c == "6"), "")[:3] == tag:
            return field
    return None


def content_digest(fields) -> str:
    """A digest of a record's bibliographic fields (MARC 21 or UNIMARC): two exact copies of one record
    have the same, whatever control number, agency, timestamp or local holdings fields each member gave it."""
    parts: list[str] = []
    add = parts.append
    for f in fields:
        tag = f.tag
        if tag in _LOCAL_TAGS or tag[:1] == "9":
            continue
        if f.control_field:
            add(f"\x1e{tag}{f.data}")
        else:
            add(f"\x1e{tag}{f.indicator1}{f.indicator2}")
            for c, v in f.subfields:
                add(f"\x1f{c}{v}")
    return blake2b("".join(parts).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class MarcRecord(Protocol):
    """What :func:`evidence` reads of a record: a ``pymarc.Record``, or its fields already indexed by tag."""

    @property
    def leader(self) -> object: ...

    @property
    def fields(self) -> Sequence[object]: ...

    def get_fields(self, *tags: str) -> list[pymarc.Field]: ...


def evidence(record: MarcRecord, member: str, control: str) -> Evidence:
    ev = Evidence(member=member, control=control)
    ev.content = content_digest(record.fields)
    f008 = next((f.data or "" for f in record.get_fields("008")), "")
    ev.language = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    for field in record.get_fields("020"):
        qualifiers = " ".join(_subs(field, "q"))
        ev.isbns += [(v.strip(), qualifiers) for v in _subs(field, "a")]
    ev.lccns = [v for f in record.get_fields("010") for v in _subs(f, "a")]
    ev.issns = [v for f in record.get_fields("022") for v in _subs(f, "a")]
    ev.oclcs = [v for f in record.get_fields("035") for v in _subs(f, "a") if v.strip().upper().startswith("(OCOLC)")]
    t245 = next(iter(record.get_fields("245")), None)
    if t245 is not None:
        ind2 = (t245.indicator2 or "0").strip()
        ev.nonfiling = int(ind2) if ind2.isdigit() else 0
        ev.titles.append(_joined(t245, "anp"))
        ev.part = _joined(t245, "n")
        if (v := _linked(record, "245")) is not None:
            ev.titles.append(_joined(v, "anp"))
    main = next(iter(record.get_fields("100", "110", "111")), None)
    if main is not None:
        ev.authors.append(_joined(main, "a"))
        ev.corporate = main.tag != "100"
        if (v := _linked(record, main.tag)) is not None:
            ev.authors.append(_joined(v, "a"))
    uniform = next(iter(record.get_fields("130", "240")), None)
    if uniform is not None:
        ev.work_titles.append(_joined(uniform, "anp"))
    _translation(ev, record, uniform)
    pub = next(iter(record.get_fields("264", "260")), None)
    if pub is not None:
        ev.date = next(iter(_subs(pub, "c")), None)
        ev.publisher = _clean(next(iter(_subs(pub, "b")), ""))
    if not ev.date and len(f008) >= 11 and f008[7:11].isdigit():
        ev.date = f008[7:11]
    ev.edition = next((_joined(f, "a") for f in record.get_fields("250")), None)
    if t245 is not None:
        ev.subtitles = [_joined(t245, "b")] if _subs(t245, "b") else []
    ev.extent = next((_joined(f, "a") for f in record.get_fields("300")), "")
    ev.carrier = " ".join(
        [
            *(v for f in record.get_fields("245") for v in f.get_subfields("h")),
            *(v for f in record.get_fields("337", "338") for v in f.get_subfields("a")),
            FORM_OF_ITEM.get(f008[23:24], "") if str(record.leader)[6:7] in "at" else "",
        ]
    )
    return ev


def _translation(ev: Evidence, record, uniform) -> None:
    """Is the record a translation (its uniform title names a language, 041 says so or names the original's
    language), and of what: the uniform title without the language, in the original's language (041 $h)."""
    originals = []
    said = False
    for field in record.get_fields("041"):
        said = said or field.indicator1 == "1"
        originals += [v.strip().lower()[i : i + 3] for v in _subs(field, "h") for i in range(0, len(v.strip()) - 2, 3)]
    originals = [c for c in originals if c.isalpha() and c.isascii()]
    said = said or bool(originals) or (uniform is not None and bool(_subs(uniform, "l")))
    ev.original_language = originals[0] if len(set(originals)) == 1 else ""
    ev.translation = said and not (ev.original_language and ev.original_language == ev.language)
    if ev.translation:
        linked = [t for f in record.get_fields("765") if (t := _joined(f, "t"))]  # "Translation of:"
        ev.original_titles = ev.work_titles[:1] if uniform is not None else linked[:1]


FORM_OF_ITEM = {
    "o": "online",
    "q": "electronic",
    "s": "electronic",
    "a": "microfilm",
    "b": "microfiche",
    "c": "microform",
    "d": "large print",
}
