"""The work page: the work once, its editions grouped by format, each edition with its holders.

A translation names the work it translates; an original lists its translations, with their languages.

Editions are listed newest first, a page at a time (the count of all of them above); every
edition on the page names the libraries holding it and how many copies each has. The copies
themselves (call numbers, locations, the member's own catalogue) are on the edition's page.
Above them, the holders of any edition: "find a copy" for the whole work.
"""

from __future__ import annotations

from graph.identity.normalize import has_han, year as year_of
from graph.views.common import Description, chunks, labels_for, node, ranked, ref, select, values
from graph.views.describe import NOT_ON_PAGES, description
from graph.views.holdings import holders_of, library_ref, members_by_iri
from graph.store.base import Store
from vocab.labels import term_label
from vocab.namespaces import BF, RDFS

EDITIONS_PER_PAGE = 20
MAX_EDITIONS = 2000  # editions a work page sorts (beyond: in IRI order)
PRIMARY = "http://id.loc.gov/ontologies/bflc/PrimaryContribution"


def work_facts(d: Description, work, lang: str, ignore=(BF.Work.value,)) -> dict:
    """Contributors, subjects, classification, languages and summaries of a described work."""
    contributors: dict[str, dict] = {}
    for c in d.nodes(work, BF.contribution):
        for agent in d.nodes(c, BF.agent):
            entry = contributors.setdefault(agent.value, d.ref(agent, lang, roles=[], primary=False))
            for role in d.nodes(c, BF.role):
                label = term_label(role.value, lang) or role.value.rsplit("/", 1)[-1]
                if label not in entry["roles"]:
                    entry["roles"].append(label)
            entry["primary"] = entry["primary"] or PRIMARY in d.types(c)
    classification = []
    for c in d.nodes(work, BF.classification):
        portion = " ".join(d.texts([c], BF.classificationPortion, lang) + d.texts([c], BF.itemPortion, lang))
        scheme = (
            d.texts(d.nodes(c, BF.source), RDFS.label, lang)
            or [name for s in d.nodes(c, BF.source) if (name := term_label(s.value, lang))]
            or d.type_labels(c, lang, ignore=[BF.Classification.value])
            or [""]
        )[0]
        entry = {"scheme": scheme, "value": portion}
        if portion and entry not in classification:
            classification.append(entry)
    return {
        "contributors": sorted(contributors.values(), key=lambda e: not e["primary"]),
        "subjects": [d.ref(s, lang) for s in d.nodes(work, BF.subject)],
        "genres": [d.ref(s, lang) for s in d.nodes(work, BF.genreForm)],
        "classification": classification,
        "languages": [
            term_label(lang_iri.value, lang) or lang_iri.value.rsplit("/", 1)[-1]
            for lang_iri in d.nodes(work, BF.language)
        ],
        "summaries": d.texts(d.nodes(work, BF.summary), RDFS.label, lang),
        "types": d.type_labels(work, lang, ignore=list(ignore)),
    }


def _facts(store: Store, instances: list, predicates: str) -> dict[str, Description]:
    """Each instance's own statements with one of ``predicates`` (SPARQL terms), as a description."""
    facts: dict[str, list] = {i.value: [] for i in instances}
    for part in chunks(instances):
        rows = select(
            store,
            f"""SELECT DISTINCT ?i ?p ?o WHERE {{ {values("i", part)} ?i ?p ?o FILTER(?p IN ({predicates})) }}""",
        )
        for r in rows:
            facts[r["i"].value].append((r["p"], r["o"]))
    return {i.value: Description((i, p, o) for p, o in facts[i.value]) for i in instances}


def instance_summaries(store: Store, instances: list, lang: str) -> list[dict]:
    """Label, edition, publication statement, year and format of each instance, for lists of editions."""
    described = _facts(store, instances, "rdfs:label, bf:editionStatement, bf:provisionActivityStatement, rdf:type")
    out = []
    for inst in instances:
        d = described[inst.value]
        publication = (d.texts([inst], BF.provisionActivityStatement, lang) or [""])[0]
        out.append(
            ref(
                inst,
                d.label(inst, lang),
                label_literals=d.literals(inst, RDFS.label),
                edition=", ".join(d.texts([inst], BF.editionStatement, lang)),
                publication=publication,
                year=year_of(publication) or "",
                formats=d.type_labels(inst, lang, ignore=[BF.Instance.value]),
            )
        )
    return out


def newest_first(store: Store, instances: list, lang: str) -> list[tuple]:
    """The instances newest first (the year of their publication statement), then by label: (instance, its
    labels) each. Reads only the two statements the order needs, so a page can summarise just its own."""
    described = _facts(store, instances, "rdfs:label, bf:provisionActivityStatement")
    keys = []
    for inst in instances:
        d = described[inst.value]
        publication = (d.texts([inst], BF.provisionActivityStatement, lang) or [""])[0]
        label = d.label(inst, lang) or ""
        keys.append((-int(year_of(publication) or 0), label.casefold(), inst.value, inst, d.literals(inst, RDFS.label)))
    keys.sort(key=lambda k: k[:3])
    return [(k[3], k[4]) for k in keys]


