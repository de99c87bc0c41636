"""Text analysis for search: the same tokens for what is indexed and what is asked, in any script."""

from __future__ import annotations

import pytest

from graph.index.text import heading_key, identifier_keys, parse_query, pinyin_tokens, syllables, tokens, value_tokens


def words(text):
    return [t for t, _ in tokens(text)]


def test_han_runs_become_bigrams_with_unigrams_at_the_same_position():
    assert tokens("北京大学") == [("北", 0), ("北京", 0), ("京", 1), ("京大", 1), ("大", 2), ("大学", 2), ("学", 3)]


def test_traditional_and_simplified_give_the_same_tokens():
    assert words("中國歷史") == words("中国历史")
    assert words("家譜") == words("家谱")


def test_latin_words_fold_case_and_accents():
    assert words("Zhonghua zhan LÜE wén-huà") == ["zhonghua", "zhan", "lue", "wen", "hua"]
    assert words("Müller, J.") == ["muller", "j"]


def test_mixed_scripts_keep_their_order():
    toks = tokens("纪念中国改革开放30周年 anniversary")
    assert [t for t, _ in toks if len(t) != 1 or not t.isascii()][:3] == ["纪", "纪念", "念"]
    assert ("30", 8) in toks and ("周年", 9) in toks and ("anniversary", 11) in toks


def test_values_are_kept_apart_so_a_phrase_never_spans_two():
    toks = value_tokens(["北京", "大学"])
    positions = {t: p for t, p in toks}
    assert positions["大学"] - positions["北京"] > 10


@pytest.mark.parametrize(
    "word, expected",
    [
        ("beijing", ["bei", "jing"]),
        ("zhongguo", ["zhong", "guo"]),
        ("xian", ["xian"]),
        ("zhanlue", ["zhan", "lue"]),
        ("history", None),
        ("2009", None),
    ],
)
def test_pinyin_words_split_into_syllables(word, expected):
    assert syllables(word) == expected


def test_pinyin_of_han_titles_and_of_romanised_forms_meet():
    han = [t for t, _ in pinyin_tokens(["改革開放"])]
    romanised = [t for t, _ in pinyin_tokens([], ["Gai ge kai fang"])]
    assert han == romanised == ["gai", "ge", "kai", "fang"]


def test_isbn_keys_in_every_form():
    assert identifier_keys("isbn", "780232257X") == ["9787802322578", "780232257x"]
    assert identifier_keys("isbn", "978-7-80232-257-8 (pbk.)")[:2] == ["9787802322578", "780232257x"]
    assert identifier_keys("lccn", "2010373443")[0] == "2010373443"


def test_queries_parse_into_parts_that_each_must_match():
    (part,) = parse_query("北京")
    assert part.text == ["北京"]
    (part,) = parse_query("北京大學")
    assert part.text == ["北京", "京大", "大学"]
    (part,) = parse_query("家")
    assert part.text == ["家"]
    (part,) = parse_query("beijing")
    assert part.text == ["beijing"] and part.pinyin == ["bei", "jing"]
    (part,) = parse_query("978-7-80232-257-8")
    assert "9787802322578" in part.ids
    assert [p.text for p in parse_query("history of 北京")] == [["history"], ["of"], ["北京"]]


@pytest.mark.parametrize(
    "typed",
    [
        "title:foo OR *",
        '"unbalanced',
        "a AND (b",
        "<script>alert(1)</script>",
        "\\",
        "'; DROP TABLE works; --",
        "*:*",
        "}{}{",
        "\u0000",
    ],
)
def test_query_syntax_is_just_text(typed):
    for part in parse_query(typed):
        assert all(t and " " not in t for t in part.text)


def test_subject_headings_fold_but_keep_their_subdivisions():
    assert heading_key("China--Civilization--20th century") == "china--civilization--20th century"
    assert heading_key("中國--歷史") == "中国--历史"
