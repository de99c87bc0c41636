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
from graph.load.pipeline import convert_stream
from graph.load.report import ConversionReport
from tests.conftest import TEST_BASE, shared, unreadable_copy
from cli.main import main


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()
    data = str(tmp_path / "data")

    def invoke(*args):
        return runner.invoke(main, ["--data", data, "--base", TEST_BASE, *args], catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    "suffix,fmt",
    [(".nq", ox.RdfFormat.N_QUADS), (".nt", ox.RdfFormat.N_TRIPLES), (".ttl", ox.RdfFormat.TURTLE), (".nt.gz", None)],
)
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
    result = run(
        "convert",
        str(shared("marc21/pymarc/bad_records.mrc")),
        str(shared("marc21/marc4j/sample1.mrc")),
        "--member",
        "PKU",
        "-o",
        str(out),
    )
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
    path.write_bytes(
        b"".join(m + iso2709([("001", b"uni%d" % n), field200("长乐县志", "utf-8")]) for n, m in enumerate(marc21))
    )
    report = ConversionReport()
    b"".join(convert_stream([path], MappingContext(Minter(TEST_BASE), "LC"), report, workers=1))
    refused = [r for r in report.rejected if "load it with --format unimarc" in r.reason]
    assert len(refused) == len(marc21) > 3 and report.loaded == len(marc21)
    data = path.read_bytes()
    for r in refused:
        assert r.control_number.encode() in data[r.offset : data.index(b"\x1d", r.offset)]


def test_convert_refuses_an_unknown_output_format(run, tmp_path, sample_files):
    result = run("convert", str(sample_files["RPL"].files[0]), "--member", "PKU", "-o", str(tmp_path / "x.csv"))
    assert result.exit_code == 2 and ".nq" in result.output


def test_validate_a_converted_file_and_a_member(run, tmp_path, sample_files):
    out = tmp_path / "bl.ttl"
    assert run("convert", str(sample_files["SHL"].files[0]), "--member", "BL", "-o", str(out)).exit_code == 0
    result = run("validate", str(out))
    assert result.exit_code == 0 and "conforms to the alliance profile" in result.output
    run("member", "add", "BL", "--name", "British Library")
    assert run("ingest", str(sample_files["RPL"].files[0]), "--member", "BL").exit_code == 0
    member = run("validate", "--member", "BL")
    assert member.exit_code == 0 and "0 violations" in member.output


def test_validate_fails_on_blank_nodes_and_undefined_terms(run, tmp_path):
    bad = tmp_path / "bad.nt"
    bad.write_text(
        "<http://ex.test/i> <http://id.loc.gov/ontologies/bibframe/instanceof> _:w .\n"
        "<http://ex.test/item> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<http://id.loc.gov/ontologies/bibframe/Item> .\n"
    )
    result = run("validate", str(bad))
    assert result.exit_code == 1
    assert "instanceof" in result.output and "1 blank nodes" in result.output
    assert "an Item is held by a member library" in result.output
    broken = tmp_path / "broken.nt"
    broken.write_text("<http://ex.test/a> <http://ex.test/p> .\n")
    result = run("validate", str(broken))
    assert result.exit_code == 1 and "broken.nt: line 1" in result.output


