"""What a store keeps of a batch on the way in, for the union derivation (:mod:`graph.union.derive`)."""

from __future__ import annotations

from pyoxigraph import NamedNode, RdfFormat, parse

# the kinds of resource only one member ever states (copies, collections, libraries, batch graphs)
OWN_KINDS = ("item", "collection", "library", "graph")


class BatchStatements:
    """A batch's statements about shared Instances and Works (their IRIs and fragments), kept as the
    store writes the batch, so :func:`graph.union.derive.derive` reads its member descriptions from memory.

    Reading a quad back from pyoxigraph costs several microseconds (each term's text is looked up);
    parsing the N-Triples the store is loading anyway costs a fraction of that. Statements about
    anything else (items, agents, …) are not kept: :func:`graph.union.derive.derive` asks the store for those.
    """

    def __init__(self, base: str, others: bool = True):
        self.prefixes = (base + "instance/", base + "work/")
        self.by_subject: dict = {}  # subject -> {(predicate, object): None}
        # resource -> its statements' N-Triples lines as streamed (None once any came as terms): the memo
        # of graph.union.memo takes them as they are instead of writing every term out again
        self.lines: dict[str, bytearray] | None = {}
        # the other lines with an IRI subject but members' own resources, as streamed (None once any came as
        # terms, or named a blank node; not kept when ``others`` is false, as when no other graph is active):
        # what graph.union.derive may find said elsewhere, probed by value instead of by a scan
        self.others: bytearray | None = bytearray() if others else None
        self._starts = tuple(b"<" + p.encode() for p in self.prefixes)
        self._own = tuple(f"<{base}{kind}/".encode() for kind in OWN_KINDS)

    def covers(self, subject) -> bool:
        return isinstance(subject, NamedNode) and subject.value.startswith(self.prefixes)

    def add(self, s, p, o) -> None:
        self.lines = self.others = None
        self._add(s, p, o)

    def _add(self, s, p, o) -> None:
        if isinstance(s, NamedNode) and s.value.startswith(self.prefixes):
            got = self.by_subject.get(s)
            if got is None:
                got = self.by_subject[s] = {}
            got[(p, o)] = None  # a set, as the store is: a statement made twice counts once

    def add_chunk(self, chunk: bytes) -> None:
        """Whole lines of N-Triples (as :class:`graph.store.base.SerializedTriples` hands them over), one
        statement a line: only the lines whose subject is a shared resource are parsed (items, agents and
        the rest, about half of a batch, are never turned into terms here)."""
        starts, own = self._starts, self._own
        picked, others = [], self.others
        for line in chunk.split(b"\n"):
            if line.startswith(starts):
                picked.append(line)
            elif others is not None and line.startswith(b"<") and not line.startswith(own):
                if b"_:" in line:  # a blank node (or text that looks like one): no probe by value
                    self.others = others = None
                else:
                    others += line
                    others += b"\n"
        if not picked:
            return
        add = self._add
        for s, p, o, _ in parse(b"\n".join(picked), format=RdfFormat.N_TRIPLES):  # quads of the default graph
            add(s, p, o)
        lines = self.lines
        if lines is None:
            return
        for line in picked:
            end = line.index(b">")
            hash_at = line.find(b"#", 0, end)
            base = line[1 : end if hash_at == -1 else hash_at].decode()
            got = lines.get(base)
            if got is None:
                got = lines[base] = bytearray()
            got += line
            got += b"\n"
