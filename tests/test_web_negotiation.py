"""Every resource URI answers RDF by Accept or ?format=, advertises its forms, and refuses what it cannot."""

from __future__ import annotations

import json

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from tests.conftest import TEST_BASE
from tests.webtools import instance_titled, parse, path_of
from web import create_app

BF = rdflib.Namespace("http://id.loc.gov/ontologies/bibframe/")
RDFLIB_FORMAT = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}


@pytest.fixture(scope="module")
def client(seeded_catalogue):
    return create_app({"ALLIANCE_CATALOGUE": seeded_catalogue}).test_client()


@pytest.fixture(scope="module")
def instance(seeded_catalogue, seeded):
    return instance_titled(seeded_catalogue.store, seeded.chinese.title)


def graph_of(response) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=response.data, format=RDFLIB_FORMAT[response.mimetype])
    return g


def assert_describes_instance(g: rdflib.Graph, iri: str, title: str):
    s = rdflib.URIRef(iri)
    assert (s, RDF.type, BF.Instance) in g
    assert (s, RDFS.label, rdflib.Literal(title, lang="zh-hans")) in g
    title = rdflib.URIRef(iri + "#title")  # the union description's one main title
    assert (s, BF.title, title) in g and (title, BF.mainTitle, None) in g
    holders = {str(lib) for item in g.objects(s, BF.hasItem) for lib in g.objects(item, BF.heldBy)}
    work = g.value(s, BF.instanceOf)
    assert g.value(work, RDFS.label) is not None, "linked resources come with their labels"
    assert not holders or holders <= {TEST_BASE + "library/gwu", TEST_BASE + "library/pku"}


@pytest.mark.parametrize("accept", list(RDFLIB_FORMAT))
def test_accept_header_gives_rdf(client, instance, seeded, accept):
    response = client.get(path_of(instance, TEST_BASE), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    assert "Accept" in response.vary
    assert_describes_instance(graph_of(response), instance, seeded.chinese.title)


@pytest.mark.parametrize(
    "name, media_type",
    [
        ("turtle", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdfxml", "application/rdf+xml"),
        ("ntriples", "application/n-triples"),
    ],
)
def test_format_parameter_beats_accept(client, instance, seeded, name, media_type):
    response = client.get(path_of(instance, TEST_BASE) + f"?format={name}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == media_type
    assert_describes_instance(graph_of(response), instance, seeded.chinese.title)


def test_json_ld_is_json_and_turtle_parses_in_oxigraph(client, instance):
    import pyoxigraph

    body = client.get(path_of(instance, TEST_BASE) + "?format=jsonld").data
    data = json.loads(body)
    assert data["@context"]["bf"] == "http://id.loc.gov/ontologies/bibframe/", "JSON-LD carries its @context"
    node = next(node for node in data["@graph"] if node.get("@id") == instance)
    assert "bf:Instance" in node["@type"] and "bf:title" in node, "properties and types as compact IRIs"
    turtle = client.get(path_of(instance, TEST_BASE), headers={"Accept": "text/turtle"}).data
    quads = list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))
    assert any(q.subject.value == instance for q in quads)
    assert b"@prefix bf:" in turtle
    # the compacted JSON-LD says exactly what the Turtle says
    from_jsonld = {
        (q.subject, q.predicate, q.object) for q in pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.JSON_LD)
    }
    assert from_jsonld == {(q.subject, q.predicate, q.object) for q in quads}


def test_quality_values_choose(client, instance):
    response = client.get(
        path_of(instance, TEST_BASE), headers={"Accept": "text/html;q=0.5, application/ld+json;q=0.9"}
    )
    assert response.mimetype == "application/ld+json"
    assert client.get(path_of(instance, TEST_BASE), headers={"Accept": "*/*"}).mimetype == "text/html"
    assert client.get(path_of(instance, TEST_BASE)).mimetype == "text/html"  # no Accept at all


def test_link_headers_and_link_tags_advertise_every_form(client, instance):
    path = path_of(instance, TEST_BASE)
    response = client.get(path, headers={"Accept": "text/html"})
    link = response.headers["Link"]
    for media_type in RDFLIB_FORMAT:
        assert f'rel="alternate"; type="{media_type}"' in link
    assert f"<{path}?format=turtle>" in link
    tags = {h["type"]: h["href"] for h in parse(response.get_data(as_text=True)).heads if h.get("rel") == "alternate"}
    # RIS, BibTeX and the union record (MARC 21, MARCXML) of an edition
    exports = {
        "application/x-research-info-systems",
        "application/x-bibtex",
        "application/marc",
        "application/marcxml+xml",
    }
    assert set(tags) == set(RDFLIB_FORMAT) | exports
    for media_type in exports:
        assert f'rel="alternate"; type="{media_type}"' in link
    for media_type, href in tags.items():  # follow each advertised link
        followed = client.get(href)
        assert followed.status_code == 200 and followed.mimetype == media_type
    assert client.get(path + "?format=turtle").headers["Link"] == link


def test_every_kind_negotiates(client, instance):
    def rdf(iri, accept="text/turtle"):
        response = client.get(path_of(iri, TEST_BASE), headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == accept, iri
        return graph_of(response), rdflib.URIRef(iri)

    g, s = rdf(instance)
    work, item = g.value(s, BF.instanceOf), next(g.objects(s, BF.hasItem))
    wg, w = rdf(str(work), "application/ld+json")
    assert (w, RDF.type, BF.Work) in wg and (w, BF.hasInstance, s) in wg
    agent = wg.value(next(wg.objects(w, BF.contribution)), BF.agent)
    subject = next(wg.objects(w, BF.subject))
    ag, a = rdf(str(agent), "application/rdf+xml")
    assert (a, RDF.type, BF.Agent) in ag and ag.value(a, RDFS.label) is not None
    sg, sub = rdf(str(subject), "application/n-triples")
    assert sg.value(sub, RDFS.label) is not None
    ig, i = rdf(str(item))
    assert (i, RDF.type, BF.Item) in ig and (i, BF.itemOf, s) in ig
    library = ig.value(i, BF.heldBy)
    assert ig.value(library, RDFS.label, any=True) is not None, "the holding library is labelled"
    lg, lib = rdf(str(library))
    assert (lib, RDF.type, BF.Organization) in lg


def test_unsupported_accept_is_406_and_unknown_format_too(client, instance):
    path = path_of(instance, TEST_BASE)
    response = client.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True)
    assert client.get(path + "?format=bogus").status_code == 406
    # HTML acceptable among others: the page, not a 406
    assert client.get(path, headers={"Accept": "image/png, text/html;q=0.1"}).status_code == 200


def test_unknown_resource_in_rdf_is_404(client):
    response = client.get("/instance/doesnotexist", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
