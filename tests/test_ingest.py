"""Ingest of MARC files (real broken ones from ../shared, the sample alliance's exports): broken records
reported, good ones loaded, reloads idempotent."""

from __future__ import annotations

import json

import pytest

from graph.load.ingest import IngestError, ingest
from tests.conftest import shared, unreadable_copy


def q1(store, sparql):
    return next(iter(store.query("PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>\n" + sparql)))


def test_bad_records_are_reported_and_good_ones_load(members, tmp_path):
    path = shared("marc21/pymarc/bad_records.mrc")
    report = ingest(members.store, members.minter, [path], "PKU")
    # 7 of 9 are broken; the 3 whose base address lies are read by their directory, with a warning
    assert (report.read, report.loaded, len(report.rejected), report.warnings) == (9, 5, 4, 3)
    positions = [r.position for r in report.rejected]
    assert positions == [4, 5, 7, 9]
    assert all(r.file == str(path) and r.reason for r in report.rejected)
    assert len({r.reason for r in report.rejected}) == 3  # two share "directory ... not a whole number"
    out = tmp_path / "rejects.jsonl"
    report.write_rejects(out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["position"] for r in rows] == positions
    n = q1(members.store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a bf:Instance }")["n"].value
    assert int(n) >= 1


def test_nothing_readable_loads_nothing_and_keeps_the_catalogue(members, sample_files, tmp_path):
    good = sample_files["RPL"].files[0]
    ingest(members.store, members.minter, [good], "PKU")
    before = len(members.store)
    broken = unreadable_copy(good, tmp_path / "broken.mrc")
    with pytest.raises(IngestError, match="no record could be read") as info:
        ingest(members.store, members.minter, [broken], "PKU", replace=True)
    assert info.value.report.rejected
    assert len(members.store) == before


def test_holdings_become_items_held_by_the_member(members, sample_files):
    shl = sample_files["SHL"]
    report = ingest(members.store, members.minter, shl.files, "BL")
    assert report.loaded == shl.records and not report.rejected
    row = q1(
        members.store,
        """
        SELECT (COUNT(DISTINCT ?item) AS ?items) (COUNT(DISTINCT ?lib) AS ?libs) WHERE {
          ?item a bf:Item ; bf:heldBy ?lib ; bf:itemOf ?inst . ?inst a bf:Instance }""",
    )
    assert int(row["items"].value) == shl.items  # one per 852
    assert int(row["libs"].value) == 1
    lib = q1(members.store, "SELECT DISTINCT ?lib WHERE { ?item bf:heldBy ?lib }")["lib"]
    assert lib == members.minter.library("BL")


def test_reingesting_the_same_file_changes_nothing(members, sample_files):
    path = sample_files["PKU"].files[0]
    ingest(members.store, members.minter, [path], "PKU")
    first = sorted(str(q) for g in members.store.active_graphs()[1:] for q in members.store.quads_in(g))
    ingest(members.store, members.minter, [path], "PKU")
    second = sorted(str(q) for g in members.store.active_graphs()[1:] for q in members.store.quads_in(g))
    assert len(members.store.batches("PKU")) == 1
    assert [s.split(" ", 3)[:3] for s in first] == [s.split(" ", 3)[:3] for s in second]


@pytest.mark.parametrize("source", ["sample", "yaz"])
def test_chinese_880_titles_are_language_tagged_beside_romanised(members, sample_files, source):
    path = sample_files["PKU"].files[0] if source == "sample" else shared("marc21/yaz/marccol1.u8.marc")
    ingest(members.store, members.minter, [path], "PKU")
    rows = list(
        members.store.query("""
        PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
        SELECT ?rom ?han WHERE { ?i bf:title ?t . ?t bf:mainTitle ?rom, ?han .
          FILTER(lang(?rom) = "zh-latn-pinyin" && langMatches(lang(?han), "zh-Hans")) }""")
    )
    assert rows, "no Chinese record with both pinyin and Han titles"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in rows[0]["han"].value)
