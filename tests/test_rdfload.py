"""Bulk RDF loads: every registered format, gzip, atomic failure with file and line."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest

from graph.formats import RDF_SERIALISATIONS, UnknownFormat
from graph.load.rdfload import LoadError, load_files

DATA = [
    (
        ox.NamedNode("http://ex.test/book/1"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("北京志", language="zh-Hans"),
    ),
    (
        ox.NamedNode("http://ex.test/book/1"),
        ox.NamedNode("http://id.loc.gov/ontologies/bibframe/heldBy"),
        ox.NamedNode("http://ex.test/library/pku"),
    ),
]


def labels(store):
    return sorted(r["o"].value for r in store.query("SELECT ?o WHERE { <http://ex.test/book/1> ?p ?o }"))


@pytest.mark.parametrize("serialisation", RDF_SERIALISATIONS, ids=lambda s: s.name)
@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_each_format_loads(members, tmp_path, serialisation, compressed):
    # pyoxigraph cannot write N3; Turtle is N3 too, so an N3 file is written as Turtle
    fmt = ox.RdfFormat.TURTLE if serialisation.name == "n3" else serialisation.format
    if serialisation.quads:
        data = ox.serialize([ox.Quad(s, p, o, ox.NamedNode("http://ex.test/g")) for s, p, o in DATA], format=fmt)
    else:
        data = ox.serialize([ox.Triple(*t) for t in DATA], format=fmt)
    path = tmp_path / ("data" + serialisation.extensions[0] + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(data) if compressed else data)
    report = load_files(members.store, [path], member="PKU")
    assert report.triples == 2
    assert labels(members.store) == ["http://ex.test/library/pku", "北京志"]


def test_syntax_error_loads_nothing_and_names_file_and_line(members, tmp_path):
    good = tmp_path / "good.nt"
    good.write_text('<http://ex.test/a> <http://ex.test/p> "ok" .\n')
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix ex: <http://ex.test/> .\nex:a ex:p "x" .\nex:b ex:p "unterminated .\n')
    before = len(members.store)
    with pytest.raises(LoadError) as info:
        load_files(members.store, [good, bad], member="PKU")
    assert "bad.ttl" in str(info.value) and "line 3" in str(info.value)
    assert len(members.store) == before
    assert members.store.batches("PKU") == []


def test_unknown_extension_is_refused_before_loading(members, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("a,b\n")
    with pytest.raises(UnknownFormat, match="data.csv"):
        load_files(members.store, [path], member="PKU")


def test_named_graph_replace(members, tmp_path):
    g = ox.NamedNode("http://ex.test/graph/extra")
    one, two = tmp_path / "one.nt", tmp_path / "two.nt"
    one.write_text('<http://ex.test/book/1> <http://ex.test/p> "one" .\n')
    two.write_text('<http://ex.test/book/1> <http://ex.test/p> "two" .\n')
    load_files(members.store, [one], graph=g)
    with pytest.raises(LoadError):
        load_files(members.store, [one], graph=g)  # exists: needs --replace
    load_files(members.store, [two], graph=g, replace=True)
    assert labels(members.store) == ["two"]
    rows = list(members.store.query("SELECT ?o WHERE { GRAPH <http://ex.test/graph/extra> { ?s ?p ?o } }"))
    assert [r["o"].value for r in rows] == ["two"]
