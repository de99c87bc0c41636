"""A record whose identity resolution raises is rejected and reported; the rest load, the cluster index
keeps no trace of it: 1,000 real LC records, a fault injected into the cluster index for one record,
on the one-process road and on the parallel one (converter processes, identity resolved in the parent)."""

from __future__ import annotations

import sqlite3

import pytest

from graph.alliance.members import Member, add_member
from graph.catalogue import Catalogue
from graph.identity.clusters import Load
from graph.load.ingest import IngestError, ingest
from graph.load.mappers import marc21
from graph.load.sources.marc import decode_iso2709, iso2709_records
from tests.conftest import TEST_BASE, shared

LC = "marc21/loc-booksall/booksall-2016-part01-first1000.mrc"
ROADS = {"one process": {"workers": 1}, "parallel": {"workers": 2, "min_parallel": 0}}
# 00001398 (position 318) joins the work of 00000466 (position 121): its failure must undo a join;
# 00001408 (position 323) is a translation: its failure comes after its original's work was placed
JOINS, TRANSLATION = "00001398", "00001408"


def fail_on(monkeypatch, control: str, error: BaseException) -> None:
    """Resolving ``control`` raises ``error`` once the record and its clusters are written (the worst moment)."""
    real = Load._original

    def _original(self, ctl, sig, own):
        if ctl == control:
            raise error
        return real(self, ctl, sig, own)

    monkeypatch.setattr(Load, "_original", _original)


def catalogue(path):
    cat = Catalogue.open(path, TEST_BASE)
    add_member(cat.store, cat.minter, Member("LC", "Library of Congress"))
    return cat


def index_rows(cat) -> dict:
    """Every row of the cluster index's tables (record ids and cluster ids included)."""
    db = cat.clusters.db
    return {
        t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
        for t in ("records", "blocks", "clusters", "retired")
    }


def catalogue_triples(cat) -> list[str]:
    """The store's triples, but for what describes the batch graphs themselves (names, files, times)."""
    return sorted(
        str(r["s"]) + str(r["p"]) + str(r["o"])
        for r in cat.store.query("SELECT ?s ?p ?o { ?s ?p ?o }")
        if "/graph/" not in str(r["s"])
    )


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    """control -> (index rows, triples, report) of a clean load of the file without that record."""
    found: dict = {}

    def load(control):
        if control not in found:
            tmp = tmp_path_factory.mktemp(f"without-{control}")
            path = tmp / "lc.mrc"
            with open(path, "wb") as out:
                for position, offset, raw in iso2709_records(shared(LC)):
                    record = decode_iso2709(raw, str(path), position, offset).record
                    if record["001"].data.strip() != control:
                        out.write(raw)
            cat = catalogue(tmp / "data")
            report = ingest(cat.store, cat.minter, [path], "LC", clusters=cat.clusters, workers=1)
            assert report.read == 999 and not report.rejected
            found[control] = (index_rows(cat), catalogue_triples(cat), report)
            cat.close()
        return found[control]

    return load


@pytest.mark.parametrize("road, control", [("one process", JOINS), ("parallel", JOINS), ("parallel", TRANSLATION)])
def test_a_record_whose_resolution_raises_is_rejected_and_the_rest_load(road, control, without, monkeypatch, tmp_path):
    rows, triples, clean = without(control)
    cat = catalogue(tmp_path / "data")
    fail_on(monkeypatch, control, TypeError("'NoneType' object is not subscriptable\n(injected)"))
    report = ingest(cat.store, cat.minter, [shared(LC)], "LC", clusters=cat.clusters, keep_sources=True, **ROADS[road])
    (rejected,) = report.rejected
    position = {JOINS: 318, TRANSLATION: 323}[control]
    assert (rejected.file, rejected.position, rejected.control_number) == (str(shared(LC)), position, control)
    assert rejected.reason == (
        "identity resolution failed: TypeError: 'NoneType' object is not subscriptable (injected)"
    )
    assert (report.read, report.loaded) == (1000, 999)
    assert (report.triples, report.warnings) == (clean.triples, clean.warnings)
    assert report.spool is not None  # the source rows kept for the archive: every record but the rejected one
    archived = [c for _, c, _ in report.spool.rows()]
    assert len(archived) == 999 and control not in archived
    # every other record exactly as a clean load of the file without this one: same IRIs, same index
    assert index_rows(cat) == rows
    assert catalogue_triples(cat) == triples
    assert not cat.clusters.db.execute("SELECT 1 FROM records WHERE control LIKE ?", (control + "%",)).fetchall()
    cat.close()


@pytest.mark.parametrize("road", ROADS)
def test_a_record_whose_mapping_fails_after_its_resolution_leaves_no_trace(road, without, monkeypatch, tmp_path):
    """Resolved, then the mapper raises: rejected as unmappable, and its clusters are undone too."""
    rows, triples, _ = without(JOINS)
    real = marc21.resolve

    def resolve(out, ctx, control, language):
        got = real(out, ctx, control, language)
        if control == JOINS:
            raise RuntimeError("after resolution (injected)")
        return got

    monkeypatch.setattr(marc21, "resolve", resolve)
    cat = catalogue(tmp_path / "data")
    report = ingest(cat.store, cat.minter, [shared(LC)], "LC", clusters=cat.clusters, **ROADS[road])
    assert [(r.position, r.control_number, r.reason) for r in report.rejected] == [
        (318, JOINS, "could not be mapped: RuntimeError: after resolution (injected)")
    ]
    assert index_rows(cat) == rows
    assert catalogue_triples(cat) == triples
    cat.close()


@pytest.mark.parametrize("road", ROADS)
def test_a_machine_fault_in_resolution_still_stops_the_load(road, monkeypatch, tmp_path):
    """A lost SQLite transaction or an interrupt is no record's fault: the load stops, nothing of it is kept."""
    cat = catalogue(tmp_path / "data")
    before = (len(cat.store), index_rows(cat))
    fail_on(monkeypatch, JOINS, sqlite3.OperationalError("disk I/O error"))
    with pytest.raises((IngestError, sqlite3.Error), match="disk I/O error"):
        ingest(cat.store, cat.minter, [shared(LC)], "LC", clusters=cat.clusters, **ROADS[road])
    fail_on(monkeypatch, JOINS, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        ingest(cat.store, cat.minter, [shared(LC)], "LC", clusters=cat.clusters, **ROADS[road])
    assert (len(cat.store), index_rows(cat)) == before
    cat.close()
