"""The round trip of a union record: exported as MARC 21, converted back by ``alliance convert``, compared.

What must survive (issue 17): the edition matches the original (the cluster index finds the original
Instance for the exported record's evidence), and the titles, identifiers, contributors, subjects and
classifications of the converted edition are those of the original: subjects as the same resources
(IRIs), the rest by their normalised keys (two members' spellings of one name or title are one key, and
Traditional and Simplified forms of a name one; the union record gives each once).
"""

from __future__ import annotations

import re

import pyoxigraph

from graph.views.exports.union_description import union_description, work_of
from graph.identity.normalize import simplified, text_key
from graph.views.common import Description, node
from vocab.namespaces import BF, RDF, RDFS

_DATES = re.compile(
    r",?\s*(?:b\.\s*|d\.\s*|ca\.\s*|approximately\s*)?\d{3,4}\??-?(?:approximately\s*)?(?:\d{3,4})?\??\.?$"
)


def facts(desc: Description, instance) -> dict[str, set]:
    """The compared facts of an edition: normalised keys of what it says."""
    instance = node(instance)
    work = work_of(desc, instance)
    titles = {text_key(lit.value) for t in desc.nodes(instance, BF.title) for lit in desc.literals(t, BF.mainTitle)}
    idents = set()
    for i in desc.nodes(instance, BF.identifiedBy):
        for lit in desc.literals(i, RDF.value):
            value = re.sub(r"[\s\-]", "", lit.value).upper()
            idents |= {(t.rsplit("/", 1)[-1], value) for t in desc.types(i)}
    names = set()
    subjects = set()
    classes = set()
    if work is not None:
        for c in desc.nodes(work, BF.contribution):
            for a in desc.nodes(c, BF.agent):
                names |= {text_key(simplified(_DATES.sub("", lit.value))) for lit in desc.literals(a, RDFS.label)}
        subjects |= {s.value for s in desc.nodes(work, BF.subject) + desc.nodes(work, BF.genreForm)}
        for c in desc.nodes(work, BF.classification):
            classes |= {
                (t.rsplit("/", 1)[-1], lit.value.strip())
                for t in desc.types(c)
                for lit in desc.literals(c, BF.classificationPortion)
            }
    return {
        "titles": titles - {""},
        "identifiers": idents,
        "contributors": names - {""},
        "subjects": subjects - {""},
        "classifications": classes,
    }


def converted(path) -> tuple[pyoxigraph.Store, list[str]]:
    """The N-Triples ``alliance convert`` wrote, in a store, and its Instances."""
    store = pyoxigraph.Store()
    store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.N_TRIPLES)
    instances = sorted(
        q.subject.value for q in store.quads_for_pattern(None, RDF.type, BF.Instance) if "#" not in q.subject.value
    )
    return store, instances


class _Plain:
    """A bare pyoxigraph store as the Store interface's ``query`` (what :func:`union_description` reads)."""

    def __init__(self, store):
        self.store = store

    def query(self, text: str):
        return self.store.query(text)


def roundtrip_facts(store: pyoxigraph.Store, instance: str) -> dict[str, set]:
    return facts(union_description(_Plain(store), instance), instance)
