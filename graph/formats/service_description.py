"""The SPARQL 1.1 Service Description of the alliance's endpoint, as triples.

Answered by a bare GET on ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/).
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode

from graph.formats import GRAPH_SERIALISATIONS, RESULTS_SERIALISATIONS, RdfSerialisation, ResultsSerialisation
from vocab.namespaces import RDF, RDFS, SD

# W3C's IRIs for the formats (https://www.w3.org/ns/formats/)
FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "ntriples": "N-Triples",
    "nquads": "N-Quads",
    "trig": "TriG",
    "n3": "N3",
}
SIMPLE_ENTAILMENT = NamedNode("http://www.w3.org/ns/entailment/Simple")


def service_description(endpoint: str, *, update: bool, input_formats=(), label: str | None = None) -> list[tuple]:
    """Triples describing the endpoint at ``endpoint`` (the URL clients use)."""
    service = NamedNode(endpoint + "#service") if "#" not in endpoint else BlankNode()
    dataset, default = BlankNode(), BlankNode()
    triples = [
        (service, RDF.type, SD.Service),
        (service, SD.endpoint, NamedNode(endpoint)),
        (service, SD.supportedLanguage, SD.SPARQL11Query),
        (service, SD.feature, SD.UnionDefaultGraph),
        (service, SD.feature, SD.EmptyGraphs),
        (service, SD.defaultEntailmentRegime, SIMPLE_ENTAILMENT),
        (service, SD.defaultDataset, dataset),
        (dataset, RDF.type, SD.Dataset),
        (dataset, SD.defaultGraph, default),
        (default, RDF.type, SD.Graph),
    ]
    if update:
        triples.append((service, SD.supportedLanguage, SD.SPARQL11Update))
    if label:
        triples.append((service, RDFS.label, Literal(label, language="en")))
    answers: tuple[ResultsSerialisation | RdfSerialisation, ...] = (*RESULTS_SERIALISATIONS, *GRAPH_SERIALISATIONS)
    for s in answers:
        triples.append((service, SD.resultFormat, NamedNode(FORMATS + FORMAT_IRIS[s.name])))
    for s in input_formats:
        triples.append((service, SD.inputFormat, NamedNode(FORMATS + FORMAT_IRIS[s.name])))
    return triples
