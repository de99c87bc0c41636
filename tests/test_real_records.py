"""`alliance generate` (graph/sample/real_records.py) over source records that are not LC book records."""

from __future__ import annotations

from pathlib import Path

from graph.sample.real_records import generate
from tests.conftest import shared


def test_a_source_record_without_008_is_used_with_no_language(tmp_path: Path):
    # RISM's music manuscript record has 001 and 245 but no 008: pymarc's record["008"] raises
    # KeyError for it, which generate once let out as a traceback (found by mypy)
    source = shared("marc21/xbib/rism_190101037.mrc")
    report = generate([source], tmp_path, members=2, seed=3)
    assert report.sources == 1 and report.records >= 1
    rows = (tmp_path / "truth.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0].split("\t") == ["member", "control", "instance", "work", "language"]
    assert len(rows) == 1 + report.records
    assert {row.split("\t")[4] for row in rows[1:]} == {""}
