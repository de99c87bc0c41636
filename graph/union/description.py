"""One description per edition and per work: members' descriptions in, the union description out.

A member's record never writes its description onto the shared Instance or Work IRI. The
mapper's triples about them are moved onto a *member description*, a fragment of the shared
resource scoped by member and record (``instance/abc#PKU.r3f2a9c``, its nodes
``instance/abc#PKU.r3f2a9c-title``), linked from the resource by
``alliance:memberDescription`` (:func:`as_member_description`). The shared IRI carries the
*union description* (:func:`merge`), derived from every member description of it:

- the **base record** is the most complete description (the most statements); ties go to
  the member code, then the record id, that sorts first. So the result depends only on the
  set of descriptions, never on the order members loaded in (WorldCat's master record,
  swissbib's rebuilt display record);
- single-valued statements (label, extent, dimensions, the transcribed edition, responsibility,
  publication and series statements, the copyright date, the Work of an Instance) come from
  the best-ranked description that has them;
- the main title is the base record's; other members' main titles that read differently
  (once case, punctuation and script are folded) become ``bf:VariantTitle``\\ s;
- one provision activity per kind of event (publication, manufacture, …), the best-ranked;
- identifiers once per value (ISBN-10 and ISBN-13 of one book are one value), notes once
  per text, subjects, languages, genres and other links once per IRI, classifications once
  per scheme and number, contributions once per agent and role;
- ``bf:adminMetadata`` of the union (``…#admin``) names every member description it was
  derived from (``bf:derivedFrom``): the way back to who said what.

Union nodes are fragments whose name starts with a lower-case letter (``#title``,
``#identifiedBy-…``); member ones start with the member code (upper case), so the two
never meet. :mod:`graph.union.derive` runs this at load time.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from pyoxigraph import Literal, NamedNode

from graph.identity.normalize import isbn13, text_key
from graph.identity.uris import digest
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS

MEMBER_DESCRIPTION = ALLIANCE.MemberDescription
DESCRIPTION_OF = ALLIANCE.memberDescription
STATED_TYPE = ALLIANCE.statedType
PROCESS = Literal("Alliance Graph union description")

# From the best-ranked description that has them, all of its values.
SINGLE = frozenset(
    {
        RDFS.label,
        BF.extent,
        BF.dimensions,
        BF.editionStatement,
        BF.responsibilityStatement,
        BF.provisionActivityStatement,
        BF.seriesStatement,
        BF.seriesEnumeration,
        BF.copyrightDate,
        BF.instanceOf,
        BF.originDate,
        BF.issuance,
    }
)
SKIP = frozenset({RDF.type, BF.adminMetadata})


@dataclass
class Description:
    """One member's description of a shared resource: its node and every statement reached from it."""

    member: str
    node: NamedNode
    triples: list[tuple] = field(default_factory=list)

    @property
    def rank(self) -> tuple:
        return (-len(self.triples), self.member, self.node.value)


def member_prefix(resource: NamedNode) -> str:
    return resource.value + "#"


def is_union_node(iri: str, resource: str) -> bool:
    """Whether ``iri`` is a node of ``resource``'s union description (a fragment named in lower case)."""
    return iri.startswith(resource + "#") and iri[len(resource) + 1 : 2 + len(resource)].islower()


_MEMBER_NODE = re.compile(r"#[^#.a-z][^#.]*\.r[a-z2-7]{6}(?:-|$)")


def is_member_node(iri: str) -> bool:
    """Whether ``iri`` is a member description or one of its nodes: a fragment named by a member code and
    a record id (``#PKU.r3f2a9c``, ``#PKU.r3f2a9c-title``); not a plain mapping's ``#PKU-title``."""
    return _MEMBER_NODE.search(iri) is not None


