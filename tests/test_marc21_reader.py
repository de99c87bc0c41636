"""The MARC 21 reader on real, often broken, files: it never crashes, reports why, and reads what it can."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr

import pymarc
import pytest

from graph.load.mappers.marc21 import not_marc21
from graph.load.sources import Rejection, SourceRecord
from graph.load.sources.marc import read_marc
from tests.conftest import SHARED_DATA, shared

MARC_SUFFIXES = (".mrc", ".dat", ".bin", ".marc", ".xml")


def marc21_files():
    folder = SHARED_DATA / "marc21"
    if not folder.is_dir():
        return []
    return sorted(
        p.relative_to(SHARED_DATA).as_posix() for p in folder.rglob("*") if p.suffix in MARC_SUFFIXES and p.is_file()
    )


CONTROL = re.compile("[\x00-\x1f\x7f]")
XML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _texts(record):
    for f in record.fields:
        if f.control_field:
            yield (f.data or "").replace("\x1f", "")  # a national format's subfields: see below
        else:
            yield "".join(f.indicators)
            yield from ((code or "") + (value or "") for code, value in f.subfields)


def read(relative):
    items = list(read_marc(shared(relative)))
    return ([i for i in items if isinstance(i, SourceRecord)], [i for i in items if isinstance(i, Rejection)])


@pytest.mark.parametrize("relative", marc21_files() or ["marc21"])
def test_every_shared_file_reads_without_crashing_or_noise(relative, capfd):
    good, bad = read(relative)
    for r in bad:
        assert r.file.endswith(relative.split("/")[-1]) and r.reason and (r.position or 0) >= 1
    for g in good:
        assert g.record.fields
        control = XML_CONTROL if relative.endswith(".xml") else CONTROL  # XML text may hold line breaks
        assert not control.search(str(g.record.leader) + "".join(_texts(g.record))), (
            f"record {g.position}: a control character reached the text (removed and warned about instead)"
        )
        if any(f.control_field and "\x1f" in (f.data or "") for f in g.record.fields):
            assert not_marc21(g.record), "subfields in a control field: refused as another MARC format"
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
    for name, reason in (
        ("chabon-missing-controlfield-tag.xml", "controlfield without a tag"),
        ("chabon-missing-datafield-tag.xml", "datafield without a tag"),
        ("chabon-missing-subfield-code.xml", "subfield without a code"),
    ):
        good, bad = read(f"marc21/marc4j/{name}")
        assert not good and reason in bad[0].reason and bad[0].control_number == "11939876"


def _pymarc(raw: bytes) -> pymarc.Record:
    with redirect_stderr(io.StringIO()):  # pymarc prints what it cannot read
        return pymarc.Record(data=raw, to_unicode=True, force_utf8=False)


def test_marc8_cjk_in_an_all_ascii_record_is_decoded_as_pymarc_does():
    """EACC is 7-bit (ESC $ 1, then three bytes 0x21-0x7E a character): a MARC-8 record whose only
    non-Latin text is CJK has no byte above 0x7F, and must still be read as MARC-8."""
    from graph.load.sources.marc import iso2709_chunks_at

    path = shared("marc21/xbib/IRMARC8.bin")
    raw = [r for _, r in iso2709_chunks_at(path)][2]
    assert raw.isascii() and b"\x1b$1" in raw, "the third record is the all-ASCII MARC-8 one"
    good, _ = read("marc21/xbib/IRMARC8.bin")
    ours = good[2].record
    assert ours["001"].data == "ocn125170297"
    theirs = _pymarc(raw)
    assert [str(f) for f in ours.get_fields("880")] == [str(f) for f in theirs.get_fields("880")]
    assert ours.get_fields("880")[1]["a"] == "福禄寿喜大观/"
    assert not good[2].warnings


def test_marc8_escapes_in_ascii_win_over_a_leader_that_says_utf8(tmp_path):
    from graph.load.sources.marc import decode_iso2709, iso2709_chunks_at

    raw = [r for _, r in iso2709_chunks_at(shared("marc21/xbib/IRMARC8.bin"))][2]
    relabelled = raw[:9] + b"a" + raw[10:]
    item = decode_iso2709(relabelled)
    assert item.record.get_fields("880")[0]["a"] == "金铢"
    assert any("MARC-8 escape sequences" in w for w in item.warnings)


def test_marc8_superscripts_in_an_ascii_record():
    (item,), _ = read("marc21/yaz/marc8.marc")
    assert "Signatures: A⁴ B²" in [f.value() for f in item.record.get_fields("500")]


def test_marc8_numeric_character_references_are_decoded():
    """MARC-8 carries characters it has no code for as &#xXXXX; (here U+200F before Arabic and Hebrew)."""
    good, _ = read("marc21/xbib/IRMARC8.bin")
    arabic = good[3].record.get_fields("880")[0]
    assert arabic["a"].startswith("\u200fلقاءات") and "&#x" not in arabic.value()
    hebrew = good[7].record.get_fields("880")[0]
    assert hebrew["l"] == "\u200fEnglish"


def test_control_characters_are_removed_and_reported():
    good, _ = read("marc21/marc4j/bad-characters-in-various-fields.mrc")
    assert "\x14" not in str(good[0].record)
    assert any("control characters (0x14) removed" in w for w in good[0].warnings)
    assert "2011035923" in good[0].record["010"].value()


@pytest.mark.parametrize(
    "relative",
    [
        "marc21/pymarc/marc8.dat",
        "marc21/pymarc/test.dat",
        "marc21/pymarc/marc.dat",
        "marc21/xbib/IRMARC8.bin",
        "marc21/yaz/marc8.marc",
    ],
)
def test_marc8_files_decode_as_pymarc_decodes_them(relative):
    """Every record reads as pymarc reads it (which complains, to stderr, of the spaces in Arabic, Hebrew
    and Cyrillic text, then reads them right); MARC-8's numeric character references, which pymarc
    leaves as text, are compared decoded."""
    from graph.load.sources.marc import iso2709_chunks_at

    good, bad = read(relative)
    raws = [raw for _, raw in iso2709_chunks_at(shared(relative))]
    assert not bad and len(good) == len(raws)
    for item, raw in zip(good, raws):
        theirs = _pymarc(raw)
        expected = [re.sub(r"&#x([0-9A-Fa-f]{4});", lambda m: chr(int(m.group(1), 16)), str(f)) for f in theirs.fields]
        assert [str(f) for f in item.record.fields] == expected, item.position
