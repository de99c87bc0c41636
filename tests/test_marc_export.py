"""Union records as MARC 21: the mapping, the round trip through ``alliance convert``, the member export
and the edition page's formats: on the shared LC records and gwu.xml, and on the sample alliance's records."""

from __future__ import annotations

import io

import pymarc
import pytest
from click.testing import CliRunner

from graph.load.convert import convert_files
from graph.views.exports.marc21 import to_iso2709, union_record
from graph.views.exports.union_description import union_description
from graph.identity.match import signature
from graph.load.mappers.marc21_identity import evidence
from graph.views.common import select
from vocab.namespaces import catalogued
from tests.conftest import TEST_BASE, shared
from tests.marctrip import converted, facts, roundtrip_facts

LC_RECORDS = "marc21/loc-booksall/booksall-2016-part01-first1000.mrc"
GWU = "marc21/marc2bibframe2/dataset/gwu.xml"


@pytest.fixture(scope="module")
def lc_catalogue(tmp_path_factory):
    """1,000 LC records (LC), and gwu.xml (Chinese 880s) loaded by two members, so its editions are piles."""
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    cat = Catalogue.open(tmp_path_factory.mktemp("lc") / "data", TEST_BASE)
    for code, path in (("LC", shared(LC_RECORDS)), ("GWU", shared(GWU)), ("PKU", shared(GWU))):
        add_member(cat.store, cat.minter, Member(code, code))
        ingest(cat.store, cat.minter, [path], code, clusters=cat.clusters)
    yield cat
    cat.close()


def _instances(store) -> list[str]:
    """The catalogued editions (not the related ones records only mention)."""
    query = f"SELECT DISTINCT ?i WHERE {{ ?i a bf:Instance {catalogued('i')} }} ORDER BY ?i"
    return [r["i"].value for r in select(store, query)]


def roundtrip(cat, iris: list[str], tmp_path, suffix: str = ".mrc"):
    """Export each edition, convert the file back as `alliance convert` does; (records, failures)."""
    records = {iri: union_record(cat.store, iri) for iri in iris}
    path = tmp_path / f"union{suffix}"
    if suffix == ".mrc":
        path.write_bytes(b"".join(to_iso2709(r) for r in records.values()))
    else:
        from graph.views.exports.marc21 import to_marcxml

        path.write_bytes(to_marcxml(records.values()))
    convert_files([path], tmp_path / "back.nt", "BACK", base=cat.minter.base, workers=1)
    back, _ = converted(tmp_path / "back.nt")
    failures = {"cluster": [], "facts": []}
    for iri, record in records.items():
        if cat.clusters.lookup(evidence(record, "BACK", "x")).instances != (iri,):
            failures["cluster"].append(iri)
        rows = list(
            back.query(
                "SELECT ?i WHERE { ?i <http://id.loc.gov/ontologies/bibframe/adminMetadata>/"
                "<http://id.loc.gov/ontologies/bibframe/identifiedBy>/<http://www.w3.org/1999/02/22-rdf-syntax-ns#value> "
                f'"{record["001"].data}" }}'
            )
        )
        assert len(rows) == 1, f"{iri}: the converted file holds {len(rows)} editions for its record"
        before = facts(union_description(cat.store, iri), iri)
        after = roundtrip_facts(back, rows[0]["i"].value)
        # `alliance convert` has no cluster index: two editions (or works) with one match key (print and
        # online, one LCCN; one title and author) become one resource there, which then holds both
        # records' facts
        shared_key = (
            len(
                list(
                    back.query(f"""SELECT DISTINCT ?l WHERE {{ <{rows[0]["i"].value}>
            <http://id.loc.gov/ontologies/bibframe/instanceOf>/<http://id.loc.gov/ontologies/bibframe/hasInstance>/
            <http://id.loc.gov/ontologies/bibframe/adminMetadata>/<http://id.loc.gov/ontologies/bibframe/identifiedBy>/
            <http://www.w3.org/1999/02/22-rdf-syntax-ns#value> ?l }}""")
                )
            )
            > 1
        )
        for kind in before:
            if before[kind] != after[kind] and not (shared_key and before[kind] <= after[kind]):
                failures["facts"].append((iri, kind, before[kind] - after[kind], after[kind] - before[kind]))
    return records, failures


