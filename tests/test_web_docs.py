"""The web examples in README and docs/ run: SPARQL blocks, curl lines and the SPARQLWrapper snippet."""

from __future__ import annotations

import contextlib
import io
import re
import shlex

import pytest
import requests

from tests.conftest import ROOT
from tests.webtools import LiveServer
from web import create_app

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
README_HOST = "http://127.0.0.1:5000"


def blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for path in DOCS:
        for block in re.findall(rf"```{language}\n(.*?)\n```", path.read_text(encoding="utf-8"), flags=re.S):
            found.append((path.name, block))
    return found


@pytest.fixture(scope="module")
def server(seeded_catalogue):
    with LiveServer(create_app({"ALLIANCE_CATALOGUE": seeded_catalogue})) as live:
        yield live.url


def test_there_are_web_examples():
    assert blocks("sparql") and any("SPARQLWrapper" in b for _, b in blocks("python"))
    assert any(line.startswith("curl ") for _, b in blocks("sh") for line in b.splitlines())


@pytest.mark.parametrize("where, query", blocks("sparql"))
def test_sparql_examples_run(server, where, query):
    response = requests.post(
        server + "/sparql",
        data=query.encode(),
        timeout=30,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200, (where, response.text)
    assert response.json()["results"]["bindings"], f"{where}: the example finds nothing"


def test_curl_examples_answer(server):
    for _, block in blocks("sh"):
        for line in block.splitlines():
            if not line.startswith("curl "):
                continue
            args = shlex.split(line)[1:]
            headers = dict(h.split(": ", 1) for flag, h in zip(args, args[1:]) if flag == "-H")
            url = next(a for a in args if a.startswith("http")).replace(README_HOST, server)
            response = requests.get(url, headers=headers, timeout=30)
            assert response.status_code == 200, line
            assert response.headers["Content-Type"].split(";")[0] in ("text/turtle", "application/ld+json"), line


def test_python_sparqlwrapper_examples_run(server):
    for where, block in blocks("python"):
        if "SPARQLWrapper" not in block:
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.replace(README_HOST, server), where, "exec"), {})
        assert out.getvalue().strip(), f"{where}: the example printed nothing"
