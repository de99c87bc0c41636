"""Local-literature spreadsheets: rows reported by number, Chinese kept exactly, browsable across members."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from graph.views import locallit
from graph.load.ingest import IngestError, ingest
from graph.alliance.members import Member, add_member
from graph.load.sources.spreadsheet import read_spreadsheet, template_rows, write_template
from tests.conftest import ROOT, TEST_BASE
from vocab.namespaces import sparql_prefixes

HEADER = [
    "题名 title",
    "责任者",
    "版本年代",
    "版本类型",
    "文献类型",
    "地区",
    "姓氏",
    "堂号",
    "卷数",
    "册数",
    "存卷",
    "缺卷",
    "索书号",
    "古籍普查登记编号",
    "中图分类号",
    "数字对象",
    "附注",
    "馆员签名",
]
ROWS = [
    [
        "长乐县志",
        "(清)孟昭涵修；(清)李驹纂",
        "清光绪十年(1884)",
        "刻本",
        "地方志",
        "福建长乐",
        "",
        "",
        "二十卷",
        "8",
        "卷一至卷十八",
        "卷十九至卷二十",
        "地/FJ/1",
        "350000-0101-0000123",
        "K295.7",
        "https://dl.fjl.example/cl1884",
        "有朱批",
        "张三",
    ],
    [
        "王氏族谱",
        "王恩溥纂修",
        "民国二十年",
        "木活字本",
        "",
        "福建福州",
        "王",
        "三槐堂",
        "十二卷",
        "12",
        "",
        "",
        "谱/1",
        "",
        "K820.9",
        "",
        "",
        "",
    ],
    ["", "(明)无名氏撰", "明万历", "刻本", "地方志", "福建", "", "", "", "", "", "", "", "", "", "", "", ""],
    [
        "闽都记",
        "(明)王应山撰",
        "光绪九十年",
        "刻本",
        "地方志",
        "福建福州",
        "",
        "",
        "三十三卷",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "仇英画谱",
        "(明)仇英绘",
        "明万历",
        "抄本",
        "",
        "江苏苏州",
        "",
        "",
        "",
        "2",
        "",
        "",
        "艺/3",
        "",
        "J222",
        "",
        "",
        "",
    ],
    [
        "曾文正公家书",
        "(清)曾国藩撰",
        "清光绪",
        "石印本",
        "地方文献",
        "湖南湘乡",
        "",
        "",
        "十卷",
        "",
        "",
        "",
        "",
        "",
        "K827",
        "",
        "",
        "",
    ],
]


def rows(store, sparql):
    result = store.query(sparql_prefixes() + sparql)
    return bool(result) if sparql.lstrip().startswith("ASK") else list(result)


def write_xlsx(path, header, body):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in body:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def region(catalogue):
    for code, name, zh in (
        ("FJL", "Fujian Provincial Library", "福建省图书馆"),
        ("FZL", "Fuzhou Library", "福州市图书馆"),
    ):
        add_member(catalogue.store, catalogue.minter, Member(code, name, zh))
    return catalogue


@pytest.fixture(params=["clusters", "keys"])
def loaded(request, region, tmp_path):
    """FJL's spreadsheet (xlsx) and FZL's (CSV saved in GBK), each as a collection; identity by the
    catalogue's cluster index (as the CLI does) or by match keys alone."""
    clusters = region.clusters if request.param == "clusters" else None
    fjl = write_xlsx(tmp_path / "fjl.xlsx", HEADER, ROWS)
    first = ingest(region.store, region.minter, [fjl], "FJL", collection_name="福建地方文献", clusters=clusters)
    fzl = tmp_path / "fzl.csv"
    with open(fzl, "w", encoding="gbk", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["题名", "责任者", "版本年代", "版本类型", "文献类型", "地区", "索书号"])
        writer.writerow(
            ["长乐县志", "(清)孟昭涵修；(清)李驹纂", "清光绪十年(1884)", "刻本", "地方志", "福建长乐", "FZ/9"]
        )
        writer.writerow(["榕城考古略", "(清)林枫撰", "清道光", "抄本", "地方文献", "福建福州", "FZ/10"])
    second = ingest(region.store, region.minter, [fzl], "FZL", collection_name="福州文献", clusters=clusters)
    return region, first, second


