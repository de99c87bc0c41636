"""UNIMARC and CNMARC: real records in, dialect told apart, character sets decoded by 100$a/26-29."""

from __future__ import annotations

import pytest

from graph.load import dialects
from graph.identity.uris import Minter
from graph.load.ingest import IngestError, ingest
from graph.load.mappers import MappingContext
from graph.identity.match import signature
from graph.load.mappers.unimarc import coded_100, map_record
from graph.load.mappers.unimarc_identity import evidence
from graph.load.sources import Rejection
from graph.load.sources.unimarc import decode_unimarc, read_unimarc
from tests.conftest import TEST_BASE, shared
from vocab.namespaces import catalogued, sparql_prefixes

CNMARC_XML = "cnmarc/sample_cnmarcxml.xml"
UNIMARC_XML = "cnmarc/sample_unimarcxml.xml"
PERIOUNI = "unimarc/periouni.mrc"


def rows(store, sparql):
    result = store.query(sparql_prefixes() + sparql)
    return bool(result) if sparql.lstrip().startswith("ASK") else list(result)


def value(store, sparql):
    return rows(store, sparql)[0][0].value


def iso2709(fields: list[tuple[str, bytes]], leader: bytes = b"nam0 22", charset: bytes = b"50  ") -> bytes:
    """An ISO 2709 UNIMARC record from (tag, body) pairs; 100$a gets ``charset`` at 26-29."""
    coded = b"20240101d1884    em y0chiy" + charset + b"    ea"
    fields = [("100", b"  \x1fa" + coded), *fields]
    directory, data = b"", b""
    for tag, body in fields:
        chunk = body + b"\x1e"
        directory += tag.encode() + b"%04d%05d" % (len(chunk), len(data))
        data += chunk
    base = 24 + len(directory) + 1
    total = base + len(data) + 1
    head = b"%05d" % total + leader.ljust(7)[:7] + b"%05d" % base + b"   450 "
    return head + directory + b"\x1e" + data + b"\x1d"


def field200(title: str, codec: str) -> tuple[str, bytes]:
    return ("200", b"1 \x1fa" + title.encode(codec) + b"\x1fAdi fang zhi")


# Real records -----------------------------------------------------------------------
def test_the_cnmarc_records_and_their_unimarc_twin_map_to_the_same_triples():
    ctx = MappingContext(Minter(TEST_BASE), "BNU")
    cn = [r for r in read_unimarc(shared(CNMARC_XML))]
    uni = [r for r in read_unimarc(shared(UNIMARC_XML))]
    assert len(cn) == len(uni) == 10
    assert not any(isinstance(r, Rejection) for r in cn + uni)
    for a, b in zip(cn, uni):
        assert set(map(str, map_record(a.record, ctx))) == set(map(str, map_record(b.record, ctx)))


@pytest.mark.parametrize(
    "relative, expected",
    [
        (CNMARC_XML, "unimarc"),
        (UNIMARC_XML, "unimarc"),
        (PERIOUNI, "unimarc"),
        ("unimarc/testunimarc.dat", "unimarc"),
        ("cnmarc/sample_marcxml.xml", "marc21"),
        ("marc21/loc-booksall/booksall-2016-part01-first1000.mrc", "marc21"),
    ],
)
def test_the_dialect_is_detected_from_the_records(relative, expected):
    assert dialects.detect(shared(relative)).name == expected


@pytest.mark.parametrize(
    "made, expected",
    [
        ("cnmarc-xml", "unimarc"),
        ("unimarc-iso2709", "unimarc"),
        ("sample-iso2709", "marc21"),
        ("sample-marcxml", "marc21"),
    ],
)
def test_the_dialect_of_files_made_here_is_detected(made, expected, tmp_path, sample_files):
    """The same detection on files this project writes: a CNMARC XML record (OLD_BOOK), a UNIMARC record
    built byte by byte, and the sample alliance's MARC 21 in ISO 2709 and MARCXML."""
    if made == "cnmarc-xml":
        path = tmp_path / "old.xml"
        path.write_text(OLD_BOOK, encoding="utf-8")
    elif made == "unimarc-iso2709":
        path = tmp_path / "uni.mrc"
        path.write_bytes(iso2709([("001", b"u1"), field200(TITLE, "utf-8")]) * 2)
    else:
        path = sample_files["SHL" if made == "sample-marcxml" else "THU"].files[0]
    assert dialects.detect(path).name == expected


