"""Fidelity against the Library of Congress converter: same records in, compare what comes out.

    python -m bench.fidelity            # one table per shared reference file

For each file of ``../shared/data/reference/marc2bibframe2-v2.10.0/`` it converts the
same MARC input with this project's mapper and counts, on both sides, Works,
Instances, titles, identifiers by class, contributions, subjects (and those with
authority IRIs), genre/forms, classifications, provision activities, relations,
Items and 880 parallel (vernacular) literals. Our side is counted record by record
(so two records that describe one edition count twice, as they do in the
reference); the reference document is counted as a whole. Both sides count
distinct statements (see :func:`count`). Rows where the reference
is wrong and ours is lower by design are listed in ``EXPLAINED`` and explained in
``docs/fidelity.md``.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.mappers.marc21 import map_record
from graph.load.mappers.script import script_of
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
REFERENCE = SHARED / "reference" / "marc2bibframe2-v2.10.0"
BASE = "http://alliance.example/"
REFERENCE_LOCAL = "http://catalog.example.org/"

BF = "http://id.loc.gov/ontologies/bibframe/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MARC_KEY = "http://id.loc.gov/ontologies/bflc/marcKey"

# reference file -> the MARC inputs it was made from (relative to ../shared/data/marc21)
CASES: dict[str, list[str]] = {
    "dataset_gwu.rdf": ["marc2bibframe2/dataset/gwu.xml"],
    "dataset_dnb.rdf": ["marc2bibframe2/dataset/dnb.xml"],
    "dataset_nlm.rdf": ["marc2bibframe2/dataset/nlm.xml"],
    "dataset_british_library.rdf": ["marc2bibframe2/dataset/british_library.xml"],
    "marc4j_pride-and-prejudice-fixed.rdf": ["marc4j/pride-and-prejudice-fixed.mrc"],
    "yaz_marccol1_cjk.rdf": ["yaz/marccol1.u8.marc"],
    "testdata_all157.rdf": ["marc2bibframe2/test/data/**/*.xml"],
}

# (reference file, row) -> anchor in docs/fidelity.md: rows where ours is lower because the
# reference is wrong (a repeated or split statement, a misread record). "*" is any file.
EXPLAINED: dict[tuple[str, str], str] = {
    ("*", "provision activities"): "provision-activities",
    ("marc4j_pride-and-prejudice-fixed.rdf", "880 parallel literals"): "provision-activities",
    ("yaz_marccol1_cjk.rdf", "880 parallel literals"): "provision-activities",
    ("marc4j_pride-and-prejudice-fixed.rdf", "works"): "unimarc-in-marc21-files",
    ("marc4j_pride-and-prejudice-fixed.rdf", "instances"): "unimarc-in-marc21-files",
    ("marc4j_pride-and-prejudice-fixed.rdf", "titles"): "unimarc-in-marc21-files",
    ("marc4j_pride-and-prejudice-fixed.rdf", "contributions"): "unimarc-in-marc21-files",
    ("dataset_gwu.rdf", "works"): "accompanying-matter",
    ("dataset_nlm.rdf", "instances"): "electronic-instances",
    ("*", "identifiers: Identifier"): "authority-numbers",
    ("dataset_british_library.rdf", "identifiers: Isbn"): "repeated-identifiers",
    ("testdata_all157.rdf", "identifiers: Isbn"): "repeated-identifiers",
    ("dataset_dnb.rdf", "identifiers: Nbn"): "repeated-identifiers",
}

# Rows where ours is lower because this converter does not convert something yet: listed,
# with what, under docs/fidelity.md#not-yet-converted (work left, not the reference's fault).
NOT_YET: dict[tuple[str, str], str] = {
    (case, row): "not-converted-yet-work-left"
    for case in CASES
    for row in (
        "related resources",
        "relations",
        "titles",
        "contributions",
        "subjects",
        "genre/forms",
        "classifications",
        "identifiers: Issn",
        "identifiers: IssnL",
        "identifiers: Lccn",
        "identifiers: Local",
        "identifiers: Coden",
        "identifiers: CopyrightNumber",
        "identifiers: Nbn",
        "identifiers: PublisherNumber",
        "identifiers: ReportNumber",
        "identifiers: StockNumber",
        "identifiers: Strn",
        "identifiers: AudioIssueNumber",
        "relations",
    )
}


def inputs(case: str) -> list[Path]:
    found = []
    for pattern in CASES[case]:
        found += sorted((SHARED / "marc21").glob(pattern))
    return found


@dataclass
class Counts:
    rows: Counter

    def __getitem__(self, row: str) -> int:
        return self.rows.get(row, 0)


_BACKLINKS = frozenset(BF + p for p in ("instanceOf", "hasInstance", "itemOf", "hasItem", "adminMetadata"))
_EDGE_ROWS = {
    "title": "titles",
    "contribution": "contributions",
    "subject": "subjects",
    "genreForm": "genre/forms",
    "classification": "classifications",
    "provisionActivity": "provision activities",
    "relation": "relations",
    "heldBy": "items held by a library",
}


def count(triples, local_base: str) -> Counter:
    """The fidelity rows of one set of triples (a record's, or a whole reference document).

    Statements are counted once per distinct content: a record that links its Work twice
    to identical subjects or series (as MARC records with repeated fields do, and as the
    reference does for every untraced 490) counts one. Content is what a node says,
    followed two levels down; nodes outside the converter's own namespace (id.loc.gov,
    d-nb.info) are their IRI.
    """
    rows: Counter = Counter()
    outgoing: dict = {}
    for s, p, o in set(triples):
        outgoing.setdefault(s, []).append((p.value, o))
    memo: dict = {}

    def local(node) -> bool:
        return isinstance(node, ox.BlankNode) or (isinstance(node, ox.NamedNode) and node.value.startswith(local_base))

    def sig(node, depth: int = 3):
        if isinstance(node, ox.Literal):
            return f'"{node.value}"@{node.language or ""}'
        if not local(node) or depth == 0:
            return f"<{node.value}>"
        key = (node, depth)
        if key not in memo:
            memo[key] = (
                "["
                + " ; ".join(
                    sorted(f"{p} {sig(o, depth - 1)}" for p, o in outgoing.get(node, ()) if p not in _BACKLINKS)
                )
                + "]"
            )
        return memo[key]

    related = {
        o2
        for s, edges in outgoing.items()
        for p, o in edges
        if p == BF + "relation"
        for p2, o2 in outgoing.get(o, ())
        if p2 == BF + "associatedResource"
    }
    related |= {o for r in list(related) for p, o in outgoing.get(r, ()) if p == BF + "hasInstance"}
    related |= {s for s, edges in outgoing.items() for p, o in edges if p == BF + "instanceOf" and o in related}
    rows["related resources"] = len({r for r in related})
    seen = set()
    for s, edges in outgoing.items():
        types = {o.value for p, o in edges if p == RDF_TYPE}
        for cls, row in ((BF + "Work", "works"), (BF + "Instance", "instances"), (BF + "Item", "items")):
            if cls in types and s not in related:
                rows[row] += 1
        for p, o in edges:
            if isinstance(o, ox.Literal):
                if o.language and p != MARC_KEY and script_of(o.value):
                    rows["880 parallel literals"] += 1
                continue
            if not p.startswith(BF):
                continue
            name = p[len(BF) :]
            if name != "identifiedBy" and name not in _EDGE_ROWS:
                continue
            key = (s, p, sig(o))
            if key in seen:
                continue
            seen.add(key)
            if name == "identifiedBy":
                classes = [
                    t.value[len(BF) :] for q, t in outgoing.get(o, ()) if q == RDF_TYPE and t.value.startswith(BF)
                ]
                rows[f"identifiers: {classes[0] if len(classes) == 1 else 'Identifier'}"] += 1
                continue
            rows[_EDGE_ROWS[name]] += 1
            if name == "subject" and isinstance(o, ox.NamedNode) and not o.value.startswith(local_base):
                rows["subjects with IRIs"] += 1
    return rows


def reference_counts(case: str) -> Counter:
    triples = [
        (t.subject, t.predicate, t.object) for t in ox.parse(path=str(REFERENCE / case), format=ox.RdfFormat.RDF_XML)
    ]
    return count(triples, REFERENCE_LOCAL)


def our_counts(case: str, member: str = "ALLY") -> tuple[Counter, int]:
    """Our rows for the same inputs, counted record by record, and how many records were rejected."""
    ctx = MappingContext(Minter(BASE), member)
    rows: Counter = Counter()
    rejected = 0
    for path in inputs(case):
        for item in read_marc(path):
            if not isinstance(item, SourceRecord):
                rejected += 1
                continue
            try:
                triples = map_record(item.record, ctx)
            except ValueError:
                rejected += 1
                continue
            rows.update(count(triples, BASE))
    return rows, rejected


def compare(case: str) -> list[tuple[str, int, int, str]]:
    """(row, reference, ours, verdict) for one reference file."""
    ref = reference_counts(case)
    ours, _ = our_counts(case)
    table = []
    for row in sorted(set(ref) | set(ours), key=_row_order):
        r, o = ref.get(row, 0), ours.get(row, 0)
        if o >= r:
            verdict = "ok"
        elif anchor := EXPLAINED.get((case, row)) or EXPLAINED.get(("*", row)):
            verdict = f"reference wrong: docs/fidelity.md#{anchor}"
        elif anchor := NOT_YET.get((case, row)):
            verdict = f"not yet: docs/fidelity.md#{anchor}"
        else:
            verdict = "BELOW REFERENCE"
        table.append((row, r, o, verdict))
    return table


_ORDER = [
    "works",
    "instances",
    "related resources",
    "items",
    "items held by a library",
    "titles",
    "contributions",
    "subjects",
    "subjects with IRIs",
    "genre/forms",
    "classifications",
    "provision activities",
    "relations",
    "880 parallel literals",
]


def _row_order(row: str):
    return (_ORDER.index(row), row) if row in _ORDER else (len(_ORDER), row)


def main(argv: list[str]) -> int:
    cases = argv[1:] or list(CASES)
    below = 0
    for case in cases:
        print(
            f"\n{case}  ({', '.join(str(p.relative_to(SHARED)) for p in inputs(case)[:3])}"
            f"{' ...' if len(inputs(case)) > 3 else ''})"
        )
        print(f"  {'row':32} {'marc2bibframe2':>14} {'alliance':>9}  verdict")
        for row, r, o, verdict in compare(case):
            below += verdict == "BELOW REFERENCE"
            print(f"  {row:32} {r:>14} {o:>9}  {verdict}")
    print(f"\n{below} unexplained rows below the reference")
    return 1 if below else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