# the member's side: at mapping time -------------------------------------------------------------
def as_member_description(triples: list[tuple], member: str) -> list[tuple]:
    """One mapped record's triples, its Instance's and Work's statements moved onto member descriptions.

    The record's Instance is the one its admin metadata is about (else the first with a
    ``bf:instanceOf``), its Work that Instance's; a record without them comes back unchanged.
    Items, related works and other resources are untouched.
    """
    instance = None
    control = None
    work_of: dict = {}
    for s, p, o in triples:
        if p == BF.instanceOf and "#" not in s.value:
            work_of.setdefault(s, o)
        elif p == BF.adminMetadata and o.value == f"{s.value}#{member}-admin":
            instance = s  # the record's own edition: the one its admin metadata is about
        elif p == RDF.value and isinstance(s, NamedNode) and s.value.endswith(f"#{member}-local"):
            control = o.value
    if instance is None:
        instance = next(iter(work_of), None)
    work = work_of.get(instance)
    if instance is None or work is None:
        return triples
    rid = "r" + digest(control or instance.value, 6)
    scope = f"{member}.{rid}"
    shared = {instance: NamedNode(f"{instance.value}#{scope}"), work: NamedNode(f"{work.value}#{scope}")}
    old = (f"{instance.value}#{member}-", f"{work.value}#{member}-")
    renamed: dict = {}

    def move(term):
        if isinstance(term, NamedNode) and term.value.startswith(old):
            got = renamed.get(term)
            if got is None:
                base, _, frag = term.value.partition("#")
                got = renamed[term] = NamedNode(f"{base}#{scope}-{frag[len(member) + 1 :]}")
            return got
        return term

    out = []
    for resource, node in shared.items():
        out += [(resource, DESCRIPTION_OF, node), (node, RDF.type, MEMBER_DESCRIPTION)]
    for s, p, o in triples:
        about = shared.get(s)
        if about is not None:
            out.append((about, STATED_TYPE, o) if p == RDF.type else (about, p, move(o)))
        else:
            out.append((move(s), p, move(o)))
    return out


# the union's side: at load time ----------------------------------------------------------------
def merge(resource: NamedNode, descriptions: Iterable[Description]) -> list[tuple]:
    """The union description of ``resource`` from its members' descriptions (see the module)."""
    ranked = sorted(descriptions, key=lambda d: d.rank)
    if not ranked:
        return []
    admin = NamedNode(resource.value + "#admin")
    out: list[tuple] = [
        (resource, BF.adminMetadata, admin),
        (admin, RDF.type, BF.AdminMetadata),
        (admin, BF.generationProcess, PROCESS),
    ]
    out += [(admin, BF.derivedFrom, d.node) for d in ranked]
    types: set = set()
    taken_single: set = set()
    seen: set = set()
    provision_kinds: set = set()
    main_title: str | None = None
    for d in ranked:
        about = _about(d)
        top = about.get(d.node, [])
        types.update(o for p, o in top if p == STATED_TYPE)
        singles_here = set()
        for p, o in top:
            if p in SKIP or p == STATED_TYPE:
                continue
            if p in SINGLE:
                if p in taken_single:
                    continue
                singles_here.add(p)
            node_types = {t for q, t in about.get(o, ()) if q == RDF.type} if _is_node(o, d) else set()
            if p == BF.title and BF.Title in node_types:
                text = _title_text(about, o)
                if main_title is None:
                    main_title = text
                    out += _copy(d, about, o, NamedNode(resource.value + "#title"), resource, p)
                    continue
                if text == main_title or ("variant", text) in seen:
                    continue
                seen.add(("variant", text))
                out += _copy(
                    d,
                    about,
                    o,
                    _union_node(resource, "variantTitle", text),
                    resource,
                    p,
                    retype={BF.Title: BF.VariantTitle},
                )
                continue
            if p == BF.provisionActivity and _is_node(o, d):
                kinds = frozenset(node_types)
                if kinds in provision_kinds:
                    continue
                provision_kinds.add(kinds)
                out += _copy(
                    d, about, o, _union_node(resource, "provision", *sorted(t.value for t in kinds)), resource, p
                )
                continue
            if _is_node(o, d):
                sig = (p, _signature(p, about, o, d))
                if sig in seen:
                    continue
                seen.add(sig)
                out += _copy(d, about, o, _union_node(resource, _local(p), *sig[1]), resource, p)
                continue
            key = (p, o) if not isinstance(o, Literal) else (p, o.language, text_key(o.value) or o.value)
            if key in seen:
                continue
            seen.add(key)
            out.append((resource, p, o))
        taken_single |= singles_here
    out += [(resource, RDF.type, t) for t in sorted(types, key=lambda t: t.value)]
    return out


