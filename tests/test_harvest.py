"""Dublin Core files and OAI-PMH harvests from a real repository process on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest

from graph.load import dialects

from graph.views import locallit
from graph.load.harvest import HarvestError, harvest
from graph.load.ingest import ingest
from graph.alliance.members import Member, add_member
from tests.conftest import ROOT, TEST_BASE
from vocab.namespaces import sparql_prefixes

PAST = "2020-01-01T00:00:00Z"
RECORDS = [
    {
        "id": "oai:dl.fjl:1",
        "datestamp": PAST,
        "sets": ["gazetteer"],
        "dc": {
            "title": ["长乐县志"],
            "creator": ["(清)孟昭涵修"],
            "coverage": ["清", "福建长乐"],
            "type": ["地方志"],
            "date": ["清光绪十年(1884)"],
            "identifier": ["https://dl.fjl.example/item/1"],
            "language": ["chi"],
        },
    },
    {
        "id": "oai:dl.fjl:2",
        "datestamp": PAST,
        "sets": ["genealogy"],
        "dc": {
            "title": ["王氏族谱"],
            "creator": ["王恩溥纂修"],
            "type": ["家谱"],
            "coverage": ["福建福州"],
            "date": ["民国二十年"],
            "subject": ["王氏"],
        },
    },
    {
        "id": "oai:dl.fjl:3",
        "datestamp": PAST,
        "sets": ["genealogy"],
        "dc": {"title": ["林氏宗谱"], "creator": ["林某"], "type": ["家谱"], "date": ["1935"]},
    },
    {
        "id": "oai:dl.fjl:4",
        "datestamp": PAST,
        "sets": ["gazetteer"],
        "dc": {
            "title": ["福州府志"],
            "creator": ["(清)徐景熹修"],
            "coverage": ["福建福州"],
            "date": ["乾隆十九年"],
            "publisher": ["福州府"],
            "description": ["七十六卷"],
        },
    },
    {
        "id": "oai:dl.fjl:5",
        "datestamp": PAST,
        "sets": ["modern"],
        "dc": {
            "title": ["福建地方文献研究"],
            "creator": ["曾某"],
            "identifier": ["ISBN 7-5037-2623-7"],
            "date": ["2001"],
            "publisher": ["福建人民出版社"],
        },
    },
]


def rows(store, sparql):
    result = store.query(sparql_prefixes() + sparql)
    return bool(result) if sparql.lstrip().startswith("ASK") else list(result)


def titles(store) -> set[str]:
    return {
        r["t"].value
        for r in rows(
            store,
            """SELECT ?t WHERE { ?i a bf:Instance ; bf:title/bf:mainTitle ?t
        FILTER(lang(?t) = "zh-hans") }""",
        )
    }


@pytest.fixture
def repository(tmp_path):
    """A real OAI-PMH server process on 127.0.0.1 serving RECORDS (the test may rewrite them)."""
    data = tmp_path / "repository.json"
    data.write_text(json.dumps({"name": "福建省图书馆数字资源", "records": RECORDS}, ensure_ascii=False))
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "oai_server.py"), str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
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
    assert rows(
        store,
        """ASK { ?t bf:mainTitle "长乐县志"@zh-Hans , "chang le xian zhi"@zh-Latn-pinyin ;
                                  alliance:pinyinGenerated "pypinyin" }""",
    )
    assert rows(
        store,
        """ASK { ?a rdfs:label "曾某"@zh-Hans , "zeng mou"@zh-Latn-pinyin ; alliance:pinyinCorrected "曾 zeng" }""",
    )
    dynasties = {v.label: v.works for v in locallit.facet(store, "dynasty")}
    assert dynasties == {"清": 2, "民国": 1}
    places = {v.label: v.works for v in locallit.facet(store, "place")}
    assert places == {"福建长乐": 1, "福建福州": 2}
    assert {v.label for v in locallit.facet(store, "type")} == {"地方志", "家谱"}
    assert rows(
        store,
        """ASK { ?i bf:electronicLocator <https://dl.fjl.example/item/1> ;
                                 bf:hasItem/bf:heldBy/alliance:code "FJL" ; bf:partOf/rdfs:label ?c }""",
    )
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
    changed["records"].append(
        {
            "id": "oai:dl.fjl:6",
            "datestamp": now,
            "sets": ["gazetteer"],
            "dc": {"title": ["闽侯县志"], "coverage": ["福建闽侯"], "date": ["民国二十二年"]},
        }
    )
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
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<records xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <oai_dc:dc><dc:title>泉州府志</dc:title><dc:creator>(清)怀荫布修</dc:creator><dc:coverage>福建泉州</dc:coverage>
    <dc:date>乾隆二十八年</dc:date></oai_dc:dc>
  <oai_dc:dc><dc:creator>无题名</dc:creator></oai_dc:dc>
</records>""",
        encoding="utf-8",
    )
    assert dialects.detect(path).name == "dc"
    report = ingest(fjl.store, fjl.minter, [path], "FJL")
    assert (report.read, report.loaded, [r.reason for r in report.rejected]) == (2, 1, ["no dc:title"])
    assert rows(
        fjl.store,
        """ASK { ?p alliance:dynasty/rdfs:label "清"@zh-Hans ; bf:date "1763"^^<http://id.loc.gov/datatypes/edtf> }""",
    )


