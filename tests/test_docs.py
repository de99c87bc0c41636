"""The README stays true: its two first commands, its CLI table and its configuration table."""

from __future__ import annotations

import re

import click

from tests.conftest import ROOT
from cli.main import main

README = (ROOT / "README.md").read_text(encoding="utf-8")


def bash_blocks(text: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.S)


def test_readme_starts_with_the_demo_and_the_test_command():
    first, second = bash_blocks(README)[:2]
    assert first.strip().endswith("alliance demo") and "pip install" in first
    assert second.strip().endswith("pytest") and "pip install -e '.[test]'" in second
    ci = (ROOT / ".ci" / "run").read_text()
    assert "README.md" in ci  # CI runs the README's own test command


def _commands(group: click.Group, prefix: str = "alliance"):
    for name, cmd in group.commands.items():
        yield f"{prefix} {name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")


def test_every_command_and_option_is_in_the_readme():
    missing = []
    for path, cmd in _commands(main):
        if isinstance(cmd, click.Group):
            continue
        if f"`{path}" not in README:
            missing.append(path)
        for param in cmd.params:
            if isinstance(param, click.Option) and param.name != "help":
                if not any(opt in README for opt in param.opts):
                    missing.append(f"{path} {param.opts[0]}")
    for param in main.params:
        if isinstance(param, click.Option) and param.name not in ("help", "version"):
            assert param.opts[0] in README
            if param.envvar:
                assert param.envvar in README
    assert missing == []
