"""Shared fixtures: the real records in ../shared/data, and small real stores to test against."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("ALLIANCE_SHARED_DATA", ROOT.parent / "shared" / "data"))
TEST_BASE = "http://alliance.test/"


def shared(relative: str) -> Path:
    """A file of ../shared/data; the test skips (with the reason) when the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real test data not found at {SHARED_DATA} (set ALLIANCE_SHARED_DATA)")
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.fail(f"{path} is missing from the shared data folder")
    return path


@pytest.fixture
def catalogue(tmp_path):
    """An empty catalogue in a fresh data directory."""
    from graph.catalogue import Catalogue

    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    yield cat
    cat.close()


@pytest.fixture
def members(catalogue):
    """Two member libraries."""
    from graph.members import Member, add_member

    add_member(catalogue.store, catalogue.minter,
               Member("PKU", "Peking University Library", "北京大学图书馆", "https://opac.pku.example/record/{id}"))
    add_member(catalogue.store, catalogue.minter, Member("BL", "British Library", "大英图书馆"))
    return catalogue
