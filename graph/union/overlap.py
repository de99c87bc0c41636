"""Overlap and collection reports: who holds what the others hold, what only one member holds.

Read from the store (the union of every member's active data), at the level of editions
(bf:Instance, the default) or works (bf:Work): a title is held by a member when one of the
member's bf:Items is an item of it. The report gives

* a member × member matrix: titles in common, the share of A's titles that B also holds,
  Jaccard (common / union), overlap coefficient (common / smaller collection);
* per member: titles held, held by no other member (unique), held by at most N members
  (scarce), held by every member; the uniqueness rate;
* the alliance's duplication ratio: Σ holdings / distinct titles;
* the same per classification (LCC class letter, Chinese Library Classification class) and
  publication decade.

The SPARQL queries below are the definition: the same numbers can be had from ``/sparql``
(see :data:`SPARQL_EXAMPLES`).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from graph.identity.uris import Minter
from graph.alliance.members import list_members
from graph.store.base import Store
from vocab.namespaces import sparql_prefixes

LEVELS = ("instance", "work")
BREAKDOWNS = ("lcc", "clc", "decade")
CLC_SCHEME = "http://id.loc.gov/vocabulary/classSchemes/clc"
_YEAR = re.compile(r"(1[0-9]{3}|20[0-9]{2})")

HOLDINGS_QUERY = {
    "instance": "SELECT DISTINCT ?title ?library WHERE { ?item bf:itemOf ?title ; bf:heldBy ?library }",
    "work": "SELECT DISTINCT ?title ?library WHERE { ?item bf:itemOf ?i ; bf:heldBy ?library . "
    "?i bf:instanceOf ?title }",
}
CLASS_QUERY = """SELECT ?work ?type ?portion ?source WHERE {
  ?work a bf:Work ; bf:classification ?c . ?c a ?type ; bf:classificationPortion ?portion .
  OPTIONAL { ?c bf:source ?source } }"""
WORK_QUERY = "SELECT ?instance ?work WHERE { ?instance bf:instanceOf ?work ; a bf:Instance }"
DATE_QUERY = """SELECT ?instance ?date WHERE {
  ?instance a bf:Instance .
  { ?instance bf:provisionActivity ?p . ?p bflc:simpleDate ?date }
  UNION { ?instance bf:provisionActivity ?p . ?p bf:date ?date } }"""


@dataclass
class Overlap:
    """Holdings per title: title IRI -> the set of member codes holding it, plus facets."""

    level: str
    members: list[str]
    holders: dict[str, frozenset[str]]
    facets: dict[str, dict[str, str]] = field(default_factory=dict)  # breakdown -> title -> value

    # the numbers -----------------------------------------------------------------------
    def summary(self, scarce: int = 2) -> dict:
        return _summary(Counter(self.holders.values()), self.members, scarce)

    def breakdown(self, name: str, scarce: int = 2) -> list[dict]:
        """The summary per value of one facet (``lcc``, ``clc`` or ``decade``): classes largest first,
        decades in time order (a table of decades is read down the years)."""
        values = self.facets.get(name, {})
        groups: dict[str, Counter] = defaultdict(Counter)
        for title, holders in self.holders.items():
            if (value := values.get(title)) is not None:
                groups[value][holders] += 1
        rows = []
        for value, sets in groups.items():
            s = _summary(sets, self.members, scarce)
            rows.append(
                {
                    "value": value,
                    "titles": s["titles"],
                    "holdings": s["holdings"],
                    "duplication_ratio": s["duplication_ratio"],
                    "held_by_all": s["held_by_all"],
                    "members": {m["code"]: {"titles": m["titles"], "unique": m["unique"]} for m in s["members"]},
                }
            )
        if name == "decade":
            return sorted(rows, key=lambda r: r["value"])  # "1860s" < "2020s": four-digit years
        return sorted(rows, key=lambda r: (-r["titles"], r["value"]))

    def report(self, scarce: int = 2) -> dict:
        out = {"level": self.level, **self.summary(scarce)}
        out["breakdowns"] = {name: self.breakdown(name, scarce) for name in BREAKDOWNS}
        return out

    def titles(self, which: str, member: str | None = None, scarce: int = 2) -> list[str]:
        """Title IRIs: ``unique`` (only ``member`` holds), ``scarce`` (``member`` and at most
        ``scarce`` - 1 others), ``everyone`` (every member holds), ``common`` (``member`` and some other)."""
        n = len(self.members)
        member = member.upper() if member else None
        if which != "everyone" and member not in self.members:
            raise ValueError(f"{which!r} needs one of the members {', '.join(self.members)}")
        test = {
            "unique": lambda h: h == {member},
            "scarce": lambda h: member in h and len(h) <= scarce,
            "common": lambda h: member in h and len(h) > 1,
            "everyone": lambda h: len(h) == n,
        }.get(which)
        if test is None:
            raise ValueError(f"unknown list {which!r}: unique, scarce, common or everyone")
        return sorted(t for t, h in self.holders.items() if test(h))


def _summary(sets: Counter, members: list[str], scarce: int) -> dict:
    """The overlap numbers of titles grouped by their set of holders (``sets``: holders -> titles)."""
    n = len(members)
    titles = sum(sets.values())
    holdings = sum(len(h) * c for h, c in sets.items())
    held: Counter[str] = Counter()
    unique: Counter[str] = Counter()
    scarce_n: Counter[str] = Counter()
    everyone: Counter[str] = Counter()
    common: Counter = Counter()
    distribution: Counter[int] = Counter()
    for h, count in sets.items():
        distribution[len(h)] += count
        for a in h:
            held[a] += count
            if len(h) == 1:
                unique[a] += count
            if len(h) <= scarce:
                scarce_n[a] += count
            if len(h) == n:
                everyone[a] += count
            for b in h:
                if a != b:
                    common[a, b] += count
    matrix = []
    for a in members:
        for b in members:
            if a == b:
                continue
            c = common[a, b]
            union = held[a] + held[b] - c
            matrix.append(
                {
                    "a": a,
                    "b": b,
                    "common": c,
                    "share_of_a_held_by_b": _ratio(c, held[a]),
                    "jaccard": _ratio(c, union),
                    "overlap_coefficient": _ratio(c, min(held[a], held[b])),
                }
            )
    return {
        "members": [
            {
                "code": m,
                "titles": held[m],
                "unique": unique[m],
                "scarce": scarce_n[m],
                "held_by_all": everyone[m],
                "uniqueness_rate": _ratio(unique[m], held[m]),
            }
            for m in members
        ],
        "titles": titles,
        "holdings": holdings,
        "duplication_ratio": _ratio(holdings, titles),
        "held_by_all": sum(c for h, c in sets.items() if len(h) == n and n),
        "held_by_one": distribution[1],
        "scarce_threshold": scarce,
        "distribution": {str(k): distribution[k] for k in range(1, n + 1)},
        "matrix": matrix,
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def overlap(store: Store, minter: Minter, level: str = "instance") -> Overlap:
    """Read who holds which title from the store."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    prefixes = sparql_prefixes()
    codes = {m.iri: m.code for m in list_members(store)}
    holders: dict[str, set] = defaultdict(set)
    for row in store.query(prefixes + HOLDINGS_QUERY[level]):
        code = codes.get(row["library"].value)
        if code:
            holders[row["title"].value].add(code)
    frozen = {t: frozenset(h) for t, h in holders.items()}
    return Overlap(level, sorted(codes.values()), frozen, _facets(store, prefixes, level, frozen))


