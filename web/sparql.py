"""``/sparql``: the SPARQL 1.1 Protocol over the union of every member's data.

Queries (anonymous): GET ``?query=``, form POST and direct POST
(``application/sparql-query``). SELECT/ASK answer JSON, XML, CSV or TSV;
CONSTRUCT/DESCRIBE answer any triple serialisation of :mod:`graph.formats`; browsers
get an HTML page with the results. Which format: ``format``/``output``/``results``
parameters (names or media types, as SPARQLWrapper and YASGUI send them), else
``Accept``. ``default-graph-uri``/``named-graph-uri`` set the dataset (over FROM);
without them the default graph is the union of every member's graphs. A bare GET
answers the Service Description. Queries run through :meth:`Store.answer`: bounded
in time and size (``ALLIANCE_SPARQL_TIMEOUT``, ``ALLIANCE_SPARQL_MAX_RESULT_BYTES``);
a syntax error is a 400 with the parser's message. Federated queries are refused
(:mod:`web.sparql_guard`). Reads allow any origin (CORS).

Updates (form ``update=`` or ``application/sparql-update``) need a bearer token:
:mod:`web.writes`.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request
from pyoxigraph import NamedNode

from graph.formats import (
    GRAPH_SERIALISATIONS,
    RDF_SERIALISATIONS,
    RESULTS_SERIALISATIONS,
    graph_serialisation,
    results_serialisation,
)
from graph.formats.jsonld import serialise
from graph.formats.service_description import service_description
from graph.store.answers import QueryFailed
from web.context import store
from web.negotiation import HTML, NotAcceptable, choose, html_preferred
from web.protocol import CORS_HEADERS, FORMAT_PARAMS, ProtocolError, limits
from web.sparql_examples import EXAMPLES
from web.sparql_guard import refusal
from web.writes import run_update
from vocab.namespaces import PREFIXES

bp = Blueprint("sparql", __name__)

RESULT_OFFERS = [(mt, s) for s in RESULTS_SERIALISATIONS for mt in s.media_types] + [(HTML, "html")]
GRAPH_OFFERS = [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types] + [(HTML, "html")]
HTML_ROWS = 1000  # rows an HTML results page shows
FORM = ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return preflight()
    try:
        operation, text, dataset = read_request()
    except ProtocolError as err:
        return _error(err.status, str(err), "")
    if operation == "update":
        return run_update(text, dataset)
    if text is None:
        if html_preferred():
            return render_template("sparql.html", query=EXAMPLES[0].query, examples=EXAMPLES)
        if request.method == "GET" and "query" not in request.args:
            return _service_description()
        return _error(
            400, "the query is empty: send one as ?query=, a form field or an application/sparql-query body", ""
        )
    refused = refusal(text)
    if refused:
        return _error(400, refused, text)
    results_rep, graph_rep = _negotiate()
    if results_rep is None and graph_rep is None:
        choose(RESULT_OFFERS + GRAPH_OFFERS, lambda _: None, ())  # raises 406 naming what there is
    try:
        answer = store().answer(
            text,
            **dataset,
            limits=limits(),
            base_iri=_base_url(),
            results_format="json" if results_rep in ("html", None) else results_rep.name,
            graph_format="turtle" if graph_rep in ("html", None) else graph_rep.name,
        )
    except QueryFailed as err:
        return _error(err.status, str(err), text)
    rep = graph_rep if answer.kind == "graph" else results_rep
    if rep is None:
        offers = GRAPH_OFFERS if answer.kind == "graph" else RESULT_OFFERS
        choose(offers, lambda _: None, ())  # raises 406
    if rep == "html":
        response = _html(text, answer)
    else:
        response = Response(answer.body, content_type=content_type(answer))
    response.vary.add("Accept")
    response.headers.update(CORS_HEADERS)
    return response


def content_type(answer) -> str:
    """The Content-Type of a serialised answer (text, JSON and XML say their charset)."""
    media = answer.media_type
    if media.startswith("text/") or "json" in media or "xml" in media:
        return f"{media}; charset=utf-8"
    return media


_NEGOTIATED: dict = {}  # (format parameters, Accept) -> (results representation, graph representation)
_BASE_URLS: dict = {}  # the request's scheme, host and path -> request.base_url
_MEMO_SIZE = 1024  # entries each memo keeps (clients choose the keys: bounded, emptied when full)


def _memo(memo: dict, key, compute):
    hit = memo.get(key)
    if hit is None:
        hit = compute()
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = hit
    return hit


def _negotiate() -> tuple:
    """What the request's ``format`` parameters and ``Accept`` ask for, for results and for graphs.

    Only those two inputs decide it, and nearly every request sends one of a few combinations:
    remembered, it costs a dict look-up instead of parsing and matching Accept twice.
    """
    values = request.values
    key = (tuple(tuple(values.getlist(p)) for p in FORMAT_PARAMS), request.headers.get("Accept"))
    return _memo(
        _NEGOTIATED,
        key,
        lambda: (_choose(RESULT_OFFERS, results_serialisation), _choose(GRAPH_OFFERS, graph_serialisation)),
    )


def _base_url() -> str:
    """``request.base_url`` (the queries' base IRI), remembered: werkzeug rebuilds it as an IRI every time."""
    env = request.environ
    key = (
        env.get("wsgi.url_scheme"),
        env.get("HTTP_HOST"),
        env.get("SERVER_NAME"),
        env.get("SERVER_PORT"),
        env.get("SCRIPT_NAME"),
        env.get("PATH_INFO"),
    )
    return _memo(_BASE_URLS, key, lambda: request.base_url)


def _choose(offers, lookup):
    try:
        return choose(offers, lookup, FORMAT_PARAMS, strict=False)
    except NotAcceptable:
        return None


def preflight() -> Response:
    """CORS preflight: any origin may read; writes (Authorization) are not offered to browsers elsewhere."""
    response = Response(status=204)
    response.headers.update(CORS_HEADERS)
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept"
    response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS"
    return response


def body_text(kind: str) -> str:
    """The request body as UTF-8 text (the protocol allows no other encoding), bounded in size."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(f"a {kind} must be sent as UTF-8, not {charset}", 415)
    limit = int(current_app.config["ALLIANCE_SPARQL_MAX_REQUEST_BYTES"])
    if request.content_length is not None and request.content_length > limit:
        raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413)
    data = request.stream.read(limit + 1) if request.content_length is None else request.get_data()
    if len(data) > limit:
        raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ProtocolError(f"the {kind} is not valid UTF-8: {err}", 400) from err


def read_request() -> tuple[str, str | None, dict]:
    """The operation ("query" or "update"), its text (None: no query) and dataset of a protocol request."""
    operation = "query"
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-query":
            texts = [body_text("query")]
        elif mimetype == "application/sparql-update":
            operation, texts = "update", [body_text("update")]
        elif mimetype in FORM:
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise ProtocolError(f"a form must be sent as UTF-8, not {charset}", 415)
            limit = int(current_app.config["ALLIANCE_SPARQL_MAX_REQUEST_BYTES"])
            if request.content_length is not None and request.content_length > limit:
                raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413)
            queries, updates = request.form.getlist("query"), request.form.getlist("update")
            if queries and updates:
                raise ProtocolError("a request carries either a query or an update, not both")
            if updates:
                operation, texts = "update", updates
            else:
                texts = queries
        else:
            raise ProtocolError(
                f"POST a query as application/sparql-query, an update as application/sparql-update, or either "
                f"as a form (application/x-www-form-urlencoded), not {mimetype or 'a body without Content-Type'}",
                415,
            )
    else:
        if "update" in request.args:
            raise ProtocolError("an update must be POSTed, never sent with GET", 405)
        texts = request.args.getlist("query")
    if len(texts) > 1:
        raise ProtocolError(f"more than one {operation} in the request")
    text = texts[0] if texts else None
    if text is not None and not text.strip():
        text = None
    if operation == "update":
        if text is None:
            raise ProtocolError("the update is empty")
        return (
            operation,
            text,
            _dataset(("using-graph-uri", "using_graphs"), ("using-named-graph-uri", "using_named_graphs")),
        )
    dataset = _dataset(("default-graph-uri", "default_graph"), ("named-graph-uri", "named_graphs"))
    if dataset and "default_graph" not in dataset:
        dataset["default_graph"] = []  # named graphs only: the default graph is empty (SPARQL 1.1 Protocol 2.1.4)
    if dataset and "named_graphs" not in dataset:
        dataset["named_graphs"] = []
    return operation, text, dataset


def _dataset(*params: tuple[str, str]) -> dict:
    dataset = {}
    for param, key in params:
        uris = request.args.getlist(param) + (request.form.getlist(param) if request.mimetype in FORM else [])
        if uris:
            try:
                dataset[key] = [NamedNode(u) for u in uris]
            except ValueError as err:
                raise ProtocolError(f"{param}: {err}") from err
    return dataset


def _service_description() -> Response:
    rep = choose(
        [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types],
        graph_serialisation,
        FORMAT_PARAMS,
        strict=False,
    )
    triples = service_description(
        request.base_url, update=True, input_formats=RDF_SERIALISATIONS, label="Alliance Graph union catalogue"
    )
    from pyoxigraph import Triple

    body = serialise(
        [Triple(*t) for t in triples],
        rep.format,
        {"sd": "http://www.w3.org/ns/sparql-service-description#", "rdfs": PREFIXES["rdfs"]},
    )
    response = Response(body, mimetype=rep.media_type)
    response.vary.add("Accept")
    response.headers.update(CORS_HEADERS)
    return response


def _html(query: str, answer) -> Response:
    context: dict[str, object] = {"query": query, "examples": EXAMPLES}
    if answer.kind == "graph":
        context["turtle"] = answer.body.decode("utf-8")
    else:
        data = json.loads(answer.body)
        if answer.kind == "boolean":
            context["boolean"] = data["boolean"]
        else:
            variables = data["head"]["vars"]
            bindings = data["results"]["bindings"]
            context["truncated"] = len(bindings) > HTML_ROWS
            rows = [[_cell(b.get(v)) for v in variables] for b in bindings[:HTML_ROWS]]
            context.update(variables=variables, rows=rows)
    return Response(render_template("sparql.html", **context), mimetype="text/html")


def _cell(term: dict | None) -> dict | None:
    """One RDF term of a SPARQL JSON results row, as the HTML table shows it."""
    if term is None:
        return None
    if term["type"] == "uri":
        return {"kind": "iri", "value": term["value"]}
    if term["type"] in ("literal", "typed-literal"):
        return {"kind": "literal", "value": term["value"], "language": term.get("xml:lang")}
    return {"kind": "other", "value": "_:" + term["value"] if term["type"] == "bnode" else term["value"]}


def _error(status: int, message: str, query: str) -> Response:
    if html_preferred():
        body = render_template("sparql.html", query=query, examples=EXAMPLES, error=message)
        response = Response(body, status=status, mimetype="text/html")
    else:
        response = Response(message + "\n", status=status, mimetype="text/plain")
    response.headers.update(CORS_HEADERS)
    return response
