"""Raw UTF-8 in a request line (``curl 'http://…/search?q=北京'``) read as browsers send it.

Browsers percent-encode non-ASCII bytes of a URL before sending it; scripts often do not.
RFC 9112 allows only ASCII in a request target, and waitress refuses anything else with
400 "Bad URI" before the application sees the request (``urllib.parse.urlsplit`` of the
bytes fails). Percent-encoding those bytes, as a browser would have, gives the request its
intended meaning: the same UTF-8 bytes reach the application through the WSGI environ.

This is a waitress matter: the fix sits in its request parser (:func:`create_server`). A
server that passes such bytes through as ISO-8859-1, as WSGI says (gunicorn does), needs
nothing: Werkzeug reads them back as UTF-8.
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
    for listener in listeners.values():  # one per listening socket: they make the channels
        listener.channel_class = Utf8Channel
    return server
