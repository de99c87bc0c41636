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


# A seeded catalogue shared by the web and record tests (read-only: never write to it) --------
GWU_OPAC = "https://catalog.gwu.example/record/{id}"
PKU_OPAC = "https://opac.pku.example/record/{id}"


@pytest.fixture(scope="session")
def seeded_catalogue(tmp_path_factory):
    """Three members over real records: GWU and PKU both load gwu.xml (852s, Chinese 880s), so
    their editions are shared; BL loads british_library.xml (several 852s per record)."""
    from graph.catalogue import Catalogue
    from graph.ingest import ingest
    from graph.members import Member, add_member

    gwu = shared("marc21/marc2bibframe2/dataset/gwu.xml")
    bl = shared("marc21/marc2bibframe2/dataset/british_library.xml")
    cat = Catalogue.open(tmp_path_factory.mktemp("seeded") / "data", TEST_BASE)
    add_member(cat.store, cat.minter, Member("GWU", "George Washington University Libraries",
                                             "乔治·华盛顿大学图书馆", GWU_OPAC))
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library", "北京大学图书馆", PKU_OPAC))
    add_member(cat.store, cat.minter, Member("BL", "British Library", "大英图书馆"))
    ingest(cat.store, cat.minter, [gwu], "GWU")
    ingest(cat.store, cat.minter, [gwu], "PKU")
    ingest(cat.store, cat.minter, [bl], "BL")
    yield cat
    cat.close()
