"""The read side (graph/views): views and descriptions built over the sample alliance's records, ingested."""

from __future__ import annotations

import unicodedata

import pytest
from pyoxigraph import Literal, NamedNode

from graph import views as records
from graph.views.holdings import copies_at
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS
from tests.webtools import instance_titled


@pytest.fixture(scope="module")
def store(seeded_catalogue):
    return seeded_catalogue.store


def test_describe_has_fragments_linked_labels_and_no_duplicates(store, seeded):
    iri = instance_titled(store, seeded.chinese.title)
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
    assert [unicodedata.normalize("NFC", v) for v in work_labels] == [seeded.chinese.romanised]


def test_describe_unknown_is_empty(store, seeded_catalogue):
    assert records.describe(store, seeded_catalogue.minter.resource("instance", "nosuchthing")) == []


def test_labels_prefer_the_page_language_then_chinese(store, seeded):
    iri = instance_titled(store, seeded.chinese.title)
    zh = records.instance_view(store, iri, "zh")
    en = records.instance_view(store, iri, "en")
    assert zh["label"] == seeded.chinese.title
    assert seeded.chinese.romanised in zh["other_labels"]
    # no English title: English pages fall back to Chinese before the untagged romanisation
    assert en["label"] == seeded.chinese.title


def test_instance_holdings_grouped_by_library_with_catalogue_links(store, seeded):
    chinese = seeded.chinese
    view = records.instance_view(store, instance_titled(store, chinese.title), "en")
    libs = [h["library"]["code"] for h in view["holdings"]]
    assert libs == ["GWU", "PKU"]
    gwu = view["holdings"][0]
    assert gwu["copies"] == 1
    assert gwu["catalogue_links"] == [f"https://catalog.gwu.example/record/{chinese.control}"]
    assert gwu["library"]["label"] == "George Washington University Libraries"
    zh = records.instance_view(store, view["iri"], "zh")
    assert zh["holdings"][1]["library"]["label"] == "北京大学图书馆"
    assert chinese.isbn in {i["value"] for i in view["identifiers"] if i["type"] == "ISBN"}
    assert [w["label"] for w in view["works"]] == [chinese.romanised]
    # names with an 880 twin carry the vernacular name too; the page picks one form
    assert any(c["label"].startswith((chinese.name, chinese.name_zh)) for c in view["contributors"])


def test_copies_of_one_library_collapse(store, seeded):
    many = seeded.copies
    view = records.instance_view(store, instance_titled(store, many.title), "en")
    (bl,) = view["holdings"]
    assert bl["library"]["code"] == "BL"
    assert bl["copies"] == many.copies
    assert many.call_number in bl["call_numbers"]
    assert bl["catalogue_links"] == []  # BL gave no OPAC pattern
    total, copies = copies_at(store, view["iri"], bl["library"]["iri"])  # the copies, a page at a time
    assert total == many.copies and len({c["iri"] for c in copies}) == many.copies
    assert many.call_number in {c["call_number"] for c in copies}


def test_work_view_lists_editions_with_holdings(store, seeded):
    many = seeded.copies
    inst = records.instance_view(store, instance_titled(store, many.title), "en")
    work = records.work_view(store, inst["works"][0]["iri"], "en")
    assert work["label"] in (many.title, many.romanised)
    assert [e["iri"] for e in work["instances"]] == [inst["iri"]]
    assert work["instances"][0]["holdings"][0]["copies"] == many.copies
    assert "Text" in work["types"]
    assert work["subjects"], "the record's 6XX are the work's subjects"


def test_item_agent_subject_and_library_views(store, seeded_catalogue, seeded):
    chinese = seeded.chinese
    inst = records.instance_view(store, instance_titled(store, chinese.title), "zh")
    item = records.item_view(store, inst["holdings"][0]["items"][0], "zh")
    assert item["libraries"][0]["label"] == "乔治·华盛顿大学图书馆"
    assert item["instances"][0]["label"] == chinese.title
    assert item["catalogue_links"] == [f"https://catalog.gwu.example/record/{chinese.control}"]

    author = next(c for c in inst["contributors"] if c["label"].startswith((chinese.name, chinese.name_zh)))
    agent = records.agent_view(store, author["iri"], "en")
    names = {agent["label"], *agent.get("other_labels", [])}
    assert any(n.startswith(chinese.name) for n in names) and any(n.startswith(chinese.name_zh) for n in names)
    assert inst["works"][0]["iri"] in [w["iri"] for w in agent["works_by"]]

    subject = records.subject_view(store, inst["subjects"][0]["iri"], "en")
    assert inst["works"][0]["iri"] in [w["iri"] for w in subject["works"]]

    lib = records.library_view(store, seeded_catalogue.minter.library("PKU").value, "zh")
    assert lib["label"] == "北京大学图书馆" and lib["other_labels"] == ["Peking University Library"]
    assert lib["items"] == seeded.pku_items
    assert 0.8 * seeded.pku_records <= lib["works"] <= seeded.pku_records  # editions of one work count once
    assert lib["loads"] == [{"sources": [seeded.pku_file.name], "triples": lib["loads"][0]["triples"]}]
    assert len(lib["some_titles"]) == 25


def test_views_of_the_wrong_kind_are_none(store, seeded_catalogue, seeded):
    inst = instance_titled(store, seeded.chinese.title)
    assert records.work_view(store, inst, "en") is None
    assert records.item_view(store, inst, "en") is None
    assert records.agent_view(store, inst, "en") is None
    assert records.library_view(store, seeded_catalogue.minter.library("NOPE").value, "en") is None


def test_home_counts_every_member(store, seeded):
    view = records.home_view(store, "en")
    assert view["counts"]["members"] == 3
    assert view["counts"]["items"] == sum(lib["items"] for lib in view["libraries"])
    assert {lib["code"]: lib["items"] for lib in view["libraries"]}["GWU"] == seeded.pku_items
    # GWU and PKU loaded the same file: same editions, so fewer instances than records loaded
    assert view["counts"]["instances"] < seeded.pku_records * 2


def test_literal_ranking():
    from graph.views.common import ranked

    lits = [
        Literal("Kankyō hakusho"),
        Literal("環境白書", language="ja"),
        Literal("huan jing", language="zh-latn-pinyin"),
        Literal("环境", language="zh-hans"),
        Literal("Environment", language="en"),
    ]
    assert ranked(lits, "zh") == ["环境", "Environment", "Kankyō hakusho", "環境白書", "huan jing"]
    assert ranked(lits, "en")[0] == "Environment"
