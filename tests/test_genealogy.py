"""Genealogies by surname, hall name, ancestral place and dynasty; old books by the four branches; the demo's
local-literature collections, as a patron meets them on /local-literature."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from graph.views import genealogy

from graph.views import locallit

from graph.views import oldbooks
from graph.identity.periods import dynasty
from graph.identity.sibu import parse
from graph.load.ingest import ingest
from graph.load.sources.spreadsheet import read_spreadsheet
from tests.conftest import shared

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "local-literature.md").read_text(encoding="utf-8")
HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(demo_catalogue):
    from web import create_app

    return create_app(
        {"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0}
    ).test_client()


def page(client, url, status=200):
    response = client.get(url, headers=HTML)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    return response.get_data(as_text=True)


# genealogies ----------------------------------------------------------------------------------------
def test_a_dynasty_stands_for_its_years():
    ming = dynasty("明")
    assert (ming.start, ming.end) == (1368, 1644)
    assert genealogy.Filters(dynasty="明").years() == (1368, 1644)
    assert genealogy.Filters(dynasty="清", year_from=1800).years() == (1800, 1912)
    with pytest.raises(ValueError):
        genealogy.Filters(dynasty="火星").years()


@pytest.mark.parametrize(
    "example",
    re.findall(r"```sparql genealogy (\S+)\n(.*?)\n```", DOC, flags=re.S),
    ids=lambda e: e[0] if isinstance(e, tuple) else str(e),
)
def test_the_documented_sparql_gives_the_json_api_answers(client, demo_catalogue, example):
    params, sparql = example
    answer = client.get("/local-literature/genealogies.json?" + params).get_json()
    by_api = {g["work"] for g in answer["genealogies"]}
    by_sparql = {row["work"].value for row in demo_catalogue.store.query(sparql)}
    assert by_api and by_api == by_sparql, params
    assert answer["count"] == len(by_api)
    assert answer["query"] == dict(parse_qsl(params))


def test_the_documented_json_answer_is_the_demos(client):
    shown = json.loads(re.search(r"```json\n(.*?)\n```", DOC, flags=re.S).group(1).replace('"…/work/…"', "null"))
    answer = client.get("/local-literature/genealogies.json?surname=朱&place=浙江").get_json()
    assert answer["count"] == shown["count"] and answer["query"] == shown["query"]
    got = [{k: v for k, v in g.items() if k != "work"} for g in answer["genealogies"]]
    assert got == [{k: v for k, v in g.items() if k != "work"} for g in shown["genealogies"]]


def test_ming_finds_what_was_compiled_in_1368_1644(client):
    answer = client.get("/local-literature/genealogies.json?dynasty=明").get_json()
    assert answer["years"] == [1368, 1644] and answer["count"] > 0
    for g in answer["genealogies"]:
        assert (g["year"] and 1368 <= g["year"] <= 1644) or g["dynasty"] == "明", g
    everything = client.get("/local-literature/genealogies.json").get_json()["genealogies"]
    assert {g["work"] for g in everything if g["year"] and 1368 <= g["year"] <= 1644} <= {
        g["work"] for g in answer["genealogies"]
    }
    bad = client.get("/local-literature/genealogies.json?dynasty=火星")
    assert bad.status_code == 400 and bad.get_json() == {"error": "unknown dynasty '火星'"}
    bad = client.get("/local-literature/genealogies.json?from=abc")
    assert bad.status_code == 400 and "from must be a year" in bad.get_json()["error"]
    assert client.get("/local-literature/genealogies?dynasty=火星", headers=HTML).status_code == 400


def test_the_genealogy_page_has_four_facets_each_a_page(client, demo_catalogue):
    html = page(client, "/local-literature/genealogies?lang=zh")
    for heading in ("姓氏", "堂号", "谱籍", "纂修朝代"):
        assert heading in html
    found = genealogy.find(demo_catalogue.store, genealogy.Filters())
    assert len(found) >= 36 and all(g.title and re.match(r"[\u3400-\u9fff]", g.title) for g in found)
    facets = genealogy.facets(found)
    for name, values in facets.items():
        assert values, name
        value, count = values[0]
        narrowed = page(client, f"/local-literature/genealogies?{name}={value}&lang=zh")
        assert f"({count})" in narrowed, (name, value)
    assert "1368" in page(client, "/local-literature/genealogies?dynasty=明")


# old books ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, path",
    [
        ("史部.地理类.方志之属", ("史部", "地理类", "方志之属")),
        ("史部 地理类 方志之属", ("史部", "地理类", "方志之属")),
        ("史部地理类方志之属", ("史部", "地理类", "方志之属")),
        ("史.地理", ("史部", "地理类")),
        ("經部 易類", ("经部", "易类")),
        ("集部/别集类", ("集部", "别集类")),
        ("子部", ("子部",)),
        ("地方志", None),
        ("K295.7", None),
        ("", None),
    ],
)
def test_four_branch_classes_are_read_in_their_written_forms(text, path):
    assert parse(text) == path


def test_the_four_branches_are_a_tree_across_members(client, demo_catalogue):
    tree = oldbooks.tree(demo_catalogue.store)
    assert [n.name for n in tree] == ["经部", "史部", "子部", "集部"]
    assert all(n.works for n in tree)
    history = tree[1]
    geography = next(c for c in history.children if c.name == "地理类")
    assert {c.name for c in geography.children} >= {"方志之属", "杂记之属"}
    assert geography.works == sum(c.works for c in geography.children)
    html = page(client, "/local-literature/old-books")
    assert all(name in html for name in ("经部", "史部", "子部", "集部", "方志之属"))
    listed = page(client, "/local-literature/old-books?class=史部.地理类")
    assert "帝京景物略" in listed and "[万历]顺天府志" in listed and "1593" in listed and "刻本" in listed
    page(client, "/local-literature/old-books?class=火星", status=404)


def test_a_cnmarc_686_with_the_four_branch_code_is_the_same_scheme(members, tmp_path):
    """A real CNMARC record with a 686 $2 sbfl and a 205 edition type added, as an old-book cataloguer
    writes them; its edition type meets a spreadsheet's of another member on one term."""
    text = shared("cnmarc/sample_cnmarcxml.xml").read_text(encoding="utf-8")
    first_end = text.index("</record>")
    added = (
        '<datafield tag="686" ind1=" " ind2=" "><subfield code="a">史部 地理类 方志之属</subfield>'
        '<subfield code="2">sbfl</subfield></datafield>'
        '<datafield tag="205" ind1=" " ind2=" "><subfield code="a">清光绪十年刻本</subfield></datafield>'
    )
    prefix = re.search(r"<(\w+:)?record", text).group(1) or ""
    if prefix:
        added = (
            added.replace("<datafield", f"<{prefix}datafield")
            .replace("<subfield", f"<{prefix}subfield")
            .replace("</datafield", f"</{prefix}datafield")
            .replace("</subfield", f"</{prefix}subfield")
        )
    path = tmp_path / "cnmarc-686.xml"
    path.write_text(text[:first_end] + added + text[first_end:], encoding="utf-8")
    report = ingest(members.store, members.minter, [path], "PKU")
    assert report.loaded >= 10 and not report.rejected
    tree = oldbooks.tree(members.store)
    assert tree[1].name == "史部" and tree[1].works == 1
    assert tree[1].children[0].children[0].path == "史部.地理类.方志之属"
    sheet = tmp_path / "gwu-old.csv"
    sheet.write_text("题名,版本类型,版本年代\n闽都记,刻本,明万历\n", encoding="utf-8")
    ingest(members.store, members.minter, [sheet], "BL", collection_name="古籍")
    editions = {v.label: v.works for v in locallit.facet(members.store, "edition")}
    assert editions == {"刻本": 2}


