"""The read side (graph/records): views and descriptions built over real, ingested records."""
from __future__ import annotations

import unicodedata

import pytest
from pyoxigraph import Literal, NamedNode

from graph import records
from graph.records.holdings import copies_at
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS
from tests.webtools import instance_titled

CHINESE = "改革开放与中华战略文化 : 纪念中国改革开放30周年"
PINYIN = "Gai ge kai fang yu Zhonghua zhan lüe wen hua : ji nian Zhongguo gai ge kai fang 30 zhou nian"


@pytest.fixture(scope="module")
def store(seeded_catalogue):
    return seeded_catalogue.store


def test_describe_has_fragments_linked_labels_and_no_duplicates(store):
    iri = instance_titled(store, CHINESE)
    triples = records.describe(store, iri)
    assert len(triples) == len(set(triples)), "a triple said by GWU and PKU must appear once"
    subjects = {t.subject.value for t in triples}
    assert iri in subjects
    assert f"{iri}#title" in subjects, "one union title"
    assert not any("#GWU" in s or "#PKU" in s for s in subjects), "members' descriptions are linked, not inlined"
    inst = NamedNode(iri)
    members = {t.object.value for t in triples if t.subject == inst and t.predicate == ALLIANCE.memberDescription}
    assert {m.rsplit("#", 1)[1].split(".")[0] for m in members} == {"GWU", "PKU"}
    titles = [t.object for t in triples if t.subject.value == f"{iri}#title" and t.predicate == BF.mainTitle]
    assert len({lit.language for lit in titles}) == len(titles), "one main title (in each script)"
    assert (inst, RDF.type, BF.Instance) in {(t.subject, t.predicate, t.object) for t in triples}
    work = next(t.object for t in triples if t.subject == inst and t.predicate == BF.instanceOf)
    work_labels = [t.object.value for t in triples if t.subject == work and t.predicate == RDFS.label]
    assert [unicodedata.normalize("NFC", v) for v in work_labels] == ["Gai ge kai fang yu Zhonghua zhan lüe wen hua"]


def test_describe_unknown_is_empty(store, seeded_catalogue):
    assert records.describe(store, seeded_catalogue.minter.resource("instance", "nosuchthing")) == []


def test_labels_prefer_the_page_language_then_chinese(store):
    iri = instance_titled(store, CHINESE)
    zh = records.instance_view(store, iri, "zh")
    en = records.instance_view(store, iri, "en")
    assert zh["label"] == CHINESE
    assert PINYIN in zh["other_labels"]
    # no English title: English pages fall back to Chinese before the untagged romanisation
    assert en["label"] == CHINESE


def test_instance_holdings_grouped_by_library_with_catalogue_links(store):
    view = records.instance_view(store, instance_titled(store, CHINESE), "en")
    libs = [h["library"]["code"] for h in view["holdings"]]
    assert libs == ["GWU", "PKU"]
    gwu = view["holdings"][0]
    assert gwu["copies"] == 1
    assert gwu["catalogue_links"] == ["https://catalog.gwu.example/record/12009811"]
    assert gwu["library"]["label"] == "George Washington University Libraries"
    zh = records.instance_view(store, view["iri"], "zh")
    assert zh["holdings"][1]["library"]["label"] == "北京大学图书馆"
    assert {i["type"]: i["value"] for i in view["identifiers"]}["LCCN"] == "2010373443"
    assert [w["label"] for w in view["works"]] == ["Gai ge kai fang yu Zhonghua zhan lüe wen hua"]
    # 700s with an 880 twin carry the vernacular name too; the page picks one form
    assert {"Xu, Genchu", "徐根初"} & {c["label"] for c in view["contributors"]}


def test_copies_of_one_library_collapse(store):
    view = records.instance_view(store, instance_titled(store, "Chemistry and industry"), "en")
    (bl,) = view["holdings"]
    assert bl["library"]["code"] == "BL"
    assert bl["copies"] == 4
    assert "(P) LT 00 -E(12)" in bl["call_numbers"]
    assert bl["catalogue_links"] == []  # BL gave no OPAC pattern
    total, copies = copies_at(store, view["iri"], bl["library"]["iri"])  # the copies, a page at a time
    assert total == 4 and len({c["iri"] for c in copies}) == 4
    assert "(P) LT 00 -E(12)" in {c["call_number"] for c in copies}


def test_work_view_lists_editions_with_holdings(store):
    inst = records.instance_view(store, instance_titled(store, "Chemistry and industry"), "en")
    work = records.work_view(store, inst["works"][0]["iri"], "en")
    assert work["label"] == "Chemistry and industry"
    assert [e["iri"] for e in work["instances"]] == [inst["iri"]]
    assert work["instances"][0]["holdings"][0]["copies"] == 4
    assert "Text" in work["types"]
    assert {s["label"] for s in work["subjects"]} >= {"Chemical industry--Periodicals"}


def test_item_agent_subject_and_library_views(store, seeded_catalogue):
    inst = records.instance_view(store, instance_titled(store, CHINESE), "zh")
    item = records.item_view(store, inst["holdings"][0]["items"][0], "zh")
    assert item["libraries"][0]["label"] == "乔治·华盛顿大学图书馆"
    assert item["instances"][0]["label"] == CHINESE
    assert item["catalogue_links"] == ["https://catalog.gwu.example/record/12009811"]

    xu = next(c for c in inst["contributors"] if c["label"] in ("Xu, Genchu", "徐根初"))
    agent = records.agent_view(store, xu["iri"], "en")
    assert {agent["label"], *agent.get("other_labels", [])} >= {"Xu, Genchu", "徐根初"}
    assert inst["works"][0]["iri"] in [w["iri"] for w in agent["works_by"]]

    subject = records.subject_view(store, inst["subjects"][0]["iri"], "en")
    assert inst["works"][0]["iri"] in [w["iri"] for w in subject["works"]]

    lib = records.library_view(store, seeded_catalogue.minter.library("PKU").value, "zh")
    assert lib["label"] == "北京大学图书馆" and lib["other_labels"] == ["Peking University Library"]
    assert lib["items"] == 99 and 90 <= lib["works"] <= 99  # titles: editions of one work count once
    assert lib["loads"] == [{"sources": ["gwu.xml"], "triples": lib["loads"][0]["triples"]}]
    assert len(lib["some_titles"]) == 25


def test_views_of_the_wrong_kind_are_none(store, seeded_catalogue):
    inst = instance_titled(store, CHINESE)
    assert records.work_view(store, inst, "en") is None
    assert records.item_view(store, inst, "en") is None
    assert records.agent_view(store, inst, "en") is None
    assert records.library_view(store, seeded_catalogue.minter.library("NOPE").value, "en") is None


def test_home_counts_every_member(store):
    view = records.home_view(store, "en")
    assert view["counts"]["members"] == 3
    assert view["counts"]["items"] == sum(lib["items"] for lib in view["libraries"])
    assert {lib["code"]: lib["items"] for lib in view["libraries"]}["GWU"] == 99
    # GWU and PKU loaded the same file: same editions, so fewer instances than records loaded
    assert view["counts"]["instances"] < 99 * 3


def test_literal_ranking():
    from graph.records.common import ranked

    lits = [Literal("Kankyō hakusho"), Literal("環境白書", language="ja"),
            Literal("huan jing", language="zh-latn-pinyin"), Literal("环境", language="zh-hans"),
            Literal("Environment", language="en")]
    assert ranked(lits, "zh") == ["环境", "Environment", "Kankyō hakusho", "環境白書", "huan jing"]
    assert ranked(lits, "en")[0] == "Environment"
