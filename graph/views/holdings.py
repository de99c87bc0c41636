"""Holdings: which member libraries hold copies of an edition, grouped by library.

Copies of one library collapse into one row ("3 copies") with their call numbers
and locations, and a link to the record in the library's own catalogue. Counting is
done by the store, so an edition with thousands of copies costs a row per library;
its copies are listed a page at a time (:func:`copies_at`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from graph.alliance.members import Member, list_members
from graph.views.common import chunks, node, ref, select, values
from graph.store.base import Store

MAX_CALL_NUMBERS = 6  # distinct call numbers a holdings row shows
COPIES_PER_PAGE = 50
_SEP = "\u001f"  # between the call numbers (and locations) one grouped query returns


def member_label(member: Member, lang: str) -> str:
    if lang.startswith("zh") and member.name_zh:
        return member.name_zh
    return member.name or member.code


def members_by_iri(store: Store) -> dict[str, Member]:
    """The member libraries by IRI; remembered until the store's write counter moves (if it has one)."""
    generation = getattr(store, "generation", None)
    cached = getattr(store, "_members_by_iri", None)
    if generation is not None and cached is not None and cached[0] == generation:
        return cached[1]
    found = {m.iri: m for m in list_members(store) if m.iri is not None}  # listed members all have one
    if generation is not None:
        store._members_by_iri = (generation, found)  # type: ignore[attr-defined]  # a cache kept on any store
    return found


def library_ref(iri: str, members: dict[str, Member], lang: str) -> dict:
    member = members.get(iri)
    if member is None:
        return ref(iri, None)
    return ref(iri, member_label(member, lang), code=member.code)