def test_the_spreadsheet_reads_a_four_branch_column_and_warns_of_a_bad_one(tmp_path):
    sheet = tmp_path / "old.csv"
    sheet.write_text("题名,四部分类,版本类型\n水经注,史部 地理类 河渠之属,活字本\n某书,地理,刻本\n", encoding="utf-8")
    got = list(read_spreadsheet(sheet))
    assert got[0].record["sibu"] == "史部 地理类 河渠之属"
    assert "sibu" not in got[1].record and "四部分类" in got[1].warnings[0]


# the demo's /local-literature -------------------------------------------------------------------------
def test_the_demo_local_literature_shows_what_it_is_for(client, demo_catalogue):
    facets = {name: locallit.facet(demo_catalogue.store, name) for name in locallit.FACETS}
    places = [v.label for v in facets["place"]]
    assert places and all(re.match(r"[\u3400-\u9fff]", p) and "--" not in p for p in places), places
    assert len(places) < 60
    assert {v.label for v in facets["type"]} >= {"地方志", "家谱", "古籍"}
    assert "Fiction" not in {v.label for v in facets["type"]}
    assert {v.label for v in facets["dynasty"]} >= {"明", "清", "民国"}
    assert {v.label for v in facets["edition"]} >= {"刻本", "抄本", "稿本", "木活字本"}
    assert {c["name"] for c in locallit.collections(demo_catalogue.store)} >= {
        "上海图书馆家谱",
        "北京地方文献·旧志",
        "北京大学图书馆古籍善本",
        "清华大学图书馆古籍",
    }
    html = page(client, "/local-literature")
    assert "暂无" not in html and "Pride and prejudice" not in html
    beijing = next(v for v in facets["place"] if v.label == "北京")
    listed = page(client, f"/local-literature?facet=place&value={beijing.iri}")
    assert "日下旧闻考" in listed and "1787" in listed


def test_one_old_edition_held_by_two_members_is_one_instance(demo_catalogue):
    """PKU's and Tsinghua's lists both have the 1791 movable-type 红楼梦: one edition with both members' copies."""
    rows = list(
        demo_catalogue.store.query("""
        PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>
        PREFIX alliance: <https://alliance-graph.org/ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?code WHERE { ?i bf:productionMethod/rdfs:label "木活字本"@zh-Hans ;
            bf:title/bf:mainTitle "红楼梦"@zh-Hans ; bf:hasItem/bf:heldBy/alliance:code ?code }""")
    )
    assert sorted(r["code"].value for r in rows) == ["PKU", "THU"]