def _facets(store: Store, prefixes: str, level: str, titles: dict) -> dict[str, dict[str, str]]:
    work_of: dict[str, str] = {}
    if level == "instance":
        for row in store.query(prefixes + WORK_QUERY):
            work_of[row["instance"].value] = row["work"].value
    lcc: dict[str, str] = {}
    clc: dict[str, str] = {}
    for row in store.query(prefixes + CLASS_QUERY):
        portion = row["portion"].value.strip()
        letter = portion[:1].upper()
        if not letter.isalpha() or not letter.isascii():
            continue
        work = row["work"].value
        source = row["source"].value if row["source"] is not None else ""
        if row["type"].value.endswith("ClassificationLcc"):
            lcc.setdefault(work, letter)
        elif source == CLC_SCHEME:
            clc.setdefault(work, letter)
    years: dict[str, int] = {}
    for row in store.query(prefixes + DATE_QUERY):
        if match := _YEAR.search(row["date"].value):
            key = row["instance"].value
            if level == "work":
                key = work_of.get(key) or key
            year = int(match.group(1))
            years[key] = min(year, years.get(key, year))
    if level == "work":  # decades of works: their earliest edition
        for row in store.query(prefixes + WORK_QUERY):
            if earliest := years.get(row["instance"].value):
                w = row["work"].value
                years[w] = min(earliest, years.get(w, earliest))

    def of(title, by_work):
        return by_work.get(work_of.get(title, title)) if level == "instance" else by_work.get(title)

    facets: dict[str, dict[str, str]] = {"lcc": {}, "clc": {}, "decade": {}}
    for title in titles:
        if (v := of(title, lcc)) is not None:
            facets["lcc"][title] = v
        if (v := of(title, clc)) is not None:
            facets["clc"][title] = v
        if (y := years.get(title)) is not None:
            facets["decade"][title] = f"{y // 10 * 10}s"
    return facets


