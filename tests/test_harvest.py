"""Dublin Core files and OAI-PMH harvests from a real repository process on 127.0.0.1."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from graph import dialects, locallit
from graph.harvest import HarvestError, harvest
from graph.ingest import ingest
from graph.members import Member, add_member
from tests.conftest import ROOT, TEST_BASE
from vocab.namespaces import sparql_prefixes

PAST = "2020-01-01T00:00:00Z"
RECORDS = [
    {"id": "oai:dl.fjl:1", "datestamp": PAST, "sets": ["gazetteer"], "dc": {
        "title": ["长乐县志"], "creator": ["(清)孟昭涵修"], "coverage": ["清", "福建长乐"], "type": ["地方志"],
        "date": ["清光绪十年(1884)"], "identifier": ["https://dl.fjl.example/item/1"], "language": ["chi"]}},
    {"id": "oai:dl.fjl:2", "datestamp": PAST, "sets": ["genealogy"], "dc": {
        "title": ["王氏族谱"], "creator": ["王恩溥纂修"], "type": ["家谱"], "coverage": ["福建福州"],
        "date": ["民国二十年"], "subject": ["王氏"]}},
    {"id": "oai:dl.fjl:3", "datestamp": PAST, "sets": ["genealogy"], "dc": {
        "title": ["林氏宗谱"], "creator": ["林某"], "type": ["家谱"], "date": ["1935"]}},
    {"id": "oai:dl.fjl:4", "datestamp": PAST, "sets": ["gazetteer"], "dc": {
        "title": ["福州府志"], "creator": ["(清)徐景熹修"], "coverage": ["福建福州"], "date": ["乾隆十九年"],
        "publisher": ["福州府"], "description": ["七十六卷"]}},
    {"id": "oai:dl.fjl:5", "datestamp": PAST, "sets": ["modern"], "dc": {
        "title": ["福建地方文献研究"], "creator": ["曾某"], "identifier": ["ISBN 7-5037-2623-7"], "date": ["2001"],
        "publisher": ["福建人民出版社"]}},
]


def rows(store, sparql):
    result = store.query(sparql_prefixes() + sparql)
    return bool(result) if sparql.lstrip().startswith("ASK") else list(result)


def titles(store) -> set[str]:
    return {r["t"].value for r in rows(store, """SELECT ?t WHERE { ?i a bf:Instance ; bf:title/bf:mainTitle ?t
        FILTER(lang(?t) = "zh-hans") }""")}


@pytest.fixture
def repository(tmp_path):
    """A real OAI-PMH server process on 127.0.0.1 serving RECORDS (the test may rewrite them)."""
    data = tmp_path / "repository.json"
    data.write_text(json.dumps({"name": "福建省图书馆数字资源", "records": RECORDS}, ensure_ascii=False))
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "oai_server.py"), str(data)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = proc.stdout.readline().strip()
        assert port.isdigit(), proc.stderr.read()
        yield f"http://127.0.0.1:{port}/oai", data
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def fjl(catalogue):
    add_member(catalogue.store, catalogue.minter, Member("FJL", "Fujian Provincial Library", "福建省图书馆"))
    return catalogue


def test_a_full_harvest_follows_resumption_tokens_and_loads_a_collection(fjl, repository, tmp_path):
    url, _ = repository
    report = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=tmp_path / "state", clusters=fjl.clusters)
    assert (report.requests, report.received, report.kept, report.since) == (3, 5, 5, None)
    assert report.ingest.loaded == 5 and not report.ingest.rejected
    assert report.collection == "福建省图书馆数字资源"
    store = fjl.store
    assert titles(store) == {"长乐县志", "王氏族谱", "林氏宗谱", "福州府志", "福建地方文献研究"}
    assert rows(store, """ASK { ?t bf:mainTitle "长乐县志"@zh-Hans , "chang le xian zhi"@zh-Latn-pinyin ;
                                  alliance:pinyinGenerated "pypinyin" }""")
    assert rows(store, """ASK { ?a rdfs:label "曾某"@zh-Hans , "zeng mou"@zh-Latn-pinyin ; alliance:pinyinCorrected "曾 zeng" }""")
    dynasties = {v.label: v.works for v in locallit.facet(store, "dynasty")}
    assert dynasties == {"清": 2, "民国": 1}
    places = {v.label: v.works for v in locallit.facet(store, "place")}
    assert places == {"福建长乐": 1, "福建福州": 2}
    assert {v.label for v in locallit.facet(store, "type")} == {"地方志", "家谱"}
    assert rows(store, """ASK { ?i bf:electronicLocator <https://dl.fjl.example/item/1> ;
                                 bf:hasItem/bf:heldBy/alliance:code "FJL" ; bf:partOf/rdfs:label ?c }""")
    assert rows(store, """ASK { ?i bf:identifiedBy [ a bf:Isbn ; rdf:value "7-5037-2623-7" ] }""")


def test_an_incremental_harvest_takes_only_changes_and_deletions(fjl, repository, tmp_path):
    url, data = repository
    state = tmp_path / "state"
    first = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=state, clusters=fjl.clusters)
    time.sleep(1.1)  # the repository's datestamps have one-second granularity
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = json.loads(data.read_text(encoding="utf-8"))
    changed["records"][1]["dc"]["title"] = ["王氏重修族谱"]
    changed["records"][1]["datestamp"] = now
    changed["records"][2] = {"id": "oai:dl.fjl:3", "datestamp": now, "deleted": True, "sets": ["genealogy"]}
    changed["records"].append({"id": "oai:dl.fjl:6", "datestamp": now, "sets": ["gazetteer"],
                               "dc": {"title": ["闽侯县志"], "coverage": ["福建闽侯"], "date": ["民国二十二年"]}})
    data.write_text(json.dumps(changed, ensure_ascii=False))
    time.sleep(1.1)  # so that the next responseDate is later than these changes
    second = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=state, clusters=fjl.clusters)
    assert second.since == first.response_date
    assert (second.received, second.deleted, second.kept) == (3, 1, 5)
    assert titles(fjl.store) == {"长乐县志", "王氏重修族谱", "福州府志", "福建地方文献研究", "闽侯县志"}
    assert len(fjl.store.batches("FJL")) == 1  # the harvest replaced the last one
    third = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=state, clusters=fjl.clusters)
    assert third.received == 0 and third.kept == 5  # nothing new: the same collection loads again


def test_a_set_is_harvested_alone_into_its_own_collection(fjl, repository, tmp_path):
    url, _ = repository
    report = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=tmp_path / "state", set_spec="genealogy")
    assert report.kept == 2 and report.collection == "福建省图书馆数字资源 / genealogy"
    assert titles(fjl.store) == {"王氏族谱", "林氏宗谱"}


def test_a_failed_harvest_changes_nothing(fjl, repository, tmp_path):
    url, _ = repository
    harvest(fjl.store, fjl.minter, url, "FJL", state_dir=tmp_path / "state")
    before = len(fjl.store)
    with pytest.raises(HarvestError, match="Connection refused|refused"):
        harvest(fjl.store, fjl.minter, "http://127.0.0.1:9/oai", "FJL", state_dir=tmp_path / "state")
    with pytest.raises(HarvestError, match="no records to load"):
        harvest(fjl.store, fjl.minter, url, "FJL", state_dir=tmp_path / "other", from_date="2999-01-01")
    assert len(fjl.store) == before


def test_a_dublin_core_file_is_detected_and_ingested(fjl, tmp_path):
    path = tmp_path / "records.xml"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<records xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <oai_dc:dc><dc:title>泉州府志</dc:title><dc:creator>(清)怀荫布修</dc:creator><dc:coverage>福建泉州</dc:coverage>
    <dc:date>乾隆二十八年</dc:date></oai_dc:dc>
  <oai_dc:dc><dc:creator>无题名</dc:creator></oai_dc:dc>
</records>""", encoding="utf-8")
    assert dialects.detect(path).name == "dc"
    report = ingest(fjl.store, fjl.minter, [path], "FJL")
    assert (report.read, report.loaded, [r.reason for r in report.rejected]) == (2, 1, ["no dc:title"])
    assert rows(fjl.store, """ASK { ?p alliance:dynasty/rdfs:label "清"@zh-Hans ; bf:date "1763"^^<http://id.loc.gov/datatypes/edtf> }""")


def test_the_cli_harvests(repository, tmp_path):
    from click.testing import CliRunner

    from web.cli import main

    url, _ = repository

    def run(*args):
        return CliRunner().invoke(main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args],
                                  catch_exceptions=False)

    assert run("member", "add", "FJL", "--name", "Fujian Provincial Library").exit_code == 0
    result = run("harvest", url, "--member", "FJL", "--set", "gazetteer", "--collection", "福建方志")
    assert result.exit_code == 0, result.output
    assert "2 records in 1 requests" in result.output and "'福建方志'" in result.output
    again = run("harvest", url, "--member", "FJL", "--set", "gazetteer", "--full", "--from", "2999-01-01")
    assert again.exit_code != 0 and "no records to load" in again.output
    missing = run("harvest", url, "--member", "NOPE")
    assert missing.exit_code != 0 and "no member NOPE" in missing.output
