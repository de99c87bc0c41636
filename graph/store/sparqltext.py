"""What can be told about SPARQL text from its tokens, without a parser.

Strings, IRIs and comments are blanked out first, so a keyword inside a literal or an
IRI never counts; ``\\uXXXX`` escapes are undone first, as SPARQL parsers do.
"""

from __future__ import annotations

import re

_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'  # IRIs
    r"|#[^\n]*",  # comments
    re.S,
)
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(match: re.Match) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= 0x10FFFF else match.group(0)


def unescaped(text: str) -> str:
    return _CODEPOINT.sub(_unescape, text)


def code_only(text: str) -> str:
    """``text`` with strings, IRIs and comments replaced by spaces of the same length."""
    return _NOT_CODE.sub(lambda m: " " * len(m.group(0)), unescaped(text))


def mentions(text: str, word: str) -> bool:
    """Whether the keyword ``word`` (lower case) may occur in ``text``: False only when it cannot (the
    text has no escape that could spell it, nor the word in any case), a test ~10x cheaper than
    :func:`code_only` for the usual query that names neither SERVICE nor FROM."""
    return "\\" in text or word in text.casefold()


def keyword(word: str) -> re.Pattern:
    """A pattern for the SPARQL keyword ``word`` (not a variable, prefixed name or part of a word)."""
    return re.compile(rf"(?<![\w:?$]){word}(?![\w:])", re.I)


_FROM = keyword("FROM")


def has_dataset_clause(query: str) -> bool:
    """Whether the query names its own dataset (FROM / FROM NAMED)."""
    return mentions(query, "from") and bool(_FROM.search(code_only(query)))
