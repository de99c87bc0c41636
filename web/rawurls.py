"""Raw UTF-8 in a request line (``curl 'http://…/search?q=北京'``) read as browsers send it.

Browsers percent-encode non-ASCII bytes of a URL before sending it; scripts often do not.
RFC 9112 allows only ASCII in a request target, and waitress refuses anything else with
400 "Bad URI" before the application sees the request (``urllib.parse.urlsplit`` of the
bytes fails). Percent-encoding those bytes, as a browser would have, gives the request its
intended meaning: the same UTF-8 bytes reach the application through the WSGI environ.

The refusal happens in the server's HTTP parser, before any WSGI application or middleware
runs, so the fix sits in each server's parser: waitress (:func:`create_server`, what
`alliance serve` runs today) and gunicorn 27, which refuses such a line with 400 "Invalid HTTP
request line" (:func:`install_for_gunicorn`, for its pure-Python parser). The encoded bytes reach
the application as WSGI says (ISO-8859-1 in the environ), and Werkzeug reads them back as UTF-8.
"""

from __future__ import annotations

import re

import waitress
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser

_HIGH = re.compile(rb"[\x80-\xff]")


def percent_encode_request_line(header_plus: bytes) -> bytes:
    """The request head with every non-ASCII byte of its first line percent-encoded."""
    end = header_plus.find(b"\r\n")
    first = header_plus if end < 0 else header_plus[:end]
    if first.isascii():
        return header_plus
    encoded = _HIGH.sub(lambda m: b"%%%02X" % m.group()[0], first)
    return encoded if end < 0 else encoded + header_plus[end:]


class Utf8RequestParser(HTTPRequestParser):
    def parse_header(self, header_plus):
        return super().parse_header(percent_encode_request_line(header_plus))


class Utf8Channel(HTTPChannel):
    parser_class = Utf8RequestParser


def create_server(app, **options):
    """``waitress.create_server`` whose channels read raw UTF-8 request lines as percent-encoded."""
    listeners: dict = {}
    server = waitress.create_server(app, map=listeners, **options)
    for listener in listeners.values():  # one server per listening socket makes its channels
        if hasattr(listener, "channel_class"):
            listener.channel_class = Utf8Channel
    return server


def install_for_gunicorn() -> None:
    """Make gunicorn's HTTP/1 parser percent-encode raw UTF-8 in request lines, as :func:`create_server`
    does for waitress. Call it in the gunicorn master before workers fork (an ``on_starting`` or
    ``when_ready`` hook, or the module that builds the app); it covers gunicorn's Python parser
    (``http_parser = "python"``, the default without gunicorn_h1c)."""
    from gunicorn.http import parser  # optional: only a gunicorn server needs it
    from gunicorn.http.message import Request

    if getattr(parser.RequestParser.mesg_class, "reads_raw_utf8", False):
        return

    class Utf8Request(Request):
        reads_raw_utf8 = True

        def parse_request_line(self, line_bytes):
            return super().parse_request_line(percent_encode_request_line(bytes(line_bytes)))

    parser.RequestParser.mesg_class = Utf8Request
