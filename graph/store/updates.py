"""SPARQL Update requests taken apart before they run: which graphs they write, what they read.

pyoxigraph runs an update as one transaction but cannot say, from Python, which graphs
it would touch, nor evaluate its WHERE clauses over our union of member graphs. So:

- :func:`effects` parses the update with rdflib's SPARQL Update parser (a second,
  independent parser) and lists every graph it writes: IRIs, ``DEFAULT`` (the store's
  own default graph) and ``ANY`` (``CLEAR ALL``/``NAMED``, ``GRAPH ?g`` in a template),
  and the graphs it drops.
- :func:`operations` splits the text into its operations by tokens (strings, IRIs and
  comments blanked out) and finds each DELETE/INSERT operation's WHERE group, so that
- :func:`with_dataset` can give those operations a dataset (``USING`` clauses: the
  union of member graphs, or the protocol's ``using-graph-uri``), and
- :func:`where_queries` can turn each WHERE group into a ``SELECT (COUNT(*) …)`` that is
  run first, bounded in time, before the update is allowed to run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.store.sparqltext import keyword

DEFAULT = "DEFAULT"
ANY = "ANY"


class UpdateRejected(ValueError):
    """The update cannot be accepted as sent (syntax, a dataset conflict)."""


# effects --------------------------------------------------------------------------------------
@dataclass
class Effects:
    writes: list[str] = field(default_factory=list)  # graph IRIs, DEFAULT or ANY, in order of first write
    drops: set[str] = field(default_factory=set)  # graphs that no longer exist afterwards
    has_using: bool = False  # USING / WITH in some operation
    loads: bool = False

    def write(self, graph: str) -> None:
        self.drops.discard(graph)
        if graph not in self.writes:
            self.writes.append(graph)

    def drop(self, graph: str) -> None:
        self.write(graph)
        self.drops.add(graph)


def effects(update: str, base_iri: str | None) -> Effects:
    """Every graph ``update`` writes or drops; raises :class:`UpdateRejected` on a syntax error."""
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate
    from rdflib.term import URIRef

    try:
        parsed = translateUpdate(parseUpdate(update), base=base_iri)
    except Exception as err:  # pyparsing and rdflib raise many kinds
        raise UpdateRejected(f"update syntax error: {err}") from err

    def name(term) -> str:
        if isinstance(term, URIRef):
            return str(term)
        if isinstance(term, str) and term.upper() == "DEFAULT":
            return DEFAULT
        return ANY  # NAMED, ALL, a variable

    found = Effects()
    for op in parsed.algebra or []:
        kind = op.name
        if kind in ("InsertData", "DeleteData", "DeleteWhere"):
            for g in op.quads or {}:
                found.write(name(g))
            if op.triples:
                found.write(DEFAULT)
        elif kind == "Modify":
            target = name(op.withClause) if op.withClause is not None else DEFAULT
            found.has_using = found.has_using or op.withClause is not None or bool(op.using)
            for clause in (op.delete, op.insert):
                if clause is None:
                    continue
                for g in clause.quads or {}:
                    found.write(name(g))
                if clause.triples:
                    found.write(target)
        elif kind in ("Clear", "Create"):
            found.write(name(op.graphiri))
        elif kind == "Drop":
            found.drop(name(op.graphiri))
        elif kind in ("Add", "Copy"):
            found.write(name(op.graph[1]))
        elif kind == "Move":
            source, target = name(op.graph[0]), name(op.graph[1])
            if source != target:
                found.drop(source)
            found.write(target)
        elif kind == "Load":
            found.loads = True
            found.write(name(op.graphiri) if op.graphiri is not None else DEFAULT)
        else:
            raise UpdateRejected(f"unknown update operation {kind}")
    return found


# operations by tokens ----------------------------------------------------------------------------
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.S,
)
_WHERE = keyword("WHERE")
_USING_OR_WITH = re.compile(r"(?<![\w:?$])(USING|WITH)(?![\w:])", re.I)
_DELETE_BEFORE = re.compile(r"(?<![\w:?$])DELETE\s*$", re.I)
_PROLOGUE = re.compile(r"(?<![\w:?$])(PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)", re.I)


def _blank(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out, same length (IRIs keep their brackets)."""

    def repl(m: re.Match) -> str:
        s = m.group(0)
        return "<" + " " * (len(s) - 2) + ">" if s.startswith("<") else " " * len(s)

    return _NOT_CODE.sub(repl, text)


