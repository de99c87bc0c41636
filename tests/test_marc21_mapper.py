"""The MARC 21 mapper on real records (../shared/data) and the sample alliance's: identifiers, names, subjects,
880 pairs and every member's holdings."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pyoxigraph as ox
import pytest

from graph.identity.uris import Minter
from graph.load.mappers import MappingContext
from graph.load.mappers.marc21 import UnmappableRecord, map_record
from graph.load.pipeline import convert_stream
from graph.load.report import ConversionReport
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc
from tests.conftest import TEST_BASE, shared

PREFIXES = """PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
PREFIX bflc: <http://id.loc.gov/ontologies/bflc/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _path(source):
    """A file of ../shared/data (by its relative name) or one the test wrote or the sample's (a Path)."""
    return source if isinstance(source, Path) else shared(source)


def records(source):
    return [i.record for i in read_marc(_path(source)) if isinstance(i, SourceRecord)]


def graph_of(sources, member="PKU") -> ox.Store:
    """The converter's output for whole files (holdings records linked), in an in-memory store."""
    ctx = MappingContext(Minter(TEST_BASE), member)
    data = b"".join(convert_stream([_path(r) for r in sources], ctx, ConversionReport(), format="marc21", workers=1))
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_TRIPLES)
    return store


def rows(store, sparql):
    return [tuple(None if v is None else v.value for v in row) for row in store.query(PREFIXES + sparql)]


def written(tmp_path, *records: pymarc.Record, name="written.mrc") -> Path:
    """Records made here with pymarc, as one ISO 2709 file."""
    path = tmp_path / name
    path.write_bytes(b"".join(r.as_marc() for r in records))
    return path


def record(control: str, *fields: tuple) -> pymarc.Record:
    """A record of (tag, indicators, [(code, value), ...]) fields, with a title."""
    r = pymarc.Record()
    r.add_field(pymarc.Field(tag="001", data=control))
    r.add_field(
        pymarc.Field(
            tag="245", indicators=pymarc.Indicators("0", "0"), subfields=[pymarc.Subfield("a", f"Record {control}")]
        )
    )
    for tag, ind, subs in fields:
        r.add_field(
            pymarc.Field(
                tag=tag, indicators=pymarc.Indicators(*ind), subfields=[pymarc.Subfield(c, v) for c, v in subs]
            )
        )
    return r


def test_isbn_qualifiers_invalid_isbns_and_oclc_numbers(tmp_path):
    store = graph_of(
        [
            written(
                tmp_path,
                record(
                    "q1",
                    ("020", "  ", [("a", "7532580917"), ("q", "pbk.")]),
                    ("020", "  ", [("a", "7532580917 (v. 1)")]),
                    ("020", "  ", [("z", "3832175670")]),
                    ("035", "  ", [("a", "(OCoLC)ocm00012345")]),
                    ("035", "  ", [("a", "(CaOTULAS)160000000")]),
                ),
            )
        ]
    )
    isbns = rows(
        store,
        """SELECT ?v ?q ?status WHERE { ?i bf:identifiedBy ?id . ?id a bf:Isbn ; rdf:value ?v .
                           OPTIONAL { ?id bf:qualifier ?q } OPTIONAL { ?id bf:status ?status } }""",
    )
    assert {q for v, q, _ in isbns if v == "7532580917"} == {"pbk", "v. 1"}
    assert ("3832175670", None, "http://id.loc.gov/vocabulary/mstatus/cancinv") in isbns
    oclc = rows(store, "SELECT ?v WHERE { ?id a bf:OclcNumber ; rdf:value ?v }")
    assert oclc, "035 (OCoLC) numbers become bf:OclcNumber"
    assert all(not v.startswith("(") for (v,) in oclc)


def test_contributions_have_roles_and_one_primary(tmp_path, sample_files):
    store = graph_of(
        [
            *sample_files["PKU"].files,
            written(
                tmp_path,
                record(
                    "r1",
                    ("100", "1 ", [("a", "Thomas, Ronald,"), ("e", "conductor.")]),
                    ("700", "1 ", [("a", "Li, Bai,"), ("e", "translator.")]),
                ),
            ),
        ]
    )
    roles = rows(
        store,
        """SELECT ?name ?role WHERE { ?w bf:contribution ?c . ?c bf:agent ?a ; bf:role ?role .
                           ?a rdfs:label ?name FILTER(?name IN ("Thomas, Ronald", "Li, Bai")) }""",
    )
    assert ("Thomas, Ronald", "http://id.loc.gov/vocabulary/relators/cnd") in roles
    assert ("Li, Bai", "http://id.loc.gov/vocabulary/relators/trl") in roles
    primaries = rows(
        store,
        """SELECT ?w (COUNT(?c) AS ?n) WHERE { ?w bf:contribution ?c . ?c a bf:PrimaryContribution }
                               GROUP BY ?w HAVING (COUNT(?c) > 1)""",
    )
    assert primaries == []


