"""Holdings: which member libraries hold copies of an edition, grouped by library.

Copies of one library collapse into one row ("3 copies") with their call numbers
and locations, and a link to the record in the library's own catalogue.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from graph.members import Member, list_members
from graph.records.common import chunks, node, ref, select, values
from graph.store.base import Store


def member_label(member: Member, lang: str) -> str:
    if lang.startswith("zh") and member.name_zh:
        return member.name_zh
    return member.name or member.code


def members_by_iri(store: Store) -> dict[str, Member]:
    return {m.iri: m for m in list_members(store)}


def library_ref(iri: str, members: dict[str, Member], lang: str) -> dict:
    member = members.get(iri)
    if member is None:
        return ref(iri, None)
    return ref(iri, member_label(member, lang), code=member.code)


def local_ids(store: Store, instances: list) -> dict[tuple[str, str], list[str]]:
    """(instance, library) -> the library's own control numbers for that edition."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for part in chunks(instances):
        rows = select(store, f"""SELECT DISTINCT ?inst ?lib ?local WHERE {{ {values('inst', part)}
            ?inst bf:adminMetadata ?admin . ?admin bf:assigner ?lib ; bf:identifiedBy ?id .
            ?id a bf:Local ; rdf:value ?local }}""")
        for r in rows:
            ids = found[(r["inst"].value, r["lib"].value)]
            if r["local"].value not in ids:
                ids.append(r["local"].value)
    return found


def holdings(store: Store, instances: Iterable, lang: str,
             members: dict[str, Member] | None = None) -> dict[str, list[dict]]:
    """For each instance IRI, its holdings grouped by library (libraries in code order)."""
    insts = list(dict.fromkeys(node(i) for i in instances))
    members = members if members is not None else members_by_iri(store)
    groups: dict[str, dict[str, dict]] = defaultdict(dict)
    for part in chunks(insts):
        rows = select(store, f"""SELECT DISTINCT ?inst ?item ?lib ?mark ?loc WHERE {{ {values('inst', part)}
            ?item bf:itemOf ?inst ; bf:heldBy ?lib .
            OPTIONAL {{ ?item bf:shelfMark/rdfs:label ?mark }}
            OPTIONAL {{ ?item bf:sublocation/rdfs:label ?loc }} }}""")
        for r in rows:
            inst, lib = r["inst"].value, r["lib"].value
            group = groups[inst].get(lib)
            if group is None:
                group = groups[inst][lib] = {"library": library_ref(lib, members, lang), "items": [],
                                             "call_numbers": [], "locations": [], "catalogue_links": []}
            _add(group["items"], r["item"].value)
            if r["mark"] is not None:
                _add(group["call_numbers"], r["mark"].value)
            if r["loc"] is not None:
                _add(group["locations"], r["loc"].value)
    ids = local_ids(store, insts)
    out = {}
    for inst in insts:
        rows = sorted(groups.get(inst.value, {}).values(),
                      key=lambda g: (g["library"].get("code") or g["library"]["label"]))
        for g in rows:
            g["copies"] = len(g["items"])
            member = members.get(g["library"]["iri"])
            for local in ids.get((inst.value, g["library"]["iri"]), ()):
                link = member.opac_link(local) if member else None
                if link:
                    _add(g["catalogue_links"], link)
        out[inst.value] = rows
    return out


def _add(seq: list, value) -> None:
    if value not in seq:
        seq.append(value)
