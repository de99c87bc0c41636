"""docs/sparql.md stays true: its curl examples (writes with a member token included) run in order."""

from __future__ import annotations

import re
import shlex

import pytest
import requests

from tests.conftest import ROOT
from tests.webtools import LiveServer

DOC = ROOT / "docs" / "sparql.md"
HOST = "http://127.0.0.1:5000"


def curl_lines() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)\n```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.startswith("curl ")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from graph.catalogue import Catalogue
    from graph.alliance.members import Member, add_member
    from graph.alliance.tokens import TokenStore
    from web import create_app

    cat = Catalogue.open(tmp_path_factory.mktemp("docs") / "data", HOST + "/")  # the base the examples use
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
    _, token = TokenStore(cat.data_dir).create(member="PKU")
    with LiveServer(create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})) as live:
        yield live.url, token
    cat.close()


def test_the_curl_examples_run_in_order(site):
    url, token = site
    lines = curl_lines()
    assert len(lines) >= 4
    statuses = []
    for line in lines:
        args = shlex.split(line.replace("$TOKEN", token))[1:]
        method, headers, data, target = "GET", {}, None, None
        it = iter(args)
        for arg in it:
            if arg == "-X":
                method = next(it)
            elif arg == "-H":
                name, _, value = next(it).partition(": ")
                headers[name] = value
            elif arg == "--data-binary":
                data = next(it).encode("utf-8")
            elif arg.startswith("http"):
                target = url + arg[len(HOST) :]
            else:
                raise AssertionError(f"the doc's curl uses {arg}, which this test does not know")
        response = requests.request(method, target, headers=headers, data=data, timeout=30)
        assert response.status_code < 300, (line, response.status_code, response.text)
        statuses.append(response.status_code)
        if method == "GET":
            assert "Rare-books room only" in response.text
    assert statuses == [201, 200, 204, 204]