@pytest.mark.parametrize("identity", ["clusters", "keys"])
def test_cnmarc_ingest_loads_holdings_pinyin_classification_and_the_cataloguing_chain(members, identity):
    clusters = members.clusters if identity == "clusters" else None
    report = ingest(members.store, members.minter, [shared(CNMARC_XML)], "PKU", clusters=clusters)
    assert (report.read, report.loaded, len(report.rejected)) == (10, 10, 0)
    store = members.store
    # two records share ISBN 7-5037-2623-7: the print edition and its online reproduction (200 $b 电子资源,
    # 135, 215 在线资源). Matching keeps them apart (another carrier); a key of the ISBN alone does not.
    apart = 2 if identity == "clusters" else 1
    assert (
        int(
            value(
                store,
                """SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
        ?i a bf:Instance ; bf:identifiedBy [ a bf:Isbn ; rdf:value "7-5037-2623-7" ] }""",
            )
        )
        == apart
    )
    assert int(value(store, "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a bf:Instance }")) == 8 + apart
    # title in Han characters and the cataloguer's pinyin on the same node
    titles = {
        (r["t"].value, r["t"].language)
        for r in rows(
            store,
            """SELECT ?t WHERE {
        ?i bf:identifiedBy [ rdf:value "7-5037-1744-0" ] ; bf:title ?n . ?n a bf:Title ; bf:mainTitle ?t }""",
        )
    }
    assert titles == {("'94中国发展报告", "zh-hans"), ("'94Zhong Guo Fa Zhan Bao Gao", "zh-latn-pinyin")}
    # 905 -> an Item held by the member with its call number
    marks = {
        r["m"].value
        for r in rows(
            store,
            """SELECT ?m WHERE {
        ?item bf:heldBy ?lib ; bf:shelfMark/rdfs:label ?m ; bf:itemOf/bf:identifiedBy/rdf:value "7-5037-1744-0" }""",
        )
    }
    assert marks == {"F124/26"}
    # 690: Chinese Library Classification, answerable by class
    clc = rows(
        store,
        """SELECT DISTINCT ?i WHERE { ?w bf:classification ?c ; bf:hasInstance ?i .
        ?c bf:source <http://id.loc.gov/vocabulary/classSchemes/clc> ; bf:classificationPortion ?n
        FILTER(STRSTARTS(?n, "F12")) }""",
    )
    assert len(clc) >= 5
    # place: 606 $y geographic subdivisions
    assert rows(store, """ASK { ?w bf:geographicCoverage ?p . ?p a bf:Place ; rdfs:label "中国"@zh-Hans }""")
    # 801: original and modifying agencies as admin metadata
    chain = {
        (r["s"].value.rsplit("/", 1)[-1], r["code"].value)
        for r in rows(
            store,
            """SELECT ?s ?code WHERE {
        ?i bf:identifiedBy/rdf:value "7-5037-1744-0" ; bf:adminMetadata ?a .
        ?a bf:status ?s ; bf:agent/bf:code ?code }""",
        )
    }
    assert chain == {("n", "BNU"), ("c", "BSD")}


def test_the_3064_unimarc_periodicals_load_with_their_accents(members):
    report = ingest(members.store, members.minter, [shared(PERIOUNI)], "BL")
    assert (report.read, report.loaded, len(report.rejected)) == (3064, 3064, 0)
    # 100$a says ISO 646 (or nothing) but the bytes are UTF-8: read as UTF-8, and said so
    assert report.warnings >= 2900
    assert any("bytes are UTF-8" in n.reason for n in report.notices)
    assert rows(members.store, """ASK { ?n bf:mainTitle ?t FILTER(CONTAINS(?t, "Combined statement of receipts")) }""")
    assert rows(
        members.store, """ASK { ?x bf:subtitle|bf:mainTitle|rdfs:label ?t FILTER(CONTAINS(?t, "électronique")) }"""
    )
    serials = int(
        value(
            members.store,
            """SELECT (COUNT(?i) AS ?n) WHERE {
        ?i bf:issuance <http://id.loc.gov/vocabulary/issuance/serl> }""",
        )
    )
    assert serials > 2000
    # 4XX links describe the related titles without cataloguing them: works are only the 3,064 records'
    works = int(
        value(members.store, "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w a bf:Work " + catalogued("w") + " }")
    )
    assert works <= 3064
    assert rows(
        members.store,
        """ASK { ?w a bf:Work ; bf:precededBy ?r . ?r rdfs:label ?t ;
        a bf:Work, <https://alliance-graph.org/ns#RelatedResource> }""",
    )


