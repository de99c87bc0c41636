"""``/sparql``: the SPARQL 1.1 Protocol over the union of every member's data.

GET ``?query=``, form POST and direct POST (``application/sparql-query``).
SELECT/ASK answer JSON, XML, CSV or TSV; CONSTRUCT/DESCRIBE answer any triple
serialisation of :mod:`graph.formats`; browsers get an HTML page with the results.
Which format: ``format``/``output``/``results`` parameters (names or media types, as
SPARQLWrapper and YASGUI send them), else ``Accept``. A syntax error is a 400 with
the parser's message. ``default-graph-uri``/``named-graph-uri`` narrow the dataset.
Federated queries are refused (:mod:`web.sparql_guard`).
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from pyoxigraph import Literal, NamedNode, QueryBoolean, QuerySolutions, QueryTriples, serialize

from graph.formats import (GRAPH_SERIALISATIONS, RESULTS_SERIALISATIONS, graph_serialisation,
                           results_serialisation)
from web.context import store
from web.errors import error_response
from web.negotiation import HTML, choose, html_acceptable
from web.sparql_examples import EXAMPLES
from web.sparql_guard import refusal
from vocab.namespaces import PREFIXES

bp = Blueprint("sparql", __name__)

FORMAT_PARAMS = ("format", "output", "results")
RESULT_OFFERS = [(mt, s) for s in RESULTS_SERIALISATIONS for mt in s.media_types] + [(HTML, "html")]
GRAPH_OFFERS = [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types] + [(HTML, "html")]
HTML_ROWS = 1000  # rows an HTML results page shows


class ProtocolError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    try:
        query, dataset = read_request()
    except ProtocolError as err:
        return _error(err.status, str(err), "")
    if query is None:
        if html_acceptable():
            return render_template("sparql.html", query=EXAMPLES[0].query, examples=EXAMPLES)
        return _error(400, "no query: send one as ?query=, a form field or an application/sparql-query body", "")
    refused = refusal(query)
    if refused:
        return _error(400, refused, query)
    try:
        results = store().query(query, **dataset)
    except SyntaxError as err:
        return _error(400, f"query syntax error: {err}", query)
    except (OSError, RuntimeError, ValueError) as err:
        return _error(500, f"query evaluation failed: {err}", query)
    if isinstance(results, QueryTriples):
        rep = choose(GRAPH_OFFERS, graph_serialisation, FORMAT_PARAMS, strict=False)
    else:
        rep = choose(RESULT_OFFERS, results_serialisation, FORMAT_PARAMS, strict=False)
    try:
        response = _html(query, results) if rep == "html" else _data(results, rep)
    except (OSError, RuntimeError, ValueError) as err:  # evaluation errors surface while reading results
        return _error(500, f"query evaluation failed: {err}", query)
    response.vary.add("Accept")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def read_request() -> tuple[str | None, dict]:
    """The query text and dataset of a protocol request (None if there is no query)."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == "application/sparql-query":
            queries = [request.get_data(as_text=True)]
        elif mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            if "update" in request.form:
                raise ProtocolError("SPARQL Update is not accepted at /sparql")
            queries = request.form.getlist("query")
        else:
            raise ProtocolError(f"POST a query as application/sparql-query or a form, not {mimetype or 'nothing'}",
                                415)
    else:
        queries = request.args.getlist("query")
    if len(queries) > 1:
        raise ProtocolError("more than one query in the request")
    dataset = {}
    for param, key in (("default-graph-uri", "default_graph"), ("named-graph-uri", "named_graphs")):
        uris = request.values.getlist(param)
        if uris:
            try:
                dataset[key] = [NamedNode(u) for u in uris]
            except ValueError as err:
                raise ProtocolError(f"{param}: {err}") from err
    query = queries[0] if queries else None
    return (query if query and query.strip() else None), dataset


def _data(results, rep) -> Response:
    if isinstance(results, QueryTriples):
        body = serialize(results, format=rep.format, prefixes=dict(PREFIXES))
    else:
        body = results.serialize(format=rep.format)
    return Response(body, mimetype=rep.media_type)


def _html(query: str, results) -> Response:
    context = {"query": query, "examples": EXAMPLES}
    if isinstance(results, QueryBoolean):
        context["boolean"] = bool(results)
    elif isinstance(results, QuerySolutions):
        variables = [v.value for v in results.variables]
        rows = []
        for n, solution in enumerate(results):
            if n == HTML_ROWS:
                context["truncated"] = True
                break
            rows.append([_cell(solution[v]) for v in variables])
        context.update(variables=variables, rows=rows)
    else:
        context["turtle"] = serialize(results, format=GRAPH_SERIALISATIONS[0].format,
                                      prefixes=dict(PREFIXES)).decode("utf-8")
    return Response(render_template("sparql.html", **context), mimetype="text/html")


def _cell(term) -> dict | None:
    """One RDF term of a results row, as the HTML table shows it."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return {"kind": "iri", "value": term.value}
    if isinstance(term, Literal):
        return {"kind": "literal", "value": term.value, "language": term.language}
    return {"kind": "other", "value": str(term)}


def _error(status: int, message: str, query: str) -> Response:
    if html_acceptable() and request.accept_mimetypes and request.accept_mimetypes.best == HTML:
        body = render_template("sparql.html", query=query, examples=EXAMPLES, error=message)
        return Response(body, status=status, mimetype="text/html")
    return Response(message + "\n", status=status, mimetype="text/plain")