# One road for every dialect: converted on one core or on two, the same bytes and the same rejects -------
def _dialect_inputs(kind: str, folder, sample_bulk) -> tuple[list, int]:
    """Files of one dialect, good records and broken ones (record, row or document); and how many read."""
    import csv
    from xml.sax.saxutils import escape

    from openpyxl import Workbook

    from graph.load.sources.spreadsheet import read_spreadsheet
    from graph.sample.locallit import write_collections
    from tests.test_unimarc import field200, iso2709

    folder.mkdir(parents=True, exist_ok=True)
    if kind == "marc21":
        broken = unreadable_copy(sample_bulk.path, folder / "broken.mrc")
        return [sample_bulk.path, broken], sample_bulk.records + 5
    if kind == "unimarc":
        good = iso2709([("001", b"ok1"), field200("长乐县志", "utf-8")])
        iso5426 = iso2709([("001", b"bad1"), ("200", b"1 \x1faCh\xc2ateau")], charset=b"0103")
        mixed = folder / "mixed.mrc"  # an unreadable character set, a truncated record, between good ones
        mixed.write_bytes(good + iso5426 + good + good[:60])
        return [shared("unimarc/periouni.mrc"), mixed], 3064 + 4
    if kind == "cnmarcxml":
        return [shared("cnmarc/sample_cnmarcxml.xml"), shared("cnmarc/sample_unimarcxml.xml")], 20
    sheets = write_collections(folder, 7)
    rows = []
    for _, path in sheets.values():
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows.extend(list(csv.reader(fh))[1:])
    header = next(csv.reader(open(next(iter(sheets.values()))[1], encoding="utf-8-sig")))
    if kind in ("csv", "xlsx"):
        body = [list(row) for row in rows]  # a row without a title, and one of no date, are rejected
        body[len(rows) // 2][header.index("题名 title")] = ""
        body[len(rows) // 3][header.index("版本年代 edition period")] = "某年"
        if kind == "csv":
            path = folder / "all.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                csv.writer(fh).writerows([[*header, "unknown column"], *body])
        else:
            path = folder / "all.xlsx"
            book = Workbook()
            for row in [[*header, "unknown column"], *body]:
                book.active.append(row)
            book.save(path)
        return [path], len(rows)
    # Dublin Core: the sample alliance's local literature, each row an oai_dc record
    records = [item.record for _, path in sheets.values() for item in read_spreadsheet(path) if hasattr(item, "record")]
    dc = [
        '<records xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    ]
    for n, row in enumerate(records):
        title = "" if n == len(records) // 2 else f"<dc:title>{escape(row['title'])}</dc:title>"
        dc.append(
            f"<oai_dc:dc>{title}<dc:creator>{escape(row.get('responsibility', ''))}</dc:creator>"
            f"<dc:date>{escape(row.get('edition_period', ''))}</dc:date></oai_dc:dc>"
        )
    path = folder / "records.xml"
    path.write_text("".join(dc) + "</records>", encoding="utf-8")
    return [path], len(records)


DIALECT_KINDS = ["marc21", "unimarc", "cnmarcxml", "csv", "xlsx", "dc"]


@pytest.mark.parametrize("kind", DIALECT_KINDS)
def test_parallel_conversion_gives_the_same_bytes_and_rejects_as_one_process(kind, tmp_path, sample_bulk):
    files, read = _dialect_inputs(kind, tmp_path / "in", sample_bulk)
    ctx = MappingContext(Minter(TEST_BASE), "LC")
    outputs, reports = [], []
    for workers in (1, 2):
        report = ConversionReport()
        outputs.append(b"".join(convert_stream(files, ctx, report, workers=workers, min_parallel=0)))
        reports.append(report)
    one, two = reports
    assert one.read == read and one.loaded > 0 and outputs[0] and outputs[0] == outputs[1]
    assert (one.read, one.loaded, one.warnings, one.triples) == (two.read, two.loaded, two.warnings, two.triples)
    assert [r.as_dict() for r in one.rejected] == [r.as_dict() for r in two.rejected]
    assert [n.as_dict() for n in one.notices] == [n.as_dict() for n in two.notices]
    if kind != "cnmarcxml":  # every other input holds broken records: each reported where it is
        assert one.rejected and all(r.file and r.reason for r in one.rejected)
        assert one.loaded + len(one.rejected) == one.read


@pytest.mark.parametrize("kind", DIALECT_KINDS)
def test_parallel_ingest_through_the_cluster_index_equals_serial(kind, tmp_path, sample_bulk):
    files, _ = _dialect_inputs(kind, tmp_path / "in", sample_bulk)
    collection = "地方文献" if kind in ("csv", "xlsx", "dc") else None  # as the demo loads local literature
    contents, rejects = [], []
    for workers in (1, 2):
        cat = Catalogue.open(tmp_path / f"data{workers}", TEST_BASE)
        add_member(cat.store, cat.minter, Member("LC", "Library of Congress"))
        report = ingest(
            cat.store,
            cat.minter,
            files,
            "LC",
            clusters=cat.clusters,
            collection_name=collection,
            workers=workers,
            min_parallel=0,
        )
        assert report.loaded > 0
        contents.append(
            sorted(
                f"{q.subject} {q.predicate} {q.object}"
                for b in cat.store.batches("LC")
                for q in cat.store.quads_in(b.graph)
            )
        )
        rejects.append([r.as_dict() for r in report.rejected])
        cat.close()
    assert contents[0] == contents[1] and rejects[0] == rejects[1]


def test_holdings_records_find_their_bibliographic_record_in_an_earlier_load(members):
    ingest(members.store, members.minter, [shared("marc21/xbib/zdbtitutf8.mrc")], "PKU")
    report = ingest(members.store, members.minter, [shared("marc21/xbib/zdblokutf8.mrc")], "PKU")
    assert report.loaded == 292 and len(report.rejected) == 1  # the last one is truncated
    n = next(
        iter(
            members.store.query("""PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
        SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item bf:itemOf ?i . ?i bf:title ?t }""")
        )
    )["n"].value
    assert int(n) >= 292


def test_a_missing_file_is_named_and_nothing_is_converted_or_loaded(tmp_path, members, sample_files):
    from graph.load.convert import ConvertError, convert_files
    from graph.load.ingest import IngestError

    missing = tmp_path / "gone.mrc"
    with pytest.raises(ConvertError, match="gone.mrc: no such file"):
        convert_files([sample_files["PKU"].files[0], missing], tmp_path / "out.nt", "PKU", base=TEST_BASE)
    assert not (tmp_path / "out.nt").exists()
    with pytest.raises(IngestError, match="gone.mrc: no such file"):
        ingest(members.store, members.minter, [sample_files["PKU"].files[0], missing], "PKU")
    assert not members.store.batches("PKU")
