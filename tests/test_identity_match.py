"""Match keys and the pairwise rules that decide same edition / same work: on real LC records where
../shared/data is, on the sample alliance's records (Chinese and English, graph/sample) everywhere else."""

from __future__ import annotations

import copy
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import pymarc
import pytest

from graph.identity.match import instance_blocks, original_signature, same_instance, same_work, signature
from graph.identity.normalize import isbn13, issn, lccn, oclc, pinyin_key, title_key
from graph.load.mappers.marc21_identity import evidence
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc
from tests.conftest import SHARED_DATA, shared


@lru_cache(maxsize=2)
def _records(real: str = "marc21/loc-booksall/booksall-2016-part01-first1000.mrc") -> tuple:
    if SHARED_DATA.is_dir():
        return tuple(item.record for item in read_marc(shared(real)) if isinstance(item, SourceRecord))
    from graph.sample import write_sample

    with tempfile.TemporaryDirectory() as folder:
        members = write_sample(Path(folder))
        return tuple(
            item.record for m in members for f in m.files for item in read_marc(f) if isinstance(item, SourceRecord)
        )


def lc_records(n=1000):
    """Bibliographic records to vary: 1,000 LC records, or without ../shared the sample's ~420."""
    return [copy.deepcopy(r) for r in _records()[:n]]


def ev(record, member="PKU"):
    return evidence(record, member, record["001"].data.strip())


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0-19-852663-6 (pbk.)", "9780198526636"),
        ("0198526636", "9780198526636"),
        ("978-0-19-852663-6", "9780198526636"),
        ("0-19-852663-7", None),
        ("9780198526637", None),
    ],
)
def test_isbn_forms_normalise_to_one_isbn13(raw, expected):
    assert isbn13(raw) == expected


def test_other_identifiers():
    assert lccn("   85-2 ") == "85000002" and lccn("n 78890351 ") == "n78890351"
    assert oclc("(OCoLC)ocm00012345") == oclc("(OCoLC)12345") == oclc("(OCoLC)on12345") == "12345"
    assert oclc("(DLC)12345") is None
    assert issn("0378-5955") == "03785955" and issn("0378-5956") is None


def test_title_keys_fold_case_articles_scripts_and_romanisation():
    assert title_key("The sky pilot;", 4) == title_key("SKY PILOT") == title_key("The Sky Pilot")
    assert title_key("中國歷史") == title_key("中国历史")
    assert pinyin_key("中國歷史") == title_key("Zhongguo li shi")
    assert pinyin_key("战略问题三十篇") == title_key("Zhan lüe wen ti san shi pian")


def test_a_members_recatalogued_copy_matches_the_original():
    record = lc_records(1)[0]
    theirs = copy.deepcopy(record)
    theirs["001"].data = "pku0001"
    for f in theirs.get_fields("245"):
        f.subfields = [type(s)(s.code, s.value.upper()) for s in f.subfields if s.code != "c"]
    theirs.remove_fields("010")
    a, b = signature(ev(record)), signature(ev(theirs, "BL"))
    assert same_instance(a, b) and same_work(a, b)


def test_records_without_identifiers_match_on_title_year_author_publisher():
    records = [r for r in lc_records() if r.get_fields("020")][:50]
    for record in records:
        bare = copy.deepcopy(record)
        bare.remove_fields("020", "010", "035")
        a, b = signature(ev(record)), signature(ev(bare, "BL"))
        assert set(instance_blocks(a)) & set(instance_blocks(b)), "they must meet under a block key"
        assert same_instance(a, b)


def test_a_set_isbn_is_not_a_match_key():
    record = lc_records(1)[0]
    e = ev(record)
    e.isbns = [("0835218585", "(set)"), ("0835218593 (v. 1)", "")]
    assert not any(k.endswith("9780835218580") for k in signature(e)["s"])


def test_one_isbn_printed_on_two_different_books_does_not_merge_them():
    one, other = [r for r in lc_records() if r.get_fields("020")][:2]
    e1, e2 = ev(one), ev(other, "BL")
    e2.isbns = list(e1.isbns)
    e1.lccns = e2.lccns = []
    assert not same_instance(signature(e1), signature(e2))


