"""What links to a resource from elsewhere in the catalogue: related works, series, parts, works about it.

Pages already list the links they are about (a work's editions, an agent's works, a
library's copies); this is the rest, read through the predicates that relate
resources, each answered by the store's object index (cheap even for a resource
thousands of records point at).
"""

from __future__ import annotations

from graph.views.common import labels_for, local_name, node, ref, select
from graph.store.base import Store
from vocab.labels import term_label, ui
from vocab.namespaces import BF

MAX_BACKLINKS = 60
RELATIONS = (
    "relatedTo",
    "otherEdition",
    "otherPhysicalFormat",
    "translation",
    "translationOf",
    "hasSeries",
    "seriesOf",
    "partOf",
    "hasPart",
    "precededBy",
    "succeededBy",
    "supplement",
    "supplementTo",
    "issuedWith",
    "reproductionOf",
    "hasReproduction",
    "derivativeOf",
    "hasDerivative",
    "accompaniedBy",
    "accompanies",
    "hasEquivalent",
    "associatedResource",
    "subject",
    "genreForm",
)
# what each kind of page already shows as its own list
SHOWN = {"agent": {"subject"}, "subject": {"subject", "genreForm"}, "collection": {"partOf"}, "work": {"translationOf"}}


def backlinks(store: Store, iri, lang: str, kind: str = "") -> list[dict]:
    """[{"relation": label, "resources": [ref, ...]}] of resources that point at ``iri``."""
    target = node(iri)
    wanted = [p for p in RELATIONS if p not in SHOWN.get(kind, set())]
    preds = " ".join(str(BF[p]) for p in wanted)
    rows = select(
        store,
        f"""SELECT DISTINCT ?s ?p ?rel WHERE {{ VALUES ?p {{ {preds} }} ?s ?p {target}
        OPTIONAL {{ ?s bf:relationship ?rel }} }} LIMIT {MAX_BACKLINKS * 4}""",
    )
    groups: dict[str, list[str]] = {}
    for r in rows:
        source = r["s"].value.partition("#")[0]  # a relation node belongs to its resource
        if source == target.value:
            continue
        if r["p"] == BF.subject:
            relation = ui("about_this", lang)
        elif r["rel"] is not None:
            relation = term_label(r["rel"].value, lang) or local_name(r["rel"].value)
        else:
            relation = term_label(r["p"].value, lang) or local_name(r["p"].value)
        members = groups.setdefault(relation, [])
        if source not in members and sum(map(len, groups.values())) < MAX_BACKLINKS:
            members.append(source)
    labels = labels_for(store, [s for found in groups.values() for s in found], lang)
    return [
        {
            "relation": relation,
            "resources": sorted((ref(s, labels.get(s)) for s in found), key=lambda e: e["label"].casefold()),
        }
        for relation, found in groups.items()
        if found
    ]
