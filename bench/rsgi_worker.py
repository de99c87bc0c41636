"""PROTOTYPE (issue 13): one web worker's app of ``alliance serve`` behind granian's RSGI interface, the
fast lane's lookups answered on granian's event loop, every other request handed to a thread pool that
runs the WSGI app (Flask) as ``alliance serve`` does. For bench/sparql_bench.py's ``rsgi`` stage only:
``BENCH_DATA`` names the data directory (a checkpoint of its store must be published), ``BENCH_THREADS``
the threads of the pool, ``BENCH_LOOP`` which ``/sparql`` queries the loop answers: ``lookups`` (what
:func:`graph.store.bounded.is_lookup` calls a lookup: one triple pattern, stopped at its deadline by its
own serialisation), ``await`` (those, and the fast lane's other queries evaluated on a thread pool the
loop awaits with the deadline: one hand-over each way, no WSGI thread in between) or ``all`` (everything the fast lane answers, joins too: an upper bound, not safe:
a long query there blocks the worker's other requests). Writes are not served (no writer process)."""

from __future__ import annotations

import asyncio
import io
import time
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.store.answers import QueryFailed  # noqa: E402
from graph.store.base import Store  # noqa: E402
from graph.store.bounded import is_lookup  # noqa: E402
from web import protocol, sparql  # noqa: E402
from web.fastlane import NO_FORMAT_PARAMS, _headers, _query_only  # noqa: E402
from web.prefork import Options, worker_app  # noqa: E402
from web.sparql_guard import refusal  # noqa: E402

THREADS = int(os.environ.get("BENCH_THREADS", "4"))
MODE = os.environ.get("BENCH_LOOP", "lookups")  # lookups | all | await


class App:
    def __init__(self) -> None:
        self.flask = worker_app(Options(data=os.environ["BENCH_DATA"], threads=THREADS), "/nonexistent.sock")
        self.pool = ThreadPoolExecutor(THREADS, thread_name_prefix="wsgi")
        self.loop = None
        self.limits = protocol.limits(self.flask.config)
        self.timeout = self.limits.timeout_s

    def __rsgi_init__(self, loop) -> None:
        self.loop = loop

    async def __rsgi__(self, scope, proto) -> None:
        if scope.proto != "http":
            return
        if scope.method == "GET" and scope.path == "/sparql":
            fast = self.fast(scope)
            if fast is not None:
                if fast[0] == 0:  # a query to await on the pool
                    try:
                        fast = await asyncio.wait_for(
                            self.loop.run_in_executor(self.pool, self.answer, *fast[1:]), self.timeout
                        )
                    except asyncio.TimeoutError:
                        body = b"the query ran past the time limit\n"
                        fast = 503, _headers("text/plain; charset=utf-8", len(body), vary=False), body
                if fast is not None:
                    status, headers, body = fast
                    proto.response_bytes(status, headers, body)
                    return
        body = await proto()
        environ = self.environ(scope, body)
        status, headers, chunks = await self.loop.run_in_executor(self.pool, self.wsgi, environ)
        proto.response_bytes(status, headers, chunks)

    # the fast lane, on the loop (web/fastlane.py's checks) ------------------------------------
    def fast(self, scope):
        headers = scope.headers
        params = _query_only(scope.query_string)
        negotiated = sparql._NEGOTIATED.get((NO_FORMAT_PARAMS, headers.get("accept")))
        base_iri = sparql._BASE_URLS.get(self.base_key(scope, headers))
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
            return None
        if MODE != "all" and not is_lookup(params[0][1]):
            if MODE == "await":
                return 0, params[0][1], negotiated, base_iri
            return None
        return self.answer(params[0][1], negotiated, base_iri)

    def answer(self, query, negotiated, base_iri):
        results_rep, graph_rep = negotiated
        store = self.flask.extensions["alliance"].catalogue.store
        store.refresh()
        try:
            answer = Store.answer(
                store._current(),
                query,
                deadline=time.monotonic() + self.timeout,
                limits=self.limits,
                base_iri=base_iri,
                results_format=results_rep.name if results_rep else "json",
                graph_format=graph_rep.name if graph_rep else "turtle",
            )
        except QueryFailed as err:
            body = (str(err) + "\n").encode("utf-8")
            return err.status, _headers("text/plain; charset=utf-8", len(body), vary=False), body
        if (graph_rep if answer.kind == "graph" else results_rep) is None:
            return None
        return 200, _headers(sparql.content_type(answer), len(answer.body)), answer.body

    @staticmethod
    def base_key(scope, headers):
        host, _, port = scope.server.rpartition(":")
        return (scope.scheme, headers.get("host"), host, port, "", scope.path)

    # everything else: the WSGI app on a thread ------------------------------------------------
    def environ(self, scope, body: bytes) -> dict:
        host, _, port = scope.server.rpartition(":")
        raddr, _, rport = scope.client.rpartition(":")
        environ = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": scope.path,
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": host,
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": raddr,
            "REMOTE_PORT": rport,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
        }
        for name, value in scope.headers.items():
            key = name.upper().replace("-", "_")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ["HTTP_" + key] = value
        return environ

    def wsgi(self, environ):
        said = {}

        def start_response(status, headers, exc_info=None):
            said["status"], said["headers"] = int(status.split(" ", 1)[0]), headers

        result = self.flask(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return said["status"], said["headers"], body


app = App()
