"""Shared fixtures: the real records in ../shared/data, and small real stores to test against."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import browser, browser_site  # noqa: F401  (fixtures shared by the browser tests)

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


# The demo alliance (what `alliance demo` serves) plus a local-literature collection: the site the
# browser and crawl tests walk. Read-only: never write to it.
LOCAL_LITERATURE = [
    ["题名 title", "责任者", "版本年代", "版本类型", "文献类型", "地区", "索书号", "中图分类号"],
    ["长乐县志", "(清)孟昭涵修；(清)李驹纂", "清光绪十年(1884)", "刻本", "地方志", "福建长乐", "地/FJ/1", "K295.7"],
    ["王氏族谱", "王恩溥纂修", "民国二十年", "木活字本", "家谱", "福建福州", "谱/1", "K820.9"],
    ["闽都记", "(明)王应山撰", "明万历", "刻本", "地方志", "福建福州", "地/FZ/3", "K295.7"],
]


@pytest.fixture(scope="session")
def demo_catalogue(tmp_path_factory):
    """The sample alliance (five members, Chinese and English, overlapping holdings) with its search
    index, and one member's local-literature list loaded as a collection."""
    import csv

    from graph.catalogue import Catalogue
    from graph.sample import load_sample

    root = tmp_path_factory.mktemp("demo")
    cat = Catalogue.open(root / "data", TEST_BASE)
    load_sample(cat)  # as `alliance demo` does: every member's catalogue and local-literature lists
    sheet = root / "caplib-local.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(LOCAL_LITERATURE)
    cat.ingest([sheet], "CAPLIB", collection="首都地方文献")
    cat.sync_search()
    yield cat
    cat.close()
