"""/sparql: the protocol in-process, then for real over HTTP with waitress, SPARQLWrapper and requests."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
import rdflib

from web import create_app
from tests.webtools import LiveServer
from web.sparql_examples import EXAMPLES

PREFIX = "PREFIX bf: <http://id.loc.gov/ontologies/bibframe/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
HOLDERS = PREFIX + "SELECT DISTINCT ?lib WHERE { ?item bf:heldBy ?lib } ORDER BY ?lib"
LIBRARIES = ["http://alliance.test/library/bl", "http://alliance.test/library/gwu", "http://alliance.test/library/pku"]
CONSTRUCT = PREFIX + "CONSTRUCT { ?lib rdfs:label ?l } WHERE { ?item bf:heldBy ?lib . ?lib rdfs:label ?l }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def app(seeded_catalogue):
    return create_app({"ALLIANCE_CATALOGUE": seeded_catalogue})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def bindings(response) -> list[str]:
    data = json.loads(response.data)
    return [row["lib"]["value"] for row in data["results"]["bindings"]]


def test_get_select_as_json_sees_every_members_graph(client):
    response = client.get(
        "/sparql", query_string={"query": HOLDERS}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert bindings(response) == LIBRARIES


def test_form_post_and_direct_post(client):
    form = client.post("/sparql", data={"query": HOLDERS}, headers={"Accept": "application/sparql-results+json"})
    assert bindings(form) == LIBRARIES
    direct = client.post(
        "/sparql",
        data=HOLDERS.encode(),
        content_type="application/sparql-query",
        headers={"Accept": "application/sparql-results+json"},
    )
    assert bindings(direct) == LIBRARIES


@pytest.mark.parametrize(
    "fmt, media_type",
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_result_formats_by_parameter_and_accept(client, fmt, media_type):
    by_param = client.get("/sparql", query_string={"query": HOLDERS, "format": fmt})
    by_accept = client.get("/sparql", query_string={"query": HOLDERS}, headers={"Accept": media_type})
    for response in (by_param, by_accept):
        assert response.status_code == 200 and response.mimetype == media_type
    body = by_param.get_data(as_text=True)
    if fmt == "xml":
        uris = [u.text for u in ET.fromstring(body).iter(RESULTS_NS + "uri")]
        assert uris == LIBRARIES
    elif fmt == "csv":
        assert [row[0] for row in csv.reader(io.StringIO(body))] == ["lib", *LIBRARIES]
    elif fmt == "tsv":
        assert body.splitlines() == ["?lib", *(f"<{u}>" for u in LIBRARIES)]


def test_ask(client):
    yes = client.get(
        "/sparql",
        query_string={"query": PREFIX + "ASK { ?i bf:heldBy ?lib }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert json.loads(yes.data) == {"head": {}, "boolean": True}
    no = client.get("/sparql", query_string={"query": "ASK { <http://x/nothing> ?p ?o }", "format": "xml"})
    assert ET.fromstring(no.data).find(RESULTS_NS + "boolean").text == "false"


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_in_every_graph_format(client, accept, rdflib_format):
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    g = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    assert (rdflib.URIRef(LIBRARIES[2]), rdflib.RDFS.label, rdflib.Literal("北京大学图书馆", lang="zh-hans")) in g
    assert len(g) == 6


def test_describe(client):
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{LIBRARIES[1]}>", "format": "turtle"})
    g = rdflib.Graph().parse(data=response.data, format="turtle")
    assert g.value(rdflib.URIRef(LIBRARIES[1]), rdflib.URIRef("https://alliance-graph.org/ns#code")) == rdflib.Literal(
        "GWU"
    )


def test_syntax_error_is_400_with_the_parsers_message(client):
    response = client.get(
        "/sparql",
        query_string={"query": "SELECT ?x WHERE { ?x ?p }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 400
    assert "syntax error" in response.get_data(as_text=True) and "1:" in response.get_data(as_text=True)
    page = client.post("/sparql", data={"query": "SELEC nothing"}, headers={"Accept": "text/html"})
    assert page.status_code == 400 and "<textarea" in page.get_data(as_text=True)
    assert "SELEC nothing" in page.get_data(as_text=True)


def test_protocol_errors(client):
    assert client.post("/sparql", data={"query": "  "}, headers={"Accept": "text/plain"}).status_code == 400
    assert client.get("/sparql", query_string=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    anonymous = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/sparql", data=b"ASK {}", content_type="text/plain").status_code == 415
    assert client.get("/sparql", query_string={"query": HOLDERS}, headers={"Accept": "image/png"}).status_code == 406


def test_federated_queries_are_refused(client):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and "SERVICE" in response.get_data(as_text=True)
    harmless = 'SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }'
    assert client.get("/sparql", query_string={"query": harmless, "format": "json"}).status_code == 200


def test_named_and_default_graph_parameters(client, seeded_catalogue):
    alliance = seeded_catalogue.minter.alliance_graph.value
    response = client.get("/sparql", query_string={"query": HOLDERS, "default-graph-uri": alliance, "format": "json"})
    assert bindings(response) == [], "the alliance graph alone holds no items"
    gwu_batch = seeded_catalogue.store.batches("GWU")[0].graph.value
    response = client.get("/sparql", query_string={"query": HOLDERS, "default-graph-uri": gwu_batch, "format": "json"})
    assert bindings(response) == [LIBRARIES[1]]


def test_html_results_and_examples(client):
    page = client.get("/sparql", query_string={"query": HOLDERS}, headers={"Accept": "text/html"})
    text = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and '<a href="/library/gwu">http://alliance.test/library/gwu</a>' in text
    for example in EXAMPLES:
        response = client.get(
            "/sparql",
            query_string={"query": example.query},
            headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
        )
        assert response.status_code == 200, example.title
        assert len(response.data) > 60, example.title


CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


@pytest.mark.parametrize(
    "accept, page",
    [
        (CHROMIUM_ACCEPT, True),
        ("text/html", True),
        ("*/*", False),
        ("text/turtle, text/html;q=0.5", False),
        ("", False),
    ],
)
def test_the_editor_page_is_for_browsers_the_service_description_for_the_rest(client, accept, page):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    if page:  # the editor: YASGUI from this site, the plain form as its fallback
        text = response.get_data(as_text=True)
        assert response.mimetype == "text/html" and 'id="query-editor"' in text and '<form class="sparql"' in text
        assert "/static/vendor/yasgui/yasgui.min.js" in text and "//cdn" not in text
    else:
        assert response.mimetype != "text/html"
        assert b"www.w3.org/ns/sparql-service-description#" in response.data


# over real HTTP --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(app):
    with LiveServer(app) as live:
        yield live.url


def test_sparqlwrapper_json_and_xml(server):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(HOLDERS)
    sparql.setReturnFormat(JSON)
    results = sparql.query().convert()
    assert [b["lib"]["value"] for b in results["results"]["bindings"]] == LIBRARIES
    sparql.setReturnFormat(XML)
    doc = sparql.query().convert()  # an xml.dom.minidom Document
    assert [n.firstChild.data for n in doc.getElementsByTagName("uri")] == LIBRARIES
    sparql.setMethod("POST")
    sparql.setReturnFormat(JSON)
    assert [b["lib"]["value"] for b in sparql.query().convert()["results"]["bindings"]] == LIBRARIES


def test_sparqlwrapper_construct(server):
    from SPARQLWrapper import RDFXML, TURTLE, SPARQLWrapper

    sparql = SPARQLWrapper(server + "/sparql")
    sparql.setQuery(CONSTRUCT)
    sparql.setReturnFormat(RDFXML)
    g = sparql.query().convert()
    assert isinstance(g, rdflib.Graph) and len(g) == 6
    sparql.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=sparql.query().convert(), format="turtle")
    assert (rdflib.URIRef(LIBRARIES[0]), rdflib.RDFS.label, rdflib.Literal("British Library", lang="en")) in g


def test_resource_over_http(server):
    import requests

    response = requests.get(server + "/library/gwu", headers={"Accept": "text/turtle"}, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=response.text, format="turtle")
    assert g.value(rdflib.URIRef(LIBRARIES[1]), rdflib.RDFS.label, any=True) is not None
    assert 'rel="alternate"' in response.headers["Link"]
    page = requests.get(server + "/", timeout=10)
    assert page.status_code == 200 and "George Washington University Libraries" in page.text
