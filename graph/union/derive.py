"""The union descriptions a load changes, derived before it is switched on.

Every load of member records goes through :func:`derive` between writing its (still
inactive) batch graph and the switch. For each shared Instance and Work the load touches
(its records describe it, or a batch it replaces did, or a cluster merge renamed it) the
union description is made again from every member description that will be active after
the switch (:func:`graph.union.description.merge`) and written into the new batch's graph,
but for the statements that a live graph describing the resource already holds unchanged:
those stay where they are (:func:`_place`). What the union description had and no longer has,
wherever it was, is deleted in the switch's own transaction. So each shared resource has
exactly one union description, each statement of it in one graph (a graph describing the
resource, or the one of the batch that last touched it), and readers see the old one or the
new one, never both or neither.

The store hands in its own readers (:meth:`graph.store.base.Store.scan` and ``about``), and
writes and deletes what comes back (``Store.write_batch(derive=…)``).
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from typing import AbstractSet, Iterable

from pyoxigraph import BlankNode, NamedNode, Quad

from graph.union.description import DESCRIPTION_OF, Description, is_member_node, is_union_node, merge
from graph.store.kept import OWN_KINDS
from graph.union.memo import ntriples, parse_entries
from vocab.namespaces import BF


@dataclass
class Derived:
    """What a load does to the union: triples to add to its own graph and quads to remove from it
    (before the switch), quads to delete elsewhere (in the switch)."""

    triples: list[tuple] = field(default_factory=list)
    duplicates: list[Quad] = field(default_factory=list)
    deletions: list = field(default_factory=list)  # a Quad, or one as ``GRAPH <g> { s p o }`` (a memo's text)
    # the union statements among ``triples`` (the first ``union_end``), by resource, as N-Triples text where
    # only part of the resource's union description was written
    written: dict = field(default_factory=dict)
    union_end: int = 0
    resources: int = 0


def derive(
    store,
    batch: NamedNode,
    live: list[NamedNode],
    replaced: list[NamedNode],
    renames: Iterable = (),
    owners: dict | None = None,
    known=None,
    memo=None,
) -> Derived:
    """The union descriptions of what a load into ``batch`` touches (see the module).

    ``live`` are the batch graphs that stay active through the switch, ``replaced`` the
    ones it switches off; ``renames`` the cluster merges and splits of this load (``old``/``new``,
    in the graphs of ``members``, or all when None), ``owners`` the member of each batch graph.
    ``store`` reads: ``scan(predicate, graph)`` one graph's quads with that predicate,
    ``about(pairs)`` the quads of (subject, graph) pairs as tuples, ``query_every_graph``.
    ``known``, when the store kept them on the way in, are the batch's own statements about shared
    resources (:class:`graph.store.kept.BatchStatements`): read from there, not back from the store.
    ``memo`` (:class:`graph.union.memo.DescriptionMemo`), when the load has one: what the live graphs it
    lists say about shared resources is read from there, not from the store, and it is brought to what
    the store will hold after the switch.
    """
    # the derivation makes millions of small objects, hardly any in a cycle: the cyclic collector would walk
    # them (and every kept statement) over and over, ~a quarter of its time (NJU into four members)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _derive(store, batch, live, replaced, renames, owners, known, memo)
    finally:
        if enabled:
            gc.enable()


def _derive(store, batch, live, replaced, renames, owners, known, memo) -> Derived:
    if known is not None:
        store = _Reader(store, batch, known)
    memoed = memo.graphs() & {g.value for g in live} if memo is not None else set()
    renames = list(renames)
    moves = _Moves(renames, owners or {})
    touched: set[str] = {r.new.value for r in renames} | {r.old.value for r in renames}
    for g in [batch, *replaced]:
        for s, _, _, _ in store.scan(DESCRIPTION_OF, g):
            touched.add(moves.value(s.value, g))
        for s, _, o, _ in store.scan(BF.adminMetadata, g):
            if o.value == s.value + "#admin":
                touched.add(moves.value(s.value, g))
    names = [NamedNode(n) for n in sorted(touched)]
    sources = [*live, batch]
    # what a graph says of each resource, whole, where that is at hand (the memo; the batch as kept); of a
    # memo entry only its member descriptions are parsed: its union description stays N-Triples lines
    whole: dict = {}
    own_texts: dict[tuple, str] = {}  # (graph IRI, resource) -> a memo entry less its union description
    union_lines: dict[tuple, list] = {}  # (resource, graph) -> a memo entry's union statements
    describing: set[tuple] = set()  # (resource, graph): live graphs with a member description of it
    settled: set[tuple] = set()  # (resource, graph): entries read as text that name nothing the rewrite moves
    for g in live:
        if g.value in memoed:
            texts = {}
            renamed = _needles(moves.mapping(g))
            for name, text in memo.read_texts(g.value, sorted(touched)).items():
                own, unioned, describes = _split_entry(name, text)
                texts[name] = own_texts[(g.value, name)] = own
                if unioned:
                    union_lines[(name, g)] = unioned
                if describes:
                    describing.add((name, g))
                if renamed is None or not renamed.search(own):
                    settled.add((name, g))
            whole[g] = parse_entries(texts)
    kept = _kept(known) if known is not None else {}
    if known is not None:
        whole[batch] = {name: kept.get(name, []) for name in touched}
        if known.lines is not None:  # as for the memo's entries, by the lines streamed
            renamed = _needles(moves.mapping(batch), bytes)
            settled.update(
                (name, batch)
                for name in touched
                if renamed is None or name not in known.lines or not renamed.search(known.lines[name])
            )
    descriptions: dict[str, list[Description]] = {}
    union: dict[tuple, list] = {}  # (resource name, graph) -> its union quads there
    union_parts: dict[tuple, list] = {}  # (resource name, graph) -> its union nodes' quads, from whole entries
    found: dict[tuple, list] = {}  # (member description node, graph) -> its triples, to any depth
    member_nodes, union_nodes = [], []
    for g, entries in whole.items():
        for name, triples in entries.items():
            links, rest = [], []
            fragment = len(name) + 1  # every subject here is ``name`` or ``name#…``
            for t in triples:
                value = t[0].value
                if value == name:
                    if t[1] == DESCRIPTION_OF:
                        links.append(t[2])
                    elif g != batch:
                        union.setdefault((name, g), []).append((*t, g))
                elif value[fragment : fragment + 1].islower():  # a union node (graph.union.description)
                    if g != batch:
                        union_parts.setdefault((name, g), []).append((*t, g))
                else:
                    rest.append(t)
            for n in links:
                member_nodes.append((n, g, moves.value(name, g)))
                found[(n.value, g)] = []
                if (name, g) in settled:
                    settled.add((n.value, g))
            for t in rest:
                value = t[0].value
                for n in links:
                    if value == n.value or value.startswith(n.value + "-"):
                        found[(n.value, g)].append(t)
                        break
    for s, p, o, g in store.about([(name, g) for name in names for g in sources if g not in whole]):
        name = s.value
        if p == DESCRIPTION_OF:
            member_nodes.append((o, g, moves.value(name, g)))
            if g != batch:
                describing.add((name, g))
        elif g != batch:
            union.setdefault((name, g), []).append((s, p, o, g))
            if isinstance(o, NamedNode) and is_union_node(o.value, name):
                union_nodes.append((o, g, name))
    # only what a graph holds as a union description (marked by its admin metadata), or of one it keeps in
    # place beside a member description of the resource (_place), is replaced
    union = {
        key: quads
        for key, quads in union.items()
        if key in describing or any(p == BF.adminMetadata and o.value == key[0] + "#admin" for _, p, o, _ in quads)
    }
    for key, quads in union_parts.items():
        if key in union:
            union[key] += quads
    union_nodes = [(n, g, name) for n, g, name in union_nodes if (name, g) in union]
    # member descriptions read from the store: their nodes, to any depth, in their own graph
    read = _closure(
        store, [(n, g, (n.value, g)) for n, g, _ in member_nodes if g not in whole], lambda key: key[0] + "-"
    )
    found.update({key: [(s, p, o) for s, p, o, _ in quads] for key, quads in read.items()})
    for n, g, res in member_nodes:
        move = moves.mover(g) if (n.value, g) not in settled else None
        if move is not None:
            triples = [(move(s), p, move(o)) for s, p, o in found.get((n.value, g), [])]
        else:
            triples = found.get((n.value, g), [])
        member = n.value.rpartition("#")[2].split(".", 1)[0]
        descriptions.setdefault(res, []).append(Description(member, moves.term(n, g), triples))
    # the union descriptions read from the store: their nodes, to any depth
    for key, quads in _closure(store, [(n, g, (name, g)) for n, g, name in union_nodes], None).items():
        union[key] += quads
    # every union statement a live graph holds of a touched resource, as N-Triples lines
    held: dict[tuple, tuple] = {}  # (resource, graph) -> (its lines, as the switch's rewrite leaves them)
    for key, lines in union_lines.items():
        mapping = moves.mapping(key[1])
        held[key] = (lines, memo.mover(mapping)("".join(lines)).splitlines(keepends=True) if mapping else lines)
    for key, quads in union.items():
        held[key] = _lines([(s, p, o) for s, p, o, _ in quads], key[1], moves)
    # the nodes of a union description may have statements kept in other graphs that describe it (_place)
    # (a node's statement may be kept in one graph and the statement naming the node in another)
    pairs = sorted((k for k in describing if k[1] not in whole), key=lambda k: (k[0], k[1].value))
    if pairs:  # the union description's own statements may be in a graph this load replaces: it names them too
        wanted = sorted({name for name, _ in pairs})
        named = [(s, p, o) for s, p, o, _ in store.about([(NamedNode(n), g) for n in wanted for g in replaced])]
        for key, (lines, after) in _node_parts(store, pairs, held, moves, ntriples(named)).items():
            if key not in held:
                held[key] = (lines, after)
                continue
            have = set(held[key][0])
            extra = [(line, moved) for line, moved in zip(lines, after) if line not in have]
            held[key] = (held[key][0] + [x for x, _ in extra], held[key][1] + [y for _, y in extra])
    out = Derived()
    fresh = {res for _, g, res in member_nodes if g == batch}  # what the new batch describes
    keep = _place(held, describing, moves, touched, descriptions, out, fresh)
    _state_once(store, batch, live, replaced, touched, out)
    if memo is not None:
        _remember(
            memo,
            {
                key: own_texts[(key[1].value, key[0])] + "".join(lines)
                for key, lines in keep.items()
                if key in union_lines
            },
            batch,
            live,
            kept if known is not None else None,
            known,
            moves,
            out,
        )
    return out


def _needles(mapping: dict, kind=str):
    """A pattern finding, in N-Triples text (``str`` or ``bytes``), an IRI that starts like one the switch's
    rewrite renames (a longer IRI may match too: then the text is moved term by term, which leaves it as
    it is); None when nothing is renamed."""
    if not mapping:
        return None
    pattern = "|".join(re.escape(f"<{old}") for old in mapping)
    return re.compile(pattern.encode() if kind is bytes else pattern)


def _split_entry(name: str, text: str) -> tuple[str, list[str], bool]:
    """A memo entry of ``name`` (N-Triples lines): the lines of its member descriptions and their links; the
    lines of its union statements (where it holds the union's admin metadata link, or a member description
    of ``name`` beside which :func:`_place` keeps union statements: statements on ``name`` but the links,
    and its union nodes'); whether it holds a member description of ``name``."""
    head, node = f"<{name}>", f"<{name}#"
    link, admin, marker = f"<{DESCRIPTION_OF.value}>", f"<{BF.adminMetadata.value}>", f"<{name}#admin>"
    at, skip = len(node), len(head)
    lines = text.splitlines(keepends=True)
    nodes = [line for line in lines if line.startswith(node) and line[at : at + 1].islower()]
    top, marked, describes = [], False, False
    for line in [line for line in lines if line.startswith(head)]:
        rest = line[skip:].lstrip()
        if rest.startswith(link):
            describes = True
        else:
            top.append(line)
            marked = marked or (rest.startswith(admin) and rest[len(admin) :].lstrip().startswith(marker))
    if (marked or describes) and (top or nodes):  # a graph describing the resource keeps union statements (_place)
        union = {*top, *nodes}
        return "".join([line for line in lines if line not in union]), top + nodes, describes
    return text, [], describes  # only union statements are replaced: the rest stays the graph's own


def _lines(triples, g, moves) -> tuple[list[str], list[str]]:
    """Triples as N-Triples lines, and as the switch's rewrite leaves them in ``g``."""
    lines = [f"{s} {p} {o} .\n" for s, p, o in triples]
    after = [f"{moves.term(s, g)} {p} {moves.term(o, g)} .\n" for s, p, o in triples]
    return lines, after


def _node_parts(store, pairs: list[tuple], held: dict, moves, also: str = "") -> dict[tuple, tuple]:
    """The statements of union nodes that the graphs of ``pairs`` (resource, graph), read from the store,
    hold beside their member descriptions (kept there by :func:`_place`): the nodes named in the union
    statements ``held`` so far (and in the N-Triples ``also``), and the ones they lead to, to any depth,
    looked up in each of those graphs."""
    if not pairs:
        return {}
    graphs: dict[str, list] = {}
    for name, g in pairs:
        graphs.setdefault(name, []).append(g)
    texts: dict[str, list] = {name: [also] for name in graphs}
    for (name, _), (lines, _) in held.items():
        if name in texts:
            texts[name] += lines
    named = {name: set(re.findall(f"<({re.escape(name)}#[a-z][^>]*)>", "".join(t))) for name, t in texts.items()}
    frontier = [(n, g, name) for name, ns in named.items() for n in ns for g in graphs[name]]
    found: dict[tuple, list] = {}
    seen: set = set()
    while frontier:
        wanted = [(n, g, name) for n, g, name in frontier if (n, g) not in seen]
        seen |= {(n, g) for n, g, _ in wanted}
        owner = {(n, g): name for n, g, name in wanted}
        frontier = []
        for s, p, o, g in store.about([(NamedNode(n), g) for n, g, _ in wanted]):
            name = owner[(s.value, g)]
            found.setdefault((name, g), []).append((s, p, o))
            if isinstance(o, NamedNode) and is_union_node(o.value, name):
                frontier += [(o.value, h, name) for h in graphs[name]]
    return {key: _lines(triples, key[1], moves) for key, triples in found.items()}


def _place(
    held: dict,
    describing: set,
    moves,
    touched: set,
    descriptions: dict,
    out: Derived,
    fresh: AbstractSet[str] = frozenset(),
) -> dict:
    """The union description of each touched resource (:func:`merge`) into ``out``, with what it replaces.

    A union statement that a live graph describing the resource (one with a member description of it)
    already holds, unchanged, stays where it is (a later load touches most resources without changing most
    of their union); every other statement is written into the new batch, and every union statement held
    that is not kept is deleted in the switch. The link to the union's admin metadata (``<r>
    bf:adminMetadata <r#admin>``, the mark that tells a union description from what a record says of a
    related resource in a graph that does not describe it) is written anew unless the new batch describes
    the resource (``fresh``), so a graph holding any union statement of a resource describes it or holds
    that link: replacing it touches the resource. In a graph describing the resource, every statement on
    it but the member description links is the union's.
    Returns the union statements each (resource, graph) of ``held`` keeps, where it loses some.
    """
    by_resource: dict[str, list] = {}
    for key, (lines, after) in held.items():
        by_resource.setdefault(moves.value(key[0], key[1]), []).append((key, lines, after))
    keep: dict[tuple, list] = {}
    for value in sorted(touched | by_resource.keys()):
        triples = merge(NamedNode(value), descriptions.get(value, [])) if value in touched else []
        held_here = by_resource.get(value, ())
        # as lines only where a graph describing the resource holds union statements that may stay (never on
        # a first load)
        new = [f"{s} {p} {o} .\n" for s, p, o in triples] if any(k in describing for k, _, _ in held_here) else []
        wanted, taken = set(new), set()
        node, head = f"<{value}#", f"<{value}> "
        marker = f"{head}<{BF.adminMetadata.value}> <{value}#admin> .\n"
        at = len(node)
        for key, lines, after in held_here:
            here = []
            may = key in describing
            graph = f"GRAPH {key[1]} {{ "
            for line, moved in zip(lines, after):
                if (
                    may
                    and moved == line  # the switch's rewrite leaves it as it is (it moves only what it reaches)
                    and moved in wanted
                    and moved not in taken
                    and (
                        (moved.startswith(node) and moved[at : at + 1].islower())
                        or (moved.startswith(head) and (moved != marker or value in fresh))
                    )
                ):
                    taken.add(moved)
                    here.append(line)
                    continue
                out.deletions.append(graph + line.rstrip()[:-1] + "}")
                if moved != line:  # the switch's rewrite moves it first
                    out.deletions.append(graph + moved.rstrip()[:-1] + "}")
            if len(here) < len(lines):
                keep[key] = here
        if triples:
            out.resources += 1
            if taken:
                out.triples += [t for t, line in zip(triples, new) if line not in taken]
                out.written[value] = "".join(line for line in new if line not in taken)
            else:  # all of it, written out again for the memo as it is read (a first load holds no copy)
                out.triples += triples
    out.union_end = len(out.triples)
    return keep


def _kept(known) -> dict[str, list[tuple]]:
    """The batch's statements about each shared resource and its fragments, as the store kept them."""
    got: dict[str, list[tuple]] = {}
    for s, pos in known.by_subject.items():
        base = s.value.partition("#")[0]
        entry = got.get(base)
        if entry is None:
            entry = got[base] = []
        entry += [(s, p, o) for p, o in pos]
    return got


def _remember(
    memo, entries_now: dict, batch: NamedNode, live: list[NamedNode], kept, known, moves, out: Derived
) -> None:
    """Bring the memo to what the store holds after the switch (see :mod:`graph.union.memo`): the union
    descriptions the switch deletes out of the live graphs' entries, the new batch's entries in (when the
    store kept its statements on the way in; else it stays a graph read from the store), graphs no longer
    live out, and the cluster renames applied in every graph they apply to."""
    for (name, g), text in entries_now.items():  # the union statements the switch deletes go
        memo.put_text(g.value, name, text)
    keep = {g.value for g in live}
    memo.forget(memo.graphs() - keep)
    graphs = list(live)
    if kept is not None:
        # the batch's lines as streamed where the store kept them (else its terms written out), less the
        # statements taken out as said elsewhere, with its union descriptions
        lines = known.lines
        gone: dict[str, set] = {}
        for q in out.duplicates:
            if isinstance(q.subject, NamedNode) and memo.covers(q.subject.value):
                gone.setdefault(q.subject.value.partition("#")[0], set()).add((q.subject, q.predicate, q.object))
        derived: dict[str, list] = {r: [text] for r, text in out.written.items() if memo.covers(r)}
        whole_union: dict[str, list] = {}
        for at, t in enumerate(out.triples):
            if isinstance(t[0], NamedNode) and memo.covers(t[0].value):
                resource = t[0].value.partition("#")[0]
                if at >= out.union_end:  # what stating shared statements once took in
                    derived.setdefault(resource, []).append(ntriples((t,)))
                elif resource not in out.written:
                    whole_union.setdefault(resource, []).append(t)

        def entries():
            for resource in kept.keys() | derived.keys() | whole_union.keys():
                text = ""
                if resource in kept:
                    if lines is not None and resource not in gone and resource in lines:
                        text = lines[resource].decode()
                    else:
                        text = ntriples(t for t in kept[resource] if t not in gone.get(resource, ()))
                yield resource, text + ntriples(whole_union.get(resource, ())) + "".join(derived.get(resource, ()))

        memo.add_graph(batch.value, entries())
        graphs.append(batch)
    memoed_now = memo.graphs()
    for g in graphs:
        if g.value in memoed_now:
            mapping = moves.mapping(g)
            if mapping:
                memo.rename(g.value, mapping)


def _closure(store, roots: list[tuple], prefix) -> dict[tuple, list]:
    """The quads reached from each root node (node, graph, key) in its graph, through the nodes that
    belong to it: named ``prefix(key)``… for member descriptions, union nodes of ``key[0]`` otherwise."""
    found: dict[tuple, list] = {}
    frontier, seen = roots, set()
    while frontier:
        wanted = [(n, g, key) for n, g, key in frontier if (n.value, g) not in seen]
        seen |= {(n.value, g) for n, g, _ in wanted}
        owner = {(n.value, g): key for n, g, key in wanted}
        frontier = []
        for s, p, o, g in store.about([(n, g) for n, g, _ in wanted]):
            key = owner[(s.value, g)]
            found.setdefault(key, []).append((s, p, o, g))
            if isinstance(o, NamedNode) and (
                o.value.startswith(prefix(key)) if prefix else is_union_node(o.value, key[0])
            ):
                frontier.append((o, g, key))
    return found


def _state_once(
    store, batch: NamedNode, live: list[NamedNode], replaced: list[NamedNode], touched: set[str], out: Derived
) -> None:
    """What members say of shared authorities (agents, subjects, genres, series, related works and
    editions, outside IRIs) stated once in the union of active graphs.

    A statement the new batch makes that a live graph already holds is taken out of the batch; a
    statement only a replaced batch held, about an authority the alliance still links to, is taken
    into the new batch, so withdrawing one member's records never loses what another member says
    too (its price: a form only the withdrawn record gave stays while others link the authority).
    Members' own resources (copies, collections, libraries, their descriptions) and the union
    descriptions are left alone.
    """
    base = store.minter.base
    own = tuple(base + kind + "/" for kind in OWN_KINDS)

    def shared(term) -> bool:
        value = term.value
        return (
            isinstance(term, NamedNode)
            and not value.startswith(own)
            and not is_member_node(value)
            and value.partition("#")[0] not in touched
        )

    if not live:  # no other batch stays: nothing to say once with, nothing resting on the replaced ones
        return
    graphs = ", ".join(str(g) for g in live)
    # FILTER EXISTS probes each batch statement once across graphs: ~5x faster in pyoxigraph than
    # joining the batch with every live graph (VALUES ?g) and the same rows
    said_elsewhere = f"FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g IN ({graphs})) }}"
    known = store.known if isinstance(store, _Reader) else None
    if known is None:
        rows = list(
            store.query_every_graph(f"SELECT ?s ?p ?o WHERE {{ GRAPH {batch} {{ ?s ?p ?o }} {said_elsewhere} }}")
        )
    else:
        # the batch's statements about editions and works were kept (most of a batch): only the few of them
        # that may be shared (about editions and works no member describes here) are probed, by value
        probe = [
            f"{s} {p} {o} "
            for s, pos in known.by_subject.items()
            if shared(s)
            for p, o in pos
            if not isinstance(o, BlankNode)  # a blank node is no other graph's
        ]
        rows = []
        if known.others is not None:  # and the rest of the batch as it went by, less what is never shared
            probe += [line.rstrip()[:-1] for line in known.others.decode().splitlines()]
        else:  # the rest of the batch less what is never shared, by its subjects' first letters
            skip = " && ".join(f'!STRSTARTS(STR(?s), "{prefix}")' for prefix in (*known.prefixes, *own))
            rows += store.query_every_graph(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {batch} {{ ?s ?p ?o }} FILTER({skip}) {said_elsewhere} }}"
            )
        probe = list(dict.fromkeys(probe))  # a statement streamed twice is one statement of the batch
        for at in range(0, len(probe), 1000):
            values = " ".join(f"({t})" for t in probe[at : at + 1000])
            rows += store.query_every_graph(
                f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {values} }} {said_elsewhere} }}"
            )
    for r in rows:
        if shared(r["s"]):
            out.duplicates.append(Quad(r["s"], r["p"], r["o"], batch))
    keep = " ".join(str(g) for g in [*live, batch])
    for old in replaced:
        for r in store.query_every_graph(f"""SELECT ?s ?p ?o WHERE {{ GRAPH {old} {{ ?s ?p ?o }}
                FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ {keep} }} }}
                FILTER EXISTS {{ GRAPH ?h {{ ?x ?y ?s }} VALUES ?h {{ {keep} }} }} }}"""):
            if shared(r["s"]):
                out.triples.append((r["s"], r["p"], r["o"]))