def test_bad_rows_are_reported_by_row_number_and_the_rest_load(loaded):
    _, report, _ = loaded
    assert (report.read, report.loaded) == (6, 4)
    assert [(r.position, r.reason.split(":")[0]) for r in report.rejected] == [
        (4, "no title (题名 title)"),
        (5, "edition period (版本年代) '光绪九十年' is not a date"),
    ]
    assert "光绪 lasted 34 years" in report.rejected[1].reason
    unknown = [n for n in report.notices if "unknown column" in n.reason]
    assert len(unknown) == 1 and unknown[0].position == 1 and "'馆员签名' (column R)" in unknown[0].reason


def test_a_gbk_csv_is_named_and_its_chinese_round_trips_exactly(loaded):
    cat, _, report = loaded
    assert report.loaded == 2 and not report.rejected
    assert any("GBK" in n.reason for n in report.notices)
    assert rows(cat.store, """ASK { ?t bf:mainTitle "榕城考古略"@zh-Hans }""")
    assert rows(cat.store, """ASK { ?a rdfs:label "林枫"@zh-Hans ; alliance:dynasty/rdfs:label "清"@zh-Hans }""")


def test_the_same_edition_listed_by_two_members_is_one_instance_held_by_both(loaded):
    cat, _, _ = loaded
    holders = rows(
        cat.store,
        """SELECT DISTINCT ?code WHERE {
        ?i a bf:Instance ; bf:title/bf:mainTitle "长乐县志"@zh-Hans ; bf:hasItem/bf:heldBy/alliance:code ?code }""",
    )
    assert sorted(r["code"].value for r in holders) == ["FJL", "FZL"]
    assert (
        len(
            rows(
                cat.store,
                """SELECT DISTINCT ?i WHERE {
        ?i a bf:Instance ; bf:title/bf:mainTitle "长乐县志"@zh-Hans }""",
            )
        )
        == 1
    )


def test_sparql_answers_by_dynasty_place_type_and_clc(loaded):
    cat, _, _ = loaded
    qing = rows(
        cat.store,
        """SELECT DISTINCT ?t WHERE {
        ?w a bf:Work .
        { ?w bf:contribution/bf:agent/alliance:dynasty ?d } UNION { ?w bf:hasInstance/bf:provisionActivity/alliance:dynasty ?d }
        ?d rdfs:label "清"@zh-Hans . ?w rdfs:label ?t FILTER(lang(?t) = "zh-hans") }""",
    )
    assert sorted(r["t"].value for r in qing) == ["曾文正公家书", "榕城考古略", "长乐县志"]
    fuzhou = rows(
        cat.store,
        """SELECT DISTINCT ?t WHERE { ?w a bf:Work ; bf:subject ?p . ?p a bf:Place ; rdfs:label "福建福州"@zh-Hans .
        ?w rdfs:label ?t FILTER(lang(?t) = "zh-hans") }""",
    )
    assert sorted(r["t"].value for r in fuzhou) == ["榕城考古略", "王氏族谱"]
    genealogies = rows(
        cat.store,
        """SELECT ?t WHERE { ?w a bf:Work ; bf:genreForm/rdfs:label "家谱"@zh-Hans ; rdfs:label ?t
        FILTER(lang(?t) = "zh-hans") }""",
    )
    assert [r["t"].value for r in genealogies] == ["王氏族谱"]  # inferred from the surname column
    assert rows(cat.store, """ASK { ?w bf:subject [ a bf:Family ; rdfs:label "王氏"@zh-Hans ] }""")
    assert rows(
        cat.store,
        """ASK { ?w bf:classification [ bf:classificationPortion "K295.7" ;
        bf:source <http://id.loc.gov/vocabulary/classSchemes/clc> ] ; rdfs:label "长乐县志"@zh-Hans }""",
    )
    assert rows(cat.store, """ASK { ?i a bf:Manuscript ; bf:productionMethod/rdfs:label "抄本"@zh-Hans }""")


