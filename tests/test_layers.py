"""The layers docs/architecture.md promises hold: imports point down (cli, then web, then graph, then vocab)
and no package's modules import each other in a circle (import-linter contracts in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept(capsys, monkeypatch):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert status == 0, out
    assert "2 kept, 0 broken" in out


def test_commands_that_do_not_serve_never_import_flask():
    """`alliance ingest` and friends load graph/ only: the command line imports web/ in the commands that serve."""
    code = (
        "import sys; from cli.main import main; "
        "assert not [m for m in sys.modules if m == 'flask' or m.startswith('web')], "
        "sorted(m for m in sys.modules if m == 'flask' or m.startswith('web'))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