def test_lc_records_round_trip(lc_catalogue, tmp_path):
    cat = lc_catalogue
    iris = _instances(cat.store)
    assert len(iris) > 1000
    records, failures = roundtrip(cat, iris, tmp_path)
    assert failures == {"cluster": [], "facts": []}
    assert sum(1 for r in records.values() if r.get_fields("880")) >= 15  # gwu.xml's Chinese records


def test_lc_round_trip_through_marcxml(lc_catalogue, tmp_path):
    cat = lc_catalogue
    iris = _instances(cat.store)[:150]
    _, failures = roundtrip(cat, iris, tmp_path, ".xml")
    assert failures == {"cluster": [], "facts": []}


@pytest.fixture(scope="module")
def online_catalogue(tmp_path_factory, sample_files):
    """The sample's Peking University export (PKU), and an online version of 45 of its records that says so
    only in 245 $h ("[electronic resource]", no 33X, as gwu.xml's streaming audio does), loaded by WEB."""
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.load.sources import SourceRecord
    from graph.load.sources.marc import read_marc
    from graph.alliance.members import Member, add_member

    folder = tmp_path_factory.mktemp("online")
    pku = sample_files["PKU"].files[0]
    online = []
    for item in read_marc(pku):
        if isinstance(item, SourceRecord) and item.record["245"] is not None and len(online) < 45:
            record = item.record
            record["001"].data = "e" + record["001"].data
            t245 = record["245"]
            at = next(n for n, sub in enumerate(t245.subfields) if sub.code == "a") + 1
            t245.subfields.insert(at, pymarc.Subfield("h", "[electronic resource]"))
            record.remove_fields("852", "336", "337", "338")  # catalogued before RDA, as gwu.xml's were
            online.append(record)
    (folder / "web.mrc").write_bytes(b"".join(r.as_marc() for r in online))
    cat = Catalogue.open(folder / "data", TEST_BASE)
    for code, path in (("PKU", pku), ("WEB", folder / "web.mrc")):
        add_member(cat.store, cat.minter, Member(code, code))
        ingest(cat.store, cat.minter, [path], code, clusters=cat.clusters)
    yield cat, len(online)
    cat.close()


def test_electronic_resources_say_so(online_catalogue):
    """An edition that says it is electronic only in 245 $h ("[electronic resource]"): the graph carries it
    (bf:carrier online resource), so the union record's 338 does too, and matching, which keeps print and
    online apart, finds the same edition again."""
    cat, made = online_catalogue
    rows = select(
        cat.store,
        """SELECT DISTINCT ?i WHERE { ?i a bf:Instance ;
        bf:carrier <http://id.loc.gov/vocabulary/carriers/cr> } ORDER BY ?i""",
    )
    assert len(rows) == made == 45
    held = select(
        cat.store,
        """SELECT DISTINCT ?i WHERE { ?i a bf:Instance ;
        bf:carrier <http://id.loc.gov/vocabulary/carriers/cr> . ?item bf:itemOf ?i ; bf:heldBy ?lib .
        ?lib alliance:code "PKU" }""",
    )
    assert held == [], "print and online stay apart: no online edition is one of PKU's print ones"
    for row in rows:
        record = union_record(cat.store, row["i"])
        assert [f["a"] for f in record.get_fields("338")] == ["online resource"]
        assert signature(evidence(record, "X", "x"))["f"] == "e"
        assert cat.clusters.lookup(evidence(record, "BACK", "x")).instances == (row["i"].value,)