def test_a_reprint_by_another_publisher_with_the_same_isbn_is_another_instance_of_the_same_work():
    record = next(r for r in lc_records() if r.get_fields("020") and r.get_fields("100"))
    original, reprint = ev(record), ev(record, "BL")
    reprint.content = ""  # another record, not a copy
    reprint.lccns = reprint.oclcs = []
    reprint.publisher = "Dover Publications"
    reprint.date = str(int(signature(original)["y"]) + 20)
    a, b = signature(original), signature(reprint)
    assert not same_instance(a, b)
    assert same_work(a, b)


def test_different_lccns_keep_two_records_apart_even_with_one_isbn():
    record = next(r for r in lc_records() if r.get_fields("020") and r.get_fields("010"))
    e1, e2 = ev(record), ev(record, "BL")
    e2.content = ""  # another record, not a copy
    e2.lccns = ["2001012345"]
    assert not same_instance(signature(e1), signature(e2))


def test_romanised_and_vernacular_copies_of_a_chinese_book_match():
    record = next(
        r
        for r in _records("marc21/marc2bibframe2/dataset/gwu.xml")  # or the sample's
        if any((f.get_subfields("6") or [""])[0].startswith("245") for f in r.get_fields("880"))
        and "lüe" in unicodedata.normalize("NFC", r["245"].value())
    )
    romanised, vernacular = copy.deepcopy(record), copy.deepcopy(record)
    romanised.remove_fields("880", "020")
    v245 = next(f for f in record.get_fields("880") if f.get_subfields("6")[0].startswith("245"))
    vernacular["245"].subfields = [s for s in v245.subfields if s.code != "6"]
    vernacular.remove_fields("880", "020")
    a, b = signature(ev(romanised)), signature(ev(vernacular, "BL"))
    assert set(a["t"]) & set(b["t"])
    assert same_instance(a, b) and same_work(a, b)


def translated(record, language: str, control: str, uniform: bool = True):
    """A translation of ``record`` into ``language`` as a cataloguer records it: 008/35-37, 041 1_ $a $h and
    a 240 naming the original's title and the translation's language."""
    copy_ = copy.deepcopy(record)
    copy_["001"].data = control
    f008 = copy_["008"]
    original = f008.data[35:38]
    f008.data = f008.data[:35] + language + f008.data[38:]
    copy_.remove_fields("010", "020", "035", "041", "240")
    copy_.add_ordered_field(
        pymarc.Field(
            "041", pymarc.Indicators("1", " "), [pymarc.Subfield("a", language), pymarc.Subfield("h", original)]
        )
    )
    if uniform:
        copy_.add_ordered_field(
            pymarc.Field(
                "240",
                pymarc.Indicators("1", "0"),
                [pymarc.Subfield("a", record["245"]["a"].rstrip(" /:;")), pymarc.Subfield("l", language.title())],
            )
        )
    return copy_


def test_a_translation_is_a_work_of_its_own_that_finds_its_original():
    record = next(
        r for r in lc_records() if r.get_fields("100") and not r.get_fields("240") and r["008"].data[35:38] == "eng"
    )
    original = signature(ev(record))
    french, french2 = (signature(ev(translated(record, "fre", c), m)) for c, m in (("t1", "BL"), ("t2", "NJU")))
    german = signature(ev(translated(record, "ger", "t3"), "FDU"))
    assert french["x"] and french["ol"] == "eng" and not original["x"]
    assert not same_work(original, french) and not same_work(french, german)
    assert same_work(french, french2)  # two records of the French translation: one Work
    of_french, of_german = original_signature(french), original_signature(german)
    assert same_work(of_french, original) and same_work(of_german, original) and same_work(of_french, of_german)
    assert not same_work(of_french, french) and not same_work(of_french, german)
    assert original_signature(original) is None
    # 041 alone says translation, but names no original title: a Work of its own, no link
    bare = signature(ev(translated(record, "fre", "t4", uniform=False), "PKU"))
    assert bare["x"] and not same_work(bare, original) and original_signature(bare) is None
    # a record in a title's language with no translation stated stays apart from another language's
    other = ev(record, "BL")
    other.content, other.language, other.isbns, other.lccns, other.oclcs = "", "ger", [], [], []
    assert not same_work(original, signature(other))
