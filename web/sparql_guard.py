"""What the public endpoint refuses before a query runs.

pyoxigraph evaluates ``SERVICE <url>`` by fetching the URL, which would let anyone
make this server call hosts on its own network. It cannot be switched off in the
library, so queries that use SERVICE are refused here. The check looks at the
query's tokens with strings, IRIs and comments taken out, so "service" inside a
literal or an IRI is fine.
"""
from __future__ import annotations

import re

_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'       # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'                 # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'           # IRIs
    r"|#[^\n]*",                            # comments
    re.S)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SERVICE = re.compile(r"(?<![\w:])SERVICE(?=[\s<?$(]|$)", re.I)


def _unescape(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def refusal(query: str) -> str | None:
    """Why the endpoint will not run ``query``, or None if it may."""
    # SPARQL undoes \\uXXXX escapes before parsing (so does oxigraph): check what it will parse
    text = _CODEPOINT.sub(_unescape, query)
    code = _NOT_CODE.sub(" ", text)
    if _SERVICE.search(code):
        return "federated queries (SERVICE) are not allowed at this endpoint"
    return None
