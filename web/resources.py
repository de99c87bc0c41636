"""Resource pages: every resource URI answers HTML to browsers and RDF to machines."""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, render_template, request
from pyoxigraph import serialize

from graph.formats import GRAPH_SERIALISATIONS, RdfSerialisation, graph_serialisation
from graph.records import VIEWS, describe
from vocab.namespaces import PREFIXES
from web.context import page_language, state, store
from web.negotiation import HTML, choose
from web.urls import PAGE_KINDS

bp = Blueprint("resources", __name__)

OFFERS = [(HTML, "html")] + [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types]


@bp.route(f"/<any({', '.join(PAGE_KINDS)}):kind>/<ident>")
def resource(kind: str, ident: str):
    urls = state().urls
    iri = urls.iri(kind, ident.lower() if kind == "library" else ident)
    if iri is None:
        abort(404)
    if kind == "library" and ident != ident.lower():  # library codes are case-insensitive
        return redirect(urls.page(iri, **request.args), code=301)
    if kind in ("instance", "work") and (survivor := state().catalogue.clusters.redirect(iri.value)):
        return redirect(urls.page(survivor, **request.args), code=301)  # merged into another cluster
    rep = choose(OFFERS, graph_serialisation)
    if rep == "html":
        view = VIEWS[kind](store(), iri, page_language())
        if view is None:
            abort(404)
        response = Response(render_template(f"{kind}.html", view=view), mimetype="text/html")
    else:
        triples = describe(store(), iri)
        if not triples:
            abort(404)
        response = rdf_response(triples, rep)
    response.headers["Link"] = urls.link_header(iri)
    response.vary.add("Accept")
    return response


def rdf_response(triples, rep: RdfSerialisation) -> Response:
    body = serialize(triples, format=rep.format, prefixes=dict(PREFIXES))
    response = Response(body, mimetype=rep.media_type)  # text/* types get "; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