def _cli(data):
    """``alliance --data DATA --base TEST_BASE ...`` run in-process; returns the click result."""
    from click.testing import CliRunner

    from cli.main import main

    def run(*args):
        return CliRunner().invoke(main, ["--data", str(data), "--base", TEST_BASE, *args], catch_exceptions=False)

    return run


def test_the_cli_harvests(repository, tmp_path):
    url, _ = repository
    run = _cli(tmp_path / "data")

    assert run("member", "add", "FJL", "--name", "Fujian Provincial Library").exit_code == 0
    result = run("harvest", url, "--member", "FJL", "--set", "gazetteer", "--collection", "福建方志")
    assert result.exit_code == 0, result.output
    assert "2 records in 1 requests" in result.output and "'福建方志'" in result.output
    again = run("harvest", url, "--member", "FJL", "--set", "gazetteer", "--full", "--from", "2999-01-01")
    assert again.exit_code != 0 and "no records to load" in again.output
    missing = run("harvest", url, "--member", "NOPE")
    assert missing.exit_code != 0 and "no member NOPE" in missing.output


# MARC 21 as MARCXML: the sample's Shanghai Library records (Chinese 880s, 852s) served by the same repository process
SLIM = "http://www.loc.gov/MARC21/slim"


def chinese_records(path) -> list[tuple[str, str, str, str]]:
    """(001, 245$a, the 880 twin's $a, MARCXML) of the records of ``path`` whose title has an 880 twin."""
    from graph.load import xmlsafe

    root = xmlsafe.fromstring(path.read_bytes())
    found = []
    for elem in root.findall(f"{{{SLIM}}}record"):
        control = elem.findtext(f"{{{SLIM}}}controlfield[@tag='001']")
        title = elem.findtext(f"{{{SLIM}}}datafield[@tag='245']/{{{SLIM}}}subfield[@code='a']")
        han = next(
            (
                f.findtext(f"{{{SLIM}}}subfield[@code='a']")
                for f in elem.findall(f"{{{SLIM}}}datafield[@tag='880']")
                if (f.findtext(f"{{{SLIM}}}subfield[@code='6']") or "").startswith("245")
            ),
            None,
        )
        if han:
            found.append((control, title, han.rstrip(" :/"), ET.tostring(elem, encoding="unicode")))
    return found


def marc_entry(control: str, title: str, marcxml: str, datestamp: str = PAST) -> dict:
    return {
        "id": f"oai:catalog.shl:{control}",
        "datestamp": datestamp,
        "sets": ["asia"],
        "dc": {"title": [title]},
        "marcxml": marcxml,
    }


@pytest.fixture
def marc_repository(repository, sample_files):
    """The repository process offering marc21 and marcxml besides oai_dc: five sample records and one
    whose MARCXML lost a datafield's tag; ``chinese`` holds these six and the next one."""
    url, data = repository
    chinese = chinese_records(sample_files["SHL"].files[0])[:7]
    records = [marc_entry(c, t, x) for c, t, _, x in chinese[:6]]
    records[5]["marcxml"] = records[5]["marcxml"].replace('tag="245"', "", 1)
    data.write_text(
        json.dumps(
            {"name": "SHL Libraries", "records": records, "formats": {"marcxml": SLIM, "marc21": SLIM}},
            ensure_ascii=False,
        )
    )
    return url, data, chinese


def controls(store) -> set[str]:
    return {
        r["c"].value
        for r in rows(
            store,
            """SELECT ?c WHERE { ?i a bf:Instance ;
        alliance:memberDescription/bf:adminMetadata/bf:identifiedBy/rdf:value ?c }""",
        )
    }


def main_titles(store) -> set[str]:
    return {r["t"].value for r in rows(store, "SELECT ?t WHERE { ?i a bf:Instance ; bf:title/bf:mainTitle ?t }")}


