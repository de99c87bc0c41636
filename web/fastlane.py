"""The fast lane of ``/sparql``: lookups answered without Flask's request machinery.

Measured on the 2.5M-quad alliance (bench/sparql_bench.py), a lookup cost pyoxigraph ~0.06 ms
and the app ~0.3 ms more: Flask's request context, URL routing (which builds an exception for
each rule it passes), hooks, signals and Werkzeug's request and response objects. Programs that
look things up send the same shape of request again and again: ``GET /sparql?query=…`` with an
``Accept`` the endpoint has already negotiated. Those requests are answered here, in front of the
app (WSGI middleware), with the endpoint's own pieces: the SERVICE refusal
(:mod:`web.sparql_guard`), the remembered negotiation and base URL, :meth:`Store.answer` under the
same limits, the same headers. Anything else, or anything this lane has not seen negotiated yet,
goes through the app as before (which then remembers it for the next time).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from graph.store.answers import QueryFailed
from web import protocol, sparql
from web.sparql_guard import refusal

NO_FORMAT_PARAMS = tuple(() for _ in protocol.FORMAT_PARAMS)


class FastLane:
    """WSGI middleware: ``app.wsgi_app = FastLane(app, app.wsgi_app)``."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "GET" or environ.get("PATH_INFO") != "/sparql":
            return self.wsgi_app(environ, start_response)
        params = _query_only(environ.get("QUERY_STRING", ""))
        negotiated = sparql._NEGOTIATED.get((NO_FORMAT_PARAMS, environ.get("HTTP_ACCEPT")))
        base_iri = sparql._BASE_URLS.get(
            (
                environ.get("wsgi.url_scheme"),
                environ.get("HTTP_HOST"),
                environ.get("SERVER_NAME"),
                environ.get("SERVER_PORT"),
                environ.get("SCRIPT_NAME"),
                environ.get("PATH_INFO"),
            )
        )
        if (
            len(params) != 1
            or params[0][0] != "query"
            or not params[0][1].strip()
            or negotiated is None
            or base_iri is None
            or "html" in negotiated
            or negotiated == (None, None)
            or refusal(params[0][1])
        ):
            return self.wsgi_app(environ, start_response)
        results_rep, graph_rep = negotiated
        catalogue = self.app.extensions["alliance"].catalogue
        store = catalogue.store
        refresh = getattr(store, "refresh", None)
        if refresh is not None:  # a pre-fork worker follows the writer's checkpoints
            refresh()
        try:
            answer = store.answer(
                params[0][1],
                limits=protocol.limits(self.app.config),
                base_iri=base_iri,
                results_format=results_rep.name if results_rep else "json",
                graph_format=graph_rep.name if graph_rep else "turtle",
            )
        except QueryFailed as err:  # as the endpoint's _error for a client that does not want HTML
            body = (str(err) + "\n").encode("utf-8")
            start_response(
                f"{err.status} {_REASONS.get(err.status, 'Error')}",
                _headers("text/plain; charset=utf-8", len(body), vary=False),
            )
            return [body]
        if (graph_rep if answer.kind == "graph" else results_rep) is None:
            return self.wsgi_app(environ, start_response)  # the app answers 406, naming what there is
        start_response("200 OK", _headers(sparql.content_type(answer), len(answer.body)))
        return [answer.body]


def _query_only(query_string: str) -> list[tuple[str, str]]:
    """The query string's parameters, as ``parse_qsl`` gives them (blank values kept). The usual one is
    ``query=…`` alone, percent-encoded ASCII: it is decoded by the codecs in C (``%XX`` as ``\\xXX``
    through ``unicode_escape``, then the bytes as UTF-8), ~6x faster than ``parse_qsl`` (12 µs a lookup
    of the benchmark's mix, ~3% of its time over HTTP). Anything else (a backslash, which that codec
    would read, another parameter, a malformed escape, bytes that are not UTF-8) goes to ``parse_qsl``."""
    usual = query_string.startswith("query=") and query_string.isascii()
    if usual and "&" not in query_string and "\\" not in query_string:
        try:
            text = query_string[6:].replace("+", " ").replace("%", "\\x").encode("ascii").decode("unicode_escape")
            return [("query", text.encode("latin-1").decode("utf-8"))]
        except UnicodeError:
            pass
    return parse_qsl(query_string, keep_blank_values=True)


_REASONS = {
    400: "Bad Request",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _headers(content_type: str, length: int, vary: bool = True) -> list[tuple[str, str]]:
    headers = [
        ("Content-Type", content_type),
        ("Content-Length", str(length)),
        *protocol.CORS_HEADERS.items(),
        ("X-Content-Type-Options", "nosniff"),
    ]
    if vary:
        headers.append(("Vary", "Accept"))
    return headers