def test_subject_iris_from_0_and_1(tmp_path):
    store = graph_of(
        [
            written(
                tmp_path,
                record(
                    "s1",
                    (
                        "650",
                        " 0",
                        [("a", "Local history."), ("0", "http://id.loc.gov/authorities/subjects/sh85077998")],
                    ),
                    ("650", " 7", [("a", "Gazetteers"), ("2", "fast"), ("0", "(OCoLC)fst01423865")]),
                    (
                        "650",
                        " 7",
                        [
                            ("a", "Genealogy"),
                            ("2", "fast"),
                            ("0", "(OCoLC)fst00940263"),
                            ("1", "https://id.oclc.org/entity/2"),
                        ],
                    ),
                    (
                        "651",
                        " 0",
                        [("a", "Haidian (Beijing, China)"), ("0", "http://id.loc.gov/authorities/names/n00000001")],
                    ),
                ),
            )
        ]
    )
    subjects = {s for (s,) in rows(store, "SELECT ?s WHERE { ?w bf:subject ?s }")}
    assert "http://id.loc.gov/authorities/subjects/sh85077998" in subjects
    assert "https://id.oclc.org/entity/2" in subjects, "$1 (the thing itself) wins over $0"
    assert "http://id.worldcat.org/fast/1423865" in subjects, "(OCoLC)fst numbers name FAST IRIs"
    assert "http://id.loc.gov/authorities/names/n00000001" in subjects
    labels = rows(store, "SELECT ?l WHERE { <http://id.loc.gov/authorities/subjects/sh85077998> rdfs:label ?l }")
    assert labels == [("Local history",)]


def test_880_pairs_are_language_tagged_literals_on_the_same_node(tmp_path):
    japanese = record(
        "ja1",
        ("260", "  ", [("6", "880-02"), ("a", "Handa-shi :"), ("b", "Handa-shi,"), ("c", "1971.")]),
        ("880", "  ", [("6", "260-02/$1"), ("a", "半田市 :"), ("b", "半田市,"), ("c", "1971.")]),
    )
    japanese.add_field(pymarc.Field(tag="008", data="710101s1971    ja            000 0 jpn d"))
    japanese["245"].add_subfield("6", "880-01", 0)
    japanese.add_field(
        pymarc.Field(
            tag="880",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("6", "245-01/$1"), pymarc.Subfield("a", "半田 市誌")],
        )
    )
    store = graph_of([written(tmp_path, japanese)])
    title = rows(
        store,
        """SELECT ?t WHERE { ?i bf:adminMetadata/bf:identifiedBy/rdf:value "ja1" ;
                           bf:title ?node . ?node bf:mainTitle ?t }""",
    )
    assert {"半田 市誌"} <= {t for (t,) in title}
    tagged = {
        (o.value, o.language)
        for q in store.quads_for_pattern(None, ox.NamedNode("http://id.loc.gov/ontologies/bflc/simpleAgent"), None)
        for o in [q.object]
        if o.value == "半田市"
    }
    assert tagged == {("半田市", "ja")}, "Han-only text in a Japanese record is Japanese, not Chinese"


def test_romanised_and_vernacular_titles_share_the_title_node(sample_files):
    store = graph_of(sample_files["PKU"].files)
    pairs = rows(
        store,
        """SELECT ?rom ?ver WHERE { ?i a bf:Instance ; bf:title ?t .
                           ?t bf:mainTitle ?rom, ?ver FILTER(langMatches(lang(?ver), "zh") && lang(?rom) = "zh-latn-pinyin") }""",
    )
    assert pairs, "a Chinese record's 245 and its 880 are one title in two scripts"


