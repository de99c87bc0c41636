"""Fidelity against marc2bibframe2 2.10: no row below the reference without a documented reason."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared

CASES = [
    "dataset_gwu.rdf",
    "dataset_dnb.rdf",
    "dataset_nlm.rdf",
    "dataset_british_library.rdf",
    "marc4j_pride-and-prejudice-fixed.rdf",
    "yaz_marccol1_cjk.rdf",
    "testdata_all157.rdf",
]


def anchors() -> set[str]:
    text = (ROOT / "docs" / "fidelity.md").read_text(encoding="utf-8")
    return {
        re.sub(r"[^a-z0-9-]", "", h.strip().lower().replace(" ", "-")) for h in re.findall(r"^#+ (.*)$", text, re.M)
    }


@pytest.mark.parametrize("case", CASES)
def test_every_row_is_at_least_the_reference_or_explained(case):
    from bench import fidelity

    shared("reference/marc2bibframe2-v2.10.0/" + case)
    table = fidelity.compare(case)
    assert not [row for row in table if row[3] == "BELOW REFERENCE"], table
    documented = anchors()
    for row, _ref, _ours, verdict in table:
        if "docs/fidelity.md#" in verdict:
            assert verdict.split("#", 1)[1] in documented, f"{row}: {verdict} has no section"
    rows = {row: (ref, ours) for row, ref, ours, _ in table}
    assert rows["works"][1] > 0 and rows["items held by a library"][1] >= rows["works"][1] * 0.9


def test_holdings_and_vernacular_where_the_reference_has_none():
    from bench import fidelity

    shared("reference/marc2bibframe2-v2.10.0/dataset_gwu.rdf")
    rows = {row: (ref, ours) for row, ref, ours, _ in fidelity.compare("dataset_gwu.rdf")}
    assert rows["items held by a library"] == (0, 99)
    assert rows["880 parallel literals"][1] >= rows["880 parallel literals"][0]
    dnb = {row: (ref, ours) for row, ref, ours, _ in fidelity.compare("dataset_dnb.rdf")}
    assert dnb["subjects with IRIs"][1] >= dnb["subjects with IRIs"][0] > 0


def test_docs_list_every_explanation_used():
    from bench import fidelity

    used = set(fidelity.EXPLAINED.values()) | set(fidelity.NOT_YET.values())
    assert used <= anchors()
    assert Path(ROOT / "docs" / "fidelity.md").exists()
