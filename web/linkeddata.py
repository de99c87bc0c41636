"""What crawlers and dataset catalogues read: a VoID description, a sitemap, robots.txt.

``/void`` (also ``/.well-known/void``) describes the dataset in RDF (any of the
serialisations of :mod:`graph.formats`, Turtle by default): where its URIs live, its
SPARQL endpoint, how many works, editions and copies it holds, the vocabularies it
uses, one subset per member library. ``/sitemap.xml`` indexes sitemaps of at most
:data:`SITEMAP_SIZE` pages each (works from the search index, libraries, collections).
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, url_for
from pyoxigraph import Literal, NamedNode, Triple

import tantivy

from graph.formats import GRAPH_SERIALISATIONS, graph_serialisation
from graph.formats.jsonld import serialise
from graph.index import schema as S
from graph.alliance.members import list_members
from vocab.labels import ui
from vocab.namespaces import BF, BFLC, DCTERMS, MADS, PREFIXES, RDF, VOID, XSD
from web.context import cached, state, store
from web.negotiation import NotAcceptable, choose

bp = Blueprint("linkeddata", __name__)

SITEMAP_SIZE = 50_000
OFFERS = [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types]


def _abs(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


def void_triples() -> list[Triple]:
    st = state()
    base = st.catalogue.minter.base
    dataset = NamedNode(base + "void")
    totals = st.searcher.totals()
    t = [
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(dataset, DCTERMS.title, Literal(ui("site_name", "en"), language="en")),
        Triple(dataset, DCTERMS.title, Literal(ui("site_name", "zh"), language="zh-Hans")),
        Triple(dataset, DCTERMS.description, Literal(ui("site_tagline", "en"), language="en")),
        Triple(dataset, DCTERMS.description, Literal(ui("site_tagline", "zh"), language="zh-Hans")),
        Triple(dataset, VOID.uriSpace, Literal(base)),
        Triple(dataset, VOID.rootResource, NamedNode(_abs("home.index"))),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(_abs("sparql.endpoint"))),
        Triple(dataset, VOID.uriLookupEndpoint, Literal(_abs("search.index") + "?q=")),
        Triple(dataset, VOID.triples, Literal(str(sum(b.triples for b in store().batches())), datatype=XSD.integer)),
        Triple(
            dataset,
            VOID.entities,
            Literal(str(totals["works"] + totals["editions"] + totals["copies"]), datatype=XSD.integer),
        ),
    ]
    t += [Triple(dataset, VOID.vocabulary, NamedNode(ns.base)) for ns in (BF, BFLC, MADS)]
    t += [
        Triple(dataset, VOID.feature, NamedNode(f"http://www.w3.org/ns/formats/{f}"))
        for f in ("Turtle", "JSON-LD", "RDF_XML", "N-Triples")
    ]
    for cls, n in ((BF.Work, totals["works"]), (BF.Instance, totals["editions"]), (BF.Item, totals["copies"])):
        part = NamedNode(f"{dataset.value}#{BF.local(cls)}")
        t += [
            Triple(dataset, VOID.classPartition, part),
            Triple(part, VOID["class"], cls),
            Triple(part, VOID.entities, Literal(str(n), datatype=XSD.integer)),
        ]
    for m in list_members(store()):
        assert m.iri is not None  # a listed member has its IRI
        sub = NamedNode(f"{dataset.value}#{m.code}")
        t += [
            Triple(dataset, VOID.subset, sub),
            Triple(sub, RDF.type, VOID.Dataset),
            Triple(sub, DCTERMS.publisher, NamedNode(m.iri)),
            Triple(sub, DCTERMS.title, Literal(m.name, language="en")),
        ]
        if m.name_zh:
            t.append(Triple(sub, DCTERMS.title, Literal(m.name_zh, language="zh-Hans")))
    works = st.searcher.index.searcher().search(tantivy.Query.all_query(), limit=3, order_by_field=S.WEIGHT_FIELD)
    for _, address in works.hits:
        t.append(
            Triple(dataset, VOID.exampleResource, NamedNode(st.searcher.index.searcher().doc(address).get_first("id")))
        )
    return t


@bp.route("/void")
@bp.route("/.well-known/void")
def void():
    try:
        rep = choose(OFFERS, graph_serialisation)
    except NotAcceptable:  # a browser: Turtle is readable text
        rep = OFFERS[0][1]
    body = serialise(
        cached("void", void_triples), rep.format, {**dict(PREFIXES), "void": VOID.base, "dcterms": DCTERMS.base}
    )
    response = Response(body, mimetype=rep.media_type)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.vary.add("Accept")
    return response


@bp.route("/robots.txt")
def robots():
    text = (
        f"User-agent: *\nDisallow: {url_for('search.index')}\nDisallow: {url_for('sparql.endpoint')}\n"
        f"Sitemap: {_abs('linkeddata.sitemap_index')}\n"
    )
    return Response(text, mimetype="text/plain")


def _works_count() -> int:
    return state().searcher.index.searcher().num_docs


@bp.route("/sitemap.xml")
def sitemap_index():
    pages = max(1, -(-(_works_count() + 1) // SITEMAP_SIZE))
    entries = "".join(
        f"<sitemap><loc>{escape(_abs('linkeddata.sitemap', n=n))}</loc></sitemap>" for n in range(1, pages + 1)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>\n"
    )
    return Response(xml, mimetype="application/xml")


@bp.route("/sitemap-<int:n>.xml")
def sitemap(n: int):
    urls = state().urls
    pages = max(1, -(-(_works_count() + 1) // SITEMAP_SIZE))
    if not 1 <= n <= pages:
        abort(404)
    locs = []
    if n == 1:
        locs.append(_abs("home.index"))
        for m in list_members(store()):
            locs.append(urls.page(m.iri, _external=True))
    searcher = state().searcher.index.searcher()
    found = searcher.search(
        tantivy.Query.all_query(),
        limit=SITEMAP_SIZE,
        offset=(n - 1) * SITEMAP_SIZE,
        order_by_field=S.SORT_TITLE_FIELD,
        order=tantivy.Order.Asc,
        count=False,
    )
    locs += [urls.page(searcher.doc(a).get_first("id"), _external=True) for _, a in found.hits]
    body = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in locs)
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
    return Response(xml, mimetype="application/xml")
