"""A web worker of the pre-fork server: reads here, writes to the writer process.

:func:`init_app` is registered by :func:`web.create_app` when ``ALLIANCE_WRITER`` names the
writer's Unix socket (:mod:`web.writer`). Before each request the worker follows the writer:
the store opens the newest published checkpoint if it moved and the search index is reopened
if its state changed (one ``stat`` each). A write (SPARQL Update at ``/sparql``, PUT/POST/
DELETE at ``/graph-store``) is passed to the writer as it came, headers (the bearer token,
``Host``) and body streamed, and its answer returned: tokens are checked, and the write
serialised, in the one process that may write.
"""

from __future__ import annotations

import http.client
import socket
import time

from flask import Flask, Response, current_app, request

from graph.index import Searcher
from web.context import state

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
WRITE_METHODS = {"PUT", "POST", "DELETE"}
FORM = ("application/x-www-form-urlencoded", "multipart/form-data")
BLOCK = 1 << 20
CONNECT_WAIT_S = 15.0  # a writer restarting (SIGHUP) is waited for this long


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self._path)
        self.sock = sock


def is_write() -> bool:
    """Whether the current request changes the store (and must go to the writer)."""
    if request.method not in WRITE_METHODS:
        return False
    path = request.path
    if path == "/graph-store" or path.startswith("/graph-store/"):
        return True
    if path != "/sparql" or request.method != "POST":
        return False
    if request.mimetype == "application/sparql-update":
        return True
    if request.mimetype in FORM:
        limit = int(current_app.config["ALLIANCE_SPARQL_MAX_REQUEST_BYTES"])
        if request.content_length is not None and request.content_length > limit:
            return False  # refused here, unread
        request.get_data(cache=True)  # the form is parsed from this copy, and forwarded as it is
        return "update" in request.form
    return False


def forward(socket_path: str, timeout_s: float) -> Response:
    """Send the current request to the writer and return its answer."""
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP | {"content-length"}}
    cached = getattr(request, "_cached_data", None)
    if cached is not None:
        body, headers["Content-Length"] = cached, str(len(cached))
    elif request.content_length is not None:
        body, headers["Content-Length"] = _blocks(request.stream), str(request.content_length)
    else:
        body = _blocks(request.stream)
        headers["Transfer-Encoding"] = "chunked"
    target = request.full_path if request.query_string else request.path
    deadline = time.monotonic() + CONNECT_WAIT_S
    while True:
        conn = _UnixConnection(socket_path, timeout_s)
        try:
            conn.connect()
            break
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
            if time.monotonic() > deadline:
                return Response(
                    "the writer process is not running; writes are unavailable\n",
                    status=503,
                    mimetype="text/plain",
                    headers={"Retry-After": "10"},
                )
            time.sleep(0.2)
    try:
        conn.request(request.method, target, body=body, headers=headers, encode_chunked="Transfer-Encoding" in headers)
        answer = conn.getresponse()
        data = answer.read()
        out = Response(data, status=answer.status)
        out.headers.clear()
        for k, v in answer.getheaders():
            if k.lower() not in HOP_BY_HOP | {"content-length", "server", "date"}:
                out.headers.add(k, v)
        return out
    except (OSError, http.client.HTTPException) as err:
        return Response(f"the writer process failed: {err}\n", status=502, mimetype="text/plain")
    finally:
        conn.close()


def _blocks(stream):
    while True:
        block = stream.read(BLOCK)
        if not block:
            return
        yield block


def init_app(app: Flask) -> None:
    socket_path = app.config["ALLIANCE_WRITER"]
    timeout_s = float(app.config.get("ALLIANCE_WRITER_TIMEOUT", 3600))

    @app.before_request
    def follow_writer():
        st = state()
        catalogue = st.catalogue
        refresh = getattr(catalogue.store, "refresh", None)
        if refresh is not None:
            refresh()
        if catalogue.follow_search():
            st.searcher = Searcher(catalogue.search)
        if is_write():
            return forward(socket_path, timeout_s)
        return None
