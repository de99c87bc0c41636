"""Overlap reports over a generated alliance (`alliance generate` over the sample's records): numbers, SPARQL,
CLI, web page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from graph.catalogue import Catalogue
from graph.load.ingest import ingest
from graph.alliance.members import Member, add_member, list_members
from graph.sample.real_records import generate
from graph.union.overlap import SPARQL_EXAMPLES, overlap
from tests.conftest import TEST_BASE
from vocab.namespaces import sparql_prefixes


@pytest.fixture(scope="module")
def union(tmp_path_factory, sample_bulk):
    """Three members' generated catalogues loaded through the cluster index: 250 editions of the sample
    (the bulk file's first member's, one record each) re-catalogued by each member its own way."""
    root = tmp_path_factory.mktemp("overlap")
    generate([sample_bulk.path], root / "gen", members=3, limit=250, seed=3)
    cat = Catalogue.open(root / "data", TEST_BASE)
    members = json.loads((root / "gen" / "members.json").read_text())
    for m in members:
        add_member(cat.store, cat.minter, Member(m["code"], m["name"]))
        ingest(cat.store, cat.minter, [root / "gen" / m["file"]], m["code"], clusters=cat.clusters)
    yield cat, root
    cat.close()


def expected_holders(cat):
    """Instance -> members, straight from the cluster index (what the store must agree with)."""
    holders = {}
    for (member, _), (instance, _) in cat.clusters.clusters_of().items():
        holders.setdefault(cat.minter.resource("instance", instance).value, set()).add(member)
    return holders


def test_the_report_counts_what_the_clusters_say(union):
    cat, _ = union
    holders = expected_holders(cat)
    report = overlap(cat.store, cat.minter).report()
    assert report["titles"] == len(holders)
    assert report["holdings"] == sum(len(h) for h in holders.values())
    assert report["duplication_ratio"] == round(report["holdings"] / report["titles"], 4) > 1
    for m in report["members"]:
        assert m["titles"] == sum(1 for h in holders.values() if m["code"] in h)
        assert m["unique"] == sum(1 for h in holders.values() if h == {m["code"]})
        assert m["held_by_all"] == sum(1 for h in holders.values() if len(h) == 3) == report["held_by_all"]
    for cell in report["matrix"]:
        common = sum(1 for h in holders.values() if {cell["a"], cell["b"]} <= h)
        a_titles = next(m["titles"] for m in report["members"] if m["code"] == cell["a"])
        assert cell["common"] == common
        assert cell["share_of_a_held_by_b"] == round(common / a_titles, 4)
    assert sum(report["distribution"].values()) == report["titles"]


def test_breakdowns_by_class_and_decade(union):
    cat, _ = union
    report = overlap(cat.store, cat.minter).report()
    lcc = {r["value"]: r for r in report["breakdowns"]["lcc"]}
    assert lcc and all(len(v) == 1 and v.isupper() for v in lcc)
    decades = report["breakdowns"]["decade"]
    assert decades and all(r["value"].endswith("0s") for r in decades)
    assert sum(r["titles"] for r in decades) <= report["titles"]
    assert sum(r["titles"] for r in decades) > 0.9 * report["titles"]
    works = overlap(cat.store, cat.minter, "work").report()
    assert 0 < works["titles"] <= report["titles"]


def test_sparql_gives_the_same_numbers(union):
    cat, _ = union
    report = overlap(cat.store, cat.minter).report()
    code = {m.iri: m.code for m in list_members(cat.store)}
    pairs = {
        (code[r["a"].value], code[r["b"].value]): int(r["common"].value)
        for r in cat.store.query(sparql_prefixes() + SPARQL_EXAMPLES["titles_in_common"])
    }
    for cell in report["matrix"]:
        if cell["a"] < cell["b"]:
            assert pairs.get((cell["a"], cell["b"]), 0) == cell["common"]
    unique = {
        code[r["library"].value]: int(r["unique"].value)
        for r in cat.store.query(sparql_prefixes() + SPARQL_EXAMPLES["unique_titles"])
    }
    assert unique == {m["code"]: m["unique"] for m in report["members"] if m["unique"]}
    (row,) = list(cat.store.query(sparql_prefixes() + SPARQL_EXAMPLES["duplication_ratio"]))
    assert int(row["titles"].value) == report["titles"]
    assert round(float(row["duplication_ratio"].value), 4) == report["duplication_ratio"]


def test_the_command_line_writes_csv_tables_and_lists(union, tmp_path):
    from cli.main import main

    cat, root = union
    report = overlap(cat.store, cat.minter).report()
    cat.store.close()  # the command opens the data directory itself
    cat.clusters.close()
    try:
        runner = CliRunner()
        base = ["--data", str(root / "data"), "--base", TEST_BASE, "overlap"]
        out = runner.invoke(main, [*base, "--format", "csv", "--table", "members"], catch_exceptions=False)
        rows = list(csv.DictReader(io.StringIO(out.output)))
        assert [(r["code"], int(r["unique"])) for r in rows] == [(m["code"], m["unique"]) for m in report["members"]]
        first = report["members"][0]
        out = runner.invoke(
            main, [*base, "--list", "unique", "--member", first["code"].lower()], catch_exceptions=False
        )
        listed = list(csv.DictReader(io.StringIO(out.output)))
        assert len(listed) == first["unique"]
        assert all(r["holders"] == first["code"] and r["title"] for r in listed)
        out = runner.invoke(main, [*base, "--list", "unique"])
        assert out.exit_code == 2 and "--member" in out.output
        out = runner.invoke(main, [*base], catch_exceptions=False)
        assert json.loads(out.output)["titles"] == report["titles"]
    finally:
        reopened = Catalogue.open(root / "data", TEST_BASE)
        cat.store, cat._clusters = reopened.store, None


def test_the_report_page_reads_without_javascript_and_offers_downloads(union):
    from web import create_app

    cat, _ = union
    report = overlap(cat.store, cat.minter).report()
    client = create_app({"ALLIANCE_CATALOGUE": cat}).test_client()
    page = client.get("/reports/overlap")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script" not in html and 'class="heatmap"' in html
    for m in report["members"]:
        assert f'<th scope="row">{m["code"]}</th>' in html
    assert "/reports/overlap.json" in page.headers["Link"]
    assert client.get("/reports/").status_code == 302
    data = client.get("/reports/overlap.json").get_json()
    assert data["titles"] == report["titles"] and data["matrix"] == report["matrix"]
    everyone = client.get("/reports/overlap/titles.csv?list=everyone")
    assert everyone.mimetype == "text/csv" and "attachment" in everyone.headers["Content-Disposition"]
    assert len(list(csv.DictReader(io.StringIO(everyone.get_data(as_text=True))))) == report["held_by_all"]
    decade = client.get("/reports/overlap.csv?table=decade").get_data(as_text=True)
    assert decade.startswith("decade,titles,holdings,duplication_ratio")
    assert client.get("/reports/overlap?level=nonsense").status_code == 400
    assert client.get("/reports/overlap/titles.csv?list=unique&member=NOPE").status_code == 400
    zh = client.get("/reports/overlap?lang=zh&level=work").get_data(as_text=True)
    assert "成员馆馆藏重复率" in zh