def test_a_unimarc_file_is_never_read_as_marc21_nor_the_reverse(members, tmp_path, sample_files):
    head, record = OLD_BOOK.split("<collection>")[0], OLD_BOOK.split("<collection>")[1].split("</collection>")[0]
    cnmarc = tmp_path / "cnmarc.xml"  # three CNMARC records written here
    cnmarc.write_text(
        head + "<collection>" + "".join(record.replace("gz001", f"gz00{n}") for n in (1, 2, 3)) + "</collection>",
        encoding="utf-8",
    )
    with pytest.raises(IngestError, match="no record could be read") as info:
        ingest(members.store, members.minter, [cnmarc], "PKU", format="marc21")
    said = [r for r in info.value.report.rejected if "this is a UNIMARC/CNMARC record" in r.reason]
    assert [r.position for r in said] and len(said) == 3
    shl = sample_files["SHL"]  # the sample's MARC 21 as MARCXML
    with pytest.raises(IngestError) as info:
        ingest(members.store, members.minter, shl.files, "PKU", format="cnmarc")
    assert [r.control_number for r in info.value.report.rejected if "this is a MARC 21 record" in r.reason]
    assert len(info.value.report.rejected) == shl.records
    assert not members.store.batches("PKU")


# Character sets -----------------------------------------------------------------------
TITLE = "长乐县志（清光绪刻本）"


@pytest.mark.parametrize("charset, codec", [(b"0110", "gb2312"), (b"0120", "gbk"), (b"50  ", "utf-8")])
def test_the_declared_character_set_decodes_chinese_exactly(charset, codec):
    raw = iso2709([("001", b"rec1"), field200(TITLE, codec)], charset=charset)
    got = decode_unimarc(raw)
    assert not isinstance(got, Rejection), got
    assert got.record.get_fields("200")[0].get_subfields("a") == [TITLE]
    assert got.warnings == []


def test_gbk_bytes_under_an_iso646_label_are_read_as_gbk_and_named():
    raw = iso2709([("001", b"rec2"), field200(TITLE, "gbk")], charset=b"01  ")
    got = decode_unimarc(raw)
    assert got.record.get_fields("200")[0].get_subfields("a") == [TITLE]
    assert got.warnings == ["100$a/26-29 says ISO 646 but the bytes are GB 2312/GBK; read as GBK"]


def test_bytes_of_no_readable_character_set_are_rejected_not_garbled():
    iso5426 = b"Ch\xc2ateau de Versailles"  # ISO 5426 acute accent before its letter
    raw = iso2709([("001", b"rec3"), ("200", b"1 \x1fa" + iso5426)], charset=b"0103")
    got = decode_unimarc(raw, "f.mrc", 7)
    assert isinstance(got, Rejection)
    assert (got.position, got.control_number) == (7, "rec3")
    assert "ISO 646 + ISO 5426" in got.reason and "neither UTF-8 nor GB" in got.reason


def test_a_gbk_xml_file_that_claims_utf8_is_named(tmp_path):
    text = (
        CNMARC_HEAD
        + '<datafield tag="200" ind1="1" ind2=" "><subfield code="a">'
        + TITLE
        + "</subfield></datafield></record></collection>"
    )
    path = tmp_path / "gbk.xml"
    path.write_bytes(text.encode("gbk"))
    got = list(read_unimarc(path))
    assert len(got) == 1 and isinstance(got[0], Rejection)
    assert "GB 2312/GBK" in got[0].reason and "says UTF-8" in got[0].reason


