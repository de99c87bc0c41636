"""Views of the member libraries and of the catalogue as a whole."""

from __future__ import annotations

from pathlib import PurePath
from urllib.parse import urlsplit

from graph.views.common import count, labels_for, node, ref, select
from graph.views.describe import description
from graph.views.holdings import library_ref, member_label, members_by_iri
from graph.views.works import instance_summaries
from graph.alliance.members import list_members
from graph.store.base import Store
from vocab.namespaces import ALLIANCE, BF, RDFS, catalogued

SOME_TITLES = 25


def library_view(store: Store, iri, lang: str = "en", counts: dict | None = None) -> dict | None:
    """A member library: its profile, what it holds, its collections and loads.

    ``counts`` ({"items": copies, "works": titles}) come from the caller when it has them
    cheaply (the search index); otherwise they are counted here.
    """
    lib = node(iri)
    member = next((m for m in list_members(store) if m.iri == lib.value), None)
    if member is None:
        return None
    rows = select(
        store, f"SELECT DISTINCT ?inst WHERE {{ ?item bf:heldBy {lib} ; bf:itemOf ?inst }} LIMIT {SOME_TITLES}"
    )
    instances = [r["inst"] for r in rows]
    other = [n for n in (member.name, member.name_zh) if n and n != member_label(member, lang)]
    return {
        "iri": lib.value,
        "kind": "library",
        "code": member.code,
        "label": member_label(member, lang),
        "other_labels": other,
        "opac": opac_home(member.opac),
        "items": counts["items"] if counts else count(store, f"?item bf:heldBy {lib}", "item"),
        "works": counts["works"]
        if counts
        else count(store, f"?item bf:heldBy {lib} ; bf:itemOf ?inst . ?inst bf:instanceOf ?w", "w"),
        # editions, each with its publisher and year: two editions of one title must be told apart
        "some_titles": sorted(
            (
                ref(e["iri"], e["label"], publication=e["publication"])
                for e in instance_summaries(store, instances, lang)
            ),
            key=lambda e: (e["label"].casefold(), e["publication"]),
        ),
        "collections": _collections(store, lib, lang),
        "loads": [
            {"sources": [PurePath(s).name for s in b.sources], "triples": b.triples} for b in store.batches(member.code)
        ],
    }


def opac_home(pattern: str | None) -> dict | None:
    """The member's own catalogue as a link to its home ({"url", "host"}), from the OPAC pattern
    (``https://opac.pku.example/record/{id}``), whose ``{id}`` means nothing to a reader."""
    if not pattern:
        return None
    parts = urlsplit(pattern)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return {"url": f"{parts.scheme}://{parts.netloc}/", "host": parts.hostname or parts.netloc}


def _collections(store: Store, lib, lang: str) -> list[dict]:
    rows = select(store, f"SELECT DISTINCT ?c WHERE {{ ?c a bf:Collection ; alliance:collectionOf {lib} }}")
    labels = labels_for(store, [r["c"] for r in rows], lang)
    return sorted((ref(r["c"], labels.get(r["c"].value)) for r in rows), key=lambda e: e["label"])


def collection_view(store: Store, iri, lang: str = "en") -> dict | None:
    """A member's collection (local literature, special collections): its library and its titles."""
    coll = node(iri)
    d = description(store, coll)
    if BF.Collection.value not in d.types(coll):
        return None
    members = members_by_iri(store)
    rows = select(store, f"SELECT DISTINCT ?inst WHERE {{ {coll} bf:hasPart ?inst }} LIMIT {SOME_TITLES * 4}")
    parts = [r["inst"] for r in rows]
    labels = labels_for(store, parts, lang)
    names = d.texts([coll], RDFS.label, lang)
    return {
        "iri": coll.value,
        "kind": "collection",
        "label": names[0] if names else None,
        "other_labels": names[1:],
        "libraries": [library_ref(lib.value, members, lang) for lib in d.nodes(coll, ALLIANCE.collectionOf)],
        "size": count(store, f"{coll} bf:hasPart ?inst", "inst"),
        "titles": sorted((ref(i, labels.get(i.value)) for i in parts), key=lambda e: e["label"].casefold()),
    }


def home_view(store: Store, lang: str = "en") -> dict:
    members = list_members(store)
    held = {
        r["lib"].value: int(r["n"].value)
        for r in select(store, "SELECT ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item bf:heldBy ?lib } GROUP BY ?lib")
    }
    return {
        "counts": {
            "members": len(members),
            "works": count(store, "?w a bf:Work " + catalogued("w"), "w"),
            "instances": count(store, "?i a bf:Instance " + catalogued("i"), "i"),
            "items": count(store, "?i a bf:Item", "i"),
        },
        "libraries": [ref(m.iri, member_label(m, lang), code=m.code, items=held.get(m.iri, 0)) for m in members],
    }
