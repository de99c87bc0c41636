"""The MARC 21 reader on real, often broken, files: it never crashes, reports why, and reads what it can."""
from __future__ import annotations

import pytest

from graph.sources import Rejection, SourceRecord
from graph.sources.marc import read_marc
from tests.conftest import SHARED_DATA, shared

MARC_SUFFIXES = (".mrc", ".dat", ".bin", ".marc", ".xml")


def marc21_files():
    folder = SHARED_DATA / "marc21"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(SHARED_DATA).as_posix() for p in folder.rglob("*")
                  if p.suffix in MARC_SUFFIXES and p.is_file())


def read(relative):
    items = list(read_marc(shared(relative)))
    return ([i for i in items if isinstance(i, SourceRecord)],
            [i for i in items if isinstance(i, Rejection)])


@pytest.mark.parametrize("relative", marc21_files() or ["marc21"])
def test_every_shared_file_reads_without_crashing_or_noise(relative, capfd):
    good, bad = read(relative)
    for r in bad:
        assert r.file.endswith(relative.split("/")[-1]) and r.reason and (r.position or 0) >= 1
    for g in good:
        assert g.record.fields
    out, err = capfd.readouterr()
    assert out == "" and err == "", "pymarc's prints ('more than 2 indicators', MARC-8 chatter) stay silent"


def test_seven_ways_of_being_broken(capfd):
    good, bad = read("marc21/pymarc/bad_records.mrc")
    assert [r.position for r in bad] == [4, 5, 7, 9]
    assert "directory" in bad[0].reason and "no fields" in bad[2].reason and "truncated" in bad[3].reason
    assert bad[0].offset == 381
    repaired = [g for g in good if g.warnings]
    assert [g.position for g in repaired] == [2, 3, 6]
    assert all("base address" in g.warnings[0] for g in repaired)


def test_a_truncated_last_record_names_its_control_number():
    good, bad = read("marc21/marc4j/008008027.mrc")
    assert len(good) == 18
    (last,) = bad
    assert last.position == 19 and last.control_number == "58-008008027" and "truncated" in last.reason


def test_bad_directories_are_rejected_and_the_rest_load():
    good, bad = read("marc21/marc4j/pride-and-prejudice-with-many-errors.mrc")
    assert len(good) == 367 and len(bad) == 16
    assert all("directory" in r.reason for r in bad)


def test_records_longer_than_iso2709_allows_are_read_by_their_terminators():
    good, bad = read("marc21/marc4j/bad_too_long_plus_2.mrc")
    assert len(good) == 3 and not bad
    assert any("terminator" in w for w in good[0].warnings)


def test_danmarc2_is_rejected_as_not_marc21():
    good, bad = read("marc21/yaz/marc1.marc")
    assert not good and "not MARC 21" in bad[0].reason


def test_leader_09_is_a_hint_not_a_fact():
    (with_flag,), _ = read("marc21/pymarc/utf8_with_leader_flag.dat")
    (without,), _ = read("marc21/pymarc/utf8_without_leader_flag.dat")
    assert str(with_flag.record["245"]) == str(without.record["245"])
    assert any("leader/09 says MARC-8 but the bytes are UTF-8" in w for w in without.warnings)


def test_marc8_decodes_to_the_same_text_as_its_utf8_twin():
    (marc8,), _ = read("marc21/pymarc/marc8.dat")
    (utf8,), _ = read("marc21/pymarc/marc8-to-unicode.dat")
    assert marc8.record["245"].value() == utf8.record["245"].value()
    assert not marc8.warnings


def test_eacc_cjk_in_marc8_880s():
    (item,), _ = read("marc21/pymarc/bad_eacc_encoding.dat")
    (f880,) = item.record.get_fields("880")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in f880.value()), "EACC became Han characters"
    assert "\ufffd" in f880.value() and "EACC" in item.warnings[0], "the bad ones are replaced and reported"


def test_invalid_escape_sequences_are_reported_not_fatal():
    (item,), _ = read("marc21/pymarc/bad_marc8_escape.dat")
    assert "Bulletin de la Société" in item.record["245"].value()
    assert "escape sequence" in item.warnings[0]


def test_windows_1251_labelled_marc8_is_read_as_cyrillic():
    good, _ = read("marc21/pymarc/1251.dat")
    assert len(good) == 6
    assert any("\u0400" <= ch <= "\u04ff" for ch in good[0].record["245"].value())
    assert "Windows-1251" in good[0].warnings[0]


def test_invalid_utf8_is_replaced_and_counted():
    good, _ = read("marc21/marc4j/pride-and-prejudice-with-many-errors.mrc")
    damaged = [g for g in good if any("invalid UTF-8" in w for w in g.warnings)]
    assert damaged and all("\ufffd" in str(g.record) for g in damaged)


def test_marcxml_with_missing_tags_or_codes_is_rejected_with_the_reason():
    for name, reason in (("chabon-missing-controlfield-tag.xml", "controlfield without a tag"),
                         ("chabon-missing-datafield-tag.xml", "datafield without a tag"),
                         ("chabon-missing-subfield-code.xml", "subfield without a code")):
        good, bad = read(f"marc21/marc4j/{name}")
        assert not good and reason in bad[0].reason and bad[0].control_number == "11939876"
