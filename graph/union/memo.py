"""What each batch graph says about each shared Instance and Work, kept compact beside the store.

The union derivation (:mod:`graph.union.derive`) needs, for every resource a load touches, what
every live batch graph says about it: the member descriptions (to merge) and the union description
(to replace). Read back from pyoxigraph that costs ~6.6 µs a quad (each term's text looked up); kept
here as one zlib-compressed N-Triples body per (graph, resource) it costs ~1.7 µs a quad to read, about
22 bytes a quad on disk. An entry holds every statement of its graph whose subject is the resource or
one of its fragments (``instance/abc``, ``instance/abc#PKU.r3f2a9c``, ``…-title``, ``#title``…).

The memo lives in the cluster index's SQLite file (``DATA/clusters.sqlite``) and is written inside
the index's load transaction, which commits only after the store switched the batch on and rolls
back when the load fails: a failed load leaves the memo as it was. It mirrors what the switch does to
the store: the new batch's entries in, the replaced batches' out, the union descriptions the switch
deletes taken out of their entries, and the cluster renames applied to the text (an IRI ``old`` or
``old#…`` becomes ``new``/``new#…`` in the graphs the rename applies to).

Only graphs listed as memoed are read from here; any other graph (loaded before the memo existed,
by another data directory into a shared SPARQL server, or by a load without a cluster index) is read
from the store, as before. So the memo is a cache the store can always answer without.
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from collections import defaultdict
from typing import Iterable

from pyoxigraph import RdfFormat, parse

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS said_graphs (graph TEXT PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS said (graph TEXT NOT NULL, resource TEXT NOT NULL, body BLOB NOT NULL,"
    " PRIMARY KEY (graph, resource)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS said_mentions (mention TEXT NOT NULL, graph TEXT NOT NULL, resource TEXT NOT NULL,"
    " PRIMARY KEY (mention, graph, resource)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS said_mentions_entry ON said_mentions (graph, resource)",
)


def ntriples(triples: Iterable[tuple]) -> str:
    """Triples as N-Triples lines."""
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def _distinct(text: str) -> str:
    """N-Triples lines, each once (a set, as the store is), in their first order."""
    return "".join(dict.fromkeys(text.splitlines(keepends=True)))


def parse_entries(texts: dict[str, str]) -> dict[str, list[tuple]]:
    """N-Triples lines of each key (one statement a line) as its (subject, predicate, object) tuples, parsed in one go."""
    if not texts:
        return {}
    # parse gives quads (in the default graph): unpacking them is faster than reading their attributes
    triples = [(s, p, o) for s, p, o, _ in parse("".join(texts.values()).encode(), format=RdfFormat.N_TRIPLES)]
    got, at = {}, 0
    for key, text in texts.items():
        lines = text.count("\n")
        got[key] = triples[at : at + lines]
        at += lines
    return got


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode(), 1)


def _unpack(body: bytes) -> str:
    return zlib.decompress(body).decode()


class DescriptionMemo:
    """The memo in an SQLite connection whose transaction the caller owns (see the module)."""

    def __init__(self, db: sqlite3.Connection, base: str):
        self.db = db
        self.prefixes = (base + "instance/", base + "work/")
        self._iris = re.compile("<((?:" + "|".join(re.escape(p) for p in self.prefixes) + ")[^>#]*)([>#])")
        self._names = re.compile("<((?:" + "|".join(re.escape(p) for p in self.prefixes) + ")[^>#]*)[>#]")
        for statement in SCHEMA:  # plain statements: executescript would commit the caller's transaction
            db.execute(statement)

    # reading -------------------------------------------------------------------------------------
    def graphs(self) -> set[str]:
        """The graphs whose every shared resource's statements are here."""
        return {g for (g,) in self.db.execute("SELECT graph FROM said_graphs")}

    def covers(self, iri: str) -> bool:
        return iri.startswith(self.prefixes)

    def read(self, graph: str, resource: str) -> list[tuple]:
        """What ``graph`` says about ``resource`` and its fragments (empty: nothing)."""
        row = self.db.execute("SELECT body FROM said WHERE graph=? AND resource=?", (graph, resource)).fetchone()
        if row is None:
            return []
        return [(s, p, o) for s, p, o, _ in parse(_unpack(row[0]), format=RdfFormat.N_TRIPLES)]

    def read_texts(self, graph: str, resources: list[str]) -> dict[str, str]:
        """What ``graph`` says about each of ``resources`` that it says anything of, as N-Triples lines (one
        statement a line): the derivation parses only the lines it needs terms of (:func:`parse_entries`)."""
        got: dict[str, str] = {}
        for start in range(0, len(resources), 500):
            part = resources[start : start + 500]
            for resource, body in self.db.execute(
                f"SELECT resource, body FROM said WHERE graph=? AND resource IN ({','.join('?' * len(part))})",
                (graph, *part),
            ):
                got[resource] = _unpack(body)
        return got

    def mover(self, mapping: dict[str, str]):
        """A function doing to N-Triples text what the switch's rewrite does (see :meth:`rename`)."""
        return lambda text: self._iris.sub(lambda m: "<" + mapping.get(m[1], m[1]) + m[2], text)

    # writing (inside the load's transaction) -----------------------------------------------------
    def put(self, graph: str, resource: str, triples: Iterable[tuple]) -> None:
        """``graph``'s statements about ``resource`` are now ``triples`` (none: the entry goes)."""
        self._store(graph, resource, _distinct(ntriples(triples)))

    def put_text(self, graph: str, resource: str, text: str) -> None:
        """:meth:`put` with the statements as N-Triples lines, as :meth:`read_texts` gives them."""
        self._store(graph, resource, _distinct(text))

    def add_graph(self, graph: str, entries: Iterable[tuple[str, str]]) -> None:
        """A new batch graph, complete: (resource, its statements as N-Triples lines) for each shared
        resource it says anything of (:func:`ntriples`; a statement that comes twice is kept once),
        written as they come (a large batch's entries are never all in memory at once)."""
        rows, mentions = [], []
        for resource, text in entries:
            text = _distinct(text)
            rows.append((graph, resource, _pack(text)))
            mentions += [(m, graph, resource) for m in self._mentioned(text) if m != resource]
            if len(rows) >= 1000:
                self._insert(rows, mentions)
                rows, mentions = [], []
        self._insert(rows, mentions)
        self.db.execute("INSERT OR IGNORE INTO said_graphs VALUES (?)", (graph,))

    def _insert(self, rows: list, mentions: list) -> None:
        self.db.executemany("INSERT OR REPLACE INTO said VALUES (?, ?, ?)", rows)
        self.db.executemany("INSERT OR IGNORE INTO said_mentions VALUES (?, ?, ?)", mentions)

    def forget(self, graphs: Iterable[str]) -> None:
        """Graphs switched off: their entries go."""
        for g in graphs:
            self.db.execute("DELETE FROM said WHERE graph=?", (g,))
            self.db.execute("DELETE FROM said_mentions WHERE graph=?", (g,))
            self.db.execute("DELETE FROM said_graphs WHERE graph=?", (g,))

    def clear(self) -> None:
        """Forget everything (the store may hold what the memo never saw): every graph is read from the store."""
        for table in ("said", "said_mentions", "said_graphs"):
            self.db.execute(f"DELETE FROM {table}")

    def rename(self, graph: str, mapping: dict[str, str]) -> None:
        """What the switch's rewrite does to ``graph``: every IRI ``old`` or ``old#…`` becomes ``new``/``new#…``."""
        hits: dict[str, None] = {}
        for old in mapping:
            hits[old] = None
            for (resource,) in self.db.execute(
                "SELECT resource FROM said_mentions WHERE mention=? AND graph=?", (old, graph)
            ).fetchall():
                hits[resource] = None
        moved: dict[str, dict] = defaultdict(dict)
        for resource in hits:
            row = self.db.execute("SELECT body FROM said WHERE graph=? AND resource=?", (graph, resource)).fetchone()
            if row is None:
                continue
            text = self._iris.sub(lambda m: "<" + mapping.get(m[1], m[1]) + m[2], _unpack(row[0]))
            self._store(graph, resource, "")
            moved[mapping.get(resource, resource)].update(dict.fromkeys(text.splitlines(keepends=True)))
        for resource, lines in moved.items():
            row = self.db.execute("SELECT body FROM said WHERE graph=? AND resource=?", (graph, resource)).fetchone()
            if row is not None:  # the survivor's own statements in this graph, and the ones moved onto it
                lines = {**dict.fromkeys(_unpack(row[0]).splitlines(keepends=True)), **lines}
            self._store(graph, resource, "".join(lines))

    def _store(self, graph: str, resource: str, text: str) -> None:
        db = self.db
        db.execute("DELETE FROM said_mentions WHERE graph=? AND resource=?", (graph, resource))
        if not text:
            db.execute("DELETE FROM said WHERE graph=? AND resource=?", (graph, resource))
            return
        db.execute("INSERT OR REPLACE INTO said VALUES (?, ?, ?)", (graph, resource, _pack(text)))
        mentions = {m for m in self._mentioned(text) if m != resource}
        db.executemany("INSERT OR IGNORE INTO said_mentions VALUES (?, ?, ?)", [(m, graph, resource) for m in mentions])

    def _mentioned(self, text: str) -> set[str]:
        """The shared resources an entry's text names (an IRI's part before ``#``)."""
        return set(self._names.findall(text))  # one group: strings, no match objects
