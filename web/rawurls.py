"""Raw UTF-8 in a request line (``curl 'http://…/search?q=北京'``) read as browsers send it.

Browsers percent-encode non-ASCII bytes of a URL before sending it; scripts often do not.
RFC 9112 allows only ASCII in a request target, and waitress refuses anything else with
400 "Bad URI" before the application sees the request (``urllib.parse.urlsplit`` of the
bytes fails). Percent-encoding those bytes, as a browser would have, gives the request its
intended meaning: the same UTF-8 bytes reach the application through the WSGI environ.

The refusal happens in the server's HTTP parser, before any WSGI application or middleware
runs, so the fix sits in the parser of waitress (:func:`create_server`: the single-process
`alliance serve` where there is no ``fork``, and the tests' in-process servers). granian, the
pre-fork `alliance serve` (:mod:`web.prefork`), takes such a line as it is. Either way the bytes
reach the application as WSGI says (ISO-8859-1 in the environ), and Werkzeug reads them back as UTF-8.
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