@dataclass
class Operation:
    start: int
    end: int
    where: int | None = None  # offset of its WHERE keyword (DELETE/INSERT … WHERE)
    group: tuple[int, int] | None = None  # offsets of the WHERE group's braces, inclusive
    has_dataset: bool = False  # USING or WITH
    short_delete: bool = False  # DELETE WHERE { … }


def operations(update: str) -> list[Operation]:
    """The operations of ``update`` (split at top-level ';'), with their WHERE groups."""
    code = _blank(update)
    ops, depth, start = [], 0, 0
    for i, ch in enumerate(code):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == ";" and depth == 0:
            ops.append(Operation(start, i))
            start = i + 1
    ops.append(Operation(start, len(code)))
    for op in ops:
        segment = code[op.start : op.end]
        depth = 0
        for i, ch in enumerate(segment):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif depth == 0 and ch in "wW" and _WHERE.match(segment, i) and (i == 0 or not segment[i - 1].isalnum()):
                if op.where is None:
                    op.where = op.start + i
                    op.short_delete = bool(_DELETE_BEFORE.search(segment[:i]))
                    open_at = segment.find("{", i)
                    if open_at >= 0:
                        close_at, d = open_at, 0
                        for j in range(open_at, len(segment)):
                            if segment[j] == "{":
                                d += 1
                            elif segment[j] == "}":
                                d -= 1
                                if d == 0:
                                    close_at = j
                                    break
                        op.group = (op.start + open_at, op.start + close_at)
        head = segment[: op.where - op.start] if op.where is not None else ""
        op.has_dataset = bool(_USING_OR_WITH.search(_depth0(head)))
    return [op for op in ops if code[op.start : op.end].strip()]


def _depth0(segment: str) -> str:
    out, depth = [], 0
    for ch in segment:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            out.append(ch)
            continue
        out.append(" ")
    return "".join(out)


def with_dataset(update: str, default: list[str], named: list[str], *, protocol: bool) -> str:
    """``update`` with ``USING``/``USING NAMED`` clauses before each DELETE/INSERT operation's WHERE.

    ``protocol``: the graphs come from ``using-graph-uri``/``using-named-graph-uri``, and an
    operation with its own USING or WITH is an error (SPARQL 1.1 Protocol 2.2.3); otherwise
    they are the union of member graphs, given only to operations that name no dataset.
    """
    ops = operations(update)
    clauses = "".join(f" USING <{g}>" for g in default) + "".join(f" USING NAMED <{g}>" for g in named) + " "
    if not default and not named:
        return update
    text = update
    for op in reversed(ops):
        if op.where is None or op.short_delete:
            continue
        if op.has_dataset:
            if protocol:
                raise UpdateRejected(
                    "the request gives using-graph-uri/using-named-graph-uri and the update has "
                    "its own USING or WITH: send one or the other"
                )
            continue
        text = text[: op.where] + clauses + text[op.where :]
    return text


def where_queries(update: str) -> list[str]:
    """``SELECT (COUNT(*) AS ?n)`` over each operation's WHERE group, with the prologue it needs.

    Each keeps the operation's USING/WITH as FROM clauses, so it reads what the operation reads.
    """
    code = _blank(update)
    queries = []
    for op in operations(update):
        if op.group is None or op.where is None:  # a group is only found after a WHERE
            continue
        prologue = " ".join(
            update[m.start() : m.end()]
            for m in _PROLOGUE.finditer(code, 0, op.start)
            if _depth_at(code, m.start()) == 0
        )
        head = update[op.start : op.where]
        local = " ".join(update[m.start() : m.end()] for m in _PROLOGUE.finditer(code, op.start, op.where))
        dataset = []
        for m in re.finditer(
            r"(?<![\w:?$])(USING\s+NAMED|USING|WITH)\s*(<[^>]*>|[^\s{}]*:[^\s{}]*)",
            _depth0(code[op.start : op.where]),
            re.I,
        ):
            word = m.group(1).upper().split()
            iri = head[m.start(2) : m.end(2)]
            dataset.append(("FROM NAMED " if word[-1] == "NAMED" else "FROM ") + iri)
        group = update[op.group[0] : op.group[1] + 1]
        queries.append(f"{prologue} {local}\nSELECT (COUNT(*) AS ?n) {' '.join(dataset)} WHERE {group}")
    return queries


def _depth_at(code: str, pos: int) -> int:
    return code.count("{", 0, pos) - code.count("}", 0, pos)
