"""The vocabularies the alliance speaks, as closed namespaces of pyoxigraph terms.

``BF.title`` is a :class:`pyoxigraph.NamedNode`; ``BF.titel`` raises
``AttributeError``. BIBFRAME and BFLC are closed over the terms the Library of
Congress ontologies define (``vocab/terms.py``, generated); the alliance's own
namespace is closed over the short list below.
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from vocab.terms import BFLC_TERMS, BIBFRAME_TERMS


class ClosedNamespace:
    """A namespace whose terms are a fixed set; anything else is an error."""

    def __init__(self, base: str, terms: frozenset[str] | None = None):
        self.base = base
        self.terms = terms
        self._cache: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = self[name]
        self.__dict__[name] = node  # later look-ups skip __getattr__ (mappers ask millions of times)
        return node

    def __getitem__(self, name: str) -> NamedNode:
        node = self._cache.get(name)
        if node is None:
            if self.terms is not None and name not in self.terms:
                raise AttributeError(f"{name!r} is not a term of <{self.base}>")
            node = self._cache[name] = NamedNode(self.base + name)
            if name not in type(self).__dict__ and name not in self.__dict__:
                self.__dict__[name] = node  # later BF.title lookups skip __getattr__ entirely
        return node

    def __contains__(self, iri: object) -> bool:
        value = getattr(iri, "value", iri)
        return isinstance(value, str) and value.startswith(self.base)

    def local(self, iri: NamedNode | str) -> str:
        value = str(getattr(iri, "value", iri))
        return value[len(self.base) :]


BF = ClosedNamespace("http://id.loc.gov/ontologies/bibframe/", BIBFRAME_TERMS)
BFLC = ClosedNamespace("http://id.loc.gov/ontologies/bflc/", BFLC_TERMS)
RDF = ClosedNamespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", frozenset({"type", "value"}))
RDFS = ClosedNamespace("http://www.w3.org/2000/01/rdf-schema#", frozenset({"label", "comment", "seeAlso"}))
XSD = ClosedNamespace(
    "http://www.w3.org/2001/XMLSchema#", frozenset({"string", "integer", "date", "dateTime", "gYear", "boolean"})
)
MADS = ClosedNamespace(
    "http://www.loc.gov/mads/rdf/v1#",
    frozenset(
        {
            "Topic",
            "Geographic",
            "GenreForm",
            "PersonalName",
            "CorporateName",
            "Title",
            "ComplexSubject",
            "authoritativeLabel",
            "isMemberOfMADSScheme",
        }
    ),
)
SCHEMA = ClosedNamespace("http://schema.org/", frozenset({"url", "name"}))
# Describing the dataset itself (VoID), for crawlers and dataset catalogues.
VOID = ClosedNamespace(
    "http://rdfs.org/ns/void#",
    frozenset(
        {
            "Dataset",
            "uriSpace",
            "sparqlEndpoint",
            "exampleResource",
            "rootResource",
            "triples",
            "entities",
            "classPartition",
            "class",
            "vocabulary",
            "subset",
            "feature",
            "uriLookupEndpoint",
            "openSearchDescription",
        }
    ),
)
DCTERMS = ClosedNamespace(
    "http://purl.org/dc/terms/",
    frozenset({"title", "description", "publisher", "modified", "license", "source", "language"}),
)
# The alliance's own terms: member libraries and the bookkeeping of their loads.
ALLIANCE = ClosedNamespace(
    "https://alliance-graph.org/ns#",
    frozenset(
        {
            "MemberLibrary",  # class: a library of the alliance (also a bf:Organization)
            "code",  # its short code, e.g. "PKU"
            "opacPattern",  # URL pattern of its own catalogue, "{id}" stands for the local id
            "Batch",  # class: one ingest or load into a member's data
            "batchOf",  # batch -> member library
            "active",  # batch -> true while its graph is part of the union
            "fingerprint",  # batch -> hash of the input files, to spot a repeated load
            "loadedAt",  # batch -> xsd:dateTime
            "sourceFile",  # batch -> file name
            "tripleCount",  # batch -> number of triples loaded
            "leaseUntil",  # inactive batch graph -> xsd:dateTime until which its writer holds it (remote store)
            "indexGeneration",  # batch -> the cluster index's load that minted its ids (to spot an index left behind)
            "controlNumber",  # member's own record id on its admin metadata
            "dynasty",  # agent / provision activity -> bf:Temporal of a Chinese dynasty or period (清)
            "pinyinGenerated",  # node -> name of the software that wrote its @zh-Latn-pinyin literals
            "pinyinCorrected",  # node -> a reading that overrode the software's, e.g. "曾 zeng" (surnames)
            "collectionOf",  # bf:Collection -> member library that builds it (local literature)
            "MemberDescription",  # class: one member record's description of a shared Instance or Work (graph.union)
            "memberDescription",  # shared Instance/Work -> a member's description of it
            "statedType",  # member description -> a class the member's record gave the resource
            "RelatedResource",  # class: a bf:Work / bf:Instance a record relates to (510, 740, 76X-78X), described by
            # that record but catalogued by none: it holds no Items (see catalogued() below)
            "hallName",  # genealogy (bf:Work) -> its family's hall name (堂号), e.g. "三槐堂"@zh-Hans
            "sibu",  # the four-branch classification of old books (四部分类: 经史子集), a bf:Source
            # what web nodes share through a SPARQL server (graph.remote_shared), outside every batch graph
            "tokenDigest",  # write token -> SHA-256 of its secret (graph {base}tokens)
            "grant",  # write token -> what it allows, as JSON (id, member, admin, label, created)
            "inBatch",  # archived source record -> the batch graph it was loaded in (graph {base}sources)
            "scheme",  # archived source record -> "marc21" or "unimarc"
            "marcxml",  # archived source record -> the member's record as MARCXML
        }
    ),
)
# SPARQL 1.1 Service Description (https://www.w3.org/TR/sparql11-service-description/), closed over its terms.
SD = ClosedNamespace(
    "http://www.w3.org/ns/sparql-service-description#",
    frozenset(
        {
            "Service",
            "Language",
            "Function",
            "Aggregate",
            "EntailmentRegime",
            "EntailmentProfile",
            "GraphCollection",
            "Dataset",
            "Graph",
            "NamedGraph",
            "Feature",
            "SPARQL10Query",
            "SPARQL11Query",
            "SPARQL11Update",
            "DereferencesURIs",
            "UnionDefaultGraph",
            "RequiresDataset",
            "EmptyGraphs",
            "BasicFederatedQuery",
            "endpoint",
            "feature",
            "defaultEntailmentRegime",
            "entailmentRegime",
            "defaultSupportedEntailmentProfile",
            "supportedEntailmentProfile",
            "extensionFunction",
            "extensionAggregate",
            "languageExtension",
            "supportedLanguage",
            "propertyFeature",
            "defaultDataset",
            "availableGraphs",
            "resultFormat",
            "inputFormat",
            "defaultGraph",
            "namedGraph",
            "name",
            "graph",
        }
    ),
)
# Value vocabularies of the Library of Congress, used as IRIs, not closed.
RELATORS = "http://id.loc.gov/vocabulary/relators/"
LANGUAGES = "http://id.loc.gov/vocabulary/languages/"
CARRIERS = "http://id.loc.gov/vocabulary/carriers/"
MEDIA = "http://id.loc.gov/vocabulary/mediaTypes/"
CONTENT = "http://id.loc.gov/vocabulary/contentTypes/"

PREFIXES = {
    "bf": BF.base,
    "bflc": BFLC.base,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "xsd": XSD.base,
    "madsrdf": MADS.base,
    "alliance": ALLIANCE.base,
}


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, to start a query with."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def catalogued(var: str) -> str:
    """A SPARQL filter keeping ?var to what members catalogue: not a related work or instance that a
    record only mentions (``alliance:RelatedResource``). Add it to ``?var a bf:Work`` wherever
    "works" means the catalogue's (counts, search documents, collections)."""
    return f"FILTER NOT EXISTS {{ ?{var} a <{ALLIANCE.RelatedResource.value}> }}"