def test_pinyin_is_generated_marked_and_surnames_corrected(loaded):
    cat, _, _ = loaded
    assert rows(
        cat.store,
        """ASK { ?t bf:mainTitle "长乐县志"@zh-Hans , "chang le xian zhi"@zh-Latn-pinyin ;
                                       alliance:pinyinGenerated "pypinyin" }""",
    )
    painter = rows(
        cat.store,
        """SELECT ?py ?fix WHERE { ?a rdfs:label "仇英"@zh-Hans , ?py ;
        alliance:pinyinCorrected ?fix FILTER(lang(?py) = "zh-latn-pinyin") }""",
    )
    assert [(r["py"].value, r["fix"].value) for r in painter] == [("qiu ying", "仇 qiu")]
    assert rows(cat.store, """ASK { ?a rdfs:label "曾国藩"@zh-Hans , "zeng guo fan"@zh-Latn-pinyin }""")


def test_items_carry_call_number_census_number_and_surviving_juan(loaded):
    cat, _, _ = loaded
    item = rows(
        cat.store,
        """SELECT ?census ?left ?missing ?url WHERE {
        ?item bf:heldBy/alliance:code "FJL" ; bf:shelfMark/rdfs:label "地/FJ/1" ;
              bf:identifiedBy [ a bf:Identifier ; rdf:value ?census ] ;
              bf:enumerationAndChronology/rdfs:label ?left ; bf:note [ bf:noteType "缺卷"@zh-Hans ; rdfs:label ?missing ] ;
              bf:itemOf/bf:electronicLocator ?url }""",
    )
    assert [(r["census"].value, r["left"].value, r["missing"].value, r["url"].value) for r in item] == [
        ("350000-0101-0000123", "存卷一至卷十八", "缺卷十九至卷二十", "https://dl.fjl.example/cl1884")
    ]


def test_the_region_is_browsable_across_members(loaded):
    cat, _, _ = loaded
    dynasties = {v.label: v.works for v in locallit.facet(cat.store, "dynasty")}
    assert dynasties["清"] == 3 and dynasties["明"] == 1 and dynasties["民国"] == 1
    places = {v.label: v for v in locallit.facet(cat.store, "place")}
    assert places["福建长乐"].works == 1 and places["福建长乐"].pinyin == "fu jian chang le"
    listed = locallit.works_with(cat.store, "place", places["福建长乐"].iri)
    assert [(w["title"], w["holders"]) for w in listed] == [("长乐县志", ["FJL", "FZL"])]
    types = {v.label for v in locallit.facet(cat.store, "type")}
    assert {"地方志", "家谱", "地方文献"} <= types
    found = {(c["member"], c["name"], c["instances"]) for c in locallit.collections(cat.store)}
    assert found == {("FJL", "福建地方文献", 4), ("FZL", "福州文献", 2)}


def test_reloading_a_collection_replaces_it(loaded, tmp_path):
    cat, _, _ = loaded
    smaller = write_xlsx(tmp_path / "fjl2.xlsx", HEADER, ROWS[:2])
    ingest(cat.store, cat.minter, [smaller], "FJL", collection_name="福建地方文献", clusters=cat.clusters)
    assert len(cat.store.batches("FJL")) == 1
    found = {(c["member"], c["name"], c["instances"]) for c in locallit.collections(cat.store)}
    assert ("FJL", "福建地方文献", 2) in found


