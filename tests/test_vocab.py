"""The closed namespaces match the BIBFRAME 2.6 / BFLC ontologies, and the mapper only emits defined terms."""

from __future__ import annotations

import pytest

from tests.conftest import shared
from vocab import generate
from vocab.namespaces import BF, BFLC
from vocab.terms import BFLC_TERMS, BIBFRAME_TERMS


def test_committed_terms_are_the_ontology_terms():
    folder = shared("ontology")
    assert generate.defined_terms(folder / "bibframe.rdf", generate.BF_BASE) == sorted(BIBFRAME_TERMS)
    assert generate.defined_terms(folder / "bflc.rdf", generate.BFLC_BASE) == sorted(BFLC_TERMS)


def test_unknown_terms_fail_loudly():
    assert BF.instanceOf.value == "http://id.loc.gov/ontologies/bibframe/instanceOf"
    with pytest.raises(AttributeError, match="instanceof"):
        BF.instanceof  # noqa: B018 — the typo is the point
    with pytest.raises(AttributeError):
        BFLC.PrimaryContributor  # noqa: B018


@pytest.mark.parametrize(
    "relative",
    [
        "sample",  # the sample alliance's five exports (graph/sample)
        "marc21/loc-booksall/booksall-2016-part01-first1000.mrc",
        "marc21/marc2bibframe2/dataset/gwu.xml",
        "marc21/yaz/marccol1.u8.marc",
        "marc21/marc4j/pride-and-prejudice-fixed.mrc",
    ],
)
def test_every_emitted_bibframe_term_is_defined(relative, request):
    from graph.identity.uris import Minter
    from graph.load.mappers import MappingContext
    from graph.load.mappers.marc21 import UnmappableRecord, map_record
    from graph.load.sources import SourceRecord
    from graph.load.sources.marc import read_marc

    ctx = MappingContext(Minter("http://alliance.test/"), "PKU")
    used = set()
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    if relative == "sample":
        paths = [f for m in request.getfixturevalue("sample_files").values() for f in m.files]
    else:
        paths = [shared(relative)]
    for item in (item for path in paths for item in read_marc(path)):
        if isinstance(item, SourceRecord):
            try:
                triples = map_record(item.record, ctx)
            except UnmappableRecord:  # e.g. the UNIMARC records hidden in pride-and-prejudice
                continue
            for _, p, o in triples:
                used.add(p.value)
                if p.value == rdf_type:
                    used.add(o.value)
    assert any(t.startswith(BF.base) for t in used)
    undefined = sorted(
        t
        for t in used
        if (t.startswith(BF.base) and t[len(BF.base) :] not in BIBFRAME_TERMS)
        or (t.startswith(BFLC.base) and t[len(BFLC.base) :] not in BFLC_TERMS)
    )
    assert undefined == []
