"""The registry of RDF serialisations (and SPARQL results formats): names, media types, extensions.

Used to read files (``alliance load``), to write them (``alliance convert``) and by the
web layer to negotiate what it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class RdfSerialisation:
    name: str  # short name, as in ?format=
    format: RdfFormat
    media_types: tuple[str, ...]
    extensions: tuple[str, ...]
    quads: bool = False  # carries named graphs

    @property
    def media_type(self) -> str:
        return self.media_types[0]


RDF_SERIALISATIONS: tuple[RdfSerialisation, ...] = (
    RdfSerialisation("turtle", RdfFormat.TURTLE, ("text/turtle", "application/x-turtle"), (".ttl",)),
    RdfSerialisation("jsonld", RdfFormat.JSON_LD, ("application/ld+json", "application/json"), (".jsonld", ".json")),
    RdfSerialisation("rdfxml", RdfFormat.RDF_XML, ("application/rdf+xml", "application/xml"), (".rdf", ".xml", ".owl")),
    RdfSerialisation("ntriples", RdfFormat.N_TRIPLES, ("application/n-triples", "text/plain"), (".nt",)),
    RdfSerialisation("nquads", RdfFormat.N_QUADS, ("application/n-quads",), (".nq",), quads=True),
    RdfSerialisation("trig", RdfFormat.TRIG, ("application/trig",), (".trig",), quads=True),
    RdfSerialisation("n3", RdfFormat.N3, ("text/n3",), (".n3",)),
)

BY_NAME = {s.name: s for s in RDF_SERIALISATIONS}
BY_MEDIA_TYPE = {mt: s for s in RDF_SERIALISATIONS for mt in s.media_types}
BY_EXTENSION = {ext: s for s in RDF_SERIALISATIONS for ext in s.extensions}


class UnknownFormat(ValueError):
    pass


def for_path(path: str | Path) -> tuple[RdfSerialisation, bool]:
    """The serialisation of a file by its extension, and whether it is gzip-compressed."""
    suffixes = [s.lower() for s in Path(path).suffixes]
    gz = bool(suffixes) and suffixes[-1] == ".gz"
    if gz:
        suffixes = suffixes[:-1]
    if suffixes and suffixes[-1] in BY_EXTENSION:
        return BY_EXTENSION[suffixes[-1]], gz
    known = ", ".join(sorted(BY_EXTENSION))
    raise UnknownFormat(f"{path}: cannot tell the RDF format from its name (known: {known}, each may end in .gz)")


# SPARQL query results (SELECT and ASK) ------------------------------------------------------
@dataclass(frozen=True)
class ResultsSerialisation:
    name: str  # short name, as in ?format=
    format: QueryResultsFormat
    media_types: tuple[str, ...]

    @property
    def media_type(self) -> str:
        return self.media_types[0]


RESULTS_SERIALISATIONS: tuple[ResultsSerialisation, ...] = (
    ResultsSerialisation("json", QueryResultsFormat.JSON, ("application/sparql-results+json", "application/json")),
    ResultsSerialisation(
        "xml", QueryResultsFormat.XML, ("application/sparql-results+xml", "application/xml", "text/xml")
    ),
    ResultsSerialisation("csv", QueryResultsFormat.CSV, ("text/csv",)),
    ResultsSerialisation("tsv", QueryResultsFormat.TSV, ("text/tab-separated-values",)),
)
RESULTS_BY_NAME = {s.name: s for s in RESULTS_SERIALISATIONS}
RESULTS_BY_MEDIA_TYPE = {mt: s for s in RESULTS_SERIALISATIONS for mt in s.media_types}

# Triple formats a single graph (a resource description, a CONSTRUCT) can be written in.
GRAPH_SERIALISATIONS: tuple[RdfSerialisation, ...] = tuple(
    s for s in RDF_SERIALISATIONS if not s.quads and s.name != "n3"
)
# Short names clients use for graph results besides ours (SPARQLWrapper asks format=xml for RDF/XML).
GRAPH_ALIASES = {
    "ttl": "turtle",
    "n3": "turtle",
    "xml": "rdfxml",
    "rdf": "rdfxml",
    "rdf+xml": "rdfxml",
    "json": "jsonld",
    "json-ld": "jsonld",
    "nt": "ntriples",
    "n-triples": "ntriples",
}


def graph_serialisation(name: str) -> RdfSerialisation | None:
    """A triple serialisation by short name, alias or media type (None if unknown)."""
    key = (name or "").strip().lower()
    found = BY_NAME.get(GRAPH_ALIASES.get(key, key)) or BY_MEDIA_TYPE.get(key)
    return found if found in GRAPH_SERIALISATIONS else None


def results_serialisation(name: str) -> ResultsSerialisation | None:
    """A query-results serialisation by short name or media type (None if unknown)."""
    key = (name or "").strip().lower()
    return RESULTS_BY_NAME.get(key) or RESULTS_BY_MEDIA_TYPE.get(key)
