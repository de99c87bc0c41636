"""Views of the bibliographic resources: a work with its editions, an edition with its holdings, a copy."""

from __future__ import annotations

from graph.views.common import Description, chunks, labels_for, node, ref, select, values
from graph.views.describe import NOT_ON_PAGES, description
from graph.views.holdings import holdings, library_ref, local_ids, members_by_iri
from graph.views.works import editions_of, instance_summaries, work_facts
from graph.store.base import Store
from vocab.labels import ui
from vocab.namespaces import BF, BFLC, RDF, RDFS

MAX_INSTANCES = 50  # other editions an edition page lists (the work page has them all)


# instances -----------------------------------------------------------------------------------
def _identifiers(d: Description, inst, lang: str) -> list[dict]:
    out = []
    for ident in d.nodes(inst, BF.identifiedBy):
        entry = {
            "type": (d.type_labels(ident, lang) or [""])[0],
            "value": ", ".join(d.texts([ident], RDF.value, lang)),
            "qualifier": ", ".join(d.texts([ident], BF.qualifier, lang)),
            "invalid": bool(d.nodes(ident, BF.status)),
        }
        if entry["value"] and entry not in out:
            out.append(entry)
    return out


def _publication(d: Description, inst, lang: str) -> list[dict]:
    out = []
    for act in d.nodes(inst, BF.provisionActivity):
        entry = {
            "type": (d.type_labels(act, lang) or [""])[0],
            "place": " / ".join(d.texts([act], BFLC.simplePlace, lang)),
            "agent": " / ".join(d.texts([act], BFLC.simpleAgent, lang)),
            "date": " / ".join(d.texts([act], BFLC.simpleDate, lang)),
        }
        if entry not in out:
            out.append(entry)
    return out


def instance_view(store: Store, iri, lang: str = "en") -> dict | None:
    inst = node(iri)
    d = description(store, inst, skip=(BF.hasItem, *NOT_ON_PAGES))
    if BF.Instance.value not in d.types(inst):
        return None
    title_nodes = d.nodes(inst, BF.title)
    labels = d.texts([inst], RDFS.label, lang)
    view = {
        "iri": inst.value,
        "kind": "instance",
        "label": labels[0] if labels else next(iter(d.texts(title_nodes, BF.mainTitle, lang)), None),
        "other_labels": labels[1:],
        "types": d.type_labels(inst, lang, ignore=[BF.Instance.value]),
        "responsibility": d.texts([inst], BF.responsibilityStatement, lang),
        "edition": d.texts([inst], BF.editionStatement, lang),
        "publication": _publication(d, inst, lang),
        "copyright": d.texts([inst], BF.copyrightDate, lang),
        "extent": d.texts(d.nodes(inst, BF.extent), RDFS.label, lang),
        "dimensions": d.texts([inst], BF.dimensions, lang),
        "series": d.texts([inst], BF.seriesStatement, lang),
        "identifiers": _identifiers(d, inst, lang),
        "notes": d.texts(d.nodes(inst, BF.note), RDFS.label, lang),
        "contents": d.texts(d.nodes(inst, BF.tableOfContents), RDFS.label, lang),
        "links": [n.value for n in d.nodes(inst, BF.electronicLocator)],
        "works": [d.ref(w, lang) for w in d.nodes(inst, BF.instanceOf)],
        "collections": collections_of(store, inst, lang),
        "holdings": holdings(store, [inst], lang)[inst.value],
    }
    view.update(
        contributors=[], subjects=[], genres=[], classification=[], languages=[], summaries=[], other_editions=[]
    )
    for work in d.nodes(inst, BF.instanceOf)[:1]:
        wd = description(store, work, skip=(BF.hasInstance, *NOT_ON_PAGES))
        facts = work_facts(wd, work, lang)
        facts.pop("types")
        view.update(facts)
        others = [i for i in editions_of(store, work, MAX_INSTANCES + 1) if i != inst][:MAX_INSTANCES]
        view["other_editions"] = instance_summaries(store, others, lang)
    return view


def collections_of(store: Store, inst, lang: str) -> list[dict]:
    """The member collections (地方文献 and the like) an instance is part of."""
    rows = select(store, f"SELECT DISTINCT ?c WHERE {{ {inst} bf:partOf ?c . ?c a bf:Collection }}")
    labels = labels_for(store, [r["c"] for r in rows], lang)
    return [ref(r["c"], labels.get(r["c"].value)) for r in rows]


# items ---------------------------------------------------------------------------------------
def item_view(store: Store, iri, lang: str = "en") -> dict | None:
    item = node(iri)
    d = description(store, item)
    if BF.Item.value not in d.types(item):
        return None
    members = members_by_iri(store)
    instances = d.nodes(item, BF.itemOf)
    libraries = [library_ref(lib.value, members, lang) for lib in d.nodes(item, BF.heldBy)]
    links = []
    ids = local_ids(store, instances)
    for inst in instances:
        for lib in libraries:
            member = members.get(lib["iri"])
            for local in ids.get((inst.value, lib["iri"]), ()):
                link = member.opac_link(local) if member else None
                if link and link not in links:
                    links.append(link)
    works = []
    for part in chunks(instances):
        rows = select(store, f"SELECT DISTINCT ?w WHERE {{ {values('i', part)} ?i bf:instanceOf ?w }}")
        works += [r["w"] for r in rows]
    work_labels = labels_for(store, works, lang)
    barcodes = [
        b
        for n in d.nodes(item, BF.identifiedBy)
        if BF.Barcode.value in d.types(n)
        for b in d.texts([n], RDF.value, lang)
    ]
    call_numbers = d.texts(d.nodes(item, BF.shelfMark), RDFS.label, lang)
    label = ui("item_label", lang, library=libraries[0]["label"]) if libraries else None
    return {
        "iri": item.value,
        "kind": "item",
        "label": f"{label} · {call_numbers[0]}" if label and call_numbers else label,
        "instances": [d.ref(i, lang) for i in instances],
        "works": [ref(w, work_labels.get(w.value)) for w in works],
        "libraries": libraries,
        "call_numbers": call_numbers,
        "locations": d.texts(d.nodes(item, BF.sublocation), RDFS.label, lang),
        "barcodes": barcodes,
        "notes": d.texts(d.nodes(item, BF.note), RDFS.label, lang),
        "catalogue_links": links,
    }