def test_every_852_is_an_item_of_the_loading_member(tmp_path, sample_files):
    shl = sample_files["SHL"]  # Shanghai's export, loaded by BL: one 852 per copy
    store = graph_of(
        [*shl.files, written(tmp_path, record("j1", ("852", "  ", [("a", "BL"), ("j", "XC.12.b.34")])))], member="BL"
    )
    items = rows(
        store,
        """SELECT ?item ?mark ?lib WHERE { ?item a bf:Item ; bf:itemOf ?i ; bf:heldBy ?lib .
                           OPTIONAL { ?item bf:shelfMark/rdfs:label ?mark } }""",
    )
    assert len(items) == shl.items + 1
    assert {lib for _, _, lib in items} == {TEST_BASE + "library/bl"}
    assert "XC.12.b.34" in {m for _, m, _ in items}, "852 $j shelving control numbers are shelf marks"


def test_items_carry_barcodes_call_numbers_and_locations(tmp_path):
    store = graph_of(
        [
            written(
                tmp_path,
                record(
                    "b1",
                    ("852", "0 ", [("b", "Main"), ("c", "Stacks"), ("h", "M94"), ("i", ".G00395"), ("p", "500881138")]),
                ),
                record(
                    "b2",
                    ("852", "0 ", [("8", "1"), ("b", "Hayden"), ("h", "PR4030"), ("i", "1983")]),
                    ("876", "  ", [("8", "1"), ("p", "39080012345671")]),
                    ("876", "  ", [("8", "1"), ("p", "39080012345689")]),
                ),
            )
        ]
    )
    found = rows(
        store,
        """SELECT ?barcode ?mark ?where WHERE { ?item bf:identifiedBy ?b . ?b a bf:Barcode ;
                           rdf:value ?barcode . ?item bf:shelfMark/rdfs:label ?mark ; bf:sublocation/rdfs:label ?where }""",
    )
    assert ("500881138", "M94 .G00395", "Main Stacks") in found
    # 876 item fields: one Item each, with the call number of their 852
    items = rows(
        store,
        """SELECT ?barcode ?mark WHERE { ?item a bf:Item ; bf:shelfMark/rdfs:label ?mark ;
                           bf:identifiedBy [ a bf:Barcode ; rdf:value ?barcode ] }""",
    )
    assert {("39080012345671", "PR4030 1983"), ("39080012345689", "PR4030 1983")} <= set(items)


def test_a_record_without_holdings_still_gives_the_member_an_item(sample_files, tmp_path):
    record = records(sample_files["RPL"].files[0])[0]
    assert record.get_fields("852")
    record.remove_fields("852")
    bare = tmp_path / "bare.mrc"
    bare.write_bytes(record.as_marc())
    store = graph_of([bare])
    assert rows(store, "SELECT (COUNT(?item) AS ?n) WHERE { ?item a bf:Item ; bf:heldBy ?lib }") == [("1",)]


def holdings(control: str, bib: str, *fields: tuple, kind: str = "x") -> pymarc.Record:
    """An MFHD holdings record (leader/06 ``kind``) for bibliographic record ``bib`` (its 004)."""
    r = pymarc.Record(leader=f"00000n{kind}  a22000001n 4500")
    r.add_field(pymarc.Field(tag="001", data=control), pymarc.Field(tag="004", data=bib))
    for tag, ind, subs in fields:
        r.add_field(
            pymarc.Field(
                tag=tag, indicators=pymarc.Indicators(*ind), subfields=[pymarc.Subfield(c, v) for c, v in subs]
            )
        )
    return r


def test_holdings_records_become_items_of_their_bibliographic_record(tmp_path):
    store = graph_of(
        [
            written(
                tmp_path,
                record("b1"),
                holdings("h1", "b1", ("852", "0 ", [("h", "MT130"), ("i", ".M25")])),
                holdings("h2", "b1", ("852", "0 ", [("h", "MT130"), ("i", ".M25 c.2")])),
                record("b2"),
                holdings("h3", "b2", ("852", "0 ", [("h", "QA76"), ("i", ".R6")])),
            )
        ]
    )
    linked = rows(
        store,
        """SELECT ?mark ?title WHERE { ?item a bf:Item ; bf:itemOf ?i ; bf:shelfMark/rdfs:label ?mark .
                            ?i bf:title/bf:mainTitle ?title }""",
    )
    assert sorted(linked) == [("MT130 .M25", "Record b1"), ("MT130 .M25 c.2", "Record b1"), ("QA76 .R6", "Record b2")]
    # bibliographic records whose holdings come separately get no stand-in Item
    assert rows(store, "SELECT (COUNT(?item) AS ?n) WHERE { ?item a bf:Item }") == [("3",)]


