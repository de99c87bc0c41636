"""Staying alive: a runaway query is stopped at the limit while others are served; sizes are bounded."""

from __future__ import annotations

import threading

import pytest
import requests

from tests.webtools import LiveServer
from web import create_app

# A cross join of the whole store with itself three times, counted: pyoxigraph cannot be
# interrupted inside the aggregate, so only killing its process stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "PREFIX alliance: <https://alliance-graph.org/ns#> SELECT ?code WHERE { ?l alliance:code ?code } ORDER BY ?code"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture(scope="module")
def server(seeded_catalogue):
    app = create_app(
        {
            "ALLIANCE_CATALOGUE": seeded_catalogue,
            "ALLIANCE_SPARQL_TIMEOUT": 3,
            "ALLIANCE_SPARQL_MAX_RESULT_BYTES": 20_000,
            "ALLIANCE_SPARQL_MAX_REQUEST_BYTES": 4_000,
        }
    )
    with LiveServer(app, threads=4) as live:
        yield live.url


def test_runaway_query_is_stopped_and_others_are_served_meanwhile(server, seeded_catalogue):
    pool = seeded_catalogue.store.query_workers
    before = set(pool.pids())
    assert len(before) >= 2 and all(_alive(p) for p in before)
    outcome = {}

    def runaway():
        outcome["response"] = requests.post(
            server + "/sparql",
            data={"query": RUNAWAY},
            timeout=120,
            headers={"Accept": "application/sparql-results+json"},
        )

    thread = threading.Thread(target=runaway)
    thread.start()
    served = []
    while thread.is_alive() and len(served) < 5:  # answered while the runaway holds its worker
        response = requests.get(server + "/sparql", params={"query": CHEAP, "format": "json"}, timeout=60)
        served.append(response.status_code)
    thread.join()
    assert served and set(served) == {200}, served
    assert thread.is_alive() is False
    response = outcome["response"]
    assert response.status_code == 503
    assert "time limit of 3 s" in response.text and "stopped" in response.text
    killed = before - set(pool.pids())
    assert len(killed) == 1, "the worker that ran it was replaced"
    assert not any(_alive(p) for p in killed), "and no longer exists: nothing holds a core past the limit"
    again = requests.get(server + "/sparql", params={"query": CHEAP, "format": "json"}, timeout=60)
    assert again.status_code == 200 and [b["code"]["value"] for b in again.json()["results"]["bindings"]] == [
        "BL",
        "GWU",
        "PKU",
    ]


def test_result_size_is_bounded(server):
    response = requests.get(
        server + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json"}, timeout=60
    )
    assert response.status_code == 413
    assert "20,000 bytes" in response.text and "LIMIT" in response.text
    small = requests.get(
        server + "/sparql", timeout=60, params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "format": "json"}
    )
    assert small.status_code == 200 and len(small.json()["results"]["bindings"]) == 5


def test_request_size_is_bounded(server):
    padded = "ASK {}" + " " * 5_000
    response = requests.post(
        server + "/sparql", data=padded.encode(), timeout=60, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413 and "4,000 bytes" in response.text


def test_syntax_error_names_the_position(server):
    response = requests.get(server + "/sparql", params={"query": "SELECT ?x WHERE { ?x ?p }"}, timeout=60)
    assert response.status_code == 400 and "syntax error" in response.text and "1:" in response.text


def test_cors_for_reads(server):
    preflight = requests.options(
        server + "/sparql",
        timeout=30,
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Authorization" not in preflight.headers["Access-Control-Allow-Headers"], "no cross-site writes"
    response = requests.post(
        server + "/sparql",
        data=b"ASK {}",
        timeout=30,
        headers={"Content-Type": "application/sparql-query", "Origin": "https://yasgui.example"},
    )
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_update_with_runaway_where_is_refused_before_it_runs(seeded_catalogue, server, tmp_path):
    from graph.alliance.tokens import TokenStore

    _, token = TokenStore(seeded_catalogue.data_dir).create(member="GWU")
    text = (
        "INSERT { GRAPH <http://alliance.test/graph/gwu/count> { <http://x/n> <http://x/v> ?a } } "
        "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    )
    response = requests.post(
        server + "/sparql",
        data=text.encode(),
        timeout=120,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 503 and "nothing was changed" in response.text
    assert "http://alliance.test/graph/gwu/count" not in [g.value for g in seeded_catalogue.store.active_graphs()]
