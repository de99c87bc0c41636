"""The search index and the source records from the command line: loads keep them in step; rebuild remakes it."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import TEST_BASE, shared
from web.cli import main


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result
    return invoke


@pytest.mark.parametrize("command", [["index"], ["index", "rebuild"], ["index", "sync"]])
def test_index_commands_have_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_ingest_indexes_and_keeps_sources_replace_forgets_them(run, tmp_path):
    from graph.catalogue import Catalogue
    from graph.index import SearchRequest, Searcher

    run("member", "add", "PKU", "--name", "Peking University Library")
    first = run("ingest", str(shared("marc21/marc2bibframe2/dataset/gwu.xml")), "--member", "PKU")
    assert "search index: 99 works updated" in first.output
    assert "search index: 0 works updated" in run("index", "sync").output
    cat = Catalogue.open(tmp_path / "data")
    try:
        assert Searcher(cat.search).search(SearchRequest(q="改革开放")).total == 1
        active = [g.value for g in cat.store.active_graphs()]
        assert cat.sources.records([("PKU", "12009811")], active)
    finally:
        cat.close()
    replaced = run("ingest", str(shared("marc21/marc2bibframe2/dataset/british_library.xml")), "--member", "PKU",
                   "--replace")
    assert "works updated" in replaced.output
    assert "search index: 99 works indexed" in run("index", "rebuild").output
    cat = Catalogue.open(tmp_path / "data")
    try:
        assert Searcher(cat.search).search(SearchRequest(q="改革开放")).total == 0
        active = [g.value for g in cat.store.active_graphs()]
        assert cat.sources.records([("PKU", "12009811")], active) == []
        assert cat.sources.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 99  # BL's, GWU's pruned
    finally:
        cat.close()