def test_holdings_records_in_another_file_and_their_holdings_statements(tmp_path):
    bibs = written(tmp_path, record("s1"), record("s2"), name="titles.mrc")
    mfhd = written(
        tmp_path,
        holdings("l1", "s1", ("852", "  ", [("b", "Magazin")]), ("866", " 0", [("a", "11.1969")]), kind="y"),
        name="holdings.mrc",
    )
    store = graph_of([bibs, mfhd])
    n = rows(store, "SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item a bf:Item ; bf:itemOf ?i . ?i a bf:Instance }")
    assert n == [("2",)]  # one holdings record; the title without any gets a stand-in
    assert rows(store, """SELECT ?item WHERE { ?item bf:enumerationAndChronology/rdfs:label "11.1969" }""")
    report = ConversionReport()  # the holdings alone: their bibliographic record is nowhere
    b"".join(convert_stream([mfhd], MappingContext(Minter(TEST_BASE), "DNB"), report, workers=1))
    assert report.loaded == 0 and len(report.rejected) == 1
    assert "s1" in report.rejected[0].reason and "neither in this load" in report.rejected[0].reason


def test_holdings_records_across_files_and_serial_holdings_statements():
    store = graph_of(["marc21/xbib/zdbtitutf8.mrc", "marc21/xbib/zdblokutf8.mrc"])
    n = rows(store, "SELECT (COUNT(DISTINCT ?item) AS ?n) WHERE { ?item a bf:Item ; bf:itemOf ?i . ?i a bf:Instance }")
    assert int(n[0][0]) == 292 + 1  # 292 holdings records; the one title without any gets a stand-in
    assert rows(store, """SELECT ?item WHERE { ?item bf:enumerationAndChronology/rdfs:label "11.1969" }""")


def test_holdings_without_their_bibliographic_record_are_rejected_with_the_reason():
    report = ConversionReport()
    ctx = MappingContext(Minter(TEST_BASE), "DNB")
    b"".join(convert_stream([shared("marc21/xbib/zdblokutf8.mrc")], ctx, report, workers=1))
    assert report.loaded == 0 and len(report.rejected) == 293
    assert "010000011" in report.rejected[0].reason and "neither in this load" in report.rejected[0].reason


def test_unimarc_records_are_not_read_as_marc21(tmp_path):
    from tests.test_unimarc import field200, iso2709  # a UNIMARC record built byte by byte

    path = tmp_path / "unimarc.mrc"
    path.write_bytes(iso2709([("001", b"u1"), field200("长乐县志", "utf-8"), ("210", b"  \x1faChang le\x1fd1884")]))
    (unimarc,) = records(path)
    with pytest.raises(UnmappableRecord, match="UNIMARC"):
        map_record(unimarc, MappingContext(Minter(TEST_BASE), "PKU"))


def test_same_record_same_triples_and_no_blank_nodes(sample_files):
    ctx = MappingContext(Minter(TEST_BASE), "PKU")
    for record in records(sample_files["PKU"].files[0])[:30]:
        first, second = map_record(record, ctx), map_record(record, ctx)
        assert first == second
        assert not any(isinstance(t, ox.BlankNode) for triple in first for t in triple)


def test_fragments_are_scoped_by_member(sample_files):
    (record, *_) = records(sample_files["RPL"].files[0])
    a = {s.value for s, _, _ in map_record(record, MappingContext(Minter(TEST_BASE), "PKU")) if "#" in s.value}
    b = {s.value for s, _, _ in map_record(record, MappingContext(Minter(TEST_BASE), "BL")) if "#" in s.value}
    assert a and b and not a & b