# output ----------------------------------------------------------------------------------
TABLES = ("members", "matrix", "distribution", *BREAKDOWNS)


def to_csv(report: dict, table: str) -> str:
    """One table of a report as CSV: members, matrix, distribution, or a breakdown (lcc, clc, decade)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if table == "members":
        cols = ["code", "titles", "unique", "scarce", "held_by_all", "uniqueness_rate"]
        w.writerow(cols)
        w.writerows([m[c] for c in cols] for m in report["members"])
    elif table == "matrix":
        cols = ["a", "b", "common", "share_of_a_held_by_b", "jaccard", "overlap_coefficient"]
        w.writerow(cols)
        w.writerows([r[c] for c in cols] for r in report["matrix"])
    elif table == "distribution":
        w.writerow(["holders", "titles"])
        w.writerows(report["distribution"].items())
    elif table in BREAKDOWNS:
        codes = [m["code"] for m in report["members"]]
        w.writerow(
            [
                table,
                "titles",
                "holdings",
                "duplication_ratio",
                "held_by_all",
                *[f"{c}_titles" for c in codes],
                *[f"{c}_unique" for c in codes],
            ]
        )
        for r in report["breakdowns"][table]:
            w.writerow(
                [
                    r["value"],
                    r["titles"],
                    r["holdings"],
                    r["duplication_ratio"],
                    r["held_by_all"],
                    *[r["members"][c]["titles"] for c in codes],
                    *[r["members"][c]["unique"] for c in codes],
                ]
            )
    else:
        raise ValueError(f"unknown table {table!r}: {', '.join(TABLES)}")
    return buf.getvalue()


def title_rows(store: Store, ov: Overlap, iris: list[str]) -> list[dict]:
    """Label, year and holders of each title, for downloadable lists."""
    labels: dict[str, str] = {}
    for chunk in range(0, len(iris), 500):
        part = iris[chunk : chunk + 500]
        values = " ".join(f"<{i}>" for i in part)
        for row in store.query(
            sparql_prefixes() + f"SELECT ?t ?label WHERE {{ VALUES ?t {{ {values} }} ?t rdfs:label ?label }}"
        ):
            labels.setdefault(row["t"].value, row["label"].value)
    decade = ov.facets.get("decade", {})
    return [
        {
            "iri": i,
            "title": labels.get(i, ""),
            "decade": decade.get(i, ""),
            "holders": " ".join(sorted(ov.holders.get(i, ()))),
        }
        for i in iris
    ]


def rows_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=["iri", "title", "decade", "holders"], lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


SPARQL_EXAMPLES = {
    "titles_in_common": """SELECT ?a ?b (COUNT(DISTINCT ?title) AS ?common) WHERE {
  ?x bf:itemOf ?title ; bf:heldBy ?a . ?y bf:itemOf ?title ; bf:heldBy ?b .
  ?a a alliance:MemberLibrary . ?b a alliance:MemberLibrary . FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b ORDER BY ?a ?b""",
    "unique_titles": """SELECT ?library (COUNT(?title) AS ?unique) WHERE {
  { SELECT ?title (MIN(STR(?lib)) AS ?only) WHERE {
      ?item bf:itemOf ?title ; bf:heldBy ?lib . ?lib a alliance:MemberLibrary .
    } GROUP BY ?title HAVING (COUNT(DISTINCT ?lib) = 1) }
  BIND(IRI(?only) AS ?library)
} GROUP BY ?library ORDER BY ?library""",
    "duplication_ratio": """SELECT (COUNT(*) AS ?holdings) (COUNT(DISTINCT ?title) AS ?titles)
       (COUNT(*) / COUNT(DISTINCT ?title) AS ?duplication_ratio) WHERE {
  { SELECT DISTINCT ?title ?lib WHERE { ?item bf:itemOf ?title ; bf:heldBy ?lib . ?lib a alliance:MemberLibrary } }
}""",
}
