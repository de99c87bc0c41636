"""Lookups that can be stopped at their deadline: evaluated on the request's own thread.

A client query in a web worker runs on an evaluator thread while its request waits with the
deadline (:class:`graph.store.snapshots.SnapshotStore`), because a query cannot be stopped inside
the process. That hand-over (a queue and a lock each way, two thread switches) cost a worker as much
as the query itself on the ``/sparql`` lookups (bench/sparql_bench.py). Some lookups need no such
care: their evaluation can be stopped from Python at the deadline.

A query is such a lookup when every step of its evaluation produces a row of the answer: a
``SELECT`` (no ``DISTINCT`` or ``REDUCED``) of one triple pattern, with no variable twice in it, and
at most a ``LIMIT`` after it (no ``OFFSET``: the rows it skips are work without output). The store
answers one triple pattern by reading one index range (one per active graph when it names them), and
each quad read there is a row; pyoxigraph evaluates lazily while it serialises the answer, and hands
it to Python 8 KiB at a time (:class:`graph.store.answers.BoundedWriter`). So the work between two of
those writes is bounded, and a writer that looks at the clock stops the query at its deadline
(:class:`~graph.store.answers.QueryTimeout`) as surely as one that counts bytes stops it at its size
limit. ``<edition> ?p ?o``, ``<edition> rdfs:label ?t``, ``?item bf:itemOf <edition>`` are lookups;
a join, a filter, an aggregate, ``ORDER BY`` (which reads everything before its first row) are not.

The test reads the text's tokens (a small grammar, stricter than SPARQL's: prefixed
names without escapes or dots, short literals), on the text with its IRIs and literals blanked, so
its answer is cached per query shape. Anything it does not recognise goes to the evaluator thread as
before: the test is conservative, never a reason to refuse a query.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CONSTANTS = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>|"[^"\\\n]*"|\'[^\'\\\n]*\'')
_TOKEN = re.compile(
    r"""\s+|\#[^\n]*
    |(?P<iri><x:>)
    |(?P<lit>""(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<x:>|[A-Za-z][\w\-]*:[\w\-]+|:[\w\-]+))?)
    |(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)(?![\w\-:])
    |(?P<num>[+-]?[0-9]+)(?![\w.:\-])
    |(?P<pname>(?:[A-Za-z][\w\-]*)?:[\w\-]*)(?![\w\-.:%\\])
    |(?P<word>[A-Za-z]+)(?![\w\-.:])
    |(?P<punct>[{}.*])
    """,
    re.X,
)


def is_lookup(query: str) -> bool:
    """Whether ``query`` is a lookup whose evaluation yields a row at every step (see the module)."""
    if "\\" in query:  # escapes: leave them to the parser
        return False
    return _lookup_shape(_CONSTANTS.sub(_blank, query))


def _blank(match: re.Match) -> str:
    return "<x:>" if match.group(0)[0] == "<" else '""'


@lru_cache(maxsize=512)
def _lookup_shape(skeleton: str) -> bool:
    tokens = _tokens(skeleton)
    if tokens is None:
        return False
    words = [value.upper() if kind == "word" else kind + ":" + value for kind, value in tokens]
    i = 0
    while i < len(words) and words[i] == "PREFIX":
        if not (words[i + 1 : i + 2] and words[i + 1].startswith("pname:") and words[i + 1].endswith(":")):
            return False
        if words[i + 2 : i + 3] != ["iri:<x:>"]:
            return False
        i += 3
    if words[i : i + 1] != ["SELECT"]:
        return False
    i += 1
    if words[i : i + 1] == ["punct:*"]:
        i += 1
    else:
        start = i
        while i < len(words) and words[i].startswith("var:"):
            i += 1
        if i == start:
            return False
    if words[i : i + 1] == ["WHERE"]:
        i += 1
    if words[i : i + 1] != ["punct:{"]:
        return False
    s, p, o = tokens[i + 1 : i + 4] if len(tokens) >= i + 4 else (None, None, None)
    if not (_term(s, ("var", "iri", "pname")) and _term(p, ("var", "iri", "pname", "a"))):
        return False
    if not _term(o, ("var", "iri", "pname", "lit", "num")):
        return False
    variables = [t[1][1:] for t in (s, p, o) if t is not None and t[0] == "var"]
    if len(set(variables)) != len(variables):
        return False  # ?x ?p ?x: a filter on the index range, rows skipped
    i += 4
    if words[i : i + 1] == ["punct:."]:
        i += 1
    if words[i : i + 1] != ["punct:}"]:
        return False
    i += 1
    if words[i : i + 1] == ["LIMIT"] and len(words) > i + 1 and words[i + 1].startswith("num:"):
        i += 2
    return i == len(words)


def _term(token, kinds: tuple[str, ...]) -> bool:
    if token is None:
        return False
    kind, value = token
    if kind == "word":
        return value == "a" and "a" in kinds
    return kind in kinds


def _tokens(text: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    pos, end = 0, len(text)
    while pos < end:
        m = _TOKEN.match(text, pos)
        if m is None:
            return None
        pos = m.end()
        if m.lastgroup is not None:
            out.append((m.lastgroup, m.group(m.lastgroup)))
    return out