def test_film_and_sound_recording_imprints_261_262_as_the_lc_converter_maps_them():
    """261 (films) and 262 (sound recordings), obsolete but common in older records, give the edition its
    producers, places and dates: the same (type, agent, place, date) activities the reference has."""
    relative = "marc21/marc2bibframe2/test/data/ConvSpec-250-270/marc.xml"
    store = graph_of([relative])
    ours = set(
        rows(
            store,
            """SELECT ?type ?agent ?place ?date WHERE {
        ?i bf:provisionActivity ?pa . ?pa a ?type ; bflc:simpleAgent ?agent .
        OPTIONAL { ?pa bflc:simplePlace ?place } OPTIONAL { ?pa bflc:simpleDate ?date }
        FILTER(?type IN (bf:Production, bf:Manufacture)) }""",
        )
    )
    reference = ox.Store()
    reference.load(
        path=str(shared("reference/marc2bibframe2-v2.10.0/testdata_all157.rdf")), format=ox.RdfFormat.RDF_XML
    )
    theirs = set(
        rows(
            reference,
            """SELECT ?type ?agent ?place ?date WHERE {
        ?pa a ?type ; bflc:simpleAgent ?agent .
        OPTIONAL { ?pa bflc:simplePlace ?place } OPTIONAL { ?pa bflc:simpleDate ?date }
        FILTER(?type IN (bf:Production, bf:Manufacture)) }""",
        )
    )
    B = "http://id.loc.gov/ontologies/bibframe/"
    assert ours == {
        (B + "Production", "Produzioni europee associate", "Rome", None),
        (B + "Production", "Arturo Gonzalez", "Madrid", None),
        (B + "Production", "Constantin Film", "Munich", None),
        (B + "Manufacture", "Made by D.C. Chipperfield", None, "1957"),
        (B + "Manufacture", "Released in the U.S. by United Artists Corp", None, "1957"),
    }
    assert ours <= theirs
    statements = {r[0] for r in rows(store, "SELECT ?s WHERE { ?i bf:provisionActivityStatement ?s }")}
    assert {
        "Rome: Produzioni europee associate",
        "Made by D.C. Chipperfield, Released in the U.S. by United Artists Corp, 1957",
    } <= statements
    sound = rows(
        store,
        """SELECT ?place ?date WHERE { ?i bf:provisionActivity ?pa . ?pa a bf:Publication ;
        bflc:simpleAgent "Louisville Orchestra" ; bflc:simplePlace ?place ; bflc:simpleDate ?date }""",
    )
    assert sound == [("Louisville, KY", "[1967]")]


def test_related_works_and_instances_are_typed_and_kept_apart_from_catalogued_ones(tmp_path, sample_files):
    """740, 7XX name-titles and 76X-78X name works the member may not hold: bf:Work / bf:Instance as the LC
    converter types them, marked alliance:RelatedResource, and left out wherever "works" means the
    catalogue's. The sample's records, a third given such entries (tests/conftest.py)."""
    from vocab.namespaces import catalogued
    from tests.conftest import with_related_entries

    path, given = with_related_entries(sample_files["PKU"].files[0], tmp_path / "related.mrc")
    store = graph_of([path])
    untyped = rows(
        store,
        """SELECT ?x WHERE { ?w bf:relation/bf:associatedResource ?x
        FILTER NOT EXISTS { ?x a ?t } }""",
    )
    assert untyped == []
    related = rows(
        store,
        """SELECT DISTINCT ?x WHERE { ?w bf:relation/bf:associatedResource ?x .
        ?x a bf:Work, <https://alliance-graph.org/ns#RelatedResource> }""",
    )
    related_instances = rows(
        store,
        """SELECT DISTINCT ?i WHERE { ?w bf:relation/bf:associatedResource ?x .
        ?x bf:hasInstance ?i . ?i a bf:Instance, <https://alliance-graph.org/ns#RelatedResource> }""",
    )
    assert len(related) == 3 * given and related_instances, "a 740, a 776 and a 780 each (a 700 $t is a Hub)"
    assert (
        rows(
            store,
            """SELECT ?i WHERE { ?i a <https://alliance-graph.org/ns#RelatedResource> ;
        bf:hasItem|^bf:itemOf ?item }""",
        )
        == []
    ), "related resources hold no Items"
    catalogue = len(records(path))
    works = rows(store, f"SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE {{ ?w a bf:Work {catalogued('w')} }}")[0][0]
    instances = rows(store, f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?i a bf:Instance {catalogued('i')} }}")
    held_works = rows(store, "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?item bf:itemOf/bf:instanceOf ?w }")[0][0]
    assert int(instances[0][0]) == catalogue and int(works) == int(held_works)
    every = rows(store, "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w a bf:Work }")[0][0]
    assert int(every) == int(works) + len(related)
