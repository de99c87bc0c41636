"""The converter's output conforms to the alliance profile (vocab/shapes.ttl): for the sample alliance's exports
and for every shared MARC 21 file."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.pipeline import convert_stream
from graph.load.report import ConversionReport
from graph.load.validate import validate
from tests.conftest import SHARED_DATA, TEST_BASE, shared
from tests.test_marc21_reader import marc21_files


def converted(paths, member="PKU", format=None):
    ctx = MappingContext(Minter(TEST_BASE), member)
    data = b"".join(convert_stream(paths, ctx, ConversionReport(), format=format, workers=1))
    return [(t.subject, t.predicate, t.object) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def test_the_sample_alliance_conforms(sample_files):
    for member in sample_files.values():
        report = validate(converted(member.files, member.code))
        assert report.triples > 5_000, member.code
        assert report.conforms, [str(f) for f in report.violations[:10]] + report.undefined_terms
        assert not report.warnings, (member.code, report.warnings[:10])


def test_every_shared_file_but_the_big_one_conforms():
    shared("marc21")  # skips without the shared data
    files = [shared(f) for f in marc21_files() if "loc-booksall" not in f]
    report = validate(converted(files, format="marc21"))  # some are too broken to tell their dialect
    assert report.triples > 50_000
    assert report.conforms, [str(f) for f in report.violations[:10]] + report.undefined_terms


@pytest.mark.slow
def test_library_of_congress_records_conform():
    report = validate(converted([shared("marc21/loc-booksall/booksall-2016-part01-first1000.mrc")]))
    assert report.conforms, [str(f) for f in report.violations[:10]] + report.undefined_terms
    assert not report.warnings


def test_nonconforming_data_is_caught():
    item = ox.NamedNode(TEST_BASE + "item/x")
    bf = "http://id.loc.gov/ontologies/bibframe/"
    report = validate(
        [
            (item, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(bf + "Item")),
            (item, ox.NamedNode(bf + "itemOf"), ox.BlankNode("b")),
        ]
    )
    assert not report.conforms and report.blank_nodes == 1
    assert {f.message for f in report.violations} >= {"an Item is held by a member library"}
    assert SHARED_DATA
