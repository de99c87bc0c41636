"""/sparql's fast lane (web/fastlane.py): a repeated lookup answered in front of Flask is the same
answer, with the same headers, as the endpoint's; anything it has not seen negotiated goes through."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from web import create_app, fastlane, protocol, sparql

LOOKUP = "SELECT ?s WHERE { ?s a <http://id.loc.gov/ontologies/bibframe/Instance> } ORDER BY ?s LIMIT 3"
RUNS_AWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


CALLS: list[str] = []


@pytest.fixture(scope="module")
def client(seeded_catalogue):
    app = create_app({"ALLIANCE_CATALOGUE": seeded_catalogue, "ALLIANCE_SPARQL_TIMEOUT": 2.0})
    endpoint = app.view_functions["sparql.endpoint"]

    def counted():  # the endpoint's calls, to tell the lanes apart
        CALLS.append("endpoint")
        return endpoint()

    app.view_functions["sparql.endpoint"] = counted
    return app.test_client()


def _seen(accept: str) -> bool:
    return (tuple(() for _ in protocol.FORMAT_PARAMS), accept) in sparql._NEGOTIATED


@pytest.mark.parametrize(
    "accept", ["application/sparql-results+json", "text/csv", "application/sparql-results+xml, text/turtle;q=0.5"]
)
def test_the_fast_lane_answers_as_the_endpoint_does(client, accept):
    sparql._NEGOTIATED.clear()
    first = client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": accept})
    assert _seen(accept)  # the endpoint negotiated it: the next request takes the fast lane
    CALLS.clear()
    second = client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": accept})
    assert CALLS == []
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and first.data.count(b"/instance/") == 3
    assert dict(second.headers) == dict(first.headers)


def test_errors_and_refusals_match_the_endpoint(client):
    accept = "application/sparql-results+json"
    client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": accept})
    assert _seen(accept)
    bad = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s"}, headers={"Accept": accept})
    assert bad.status_code == 400 and bad.mimetype == "text/plain" and b"syntax" in bad.data
    federated = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
        headers={"Accept": accept},
    )
    assert federated.status_code == 400 and b"SERVICE" in federated.data
    slow = client.get("/sparql", query_string={"query": RUNS_AWAY}, headers={"Accept": accept})
    assert slow.status_code == 503 and b"time limit of 2 s" in slow.data
    assert slow.headers["Access-Control-Allow-Origin"] == "*"
    CALLS.clear()
    html = client.get("/sparql", query_string={"query": LOOKUP}, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.mimetype == "text/html"  # browsers get the endpoint's page
    assert CALLS == ["endpoint"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_query_alone_is_decoded_as_parse_qsl_decodes_it(text):
    encoded = urlencode({"query": text})
    assert fastlane._query_only(encoded) == parse_qsl(encoded, keep_blank_values=True) == [("query", text)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="query=%&+\\;aZ09\x7f\u00e9\u5317C3"))
def test_any_query_string_is_read_as_parse_qsl_reads_it(tail):
    for query_string in (tail, "query=" + tail):  # malformed escapes, other parameters, non-ASCII
        assert fastlane._query_only(query_string) == parse_qsl(query_string, keep_blank_values=True)
