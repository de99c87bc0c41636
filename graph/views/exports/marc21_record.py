"""What building a MARC 21 record from BIBFRAME needs everywhere: choosing one value among several
descriptions' (deterministically), telling romanised from vernacular forms, and the record's fields
with their 880 pairs."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from pymarc import Field, Indicators, Record, Subfield
from pyoxigraph import Literal

from graph.identity.normalize import text_key
from graph.load.mappers.script import script_of

SCRIPT_CODES = {"Hani": "$1", "Kana": "$1", "Hang": "$1", "Cyrl": "(N", "Arab": "(3", "Hebr": "(2", "Grek": "(S"}


# choosing among what several members said ---------------------------------------------------------
def vernacular(lit: Literal) -> bool:
    """Text in a non-Latin script (the 880 side); romanised forms (``-Latn`` tags) and Latin text are not."""
    tag = (lit.language or "").lower()
    return "latn" not in tag.split("-")[1:] and script_of(lit.value) is not None


def split_scripts(lits: Iterable[Literal]) -> tuple[list[str], list[str]]:
    """(romanised or Latin values, vernacular values), each distinct and sorted."""
    latin: set[str] = set()
    vern: set[str] = set()
    for lit in lits:
        (vern if vernacular(lit) else latin).add(lit.value.strip())
    return sorted(v for v in latin if v), sorted(v for v in vern if v)


def most_given(values: Iterable[str]) -> str | None:
    """The value most often given (by text key), its smallest form; None if none."""
    values = [v for v in values if v]
    if not values:
        return None
    counts = Counter(text_key(v) or v for v in values)
    best = max(counts.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]]))[0]
    return min(v for v in values if (text_key(v) or v) == best)


def code_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


class Builder:
    """One record's fields, with 880 pairing."""

    def __init__(self):
        self.fields: list[Field] = []
        self.links = 0

    def control(self, tag: str, data: str) -> None:
        self.fields.append(Field(tag=tag, data=data))

    def field(
        self,
        tag: str,
        ind: str,
        subs: list[tuple[str, str]],
        vern: list[tuple[str, str]] | None = None,
    ) -> None:
        """A data field, and its 880 when ``vern`` gives a vernacular form; only ``vern``: the field itself."""
        subs = [(c, v) for c, v in subs if v]
        vern = [(c, v) for c, v in (vern or []) if v]
        if not subs and not vern:
            return
        if not subs:
            subs, vern = vern, []
        if vern:
            self.links += 1
            occ = f"{self.links:02d}"
            script = script_of(" ".join(v for _, v in vern)) or ""
            self.fields.append(data_field(tag, ind, [("6", f"880-{occ}")] + subs))
            self.fields.append(
                data_field("880", ind, [("6", f"{tag}-{occ}/{SCRIPT_CODES.get(script, '')}".rstrip("/"))] + vern)
            )
        else:
            self.fields.append(data_field(tag, ind, subs))

    def record(self, leader: str) -> Record:
        record = Record(force_utf8=True, leader=leader)
        order = {f: i for i, f in enumerate(self.fields)}
        # fields in tag order; the 880s last, in the order of the fields they pair with
        tags = sorted(self.fields, key=lambda f: ("999" + f["6"][:3] if f.tag == "880" else f.tag, order[f]))
        for f in tags:
            record.add_field(f)
        return record


def data_field(tag: str, ind: str, subs: list[tuple[str, str]]) -> Field:
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=[Subfield(c, v) for c, v in subs])
