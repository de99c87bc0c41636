"""The `alliance` command line, run in-process with click's runner on real files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from tests.conftest import TEST_BASE, shared, unreadable_copy
from cli.main import main

COMMANDS = [[], ["member"], ["member", "add"], ["member", "list"], ["ingest"], ["load"], ["serve"], ["stats"], ["demo"]]


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(
            main, ["--data", str(tmp_path / "data"), "--base", TEST_BASE, *args], catch_exceptions=False
        )

    return invoke


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "alliance")
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and "--help" in result.output


def test_member_ingest_stats(run, sample_files):
    assert (
        run(
            "member",
            "add",
            "pku",
            "--name",
            "Peking University Library",
            "--name-zh",
            "北京大学图书馆",
            "--opac",
            "https://opac.pku.example/record/{id}",
        ).exit_code
        == 0
    )
    listing = run("member", "list").output
    assert "PKU\tPeking University Library\t北京大学图书馆" in listing
    pku = sample_files["PKU"]
    result = run("ingest", str(pku.files[0]), "--member", "PKU")
    assert result.exit_code == 0, result.output
    assert f"{pku.records} records read, {pku.records} loaded, 0 rejected" in result.output
    stats = run("stats").output
    assert "members:        1" in stats and "instances:" in stats


def test_ingest_writes_the_rejects_of_real_broken_records(run, tmp_path):
    run("member", "add", "PKU", "--name", "Peking University Library")
    rejects = tmp_path / "rejects.jsonl"
    result = run("ingest", str(shared("marc21/pymarc/bad_records.mrc")), "--member", "PKU", "--rejects", str(rejects))
    assert result.exit_code == 0, result.output
    assert "9 records read, 5 loaded, 4 rejected" in result.output
    assert len(rejects.read_text().splitlines()) == 4
    assert json.loads(rejects.read_text().splitlines()[0])["position"] == 4


def test_ingest_needs_a_known_member(run, sample_files):
    result = run("ingest", str(sample_files["RPL"].files[0]), "--member", "NOPE")
    assert result.exit_code == 2
    assert "alliance member add NOPE" in result.output


def test_ingest_of_nothing_readable_fails(run, tmp_path, sample_files):
    run("member", "add", "PKU", "--name", "PKU")
    junk = unreadable_copy(sample_files["RPL"].files[0], tmp_path / "export.mrc")
    result = run("ingest", str(junk), "--member", "PKU")
    assert result.exit_code == 1
    assert "no record could be read" in result.output


def test_load_reports_syntax_error(run, tmp_path):
    run("member", "add", "PKU", "--name", "PKU")
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://ex.test/a> <http://ex.test/p> "x" .\n<http://ex.test/a> <http://ex.test/p> .\n')
    result = run("load", str(bad), "--member", "PKU")
    assert result.exit_code == 1
    assert "bad.nt: line 2" in result.output and "nothing was loaded" in result.output
    good = tmp_path / "good.nt"
    good.write_text('<http://ex.test/a> <http://ex.test/p> "x" .\n')
    result = run("load", str(good), "--graph", "http://ex.test/g")
    assert result.exit_code == 0 and "loaded 1 triples" in result.output
    assert run("load", str(good)).exit_code == 2  # neither --member nor --graph


def test_base_uri_is_fixed_once_created(run, tmp_path):
    run("member", "add", "PKU", "--name", "PKU")
    other = CliRunner().invoke(
        main, ["--data", str(tmp_path / "data"), "--base", "http://other.test/", "member", "list"]
    )
    assert other.exit_code == 1 and "cannot change" in other.output