def _about(d: Description) -> dict:
    """Each node's statements, in one order whatever order they were read in (the store's or a load's)."""
    about: dict = defaultdict(list)
    for s, p, o in d.triples:
        about[s].append((p, o))
    for statements in about.values():
        statements.sort(key=_statement_order)
    return about


def _statement_order(po: tuple) -> tuple:
    return (po[0].value, str(po[1]))


def _is_node(term, d: Description) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(d.node.value + "-")


def _local(p: NamedNode) -> str:
    return p.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _union_node(resource: NamedNode, kind: str, *parts) -> NamedNode:
    return NamedNode(f"{resource.value}#{kind}-{digest('|'.join(str(x) for x in parts), 8)}")


def _title_text(about: dict, node) -> str:
    parts = [
        o.value
        for p, o in about.get(node, ())
        if p in (BF.mainTitle, BF.subtitle)
        and isinstance(o, Literal)
        and not (o.language or "").endswith("-Latn-pinyin")
    ]
    return text_key(" ".join(sorted(parts)))


def _signature(p, about: dict, node, d: Description) -> tuple:
    """What makes two members' nodes under ``p`` the same statement."""
    stmts = about.get(node, ())
    types = tuple(sorted(o.value for q, o in stmts if q == RDF.type))
    if p == BF.identifiedBy:
        values = [o.value for q, o in stmts if q == RDF.value and isinstance(o, Literal)]
        value = values[0] if values else ""
        norm = isbn13(value) if BF.Isbn.value in types else None
        return (types if norm is None else (BF.Isbn.value,), norm or text_key(value) or value)
    if p == BF.contribution:
        agents = tuple(sorted(o.value for q, o in stmts if q == BF.agent))
        roles = tuple(sorted(o.value for q, o in stmts if q == BF.role))
        return (agents, roles)
    if p == BF.classification:
        portions = tuple(sorted(text_key(o.value) for q, o in stmts if q == BF.classificationPortion))
        return (types, portions)
    if p in (BF.note, BF.summary, BF.tableOfContents):
        labels = tuple(sorted(text_key(o.value) for q, o in stmts if isinstance(o, Literal)))
        return (types, labels)
    return (types, _closure_text(about, node, d))


def _closure_text(about: dict, node, d: Description) -> str:
    """The statements reached from ``node``, with its member's node names left out."""
    lines, todo, done = [], [node], set()
    while todo:
        n = todo.pop()
        if n in done:
            continue
        done.add(n)
        for p, o in about.get(n, ()):
            if _is_node(o, d):
                todo.append(o)
                lines.append(f"{p} _")
            else:
                lines.append(f"{p} {o}")
    return "\n".join(sorted(lines))


def _copy(
    d: Description, about: dict, node, target: NamedNode, resource: NamedNode, p, retype: dict | None = None
) -> list[tuple]:
    """``node``'s statements (and its nodes', to any depth) as the union node ``target``."""
    names = {node: target}
    order, todo = [], [node]
    while todo:
        n = todo.pop(0)
        order.append(n)
        for _, o in about.get(n, ()):  # in _statement_order already (_about)
            if _is_node(o, d) and o not in names:
                names[o] = NamedNode(f"{target.value}.{len(names)}")
                todo.append(o)
    out = [(resource, p, target)]
    for n in order:
        for q, o in about.get(n, ()):
            if retype and q == RDF.type and o in retype:
                o = retype[o]
            out.append((names[n], q, names.get(o, o)))
    return out