def local_ids(store: Store, instances: list) -> dict[tuple[str, str], list[str]]:
    """(instance, library) -> the library's own control numbers for that edition."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for part in chunks(instances):
        rows = select(
            store,
            f"""SELECT DISTINCT ?inst ?lib ?local WHERE {{ {values("inst", part)}
            ?inst alliance:memberDescription/bf:adminMetadata ?admin . ?admin bf:assigner ?lib ; bf:identifiedBy ?id .
            ?id a bf:Local ; rdf:value ?local }}""",
        )
        for r in rows:
            ids = found[(r["inst"].value, r["lib"].value)]
            if r["local"].value not in ids:
                ids.append(r["local"].value)
    return found


def holdings(
    store: Store, instances: Iterable, lang: str, members: dict[str, Member] | None = None
) -> dict[str, list[dict]]:
    """For each instance IRI, its holdings grouped by library (libraries in code order).

    A row: ``library`` (link), ``copies`` (count), ``items`` (the copy's IRI when there
    is one), ``call_numbers`` (up to :data:`MAX_CALL_NUMBERS` distinct), ``more_call_numbers``,
    ``locations``, ``catalogue_links`` (the member's OPAC, from its control number).
    """
    insts = list(dict.fromkeys(node(i) for i in instances))
    members = members if members is not None else members_by_iri(store)
    groups: dict[str, dict[str, dict]] = defaultdict(dict)
    for part in chunks(insts):
        for r in select(
            store,
            f"""SELECT ?inst ?lib (COUNT(DISTINCT ?item) AS ?n) (MIN(STR(?item)) AS ?first)
                (GROUP_CONCAT(DISTINCT ?mark; separator="{_SEP}") AS ?marks)
                (GROUP_CONCAT(DISTINCT ?loc; separator="{_SEP}") AS ?locs)
                WHERE {{ {values("inst", part)} ?item bf:itemOf ?inst ; bf:heldBy ?lib .
                OPTIONAL {{ ?item bf:shelfMark/rdfs:label ?mark }}
                OPTIONAL {{ ?item bf:sublocation/rdfs:label ?loc }} }} GROUP BY ?inst ?lib""",
        ):
            n = int(r["n"].value)
            marks = [m for m in r["marks"].value.split(_SEP) if m] if r["marks"] is not None else []
            groups[r["inst"].value][r["lib"].value] = {
                "library": library_ref(r["lib"].value, members, lang),
                "copies": n,
                "items": [r["first"].value] if n == 1 else [],
                "call_numbers": marks[:MAX_CALL_NUMBERS],
                "more_call_numbers": max(0, len(marks) - MAX_CALL_NUMBERS),
                "locations": [x for x in r["locs"].value.split(_SEP) if x] if r["locs"] is not None else [],
                "catalogue_links": [],
            }
    ids = local_ids(store, insts)
    out = {}
    for inst in insts:
        rows = sorted(
            groups.get(inst.value, {}).values(), key=lambda g: g["library"].get("code") or g["library"]["label"]
        )
        for g in rows:
            member = members.get(g["library"]["iri"])
            for local in ids.get((inst.value, g["library"]["iri"]), ()):
                link = member.opac_link(local) if member else None
                if link:
                    _add(g["catalogue_links"], link)
        out[inst.value] = rows
    return out


def holders_of(
    store: Store, instances: Iterable, lang: str, members: dict[str, Member] | None = None
) -> dict[str, list[dict]]:
    """For each instance IRI, the libraries holding it (in code order), each ``library`` (link) and
    ``copies`` (count): what a list of editions shows; :func:`holdings` adds the copies' details."""
    insts = list(dict.fromkeys(node(i) for i in instances))
    members = members if members is not None else members_by_iri(store)
    found: dict[str, list[dict]] = {i.value: [] for i in insts}
    for part in chunks(insts):
        for r in select(
            store,
            f"""SELECT ?inst ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {values("inst", part)}
            ?item bf:itemOf ?inst ; bf:heldBy ?lib }} GROUP BY ?inst ?lib""",
        ):
            found[r["inst"].value].append(
                {"library": library_ref(r["lib"].value, members, lang), "copies": int(r["n"].value)}
            )
    for rows in found.values():
        rows.sort(key=lambda g: g["library"].get("code") or g["library"]["label"])
    return found


def copies_at(store: Store, instance, library, page: int = 1) -> tuple[int, list[dict]]:
    """One library's copies of an edition, a page at a time: (how many in all, this page's copies)."""
    inst, lib = node(instance), node(library)
    total_rows = select(
        store, f"SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE {{ ?item bf:itemOf {inst} ; bf:heldBy {lib} }}"
    )
    total = int(total_rows[0]["n"].value) if total_rows else 0
    offset = (max(page, 1) - 1) * COPIES_PER_PAGE
    rows = select(
        store,
        f"""SELECT ?item (SAMPLE(?m) AS ?mark) (SAMPLE(?l) AS ?loc) (SAMPLE(?b) AS ?barcode) WHERE {{
        ?item bf:itemOf {inst} ; bf:heldBy {lib} .
        OPTIONAL {{ ?item bf:shelfMark/rdfs:label ?m }} OPTIONAL {{ ?item bf:sublocation/rdfs:label ?l }}
        OPTIONAL {{ ?item bf:identifiedBy ?id . ?id a bf:Barcode ; rdf:value ?b }} }}
        GROUP BY ?item ORDER BY ?item LIMIT {COPIES_PER_PAGE} OFFSET {offset}""",
    )
    copies = [
        {
            "iri": r["item"].value,
            "call_number": _value(r["mark"]),
            "location": _value(r["loc"]),
            "barcode": _value(r["barcode"]),
        }
        for r in rows
    ]
    return total, copies


def _value(term) -> str:
    return term.value if term is not None else ""


def _add(seq: list, value) -> None:
    if value not in seq:
        seq.append(value)


__all__ = [
    "COPIES_PER_PAGE",
    "copies_at",
    "holders_of",
    "holdings",
    "library_ref",
    "local_ids",
    "member_label",
    "members_by_iri",
]
