"""Scratch folders (a load's pipe, an upload's files) live in the data directory, not /tmp, and a
killed process's are collected: by the next writer to open the store, or the next upload."""

from __future__ import annotations

import subprocess
import tempfile

import requests

from graph.store import scratch
from tests.conftest import TEST_BASE


def dead_pid() -> int:
    gone = subprocess.Popen(["true"])
    gone.wait()
    return gone.pid


def orphan(data_dir, kind: str):
    """The scratch folder a process killed before its cleanup leaves behind (with a file in it)."""
    folder = data_dir / f"{scratch.PREFIX}{kind}-{dead_pid()}-x1y2z3"
    folder.mkdir(parents=True)
    (folder / "batch.nt").write_text("<http://example.org/a> <http://example.org/b> 1 .\n")
    return folder


def made(monkeypatch) -> list:
    """Record every scratch folder made from here on (and check /tmp gets none)."""
    folders = []
    original = scratch.scratch_dir

    def recording(data_dir, kind):
        folders.append(original(data_dir, kind))
        return folders[-1]

    monkeypatch.setattr(scratch, "scratch_dir", recording)
    return folders


def test_a_load_uses_the_data_directory_and_a_killed_ones_folder_goes_when_the_store_opens(
    tmp_path, sample_files, monkeypatch
):
    from graph.catalogue import Catalogue

    data = tmp_path / "data"
    Catalogue.open(data, TEST_BASE).close()
    left = orphan(data, "load")
    mine = data / f"{scratch.PREFIX}load-{scratch.os.getpid()}-live"  # a live process's folder stays
    mine.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    folders = made(monkeypatch)
    cat = Catalogue.open(data, TEST_BASE)
    try:
        assert not left.exists(), "the killed load's scratch folder was not collected"
        assert mine.exists()
        member = sample_files["PKU"]
        cat.ingest(member.files, "PKU")  # MARC 21: converted while the store bulk-loads through a pipe
        assert cat.store.batches("PKU")
    finally:
        cat.close()
    assert folders and all(f.parent == data and f.name.startswith(f"{scratch.PREFIX}load-") for f in folders)
    assert not any(f.exists() for f in folders), "the load removed its own scratch folder"
    assert list((tmp_path / "tmp").iterdir()) == []


def test_an_upload_uses_the_data_directory_and_collects_a_killed_ones(tmp_path, monkeypatch):
    from graph.alliance.members import Member, add_member
    from graph.alliance.tokens import TokenStore
    from graph.catalogue import Catalogue
    from tests.webtools import LiveServer
    from web import create_app

    cat = Catalogue.open(tmp_path / "data", TEST_BASE)
    try:
        add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
        _, token = TokenStore(cat.data_dir).create(member="PKU")
        left = orphan(cat.data_dir, "upload")
        folders = made(monkeypatch)
        with LiveServer(create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 0})) as live:
            put = requests.put(
                live.url + "/graph-store",
                params={"graph": TEST_BASE + "graph/pku/notes"},
                data=b'<http://example.org/a> <http://example.org/b> "1" .\n',
                timeout=30,
                headers={"Content-Type": "application/n-triples", "Authorization": f"Bearer {token}"},
            )
        assert put.status_code == 201, put.text
        assert not left.exists(), "the killed upload's scratch folder was not collected"
        assert [f.parent for f in folders] == [cat.data_dir] and not folders[0].exists()
    finally:
        cat.close()
