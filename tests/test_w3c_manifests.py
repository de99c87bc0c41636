"""The W3C SPARQL 1.1 test manifests (Protocol, Graph Store Protocol, Service Description), run
over HTTP against the real endpoint (waitress) on a fresh catalogue, with an admin token.

Every test runs; the only skips are the Graph Store tests W3C itself deprecated (the older
http-rdf-update manifest, replaced by graph-store-protocol/, resolution 2012-11-27).
"""

from __future__ import annotations

import pytest
import rdflib
import requests

from tests.conftest import SHARED_DATA, TEST_BASE
from tests.w3c import tests as manifest_tests, run
from tests.webtools import LiveServer

W3C = SHARED_DATA / "w3c"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


def _collect(relative: str):
    path = W3C / relative
    if not path.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"W3C manifests not found at {path}"), id=relative)]
    params = []
    for t in manifest_tests(path):
        marks = []
        if t.deprecated:
            marks.append(
                pytest.mark.skip(
                    reason="dawgt:Deprecated by W3C (http-rdf-update, superseded by graph-store-protocol/ "
                    "per resolution 2012-11-27); its requests are prose, not ht:Requests"
                )
            )
        params.append(pytest.param(t, marks=marks, id=t.id))
    return params


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    from graph.catalogue import Catalogue
    from graph.alliance.tokens import TokenStore
    from web import create_app

    cat = Catalogue.open(tmp_path_factory.mktemp("w3c") / "data", TEST_BASE)
    _, token = TokenStore(cat.data_dir).create(admin=True, label="w3c tests")
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})
    with LiveServer(app, threads=4) as live:
        yield live.url, {"Authorization": f"Bearer {token}"}
    cat.close()


def empty_store(url: str, auth: dict) -> None:
    """Each manifest test starts from an empty graph store (the tests reuse graph IRIs)."""
    response = requests.post(
        url + "/sparql", data=b"DROP ALL", timeout=30, headers={**auth, "Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 204, response.text


@pytest.mark.parametrize("test", _collect("protocol/manifest.ttl"))
def test_protocol(endpoint, test):
    url, auth = endpoint
    empty_store(url, auth)
    for path, graph in test.graph_data:
        put = requests.put(
            url + "/graph-store",
            params={"graph": graph},
            data=path.read_bytes(),
            timeout=30,
            headers={**auth, "Content-Type": "application/n-triples"},
        )
        assert put.status_code in (201, 204), put.text
    run(test, url, "/sparql/", "/sparql", auth)


@pytest.mark.parametrize(
    "test",
    _collect("graph-store-protocol/manifest-direct.ttl")
    + _collect("graph-store-protocol/manifest-indirect.ttl")
    + _collect("http-rdf-update/manifest.ttl"),
)
def test_graph_store_protocol(endpoint, test):
    url, auth = endpoint
    empty_store(url, auth)
    run(test, url, "/gsp", "/graph-store", auth)


def _description(url: str, accept: str = "text/turtle") -> rdflib.Graph:
    response = requests.get(url + "/sparql", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200, response.text
    media = response.headers["Content-Type"].split(";")[0]
    fmt = {
        "text/turtle": "turtle",
        "application/rdf+xml": "xml",
        "application/ld+json": "json-ld",
        "application/n-triples": "nt",
    }[media]
    return rdflib.Graph().parse(data=response.content, format=fmt)


def _service_description_test(name: str, url: str) -> None:
    if name == "returns-rdf":
        for accept in ("text/turtle", "application/rdf+xml", "application/ld+json", "*/*"):
            assert len(_description(url, accept)) > 5, accept
    elif name == "has-endpoint-triple":
        g = _description(url)
        assert (None, SD.endpoint, rdflib.URIRef(url + "/sparql")) in g
    elif name == "conforms-to-schema":
        from vocab.namespaces import SD as SD_TERMS

        g = _description(url)
        used = {t for triple in g for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(str(SD))}
        assert all(str(t)[len(str(SD)) :] in SD_TERMS.terms for t in used), used
        services = list(g.subjects(rdflib.RDF.type, SD.Service))
        assert len(services) == 1
        service = services[0]
        assert set(g.objects(service, SD.supportedLanguage)) <= {SD.SPARQL10Query, SD.SPARQL11Query, SD.SPARQL11Update}
        assert SD.SPARQL11Query in set(g.objects(service, SD.supportedLanguage))
        for dataset in g.objects(service, SD.defaultDataset):
            assert (dataset, rdflib.RDF.type, SD.Dataset) in g
            for graph in g.objects(dataset, SD.defaultGraph):
                assert (graph, rdflib.RDF.type, SD.Graph) in g
        formats = set(g.objects(service, SD.resultFormat))
        assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
        assert all(isinstance(f, rdflib.URIRef) for f in formats)
    else:
        raise AssertionError(f"no check for service description test {name}")


@pytest.mark.parametrize("test", _collect("service-description/manifest.ttl"))
def test_service_description(endpoint, test):
    url, _ = endpoint
    _service_description_test(test.id, url)
