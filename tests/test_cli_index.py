"""The search index and the source records from the command line: loads keep them in step; rebuild remakes it."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from tests.conftest import TEST_BASE
from cli.main import main


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args):
        result = runner.invoke(
            main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.mark.parametrize("command", [["index"], ["index", "rebuild"], ["index", "sync"]])
def test_index_commands_have_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_ingest_indexes_and_keeps_sources_replace_forgets_them(run, tmp_path, seeded, sample_files):
    from graph.catalogue import Catalogue
    from graph.index import SearchRequest, Searcher

    run("member", "add", "PKU", "--name", "Peking University Library")
    first = run("ingest", str(seeded.pku_file), "--member", "PKU")
    works = int(re.search(r"search index: (\d+) works updated", first.output).group(1))
    assert 0.8 * seeded.pku_records <= works <= seeded.pku_records
    assert "search index: 0 works updated" in run("index", "sync").output
    cat = Catalogue.open(tmp_path / "data")
    try:
        assert Searcher(cat.search).search(SearchRequest(q=seeded.chinese.title)).total == 1
        active = [g.value for g in cat.store.active_graphs()]
        assert cat.sources.records([("PKU", seeded.chinese.control)], active)
    finally:
        cat.close()
    replaced = run("ingest", str(seeded.bl_file), "--member", "PKU", "--replace")
    assert "works updated" in replaced.output
    rebuilt = int(re.search(r"search index: (\d+) works indexed", run("index", "rebuild").output).group(1))
    assert 0.8 * sample_files["SHL"].records <= rebuilt <= sample_files["SHL"].records
    cat = Catalogue.open(tmp_path / "data")
    try:
        assert Searcher(cat.search).search(SearchRequest(q=seeded.chinese.title)).total == 0
        active = [g.value for g in cat.store.active_graphs()]
        assert cat.sources.records([("PKU", seeded.chinese.control)], active) == []
        # Shanghai's records, Peking's pruned
        assert cat.sources.db.execute("SELECT COUNT(*) FROM records").fetchone()[0] == sample_files["SHL"].records
    finally:
        cat.close()
