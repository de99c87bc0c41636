"""Apache Jena as a client of the endpoint: SELECT, ASK, CONSTRUCT through RDFConnection, and a Graph
Store GET, compared with what the endpoint answers plain HTTP clients.

Jena comes from Debian (``libapache-jena-java``, installed by .ci/system-packages.sh with a Java
runtime); tests/jena/JenaClient.java runs as a single-file Java program. Debian's Jena 4.5.0 moved its
bundled Xerces classes to the package ``xerces`` but left their message files under
``org/apache/jena/ext/xerces``, so Jena fails to start ("internal error" in XSSimpleTypeDecl); the
fixture copies those files to where the classes look (a directory put on the class path).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import requests

from tests.webtools import LiveServer

HERE = Path(__file__).resolve().parent
CLIENT = HERE / "jena" / "JenaClient.java"
PACKAGE = "libapache-jena-java"
# slf4j bindings and bridges that must not meet on one class path (one binding: slf4j-nop)
CLASH = re.compile(r"/(slf4j-(?!api|nop)[\w-]+|log4j-over-slf4j|jcl-over-slf4j|jul-to-slf4j)\.jar$")
CODES = """PREFIX alliance: <https://alliance-graph.org/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?library ?code ?name WHERE {
  ?library alliance:code ?code ; rdfs:label ?name . FILTER(lang(?name) = "en")
} ORDER BY ?code"""


def _unavailable(reason: str):
    if os.environ.get("ALLIANCE_REQUIRE_SYSTEM") == "1":
        pytest.fail(f"{reason} (ALLIANCE_REQUIRE_SYSTEM=1: the Jena client test must run here)")
    pytest.skip(reason)


def _depends(package: str) -> list[str]:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True).stdout
    return [re.split(r"[ (:]", part.split("|")[0].strip())[0] for part in out.split(",") if part.strip()]


def jena_classpath() -> list[str]:
    """Jena's jars and those of the Java libraries it depends on, from dpkg (unversioned names)."""
    seen, todo = set(), [PACKAGE]
    while todo:
        package = todo.pop()
        if package not in seen:
            seen.add(package)
            todo += [d for d in _depends(package) if d.startswith("lib") and d.endswith("-java")]
    jars = []
    for package in sorted(seen):
        listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        jars += [
            p
            for p in listed
            if p.startswith("/usr/share/java/")
            and p.endswith(".jar")
            and not re.search(r"-\d[\w.~+-]*\.jar$", p)
            and not CLASH.search(p)
        ]
    return jars


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    if shutil.which("java") is None:
        _unavailable("no java (Debian: apt-get install default-jre-headless)")
    state = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True).stdout
    if "install ok installed" not in state:
        _unavailable(f"Jena is not installed (Debian: apt-get install {PACKAGE})")
    jars = jena_classpath()
    messages = tmp_path_factory.mktemp("jena-messages")
    with zipfile.ZipFile("/usr/share/java/jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = messages / name.replace("org/apache/jena/ext/xerces/", "xerces/", 1)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    classpath = ":".join([*jars, str(messages)])

    def run(service: str, kind: str, argument: str) -> list[str]:
        done = subprocess.run(
            ["java", "-cp", classpath, str(CLIENT), service, kind, argument],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.splitlines()

    return run


@pytest.fixture(scope="module")
def site(seeded_catalogue):
    from web import create_app

    app = create_app({"ALLIANCE_CATALOGUE": seeded_catalogue})  # the shared catalogue keeps its worker pool
    with LiveServer(app, threads=4) as live:
        yield live.url


def _shown(term: dict | None) -> str:
    """A SPARQL JSON term written as JenaClient writes it."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return "_:b"
    literal = f'"{term["value"]}"'
    if "xml:lang" in term:
        return f"{literal}@{term['xml:lang']}"
    datatype = term.get("datatype", "http://www.w3.org/2001/XMLSchema#string")
    return literal if datatype.endswith("#string") else f"{literal}^^<{datatype}>"


def test_jena_select_ask_construct_and_graph_store(jena, site):
    rows = jena(site, "select", CODES)
    answer = requests.get(site + "/sparql", params={"query": CODES, "format": "json"}, timeout=60).json()
    expected = [answer["head"]["vars"]] + [
        [_shown(b.get(v)) for v in answer["head"]["vars"]] for b in answer["results"]["bindings"]
    ]
    assert [line.split("\t") for line in rows] == expected
    assert [r[1] for r in expected[1:]] == ['"BL"', '"GWU"', '"PKU"']

    assert jena(site, "ask", 'PREFIX alliance: <https://alliance-graph.org/ns#> ASK { ?l alliance:code "PKU" }') == [
        "true"
    ]
    assert jena(site, "ask", 'PREFIX alliance: <https://alliance-graph.org/ns#> ASK { ?l alliance:code "XX" }') == [
        "false"
    ]

    construct = """PREFIX alliance: <https://alliance-graph.org/ns#>
    CONSTRUCT { ?library alliance:code ?code } WHERE { ?library alliance:code ?code }"""
    lines = jena(site, "construct", construct)
    assert lines[0] == "3" and len(lines) == 4
    assert any(line.endswith('<https://alliance-graph.org/ns#code> "PKU" .') for line in lines[1:])

    batches = requests.get(
        site + "/sparql",
        timeout=60,
        params={
            "format": "json",
            "query": """
        PREFIX alliance: <https://alliance-graph.org/ns#>
        SELECT ?g WHERE { ?g alliance:batchOf ?l . ?l alliance:code "BL" } LIMIT 1""",
        },
    ).json()
    graph = batches["results"]["bindings"][0]["g"]["value"]
    fetched = jena(site, "graph", graph)
    count = requests.get(
        site + "/sparql",
        timeout=60,
        params={"format": "json", "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
    ).json()
    assert int(fetched[0]) == int(count["results"]["bindings"][0]["n"]["value"]) > 100