def test_two_members_records_give_each_identifier_and_name_once(seeded_catalogue):
    """The sample's Peking University export loaded by two members (GWU and PKU): every edition has two
    members' descriptions beside its union description; the union record has one 245, one 1XX, one 264
    of each kind, and each ISBN once."""
    cat = seeded_catalogue
    rows = select(
        cat.store,
        """SELECT ?i WHERE { ?i a bf:Instance ; alliance:memberDescription ?d ;
        bf:identifiedBy/a bf:Isbn } GROUP BY ?i HAVING (COUNT(DISTINCT ?d) > 1) LIMIT 20""",
    )
    assert rows, "one file loaded by two members gives editions described by two members"
    for r in rows:
        record = union_record(cat.store, r["i"])
        assert len(record.get_fields("245")) == 1
        assert len(record.get_fields("100", "110", "111")) <= 1
        numbers = [f["a"].replace("-", "") for f in record.get_fields("020") if f["a"]]
        assert len(numbers) == len(set(numbers))


def test_chinese_record_keeps_its_880_pairs(seeded_catalogue):
    cat = seeded_catalogue
    rows = select(
        cat.store,
        """SELECT DISTINCT ?i WHERE { ?i a bf:Instance ; bf:title ?t . ?t bf:mainTitle ?m .
        FILTER(LANGMATCHES(LANG(?m), "zh-Hans") || LANGMATCHES(LANG(?m), "zh-Hant")) } ORDER BY ?i LIMIT 10""",
    )
    assert rows
    for r in rows:
        record = union_record(cat.store, r["i"])
        t245 = record["245"]
        link = t245.get_subfields("6")[0]
        assert link.startswith("880-")
        pair = [f for f in record.get_fields("880") if f["6"].startswith(f"245-{link[4:6]}")]
        assert len(pair) == 1 and any("\u4e00" <= ch <= "\u9fff" for ch in pair[0]["a"])
        assert pair[0]["6"].endswith("/$1")
        assert all(ord(ch) < 0x2000 for ch in t245["a"]), "the romanised form is in the 245, as LC does"


def test_demo_chinese_records_round_trip(demo_catalogue, tmp_path):
    cat = demo_catalogue
    iris = _instances(cat.store)
    records, failures = roundtrip(cat, iris, tmp_path)
    assert failures == {"cluster": [], "facts": []}
    paired = [r for r in records.values() if r.get_fields("880")]
    assert len(paired) > len(records) / 3
    sample = next(r for r in paired if r["245"] and r["245"].get_subfields("6"))
    assert sample["245"]["6"] == "880-" + sample["245"]["6"][4:6]


def test_holdings_fields_are_left_for_the_member(demo_catalogue):
    iri = _instances(demo_catalogue.store)[0]
    record = union_record(demo_catalogue.store, iri)
    assert not record.get_fields("852", "876", "877", "878", "049")
    assert record["001"].data == iri.rsplit("/", 1)[-1]
    assert str(record.leader)[9] == "a"
    assert pymarc.Record(data=to_iso2709(record), force_utf8=True)["245"] is not None


def test_same_data_same_bytes(demo_catalogue):
    iri = _instances(demo_catalogue.store)[5]
    assert to_iso2709(union_record(demo_catalogue.store, iri)) == to_iso2709(union_record(demo_catalogue.store, iri))


def test_not_an_edition_has_no_union_record(demo_catalogue):
    work = select(demo_catalogue.store, "SELECT ?w WHERE { ?w a bf:Work } LIMIT 1")[0]["w"]
    assert union_record(demo_catalogue.store, work) is None
    assert union_record(demo_catalogue.store, TEST_BASE + "instance/nosuchthing") is None


# the command line -----------------------------------------------------------------------------------
def _cli(data):
    """``alliance --data DATA --base TEST_BASE ...`` in-process (a data directory no fixture holds open)."""
    from cli.main import main

    def run(*args):
        return CliRunner().invoke(main, ["--data", str(data), "--base", TEST_BASE, *args], catch_exceptions=False)

    return run


@pytest.fixture(scope="module")
def gwu_data(tmp_path_factory, sample_files):
    """The sample's Peking University export (Chinese 880s) loaded by two members, GWU and PKU."""
    data = tmp_path_factory.mktemp("gwu") / "data"
    run = _cli(data)
    for code in ("GWU", "PKU"):
        assert run("member", "add", code, "--name", code).exit_code == 0
        assert run("ingest", str(sample_files["PKU"].files[0]), "--member", code).exit_code == 0
    return data


