"""The members' source records are archived from the load's own read of its files (graph/load/archive.py)."""

from __future__ import annotations

import zlib

import pytest

from graph.catalogue import Catalogue
from graph.load import archive
from graph.load.archive import marc_records
from graph.load.ingest import ingest
from tests.conftest import TEST_BASE


def _rows(rows) -> dict[str, bytes]:
    """control number -> MARCXML, decompressed (compression levels aside, the record itself)."""
    return {control: zlib.decompress(packed) for _, control, packed in rows}


@pytest.mark.parametrize("workers", [1, 2])
def test_the_spooled_rows_are_the_records_a_second_read_would_give(tmp_path, sample_files, workers):
    files = sample_files["PKU"].files  # ISO 2709 with 880 pairs
    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    try:
        report = ingest(
            cat.store,
            cat.minter,
            files,
            "PKU",
            clusters=cat.clusters,
            keep_sources=True,
            workers=workers,
            min_parallel=0,
        )
        assert report.spool is not None and report.spool.count == report.loaded > 0
        spooled = _rows(report.spool.rows())
        assert spooled == _rows(marc_records(files))
        assert any("880" in xml.decode() for xml in spooled.values())
        report.spool.close()
    finally:
        cat.close()


def test_a_load_archives_its_records_without_reading_its_files_again(tmp_path, sample_files, monkeypatch):
    def second_read(*args, **kwargs):
        raise AssertionError("the files were read a second time to archive them")

    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    try:
        monkeypatch.setattr(archive, "marc_records", second_read)
        pku = cat.ingest(sample_files["PKU"].files, "PKU")
        shl = cat.ingest(sample_files["SHL"].files, "BL")  # MARCXML
        monkeypatch.undo()
        assert pku.spool is None and shl.spool is None  # spooled rows archived, the temporary file closed
        assert pku.archived == pku.loaded and shl.archived == shl.loaded
        active = [g.value for g in cat.store.active_graphs()]
        for member, files in (("PKU", sample_files["PKU"].files), ("BL", sample_files["SHL"].files)):
            expected = _rows(marc_records(files))
            kept = cat.sources.records([(member, c) for c in expected], active)
            assert {r.control: r.xml for r in kept} == expected
    finally:
        cat.close()