def test_a_truncated_record_is_rejected_and_the_rest_read(tmp_path):
    good = iso2709([("001", b"ok"), field200(TITLE, "utf-8")])
    path = tmp_path / "two.mrc"
    path.write_bytes(good + good[:60])
    got = list(read_unimarc(path))
    assert [type(g).__name__ for g in got] == ["SourceRecord", "Rejection"]
    assert "truncated" in got[1].reason


# Dynasty, place and CLC on a CNMARC record of an old book ----------------------------------------
CNMARC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><collection><record xmlns="http://www.nlc.cn/">'
    '<leader>00000nam0 2200000   450 </leader><controlfield tag="001">gz001</controlfield>'
    '<datafield tag="100" ind1=" " ind2=" "><subfield code="a">20240101d1884    em y0chiy50      ea'
    "</subfield></datafield>"
)
OLD_BOOK = (
    CNMARC_HEAD
    + """
<datafield tag="101" ind1="0" ind2=" "><subfield code="a">chi</subfield></datafield>
<datafield tag="200" ind1="1" ind2=" "><subfield code="a">长乐县志</subfield><subfield code="9">chang le xian zhi</subfield>
  <subfield code="f">(清)孟昭涵修</subfield></datafield>
<datafield tag="210" ind1=" " ind2=" "><subfield code="a">长乐</subfield><subfield code="d">清光绪十年</subfield></datafield>
<datafield tag="607" ind1=" " ind2=" "><subfield code="a">长乐县</subfield><subfield code="x">地方志</subfield></datafield>
<datafield tag="690" ind1=" " ind2=" "><subfield code="a">K295.7</subfield><subfield code="v">5</subfield></datafield>
<datafield tag="701" ind1=" " ind2="0"><subfield code="a">孟昭涵</subfield><subfield code="9">meng zhao han</subfield>
  <subfield code="c">(清)</subfield><subfield code="4">修</subfield></datafield>
<datafield tag="905" ind1=" " ind2=" "><subfield code="a">FJL</subfield><subfield code="f">2</subfield>
  <subfield code="s">地/长乐/1884</subfield><subfield code="v">卷一至卷八</subfield></datafield>
</record></collection>"""
)


def test_an_old_book_answers_sparql_by_dynasty_place_and_clc(members, tmp_path):
    path = tmp_path / "old.xml"
    path.write_text(OLD_BOOK, encoding="utf-8")
    report = ingest(members.store, members.minter, [path], "PKU")
    assert report.loaded == 1 and not report.rejected
    store = members.store
    by_dynasty = rows(
        store,
        """SELECT ?name WHERE { ?w a bf:Work ; bf:contribution/bf:agent ?a .
        ?a alliance:dynasty/rdfs:label "清"@zh-Hans ; rdfs:label ?name FILTER(lang(?name) = "zh-hans") }""",
    )
    assert [r["name"].value for r in by_dynasty] == ["孟昭涵"]
    assert rows(
        store,
        """ASK { ?a alliance:dynasty/rdfs:label "Qing"@zh-Latn-pinyin ;
                                    rdfs:label "meng zhao han"@zh-Latn-pinyin }""",
    )
    assert rows(
        store,
        """ASK { ?w bf:subject ?p . ?p a bf:Place ; rdfs:label "长乐县--地方志"@zh-Hans .
                                ?w bf:geographicCoverage/rdfs:label "长乐县"@zh-Hans }""",
    )
    assert rows(
        store,
        """ASK { ?w bf:classification [ bf:classificationPortion "K295.7" ;
                                bf:source <http://id.loc.gov/vocabulary/classSchemes/clc> ] }""",
    )
    copies = rows(store, """SELECT ?item WHERE { ?item bf:heldBy ?lib ; bf:shelfMark/rdfs:label "地/长乐/1884" }""")
    assert len(copies) == 2  # 905 $f 2 copies
    assert rows(store, """ASK { ?item bf:enumerationAndChronology/rdfs:label "卷一至卷八"@zh-Hans }""")
    assert rows(store, """ASK { ?t bf:mainTitle "长乐县志"@zh-Hans , "chang le xian zhi"@zh-Latn-pinyin }""")


