"""What every part of the MARC 21 mapping shares: the record view and the triple collector."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from graph.load.mappers.marc21_text import Vernacular, clean, fid, romanised_tag
from vocab.namespaces import RDF, RDFS

_IRIS: dict[str, NamedNode] = {}
_TAG_SETS: dict[tuple, frozenset] = {}
_NONE: list = []
TYPE = RDF.type
LABEL = RDFS.label


def iri(base: str, code: str) -> NamedNode | None:
    """A NamedNode for a code in an LC value vocabulary (cached: they repeat on every record)."""
    key = base + code
    node = _IRIS.get(key)
    if node is None:
        try:
            node = NamedNode(key)
        except ValueError:
            return None
        if len(_IRIS) < 20_000:
            _IRIS[key] = node
    return node


class Out:
    """The triples of one record, with the record's view of itself.

    ``fields(tag)`` looks fields up by tag once (pymarc's get_fields scans the record on
    every call); ``node(parent, kind, *content)`` mints a content-addressed fragment of
    ``parent`` scoped by the loading member, so equal content from two loads (or two
    records of one member) is one node and different content never merges.
    """

    __slots__ = ("triples", "add", "member", "by_tag", "vern", "language", "record", "minter")

    def __init__(self, record, member: str, minter, language: str):
        self.triples: list[tuple] = []
        self.add = self.triples.append
        self.member = member
        self.record = record
        self.minter = minter
        self.language = language
        by_tag: dict[str, list] = {}
        for f in record.fields:
            lst = by_tag.get(f.tag)
            if lst is None:
                by_tag[f.tag] = [f]
            else:
                lst.append(f)
        self.by_tag = by_tag
        self.vern = Vernacular(by_tag.get("880", ()), language)

    def fields(self, *tags: str) -> list:
        """Fields with these tags, by tag in the order asked, each tag's in record order.

        (Output is a set of triples named by content, so order across tags never matters.)
        """
        by_tag = self.by_tag
        if len(tags) == 1:
            return by_tag.get(tags[0], _NONE)
        wanted = _TAG_SETS.get(tags)
        if wanted is None:
            wanted = _TAG_SETS[tags] = frozenset(tags)
        if by_tag.keys().isdisjoint(wanted):
            return _NONE
        found = []
        for t in tags:
            lst = by_tag.get(t)
            if lst:
                found += lst
        return found

    def first(self, *tags: str):
        for t in tags:
            lst = self.by_tag.get(t)
            if lst:
                return lst[0]
        return None

    def node(self, parent: NamedNode, kind: str, *content: str) -> NamedNode:
        return NamedNode(f"{parent.value}#{self.member}-{kind}-{fid(*content)}")

    def typed(self, parent: NamedNode, prop: NamedNode, kind: str, cls: NamedNode, *content: str) -> NamedNode:
        node = NamedNode(f"{parent.value}#{self.member}-{kind}-{fid(*content)}")
        self.add((parent, prop, node))
        self.add((node, TYPE, cls))
        return node

    def text(self, s: NamedNode, p: NamedNode, value: str, language: str | None = None) -> None:
        if value:
            self.add((s, p, Literal(value, language=language) if language else Literal(value)))

    def texts(self, s: NamedNode, p: NamedNode, values, language: str | None = None) -> None:
        add = self.add
        for value in values:
            value = clean(value)
            if value:
                add((s, p, Literal(value, language=language) if language else Literal(value)))

    def parallel(self, field):
        """(880 field, its language tag, the romanised form's tag) for a field with a vernacular twin."""
        v = self.vern.of(field)
        if v is None:
            return None, None, None
        tag = self.vern.tag(v)
        return v, tag, romanised_tag(tag)