@pytest.mark.parametrize("suffix", [".mrc", ".xml"])
def test_export_member_round_trip(gwu_data, tmp_path, suffix):
    from graph.catalogue import Catalogue

    run = _cli(gwu_data)
    out = tmp_path / f"gwu{suffix}"
    result = run("export", "--member", "GWU", "-o", str(out))
    assert result.exit_code == 0, result.output
    back = run("convert", str(out), "--member", "BACK", "-o", str(tmp_path / "back.nt"))
    assert back.exit_code == 0, back.output
    if suffix == ".mrc":
        records = list(pymarc.MARCReader(out.read_bytes(), to_unicode=True, force_utf8=True))
    else:
        records = pymarc.parse_xml_to_array(io.BytesIO(out.read_bytes()))
    cat = Catalogue.open(gwu_data)
    try:
        held = [
            r["i"].value
            for r in select(
                cat.store,
                f"""SELECT DISTINCT ?i WHERE {{ ?item bf:itemOf ?i ;
            bf:heldBy <{cat.minter.library("GWU").value}> }}""",
            )
        ]
        assert f"{len(held)} union records written" in result.output
        assert sorted(r["001"].data for r in records) == sorted(i.rsplit("/", 1)[-1] for i in held)
        assert not any(r.get_fields("852") for r in records)
        _, instances = converted(tmp_path / "back.nt")
        assert len(instances) == len(held)
        lost = [
            iri
            for r in records
            for iri in [TEST_BASE + "instance/" + r["001"].data]
            if cat.clusters.lookup(evidence(r, "BACK", "x")).instances != (iri,)
        ]
        assert lost == []
    finally:
        cat.close()


def test_export_refuses_unknown_kinds_and_members(gwu_data, tmp_path):
    run = _cli(gwu_data)
    result = run("export", "--member", "GWU", "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2 and "ISO 2709 (.mrc) or MARCXML (.xml)" in result.output
    result = run("export", "--member", "NOPE", "-o", str(tmp_path / "x.mrc"))
    assert result.exit_code == 2 and "no member NOPE" in result.output
    assert not (tmp_path / "x.mrc").exists()


# the edition page ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_client(demo_catalogue):
    from web import create_app

    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "ALLIANCE_SPARQL_WORKERS": 0, "TESTING": True})
    return app.test_client()


def _path(iri: str) -> str:
    return "/" + iri[len(TEST_BASE) :]


def test_edition_page_offers_union_record(demo_client, demo_catalogue):
    iri = select(
        demo_catalogue.store,
        """SELECT ?i WHERE { ?i a bf:Instance ; bf:title ?t . ?t bf:mainTitle ?m .
        FILTER(LANGMATCHES(LANG(?m), "zh-Hans")) } ORDER BY ?i LIMIT 1""",
    )[0]["i"].value
    page = demo_client.get(_path(iri)).get_data(as_text=True)
    assert "format=marc21" in page and "format=union-marcxml" in page and "format=marcxml" in page
    mrc = demo_client.get(_path(iri) + "?format=marc21")
    assert mrc.status_code == 200 and mrc.mimetype == "application/marc"
    record = pymarc.Record(data=mrc.data, force_utf8=True)
    assert record["001"].data == iri.rsplit("/", 1)[-1] and record.get_fields("880")
    xml = demo_client.get(_path(iri) + "?format=union-marcxml")
    assert xml.status_code == 200 and xml.mimetype == "application/marcxml+xml"
    [parsed] = pymarc.parse_xml_to_array(io.BytesIO(xml.data))
    assert parsed["245"].value() == record["245"].value()
    # the members' own records stay where they were: by name and by Accept
    source = demo_client.get(_path(iri) + "?format=marcxml").get_data(as_text=True)
    accepted = demo_client.get(_path(iri), headers={"Accept": "application/marcxml+xml"}).get_data(as_text=True)
    assert source == accepted
    assert iri.rsplit("/", 1)[-1] not in source
    assert signature(evidence(record, "X", "x"))["t"]
