"""`alliance convert` and `alliance validate`, and the parallel pipeline behind them and `alliance ingest`."""
from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.catalogue import Catalogue
from graph.identity.uris import Minter
from graph.load.ingest import ingest
from graph.load.mappers import MappingContext
from graph.alliance.members import Member, add_member
from graph.load.pipeline import ConvertReport, convert_stream
from tests.conftest import TEST_BASE, shared, unreadable_copy
from cli.main import main



@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "data")

    def invoke(*args):
        return runner.invoke(main, ["--data", data, "--base", TEST_BASE, *args], catch_exceptions=False)
    return invoke


@pytest.mark.parametrize("suffix,fmt", [(".nq", ox.RdfFormat.N_QUADS), (".nt", ox.RdfFormat.N_TRIPLES),
                                        (".ttl", ox.RdfFormat.TURTLE), (".nt.gz", None)])
def test_convert_writes_the_format_its_name_says(run, tmp_path, suffix, fmt, sample_files):
    out = tmp_path / f"gwu{suffix}"
    pku = sample_files["PKU"]
    result = run("convert", str(pku.files[0]), "--member", "gwu", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"{pku.records} records read, {pku.records} converted, 0 rejected" in result.output
    if fmt is None:
        import gzip

        data = gzip.decompress(out.read_bytes())
        fmt = ox.RdfFormat.N_TRIPLES
    else:
        data = out.read_bytes()
    quads = list(ox.parse(data, format=fmt))
    assert len(quads) > 5000
    if suffix == ".nq":
        assert {q.graph_name.value for q in quads} == {TEST_BASE + "graph/gwu/convert"}
    assert not list(tmp_path.glob(".*partial")), "no half-written file is left behind"


def test_convert_reports_the_rejects_of_real_broken_records(run, tmp_path):
    out = tmp_path / "out.nt"
    result = run("convert", str(shared("marc21/pymarc/bad_records.mrc")), str(shared("marc21/marc4j/sample1.mrc")),
                 "--member", "PKU", "-o", str(out))
    assert result.exit_code == 0
    rejects = [json.loads(line) for line in (tmp_path / "out.nt.rejects.jsonl").read_text().splitlines()]
    assert [(r["position"], r["offset"]) for r in rejects] == [(4, 381), (5, 509), (7, 764), (9, 917)]
    assert all(r["file"].endswith("bad_records.mrc") and r["reason"] for r in rejects)


def test_convert_fails_when_nothing_converts_and_writes_nothing(run, tmp_path, sample_files):
    broken = unreadable_copy(sample_files["RPL"].files[0], tmp_path / "broken.mrc")
    nothing = run("convert", str(broken), "--member", "PKU", "-o", str(tmp_path / "no.nt"))
    assert nothing.exit_code == 1 and "no record could be converted" in nothing.output
    assert not (tmp_path / "no.nt").exists()


def test_records_the_mapper_refuses_carry_their_byte_offset(tmp_path, sample_files):
    from tests.test_unimarc import field200, iso2709

    marc21 = [r + b"\x1d" for r in sample_files["RPL"].files[0].read_bytes().split(b"\x1d")[:5] if r.strip()]
    path = tmp_path / "mixed.mrc"  # a few UNIMARC records among MARC 21, as exports sometimes hold
    path.write_bytes(b"".join(m + iso2709([("001", b"uni%d" % n), field200("长乐县志", "utf-8")])
                              for n, m in enumerate(marc21)))
    report = ConvertReport()
    b"".join(convert_stream([path], MappingContext(Minter(TEST_BASE), "LC"), report, workers=1))
    refused = [r for r in report.rejected if "load it with --format unimarc" in r.reason]
    assert len(refused) == len(marc21) > 3 and report.loaded == len(marc21)
    data = path.read_bytes()
    for r in refused:
        assert r.control_number.encode() in data[r.offset:data.index(b"\x1d", r.offset)]


def test_convert_refuses_an_unknown_output_format(run, tmp_path, sample_files):
    result = run("convert", str(sample_files["RPL"].files[0]), "--member", "PKU", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and ".nq" in result.output


def test_validate_a_converted_file_and_a_member(run, tmp_path, sample_files):
    out = tmp_path / "bl.ttl"
    assert run("convert", str(sample_files["SHL"].files[0]), "--member", "BL",
               "-o", str(out)).exit_code == 0
    result = run("validate", str(out))
    assert result.exit_code == 0 and "conforms to the alliance profile" in result.output
    run("member", "add", "BL", "--name", "British Library")
    assert run("ingest", str(sample_files["RPL"].files[0]), "--member", "BL").exit_code == 0
    member = run("validate", "--member", "BL")
    assert member.exit_code == 0 and "0 violations" in member.output


def test_validate_fails_on_blank_nodes_and_undefined_terms(run, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://ex.test/i> <http://id.loc.gov/ontologies/bibframe/instanceof> _:w .\n'
                   '<http://ex.test/item> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                   '<http://id.loc.gov/ontologies/bibframe/Item> .\n')
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert "instanceof" in result.output and "1 blank nodes" in result.output
    assert "an Item is held by a member library" in result.output
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://ex.test/a> <http://ex.test/p> .\n")
    result = run("validate", str(broken))
    assert result.exit_code == 1 and "broken.nt: line 1" in result.output


def test_parallel_conversion_gives_the_same_bytes_as_one_process(sample_bulk):
    ctx = MappingContext(Minter(TEST_BASE), "LC")
    one = b"".join(convert_stream([sample_bulk.path], ctx, ConvertReport(), workers=1))
    report = ConvertReport()
    two = b"".join(convert_stream([sample_bulk.path], ctx, report, workers=2, min_parallel=0))
    assert report.loaded == sample_bulk.records and one == two


def test_parallel_ingest_through_the_cluster_index_equals_serial(tmp_path, sample_bulk):
    contents = []
    for workers in (1, 2):
        cat = Catalogue.open(tmp_path / f"data{workers}", TEST_BASE)
        add_member(cat.store, cat.minter, Member("LC", "Library of Congress"))
        report = ingest(cat.store, cat.minter, [sample_bulk.path], "LC", clusters=cat.clusters,
                        workers=workers, min_parallel=0)
        assert report.loaded == sample_bulk.records
        contents.append(sorted(f"{q.subject} {q.predicate} {q.object}" for b in cat.store.batches("LC")
                               for q in cat.store.quads_in(b.graph)))
        cat.close()
    assert contents[0] == contents[1]


def test_holdings_records_find_their_bibliographic_record_in_an_earlier_load(members):
    ingest(members.store, members.minter, [shared("marc21/xbib/zdbtitutf8.mrc")], "PKU")
    report = ingest(members.store, members.minter, [shared("marc21/xbib/zdblokutf8.mrc")], "PKU")
    assert report.loaded == 292 and len(report.rejected) == 1  # the last one is truncated
    n = next(iter(members.store.query("""PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
        SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item bf:itemOf ?i . ?i bf:title ?t }""")))["n"].value
    assert int(n) >= 292