def test_the_field_labels_match_the_cnmarc_dictionary():
    from vocab import cnmarc_generate, cnmarc_labels

    fields, subfields = cnmarc_generate.extract(shared("cnmarc/cnmarc_book_marcdef.xml"))
    assert fields == cnmarc_labels.FIELDS and subfields == cnmarc_labels.SUBFIELDS
    assert len(fields) >= 170 and fields["905"][0] == "馆藏信息" and fields["690"][0] == "中国图书馆分类法分类号"


def test_the_cli_detects_cnmarc_and_obeys_format_and_collection(tmp_path):
    from click.testing import CliRunner

    from cli.main import main

    def run(*args):
        return CliRunner().invoke(
            main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args], catch_exceptions=False
        )

    assert run("member", "add", "BNU", "--name", "Beijing Normal University Library").exit_code == 0
    old_book = tmp_path / "old.xml"  # a CNMARC XML record written here (OLD_BOOK)
    old_book.write_text(OLD_BOOK, encoding="utf-8")
    wrong = run("ingest", str(old_book), "--member", "BNU", "--format", "marc21")
    assert wrong.exit_code != 0 and "no record could be read" in wrong.output
    assert "this is a UNIMARC/CNMARC record" in wrong.output
    unknown = run("ingest", str(old_book), "--member", "BNU", "--format", "pica")
    assert unknown.exit_code != 0 and "unknown format 'pica'" in unknown.output
    ok = run("ingest", str(old_book), "--member", "BNU", "--collection", "经济年鉴")
    assert ok.exit_code == 0 and "1 records read, 1 loaded, 0 rejected" in ok.output, ok.output
    again = run("ingest", str(old_book), "--member", "BNU", "--collection", "经济年鉴")
    assert again.exit_code == 0
    from graph.catalogue import Catalogue

    cat = Catalogue.open(tmp_path / "data")
    try:
        assert len(cat.store.batches("BNU")) == 1  # the collection's reload replaced it
        members = rows(
            cat.store,
            """SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {
            ?c a bf:Collection ; rdfs:label "经济年鉴"@zh-Hans ; alliance:collectionOf ?lib ; bf:hasPart ?i .
            ?i a bf:Instance ; bf:partOf ?c }""",
        )
        assert int(members[0]["n"].value) == 1  # the CLI matches through the cluster index
    finally:
        cat.close()


def test_a_cnmarc_record_page_shows_chinese_pinyin_and_the_clc_scheme(members, tmp_path):
    import html
    import re

    from web import create_app

    old_book = tmp_path / "old.xml"
    old_book.write_text(OLD_BOOK, encoding="utf-8")
    ingest(members.store, members.minter, [old_book], "PKU", clusters=members.clusters)
    iri = rows(members.store, """SELECT ?i WHERE { ?i a bf:Instance }""")[0]["i"]
    client = create_app({"ALLIANCE_CATALOGUE": members}).test_client()
    page = client.get(iri.value.replace(TEST_BASE, "/") + "?lang=zh", headers={"Accept": "text/html"})
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))))
    assert page.status_code == 200
    assert "长乐县志" in text and "chang le xian zhi" in text
    assert "K295.7" in text and "中国图书馆分类法" in text and "地/长乐/1884" in text


def test_a_unimarc_translation_is_a_work_of_its_own_linked_to_the_work_it_translates(members):
    """The Italian "L'altra faccia della spirale" (454: translation of Asimov's "Second foundation"): in the
    alliance its Work is bf:translationOf the Work the 454 names, not a fragment of its own record."""
    (item,) = [r for r in read_unimarc(shared("unimarc/testunimarc.dat"))]
    ev = evidence(item.record, "PKU", "x", coded_100(item.record))
    assert ev.translation and ev.original_titles == ["Second foundation"] and ev.language == "ita"
    assert signature(ev)["ow"] == ["secondfoundation"]
    ingest(members.store, members.minter, [shared("unimarc/testunimarc.dat")], "PKU", clusters=members.clusters)
    links = rows(members.store, "SELECT ?w ?o WHERE { ?w a bf:Work ; bf:translationOf ?o }")
    works = [(r["w"].value, r["o"].value) for r in links if "#" not in r["o"].value]  # not the 454 as described
    assert len(works) == 1 and len(links) == 2
    work, original = works[0]
    assert original.startswith(TEST_BASE + "work/") and original != work
