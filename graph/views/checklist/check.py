"""Each line of a purchase list matched against the alliance, with who holds it and a verdict.

Matching is the union's own: a line becomes the :class:`graph.identity.match.Evidence` a record
with those fields would give (ISBNs with their qualifiers, so a set ISBN is not trusted alone; title
and other title information; first author; publisher; year; edition) and
:meth:`graph.identity.clusters.ClusterIndex.lookup` says which edition clusters and works loading it
would have joined. Holdings (members and copies) of the matched editions and of the other editions of
their works come from the store, in a few grouped queries for the whole list.

Verdicts, in the order a librarian sorts them (what to buy first):

1. ``not_held``: no member holds this edition or any other edition of the work;
2. ``other_edition``: no member holds this edition, but one holds another edition of the work;
3. ``scarce``: held by at most ``scarce`` (default 2) members, not this one;
4. ``common``: held by more members than that, not this one;
5. ``held_here``: this member (``--member``) already holds this edition.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graph.views.checklist.lines import BadRow, Line, ListFile, read_list
from graph.identity.clusters import ClusterIndex, Found
from graph.identity.match import Evidence
from graph.identity.normalize import has_han
from graph.identity.periods import split_dynasty
from graph.load.mappers.chinese import split_role
from graph.views.common import chunks, labels_for, node, select, values
from graph.views.holdings import members_by_iri
from graph.store.base import Store

VERDICTS = {  # code -> (rank, English, Chinese); {n} is the number of holding members
    "not_held": (1, "not held in the alliance", "联盟未收藏"),
    "other_edition": (2, "another edition held", "联盟有其他版本"),
    "scarce": (3, "held by {n} (scarce)", "{n} 馆收藏（稀缺）"),
    "common": (4, "held by {n} (common)", "{n} 馆收藏（常见）"),
    "held_here": (5, "held by this member already", "本馆已有"),
}
_NAMES = re.compile(r"\s*(?:[;；、]|\band\b|&)\s*")


@dataclass
class CheckedLine:
    line: Line
    found: Found
    holders: dict[str, int]  # member code -> copies of the matched edition(s)
    other_holders: dict[str, int]  # member code -> copies of other editions of the work
    verdict: str
    titles: dict[str, str] = field(default_factory=dict)  # matched edition IRI -> its title

    @property
    def rank(self) -> int:
        return VERDICTS[self.verdict][0]

    def verdict_text(self, lang: str = "en") -> str:
        _, en, zh = VERDICTS[self.verdict]
        return (zh if lang.startswith("zh") else en).format(n=len(self.holders))


@dataclass
class CheckReport:
    name: str
    member: str | None
    scarce: int
    lines: list[CheckedLine]
    bad: list[BadRow]
    notices: list[str]
    columns: list[str]

    def sorted(self, by: str = "row") -> list[CheckedLine]:
        """Lines in list order (``row``) or by verdict, what to buy first (``verdict``)."""
        if by == "verdict":
            return sorted(self.lines, key=lambda c: (c.rank, c.line.row))
        return list(self.lines)

    def summary(self) -> dict:
        held = [c for c in self.lines if c.holders]
        priced = [(c, price) for c in self.lines if (price := c.line.total) is not None]
        total = sum(price for _, price in priced)
        held_price = sum(price for c, price in priced if c.holders)
        other_price = sum(price for c, price in priced if c.verdict == "other_edition")
        return {
            "rows": len(self.lines) + len(self.bad),
            "checked": len(self.lines),
            "bad": len(self.bad),
            "held": len(held),
            "other_edition": sum(1 for c in self.lines if c.verdict == "other_edition"),
            "not_held": sum(1 for c in self.lines if c.verdict == "not_held"),
            "held_here": sum(1 for c in self.lines if c.verdict == "held_here"),
            "verdicts": dict(Counter(c.verdict for c in self.lines)),
            "priced": len(priced),
            "price_total": round(total, 2),
            "price_held": round(held_price, 2),
            "price_other_edition": round(other_price, 2),
            "price_held_share": round(held_price / total, 4) if total else 0.0,
        }


def evidence(line: Line) -> Evidence:
    """What loading a record with this line's fields would tell the cluster index."""
    v = line.values
    authors = []
    if first := _first_name(v.get("author", "")):
        authors.append(first)
    return Evidence(
        member="CHECK-LIST",
        control=f"row-{line.row}",
        isbns=list(line.isbns),
        titles=[line.title] if line.title else [],
        subtitles=[line.subtitle] if line.subtitle else [],
        authors=authors,
        date=v.get("year") or None,
        publisher=v.get("publisher") or None,
        edition=v.get("edition") or None,
    )


