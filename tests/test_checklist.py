"""A purchase list checked against the alliance: reading vendors' lists, matching as loading would,
verdicts, totals, the command line and the page, on the demo alliance (real store, real HTTP)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from click.testing import CliRunner

from graph.views.checklist import check_list, read_list
from graph.views.checklist.check import evidence, holders
from graph.views.checklist.lines import BadRow, parse_line
from graph.identity.match import signature
from graph.identity.normalize import isbn13
from graph.load.mappers.marc21_identity import evidence as record_evidence
from graph.views.common import select
from graph.load.sources.marc import read_marc
from graph.load.sources import SourceRecord
from tests.conftest import TEST_BASE


def _write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def editions(demo_catalogue):
    """Demo editions with an ISBN, by how many members hold them: (iri, isbn, title, holders)."""
    store = demo_catalogue.store
    rows = select(
        store,
        """SELECT ?i (MIN(?v) AS ?isbn) (MIN(?m) AS ?title) WHERE { ?i a bf:Instance ;
        bf:identifiedBy ?id ; bf:title ?t . ?id a bf:Isbn ; rdf:value ?v . ?t bf:mainTitle ?m } GROUP BY ?i ORDER BY ?i""",
    )
    held = holders(store, [r["i"].value for r in rows])
    return [(r["i"].value, r["isbn"].value, r["title"].value, held.get(r["i"].value, {})) for r in rows]


def test_lookup_is_what_loading_matched(demo_catalogue, sample_files):
    """Every member record of the demo (the sample's exports, as `alliance demo` loads them), looked up
    read-only, finds the cluster its load put it in."""
    clusters = demo_catalogue.clusters
    placed = clusters.clusters_of()
    checked = 0
    for path in sorted(f for m in sample_files.values() for f in m.files if f.suffix == ".mrc"):
        member = path.stem.upper()
        for item in read_marc(str(path)):
            if not isinstance(item, SourceRecord):
                continue
            control = item.record["001"].data
            found = clusters.lookup(record_evidence(item.record, member, control))
            instance, work = placed[(member, control)]
            assert found.instances == (TEST_BASE + "instance/" + instance,), control
            assert TEST_BASE + "work/" + work in found.works
            checked += 1
    assert checked > 200


def test_lines_read_in_chinese_and_gbk(tmp_path):
    path = _write_csv(
        tmp_path / "order.csv",
        [
            ["某某图书公司征订目录 2026年第3期"],
            ["序号", "国际标准书号", "书名", "著者", "出版社", "出版年", "定价", "册数", "备注"],
            [
                "1",
                "978-7-02-000220-7",
                "红楼梦 : 脂评本",
                "(清)曹雪芹著",
                "人民文学出版社",
                "1982",
                "￥59.80",
                "2",
                "精装",
            ],
            ["2", "", "", "", "", "", "", "", ""],
            ["3", "9787020002208", "", "", "", "", "", "", ""],
            ["4", "7-02-000220-X (set)", "三国演义", "罗贯中", "", "1973", "价格待定", "", ""],
        ],
        encoding="gbk",
    )
    listed = read_list(path)
    assert listed.columns == ["id", "isbn", "title", "author", "publisher", "year", "price", "quantity"]
    assert any("GBK" in n for n in listed.notices) and any("备注" in n for n in listed.notices)
    first, set_line = listed.lines
    assert (first.row, first.title, first.subtitle, first.price, first.quantity, first.total) == (
        3,
        "红楼梦",
        "脂评本",
        59.8,
        2,
        59.8 * 2,
    )
    assert first.isbns == [("9787020002207", "")]
    assert evidence(first).authors == ["曹雪芹"]
    assert set_line.isbns == [("702000220X", "set")] and set_line.price is None
    # a set ISBN is never a match key; the same number as a paperback's is
    assert signature(evidence(set_line))["s"] == []
    paperback = parse_line(9, {"isbn": "7-02-000220-X (pbk.)", "title": "三国演义"})
    assert signature(evidence(paperback))["s"] == ["isbn:9787020002207"]
    assert [str(b) for b in listed.bad] == [
        "row 4: neither an ISBN nor a title: nothing to match on",
        "row 5: ISBN '9787020002208' is not a valid ISBN (check digit); not used: nothing to match on",
    ]
    assert set_line.row == 6


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Smith, John", "Smith, John"),
        ("John Smith and Ann Lee", "Smith, John"),
        ("John Smith (ed.)", "Smith, John"),
        ("(清)王夫之撰；李四注", "王夫之"),
        ("北京市地方志编纂委员会编", "北京市地方志编纂委员会"),
        ("", None),
    ],
)
def test_first_author_as_a_main_entry(text, expected):
    line = parse_line(2, {"title": "x", "author": text})
    assert (evidence(line).authors or [None])[0] == expected


def test_a_row_without_isbn_or_title_is_bad():
    assert isinstance(parse_line(7, {"author": "Nobody"}), BadRow)
    assert str(parse_line(7, {"author": "Nobody"})) == "row 7: neither an ISBN nor a title: nothing to match on"


def test_verdicts_on_the_demo(demo_catalogue, editions, tmp_path):
    common = next(e for e in editions if len(e[3]) >= 3)
    scarce = next(e for e in editions if len(e[3]) == 1)
    member = sorted(common[3])[0]
    hyphened = isbn13(common[1])
    hyphened = f"{hyphened[:3]}-{hyphened[3]}-{hyphened[4:7]}-{hyphened[7:12]}-{hyphened[12]}"
    path = _write_csv(
        tmp_path / "list.csv",
        [
            ["ISBN", "Title", "Author", "Publisher", "Year", "Price"],
            [hyphened, common[2], "", "", "", "100"],  # row 2: ISBN-13, hyphens
            [scarce[1], scarce[2], "", "", "", "10"],  # row 3
            ["", "The good earth", "Pearl S. Buck", "Washington Square Press", "2004", "5"],  # row 4: no ISBN
            ["", "The good earth", "Pearl S. Buck", "Penguin Books", "1999", "7"],  # row 5: another edition
            ["", "A book no member of this alliance has", "Nobody", "Nowhere", "2020", "8"],  # row 6
            [f"{scarce[1]} (set)", "Collected works", "", "", "", "9"],  # row 7: a set ISBN alone
            ["", "", "", "", "", "3"],  # row 8: bad
        ],
    )
    report = check_list(path, demo_catalogue.store, demo_catalogue.clusters, member=member)
    by_row = {c.line.row: c for c in report.lines}
    assert by_row[2].found.instances == (common[0],) and by_row[2].verdict == "held_here"
    assert by_row[2].holders == common[3]
    assert by_row[3].found.instances == (scarce[0],) and by_row[3].verdict in ("scarce", "held_here")
    good_earth = by_row[4].found.instances
    assert len(good_earth) == 1 and by_row[4].holders
    assert by_row[5].found.instances == () and good_earth[0] in by_row[5].found.editions
    assert by_row[5].verdict == "other_edition" and by_row[5].other_holders
    assert by_row[6].verdict == "not_held" and by_row[6].found == by_row[6].found.__class__((), (), ())
    assert by_row[7].found.instances == () and by_row[7].verdict == "not_held"
    assert [b.row for b in report.bad] == [8]
    s = report.summary()
    assert (s["rows"], s["checked"], s["bad"]) == (7, 6, 1)
    assert s["price_total"] == 139.0 and s["price_held"] == 115.0 and s["price_other_edition"] == 7.0
    assert [c.line.row for c in report.sorted("verdict")][:2] == [6, 7]
    no_member = check_list(path, demo_catalogue.store, demo_catalogue.clusters)
    assert {c.line.row: c.verdict for c in no_member.lines}[2] == "common"


def test_unreadable_lists_say_why(demo_catalogue, tmp_path):
    from graph.views.checklist import ListError

    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\xd8" * 50 + b"\x81\x20\xfe")
    (tmp_path / "noheader.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    for name, words in (("noheader.csv", "no header row"), ("broken.xlsx", "cannot read the list")):
        with pytest.raises(ListError, match=words):
            check_list(tmp_path / name, demo_catalogue.store, demo_catalogue.clusters)


# the command line --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    from cli.main import main

    data = tmp_path_factory.mktemp("cli-demo") / "data"
    result = CliRunner().invoke(
        main, ["--data", str(data), "--base", TEST_BASE, "demo", "--no-serve"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return data


def _run(data, *args):
    from cli.main import main

    return CliRunner().invoke(main, ["--data", str(data), *args], catch_exceptions=False)


def test_cli_checks_an_xlsx_list(demo_data, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["题名", "责任者", "出版社", "出版年", "价格"])
    sheet.append(["The good earth", "Pearl S. Buck", "Washington Square Press", 2004, 15])
    sheet.append(["", "nobody", "", "", ""])
    sheet.append(["Nothing like this exists", "Nobody", "", 2020, "12.50元"])
    book.save(tmp_path / "order.xlsx")
    out = tmp_path / "checked.xlsx"
    result = _run(
        demo_data,
        "check-list",
        str(tmp_path / "order.xlsx"),
        "--member",
        "thu",
        "-o",
        str(out),
        "--lang",
        "zh",
        "--sort",
        "verdict",
    )
    assert result.exit_code == 0, result.output
    assert "row 3: neither an ISBN nor a title" in result.output
    assert "3 rows: 2 checked, 1 bad; 1 held in the alliance" in result.output
    checked = openpyxl.load_workbook(out)
    rows = list(checked.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("行号", "题名") and "判定" in rows[0]
    verdict = rows[0].index("判定")
    assert rows[1][0] == 4 and rows[1][verdict] == "联盟未收藏"
    assert rows[-1][0] == 3 and rows[-1][verdict].startswith("无法查重")
    summary = dict(checked.worksheets[1].iter_rows(values_only=True))
    assert summary["清单总价"] == 27.5 and summary["其中联盟已有"] == 15


def test_cli_errors_are_one_line(demo_data, tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = _run(demo_data, "check-list", str(tmp_path / "x.csv"))
    assert result.exit_code == 1 and "no header row" in result.output and "Traceback" not in result.output
    (tmp_path / "y.csv").write_text("ISBN\n9787020002207\n", encoding="utf-8")
    result = _run(demo_data, "check-list", str(tmp_path / "y.csv"), "--member", "NOPE")
    assert result.exit_code == 2 and "no member NOPE" in result.output
    result = _run(demo_data, "check-list", str(tmp_path / "y.csv"))
    assert result.exit_code == 0 and result.stdout.startswith("row,isbn,rank,verdict")
    assert "1 rows: 1 checked, 0 bad" in result.stderr


# the page --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(demo_catalogue):
    from web import create_app

    app = create_app({"ALLIANCE_CATALOGUE": demo_catalogue, "ALLIANCE_SPARQL_WORKERS": 0, "TESTING": True})
    return app.test_client()


LIST = (
    "ISBN,题名,著者,出版年,价格\n,The good earth,Pearl S. Buck,2004,15\n,,,,3\n,A book nobody has,Nobody,2020,9\n"
).encode("utf-8")


@pytest.mark.parametrize("lang, words", [("en", "Check a purchase list"), ("zh", "采购清单查重")])
def test_page_form(client, lang, words):
    page = client.get(f"/reports/check-list?lang={lang}").get_data(as_text=True)
    assert words in page and 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert "THU" in page
    assert "/reports/check-list" in client.get("/reports/overlap").get_data(as_text=True)


def test_page_checks_an_upload(client):
    response = client.post(
        "/reports/check-list?lang=zh",
        data={"list": (io.BytesIO(LIST), "订单.csv"), "member": "THU", "sort": "verdict", "answer": "page"},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "联盟未收藏" in page and "未能查重" in page and "订单.csv" in page
    assert page.index("A book nobody has") < page.index("The good earth")
    assert "/instance/" in page


@pytest.mark.parametrize("answer, mimetype", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")])
def test_page_downloads(client, answer, mimetype):
    response = client.post(
        "/reports/check-list?lang=en",
        data={"list": (io.BytesIO(LIST), "order.csv"), "answer": answer},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.mimetype.startswith(mimetype)
    assert "attachment" in response.headers["Content-Disposition"]
    if answer == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0][0] == "row" and len(rows) == 4


def test_page_refuses_what_it_cannot_check(client):
    assert client.post("/reports/check-list", data={}, content_type="multipart/form-data").status_code == 400
    bad = client.post(
        "/reports/check-list", data={"list": (io.BytesIO(b"x"), "list.pdf")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 400 and "CSV, TSV or XLSX" in bad.get_data(as_text=True)
    empty = client.post(
        "/reports/check-list", data={"list": (io.BytesIO(b"a,b\n"), "list.csv")}, content_type="multipart/form-data"
    )
    assert empty.status_code == 400 and "no header row" in empty.get_data(as_text=True)