def translations_of(store: Store, work, lang: str) -> list[dict]:
    """The Works that are translations of ``work`` (``bf:translationOf`` it), each with its languages,
    by language then title."""
    rows = select(
        store,
        f"""SELECT DISTINCT ?t ?l WHERE {{ ?t bf:translationOf {node(work)} ; a bf:Work
        OPTIONAL {{ ?t bf:language ?l }} }} LIMIT {MAX_EDITIONS}""",
    )
    languages: dict[str, list[str]] = {}
    for r in rows:
        found = languages.setdefault(r["t"].value, [])
        if r["l"] is not None:
            label = term_label(r["l"].value, lang) or r["l"].value.rsplit("/", 1)[-1]
            if label not in found:
                found.append(label)
    labels = labels_for(store, list(languages), lang)
    out = [ref(t, labels.get(t), languages=sorted(found)) for t, found in languages.items()]
    return sorted(out, key=lambda e: (", ".join(e["languages"]).casefold(), e["label"].casefold()))


def editions_of(store: Store, work, limit: int = MAX_EDITIONS) -> list:
    # members' descriptions also say bf:instanceOf (ten times an edition held by ten): MINUS drops them
    # before the type is looked up (they are not bf:Instances either way)
    rows = select(
        store,
        f"""SELECT DISTINCT ?i WHERE {{ ?i bf:instanceOf {node(work)} MINUS {{ ?i a alliance:MemberDescription }}
        ?i a bf:Instance }} LIMIT {limit}""",
    )
    return [r["i"] for r in rows]


def work_view(store: Store, iri, lang: str = "en", page: int = 1) -> dict | None:
    """The work, the count of its editions and one page of them (:data:`EDITIONS_PER_PAGE`, newest first),
    each with the libraries holding it and their copy counts; the work's holders over all its editions.

    Only the shown editions are summarised and their holdings read; the copies themselves (call
    numbers, locations, the member's own catalogue) are on each edition's page."""
    work = node(iri)
    d = description(store, work, skip=(BF.hasInstance, *NOT_ON_PAGES))
    if not {BF.Work.value, BF.Hub.value} & d.types(work):  # a hub (a uniform title) is a work of its own
        return None
    ordered = newest_first(store, editions_of(store, work), lang)
    pages = max(1, -(-len(ordered) // EDITIONS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = instance_summaries(
        store, [i for i, _ in ordered[(page - 1) * EDITIONS_PER_PAGE : page * EDITIONS_PER_PAGE]], lang
    )
    members = members_by_iri(store)
    held = holders_of(store, [e["iri"] for e in shown], lang, members)
    for e in shown:
        e["holdings"] = held.get(e["iri"], [])
    groups: dict[str, list] = {}
    for e in shown:
        groups.setdefault(", ".join(e["formats"]), []).append(e)
    # the work's own titles first; its editions' (often the vernacular form) after them
    titles = ranked(d.literals(work, RDFS.label), lang) or []
    vernacular = ranked([lit for _, labels in ordered[:5] for lit in labels], lang)
    if titles and vernacular and has_han(vernacular[0]) and not has_han(titles[0]):
        titles = [vernacular[0], *titles]
    if len(shown) == len(ordered):
        holders = _holders_from(shown)
    else:
        holders = _holders(store, [i for i, _ in ordered], members, lang)
    return {
        "iri": work.value,
        "kind": "work",
        "label": titles[0] if titles else None,
        "other_labels": titles[1:],
        "instances": shown,
        "edition_groups": [{"format": k, "editions": v} for k, v in groups.items()],
        "edition_count": len(ordered),
        "page": page,
        "pages": pages,
        "first": (page - 1) * EDITIONS_PER_PAGE + 1,
        "holders": holders,
        "copies": sum(h["copies"] for h in holders),
        "translation_of": [
            d.ref(o, lang) for o in d.nodes(work, BF.translationOf) if d.literals(o, RDFS.label)
        ],  # an original no member has loaded: no page
        "translations": translations_of(store, work, lang),
        **work_facts(d, work, lang, ignore=(BF.Work.value,)),
    }


def _holders_from(editions: list[dict]) -> list[dict]:
    """Libraries holding any of these editions, most copies first."""
    by_lib: dict[str, dict] = {}
    for e in editions:
        for h in e["holdings"]:
            entry = by_lib.setdefault(h["library"]["iri"], {"library": h["library"], "copies": 0})
            entry["copies"] += h["copies"]
    return sorted(by_lib.values(), key=lambda h: (-h["copies"], h["library"]["label"]))


def _holders(store: Store, instances: list, members, lang: str) -> list[dict]:
    """Libraries holding any of ``instances``, most copies first: counted by the store, a row per library
    (an Item is a copy of one edition, so the counts of parts add up)."""
    copies: dict[str, int] = {}
    for part in chunks(instances):
        for r in select(
            store,
            f"""SELECT ?lib (COUNT(DISTINCT ?item) AS ?n) WHERE {{ {values("i", part)}
            ?item bf:itemOf ?i ; bf:heldBy ?lib }} GROUP BY ?lib""",
        ):
            copies[r["lib"].value] = copies.get(r["lib"].value, 0) + int(r["n"].value)
    out = [{"library": library_ref(lib, members, lang), "copies": n} for lib, n in copies.items()]
    return sorted(out, key=lambda h: (-h["copies"], h["library"]["label"]))


__all__ = [
    "EDITIONS_PER_PAGE",
    "editions_of",
    "instance_summaries",
    "newest_first",
    "translations_of",
    "work_facts",
    "work_view",
]