def _first_name(text: str) -> str:
    """The first name of a statement of responsibility, as a main entry would give it:
    "(清)王夫之撰；李四注" -> "王夫之", "John Smith and Ann Lee" -> "Smith, John", "Smith, John" as is."""
    parts = [p for p in _NAMES.split(text.strip()) if p.strip()]
    if not parts:
        return ""
    name = parts[0].strip()
    if has_han(name):
        _, rest = split_dynasty(name)
        name, _ = split_role(rest)
        return re.split(r"[,，]\s*", name)[0].strip()
    name = re.sub(r"\s*\((?:ed|eds|editor|trans|tr)\.?\)\s*$|\s+(?:ed|eds)\.$", "", name, flags=re.IGNORECASE)
    if "," in name:
        return name
    words = name.split()
    return f"{words[-1]}, {' '.join(words[:-1])}" if len(words) > 1 else name


def check_lines(
    lines: ListFile, store: Store, clusters: ClusterIndex, member: str | None = None, scarce: int = 2, lang: str = "en"
) -> CheckReport:
    member = member.upper() if member else None
    # a list that gives no year is silent, not different: the year of each record compared counts
    found = [clusters.lookup(evidence(line), open_year=True) for line in lines.lines]
    matched = sorted({i for f in found for i in f.instances})
    others = sorted({i for f in found for i in f.editions})
    held = holders(store, matched + others)
    titles = labels_for(store, matched, lang) if matched else {}
    checked = []
    for line, f in zip(lines.lines, found):
        mine = _sum(held.get(i, {}) for i in f.instances)
        other = _sum(held.get(i, {}) for i in f.editions)
        checked.append(
            CheckedLine(
                line, f, mine, other, verdict(mine, other, member, scarce), {i: titles.get(i, "") for i in f.instances}
            )
        )
    return CheckReport(lines.name, member, scarce, checked, lines.bad, lines.notices, lines.columns)


def check_list(
    path: str | Path,
    store: Store,
    clusters: ClusterIndex,
    member: str | None = None,
    scarce: int = 2,
    lang: str = "en",
    name: str | None = None,
) -> CheckReport:
    """Read and check a list file (:class:`graph.views.checklist.lines.ListError` if it cannot be read)."""
    return check_lines(read_list(path, name), store, clusters, member, scarce, lang)


def verdict(mine: dict[str, int], other: dict[str, int], member: str | None, scarce: int) -> str:
    if member and member in mine:
        return "held_here"
    if mine:
        return "scarce" if len(mine) <= scarce else "common"
    return "other_edition" if other else "not_held"


def holders(store: Store, instances: list[str]) -> dict[str, dict[str, int]]:
    """Instance IRI -> member code -> copies (bf:Items held), for many instances in a few queries."""
    members = members_by_iri(store)
    out: dict[str, dict[str, int]] = {}
    for part in chunks([node(i) for i in instances]):
        for r in select(
            store,
            f"""SELECT ?inst ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {values("inst", part)}
                ?item bf:itemOf ?inst ; bf:heldBy ?lib }} GROUP BY ?inst ?lib""",
        ):
            m = members.get(r["lib"].value)
            code = m.code if m else r["lib"].value.rsplit("/", 1)[-1].upper()
            out.setdefault(r["inst"].value, {})[code] = int(r["n"].value)
    return out


def _sum(maps) -> dict[str, int]:
    total: dict[str, int] = {}
    for m in maps:
        for code, n in m.items():
            total[code] = total.get(code, 0) + n
    return dict(sorted(total.items()))