def test_a_file_in_no_readable_encoding_is_rejected_not_garbled(region, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("题名\n".encode("utf-8") + b"\x80\x81\xff\xfe\n")
    with pytest.raises(IngestError, match="no record could be read") as info:
        ingest(region.store, region.minter, [bad], "FJL")
    assert "not UTF-8, UTF-16, GBK or Big5" in info.value.report.rejected[0].reason
    assert not region.store.batches("FJL")


def test_a_sheet_without_a_title_column_is_refused(region, tmp_path):
    path = write_xlsx(tmp_path / "no-title.xlsx", ["书号", "卷数"], [["1", "十卷"]])
    with pytest.raises(IngestError) as info:
        ingest(region.store, region.minter, [path], "FJL")
    assert "no title column" in info.value.report.rejected[0].reason


def test_the_template_reads_back_and_the_shipped_copy_is_current(tmp_path):
    for suffix in (".xlsx", ".csv"):
        path = write_template(tmp_path / f"template{suffix}")
        got = list(read_spreadsheet(path))
        assert [type(g).__name__ for g in got] == ["SourceRecord"]
        assert got[0].record["title"] == "长乐县志" and got[0].record["census_number"] == "350000-0101-0000001"
    shipped = ROOT / "docs" / "local-literature-template.csv"
    with open(shipped, encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == template_rows()


def test_the_cli_loads_a_spreadsheet_as_a_collection_and_writes_the_template(tmp_path):
    from click.testing import CliRunner

    from cli.main import main

    def run(*args):
        return CliRunner().invoke(
            main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args], catch_exceptions=False
        )

    assert run("member", "add", "FJL", "--name", "Fujian Provincial Library").exit_code == 0
    sheet = write_xlsx(tmp_path / "list.xlsx", HEADER, ROWS)
    result = run("ingest", str(sheet), "--member", "FJL", "--collection", "福建地方文献")
    assert result.exit_code == 0, result.output
    assert "6 records read, 4 loaded, 2 rejected" in result.output
    assert "list.xlsx, record 4: no title" in result.output and "unknown column '馆员签名'" in result.output
    template = tmp_path / "mine.xlsx"
    assert run("template", str(template)).exit_code == 0 and template.exists()


def test_the_sparql_examples_of_the_local_literature_docs_answer(loaded):
    import re

    cat, _, _ = loaded
    text = (ROOT / "docs" / "local-literature.md").read_text(encoding="utf-8")
    examples = re.findall(r"```sparql local-literature\n(.*?)\n```", text, flags=re.S)
    assert len(examples) == 3
    for query in examples:
        assert list(cat.store.query(query)), query


def test_record_pages_show_the_chinese_title_and_its_pinyin(loaded):
    import re

    from web import create_app

    cat, _, _ = loaded
    client = create_app({"ALLIANCE_CATALOGUE": cat}).test_client()
    coll = cat.minter.collection("FZL", "福州文献").value.replace(TEST_BASE, "/")
    page = client.get(coll + "?lang=zh", headers={"Accept": "text/html"}).get_data(as_text=True)
    instances = sorted(set(re.findall(r'href="(/instance/[^"#?]+)"', page)))
    assert len(instances) == 2
    texts = [
        re.sub(r"<[^>]+>", " ", client.get(i + "?lang=zh", headers={"Accept": "text/html"}).get_data(as_text=True))
        for i in instances
    ]
    assert any("榕城考古略" in t and "rong cheng kao gu lve" in t for t in texts)
    assert any("长乐县志" in t and "chang le xian zhi" in t and "福州文献" in t for t in texts)


def test_the_browse_page_lists_places_dynasties_and_types_and_their_works(loaded):
    import html
    import re

    from web import create_app

    cat, _, _ = loaded
    client = create_app({"ALLIANCE_CATALOGUE": cat}).test_client()
    page = client.get("/local-literature?lang=zh").get_data(as_text=True)
    for heading in ("地区", "朝代", "文献类型", "版本类型", "专藏"):
        assert f">{heading}</h2>" in page
    links = dict(
        (html.unescape(label), html.unescape(href))
        for href, label in re.findall(r'<a href="(/local-literature\?[^"]+)">([^<]+)</a>', page)
    )
    assert {"清", "明", "福建长乐", "地方志", "刻本", "福州文献"} <= set(links)
    chosen = client.get(links["福建长乐"] + "&lang=zh").get_data(as_text=True)
    assert "长乐县志" in chosen and "福建省图书馆 · 福州市图书馆" in chosen  # holders by name, not code
    work = re.search(r'<a href="(/work/[^"]+)">长乐县志</a>', chosen).group(1)
    assert client.get(work, headers={"Accept": "text/html"}).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "facet=place",
        "facet=nope&value=http://x.test/a",
        "facet=place&value=not%20an%20iri> } DROP ALL {",
        "facet=place&value=http://alliance.test/subject/unknown",
    ],
)
def test_the_browse_page_refuses_what_it_cannot_show(loaded, query):
    from web import create_app

    cat, _, _ = loaded
    client = create_app({"ALLIANCE_CATALOGUE": cat}).test_client()
    assert client.get("/local-literature?" + query).status_code == 404