class _Reader:
    """The store's readers, with the new batch's statements about shared resources taken from memory."""

    def __init__(self, store, batch: NamedNode, known):
        self.store, self.batch, self.known = store, batch, known
        self.minter = store.minter

    def scan(self, predicate: NamedNode, graph: NamedNode):
        if graph != self.batch:
            yield from self.store.scan(predicate, graph)
            return
        # only the scans derive makes (member description links, admin metadata) are about shared resources
        for s, pos in self.known.by_subject.items():
            for p, o in pos:
                if p == predicate:
                    yield s, p, o, graph
        if predicate == DESCRIPTION_OF:  # only a shared resource links a member description: all kept
            return
        for q in self.store.scan(predicate, graph):
            if not self.known.covers(q.subject):
                yield q

    def about(self, pairs: list[tuple]):
        batch, known = self.batch, self.known
        rest = []
        for s, g in pairs:
            if g == batch and known.covers(s):
                for p, o in known.by_subject.get(s, ()):
                    yield s, p, o, g
            else:
                rest.append((s, g))
        if rest:
            yield from self.store.about(rest)

    def query_every_graph(self, sparql: str):
        return self.store.query_every_graph(sparql)


class _Moves:
    """Where the switch's rewrite moves an IRI in a graph: renames apply in all graphs or their members'."""

    def __init__(self, renames: list, owners: dict):
        self.everywhere = {r.old.value: r.new.value for r in renames if r.members is None}
        self.scoped = [r for r in renames if r.members is not None]
        self.owners = owners
        self._in: dict = {}

    def mover(self, graph):
        """A function moving a term as the switch's rewrite does in ``graph``, or None if nothing moves there."""
        mapping = self._mapping(graph)
        if not mapping:
            return None

        def move(term):
            if term.__class__ is NamedNode:
                value = term.value
                base = value.partition("#")[0]
                new = mapping.get(base)
                if new is not None:
                    return NamedNode(new + value[len(base) :])
            return term

        return move

    def mapping(self, graph) -> dict[str, str]:
        """Old IRI -> new in ``graph``."""
        return self._mapping(graph)

    def _mapping(self, graph) -> dict[str, str]:
        got = self._in.get(graph)
        if got is None:
            got = dict(self.everywhere)
            owner = self.owners.get(graph) or ""
            got.update({r.old.value: r.new.value for r in self.scoped if owner in r.members})
            self._in[graph] = got
        return got

    def value(self, value: str, graph) -> str:
        mapping = self._mapping(graph)
        if not mapping:
            return value
        base, sep, frag = value.partition("#")
        return mapping[base] + sep + frag if base in mapping else value

    def term(self, term, graph):
        if (not self.everywhere and not self.scoped) or not isinstance(term, NamedNode):
            return term
        mapping = self._in.get(graph)
        if mapping is None:
            mapping = self._mapping(graph)
        if not mapping:
            return term
        base, sep, frag = term.value.partition("#")
        new = mapping.get(base)
        return term if new is None else NamedNode(new + sep + frag)