def test_marcxml_is_taken_over_oai_dc_and_read_by_the_marc21_reader_and_mapper(fjl, marc_repository, tmp_path):
    url, _, chinese = marc_repository
    report = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=tmp_path / "state", clusters=fjl.clusters)
    assert report.metadata_prefix == "marc21" and "(marc21)" in report.summary()
    assert (report.requests, report.received, report.kept) == (3, 6, 6)
    assert report.ingest.loaded == 5
    broken = chinese[5][0]
    assert [(r.file, r.control_number, r.reason) for r in report.ingest.rejected] == [
        (url, f"oai:catalog.shl:{broken}", f"datafield without a tag (001 {broken})")
    ]
    assert controls(fjl.store) == {c for c, *_ in chinese[:5]}
    assert {han for _, _, han, _ in chinese[:5]} <= {t.rstrip(" :/") for t in main_titles(fjl.store)}
    assert rows(
        fjl.store,
        f"""ASK {{ ?i alliance:memberDescription/bf:adminMetadata/bf:identifiedBy/rdf:value "{chinese[1][0]}" ;
                                      bf:hasItem/bf:heldBy/alliance:code "FJL" ; bf:partOf/rdfs:label "SHL Libraries" }}""",
    )


def test_an_incremental_marcxml_harvest_takes_changes_and_deletions(fjl, marc_repository, tmp_path):
    url, data, chinese = marc_repository
    state = tmp_path / "state"
    first = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=state, clusters=fjl.clusters)
    time.sleep(1.1)  # the repository's datestamps have one-second granularity
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    changed = json.loads(data.read_text(encoding="utf-8"))
    records = changed["records"]
    old_title = chinese[1][2]
    new_title = old_title + "续编"
    records[1]["marcxml"] = records[1]["marcxml"].replace(old_title, new_title)
    records[1]["datestamp"] = now
    records[2] = {"id": records[2]["id"], "datestamp": now, "deleted": True, "sets": ["asia"]}
    control, title, _, marcxml = chinese[6]
    records.append(marc_entry(control, title, marcxml, datestamp=now))
    data.write_text(json.dumps(changed, ensure_ascii=False))
    time.sleep(1.1)
    second = harvest(fjl.store, fjl.minter, url, "FJL", state_dir=state, clusters=fjl.clusters)
    assert second.since == first.response_date and second.metadata_prefix == "marc21"
    assert (second.received, second.deleted, second.kept) == (3, 1, 6)
    assert controls(fjl.store) == {c for c, *_ in chinese[:5] + chinese[6:7]} - {chinese[2][0]}
    titles_now = {t.rstrip(" :/") for t in main_titles(fjl.store)}
    assert new_title in titles_now and old_title not in titles_now
    assert len(fjl.store.batches("FJL")) == 1
    assert [r.control_number for r in second.ingest.rejected] == [f"oai:catalog.shl:{chinese[5][0]}"]


def test_the_cli_harvests_marcxml_or_the_format_it_is_told(marc_repository, tmp_path):
    url, _, chinese = marc_repository
    run = _cli(tmp_path / "data")

    assert run("member", "add", "GWU", "--name", "George Washington University").exit_code == 0
    told = run("harvest", url, "--member", "GWU", "--metadata-prefix", "oai_dc")
    assert told.exit_code == 0, told.output
    assert "(oai_dc) (full): 6 records in 3 requests" in told.output
    again = run("harvest", url, "--member", "GWU")  # another format: the cache is no use, all again
    assert again.exit_code == 0, again.output
    assert "(marc21) (full): 6 records in 3 requests" in again.output
    assert f"oai:catalog.shl:{chinese[5][0]}" in again.output + "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "data" / "rejects").glob("*.jsonl")
    )
    unknown = run("harvest", url, "--member", "GWU", "--metadata-prefix", "mods")
    assert unknown.exit_code != 0 and "does not offer metadataPrefix 'mods'" in unknown.output
    assert "marc21, marcxml, oai_dc" in unknown.output


def test_a_harvested_collection_is_searchable_and_exportable_when_the_command_returns(marc_repository, tmp_path):
    """The harvest takes the same road as every load: the search index and the source archive follow it."""
    from graph.catalogue import Catalogue
    from graph.views.exports.marcxml import source_records
    from graph.index import SearchRequest, Searcher

    url, _, chinese = marc_repository
    run = _cli(tmp_path / "data")
    assert run("member", "add", "GWU", "--name", "George Washington University").exit_code == 0
    result = run("harvest", url, "--member", "GWU")
    assert result.exit_code == 0, result.output
    assert "search index: " in result.output
    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    try:
        found = Searcher(cat.search).search(SearchRequest(q=chinese[0][2]))  # a harvested record's Han title
        assert found.total >= 1, "the harvested record is in the search index"
        editions = list(
            cat.store.query("""SELECT ?i WHERE { ?i a <http://id.loc.gov/ontologies/bibframe/Instance> }""")
        )
        exported = [r for row in editions for r in source_records(cat.store, cat.sources, row["i"])]
        assert len(exported) == len(editions) > 0, "every harvested edition exports its MARCXML source record"
    finally:
        cat.close()
