"""Shared fixtures: the real records in ../shared/data, and small real stores to test against."""

from __future__ import annotations

import os
from dataclasses import dataclass
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
    from graph.alliance.members import Member, add_member

    add_member(
        catalogue.store,
        catalogue.minter,
        Member("PKU", "Peking University Library", "北京大学图书馆", "https://opac.pku.example/record/{id}"),
    )
    add_member(catalogue.store, catalogue.minter, Member("BL", "British Library", "大英图书馆"))
    return catalogue


# The sample alliance's exports (graph/sample), written once per run: the project's own records ------
@pytest.fixture(scope="session")
def sample_files(tmp_path_factory):
    """Member code -> :class:`graph.sample.SampleMember` (its catalogue file(s), records, items): the
    five exports `alliance demo` loads. Read-only: copy a file before changing it."""
    from graph.sample import write_sample

    return {m.code: m for m in write_sample(tmp_path_factory.mktemp("sample"))}


def unreadable_copy(source: Path, dest: Path, records: int = 5) -> Path:
    """The first ``records`` ISO 2709 records of ``source`` with everything past each leader overwritten:
    a file that looks like MARC and of which no record can be read."""
    chunks = [r for r in source.read_bytes().split(b"\x1d")[:records] if r.strip()]
    dest.write_bytes(b"".join(r[:24] + b"x" * (len(r) - 24) + b"\x1d" for r in chunks))
    return dest


def with_related_entries(source: Path, dest: Path, every: int = 3) -> tuple[Path, int]:
    """``source``'s records, every ``every``-th given the entries that name works nobody catalogued (what
    LC's records carry, e.g. gwu.xml's): a 700 name-title, a 740, a 776 (with an edition) and a 780
    linking entry. The file written and the number of records given them."""
    import pymarc

    from graph.load.sources import SourceRecord
    from graph.load.sources.marc import read_marc

    sub = pymarc.Subfield
    records = [item.record for item in read_marc(source) if isinstance(item, SourceRecord)]
    for n, record in enumerate(records[::every]):
        record.add_ordered_field(
            pymarc.Field("700", ["1", "2"], [sub("a", f"Writer, Related {n},"), sub("t", f"Collected essays {n}.")]),
            pymarc.Field("740", ["0", "2"], [sub("a", f"Analytical title {n}.")]),
            pymarc.Field(
                "776",
                ["0", "8"],
                [sub("i", "Online version:"), sub("t", f"Online title {n}"), sub("w", f"(OCoLC){900000 + n}")],
            ),
            pymarc.Field("780", ["0", "0"], [sub("t", f"Former title {n}"), sub("x", "1234-5678")]),
        )
    dest.write_bytes(b"".join(r.as_marc() for r in records))
    return dest, len(records[::every])


@dataclass(frozen=True)
class Bulk:
    path: Path
    records: int
    items: int


@pytest.fixture(scope="session")
def sample_bulk(tmp_path_factory) -> Bulk:
    """One ISO 2709 file of ~850 records (~80,000 triples, as many as 1,000 LC records), for loads that
    must take a while: the sample alliance at 750 editions, its members' ISO 2709 exports one after
    the other (an edition several members hold comes once per member)."""
    from graph.sample import write_sample

    folder = tmp_path_factory.mktemp("bulk")
    members = [m for m in write_sample(folder / "members", titles=750) if m.files[0].suffix == ".mrc"]
    path = folder / "bulk.mrc"
    with open(path, "wb") as out:
        for m in members:
            out.write(m.files[0].read_bytes())
    return Bulk(path, sum(m.records for m in members), sum(m.items for m in members))


@pytest.fixture(scope="session")
def sample_editions(tmp_path_factory) -> Path:
    """One ISO 2709 file with one record per edition of the sample pool (600 editions, Chinese with 880
    pairs and English; :func:`graph.sample.write_editions`): the project's own source records for
    ``alliance generate`` (:func:`graph.sample.real_records.generate`). Read-only."""
    from graph.sample import write_editions

    path = tmp_path_factory.mktemp("editions") / "editions.mrc"
    write_editions(path)
    return path


# A seeded catalogue shared by the web and record tests (read-only: never write to it) --------
GWU_OPAC = "https://catalog.gwu.example/record/{id}"
PKU_OPAC = "https://opac.pku.example/record/{id}"


@pytest.fixture(scope="session")
def seeded_catalogue(tmp_path_factory, sample_files):
    """Three members over the sample alliance's exports: GWU and PKU both load Peking University's file
    (852s, Chinese 880s), so their editions are shared; BL loads Shanghai Library's (MARCXML, up to four
    copies of an edition). What the tests expect of it: the ``seeded`` fixture (tests/seeded.py)."""
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    pku, shl = sample_files["PKU"].files, sample_files["SHL"].files
    cat = Catalogue.open(tmp_path_factory.mktemp("seeded") / "data", TEST_BASE)
    add_member(
        cat.store,
        cat.minter,
        Member("GWU", "George Washington University Libraries", "乔治·华盛顿大学图书馆", GWU_OPAC),
    )
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library", "北京大学图书馆", PKU_OPAC))
    add_member(cat.store, cat.minter, Member("BL", "British Library", "大英图书馆"))
    ingest(cat.store, cat.minter, pku, "GWU", clusters=cat.clusters)
    ingest(cat.store, cat.minter, pku, "PKU", clusters=cat.clusters)
    ingest(cat.store, cat.minter, shl, "BL", clusters=cat.clusters)
    yield cat
    cat.close()


@pytest.fixture(scope="session")
def seeded(sample_files):
    """The records the seeded catalogue's tests look at, read from the files it loads (tests/seeded.py)."""
    from tests.seeded import facts

    return facts(sample_files["PKU"].files[0], sample_files["SHL"].files[0])


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
