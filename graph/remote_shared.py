"""What web nodes share through the SPARQL server when the graph lives there (``--store sparql+http://…``).

With the graph in a server, a web node's data directory holds only what it derives (the search
index) and can be thrown away: everything else a page or a write needs comes from the server,
in graphs outside every batch (never part of the union a query reads, never collected as a
crashed load):

- ``{base}tokens``: the write tokens (:class:`ServerTokens`, the interface of
  :class:`graph.alliance.tokens.TokenStore`): ``<{base}tokens#ID> alliance:tokenDigest "sha256…" ;
  alliance:grant "{json}"``. A token made through one node works on every node at once.
- ``{base}sources``: the members' source records for MARCXML export (:class:`ServerSourceArchive`,
  the interface of :class:`graph.load.archive.SourceArchive`): one resource per record and batch with
  ``alliance:code``, ``alliance:controlNumber``, ``alliance:inBatch``, ``alliance:scheme`` and
  ``alliance:marcxml`` (the record as MARCXML). A record is shown only while its batch is active.

Only digests of tokens are stored, as in the file: the 256-bit secrets cannot be recovered from
them, so a client who reads the graph (``FROM <{base}tokens>``) learns who has tokens, not a token.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import asdict
from typing import Iterable

from pyoxigraph import Literal, NamedNode

from graph.load.archive import ArchivedRecord
from graph.alliance.tokens import Grant, digest_of, mint
from vocab.namespaces import ALLIANCE


def _lit(value: str) -> str:
    return str(Literal(value))


class ServerTokens:
    """Write tokens kept in the server's ``{base}tokens`` graph."""

    def __init__(self, store):
        self.store = store
        self.graph = NamedNode(store.minter.base + "tokens")

    def _node(self, ident: str) -> NamedNode:
        return NamedNode(f"{self.graph.value}#{ident}")

    def create(self, *, member: str | None = None, admin: bool = False, label: str = "") -> tuple[Grant, str]:
        grant, token, digest = mint(member=member, admin=admin, label=label)
        node = self._node(grant.id)
        self.store.update_plain(
            f"INSERT DATA {{ GRAPH {self.graph} {{ {node} {ALLIANCE.tokenDigest} {_lit(digest)} ; "
            f"{ALLIANCE.grant} {_lit(json.dumps(asdict(grant)))} }} }}"
        )
        return grant, token

    def _entries(self, where: str = "") -> list[dict]:
        rows = self.store.select_plain(
            f"SELECT ?grant WHERE {{ GRAPH {self.graph} {{ ?t {ALLIANCE.tokenDigest} ?d ; "
            f"{ALLIANCE.grant} ?grant . {where} }} }}"
        )
        return [json.loads(r["grant"].value) for r in rows]

    def grants(self) -> list[Grant]:
        return sorted((Grant(**e) for e in self._entries()), key=lambda g: g.created)

    def revoke(self, ident: str) -> bool:
        node = self._node(ident)
        if not bool(self.store.select_plain(f"ASK {{ GRAPH {self.graph} {{ {node} ?p ?o }} }}")):
            return False
        self.store.update_plain(f"DELETE WHERE {{ GRAPH {self.graph} {{ {node} ?p ?o }} }}")
        return True

    def verify(self, token: str) -> Grant | None:
        digest = digest_of(token)
        if digest is None:
            return None
        found = self._entries(f"FILTER(STR(?d) = {_lit(digest)})")
        return Grant(**found[0]) if found else None


class ServerSourceArchive:
    """The members' source records kept in the server's ``{base}sources`` graph."""

    def __init__(self, store):
        self.store = store
        self.graph = NamedNode(store.minter.base + "sources")

    def _node(self, member: str, control: str, graph: str) -> NamedNode:
        key = hashlib.blake2b(f"{member}\t{control}\t{graph}".encode(), digest_size=12).hexdigest()
        return NamedNode(f"{self.graph.value}/{key}")

    def add(self, member: str, graph: str, rows: Iterable[tuple[str, str, bytes]]) -> int:
        """Keep source rows (:func:`graph.load.archive.source_row`) as loaded into ``graph``; returns how many."""
        member, batch = member.upper(), NamedNode(graph)
        triples = []
        for scheme, control, packed in rows:
            xml = zlib.decompress(packed)
            node = self._node(member, control, graph)
            triples += [
                (node, ALLIANCE.code, Literal(member)),
                (node, ALLIANCE.controlNumber, Literal(control)),
                (node, ALLIANCE.inBatch, batch),
                (node, ALLIANCE.scheme, Literal(scheme)),
                (node, ALLIANCE.marcxml, Literal(xml.decode("utf-8"))),
            ]
        self.store.post_plain(self.graph, triples)
        return len(triples) // 5

    def prune(self, active: Iterable[str]) -> int:
        """Forget the records of batches that are no longer active."""
        keep = {getattr(g, "value", g) for g in active}
        rows = self.store.select_plain(
            f"SELECT DISTINCT ?b WHERE {{ GRAPH {self.graph} {{ ?r {ALLIANCE.inBatch} ?b }} }}"
        )
        gone = [r["b"] for r in rows if r["b"].value not in keep]
        for b in gone:
            self.store.update_plain(
                f"DELETE {{ GRAPH {self.graph} {{ ?r ?p ?o }} }} WHERE {{ GRAPH {self.graph} "
                f"{{ ?r {ALLIANCE.inBatch} {b} ; ?p ?o }} }}"
            )
        return len(gone)

    def records(self, wanted: Iterable[tuple[str, str]], active: Iterable) -> list[ArchivedRecord]:
        """The archived records of (member, control number) pairs, from active batches only."""
        wanted = [(m.upper(), c) for m, c in wanted]
        if not wanted:
            return []
        live = {getattr(g, "value", g) for g in active}
        values = " ".join(f"({_lit(m)} {_lit(c)})" for m, c in wanted)
        rows = self.store.select_plain(
            f"SELECT ?m ?c ?b ?scheme ?xml WHERE {{ VALUES (?m ?c) {{ {values} }} GRAPH {self.graph} {{ "
            f"?r {ALLIANCE.code} ?m ; {ALLIANCE.controlNumber} ?c ; {ALLIANCE.inBatch} ?b ; "
            f"{ALLIANCE.scheme} ?scheme ; {ALLIANCE.marcxml} ?xml }} }}"
        )
        found: dict[tuple[str, str], ArchivedRecord] = {}
        for r in rows:
            key = (r["m"].value, r["c"].value)
            if r["b"].value in live and key not in found:
                found[key] = ArchivedRecord(key[0], key[1], r["scheme"].value, r["xml"].value.encode("utf-8"))
        return [found[k] for k in wanted if k in found]

    def close(self) -> None:
        pass


__all__ = ["ServerSourceArchive", "ServerTokens"]
