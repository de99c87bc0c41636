"""XML from outside, read without reading files or exhausting memory.

Two parsers read XML here. ElementTree (expat) reads MARCXML, CNMARC/UNIMARC XML, Dublin Core
and OAI-PMH responses: :func:`pull_parser` and :func:`fromstring` give parsers that refuse any
entity declaration or external reference (no catalogue format needs them), reported as an
ordinary :class:`xml.etree.ElementTree.ParseError` that names the refusal. pyoxigraph reads
RDF/XML: it expands internal entities without a limit (measured: 9 nested entities in 1 KB
become 1 GB), so :class:`GuardedRdfXml` wraps the stream and refuses, before pyoxigraph sees
them, entities that nest or point outside, parameter entities, and more expansion than
:data:`MAX_EXPANSION` bytes. Simple namespace entities (``<!ENTITY owl "http://…#">``), which
ontology editors write, still load.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator, Literal, Protocol, cast

from defusedxml.ElementTree import DefusedXMLParser

MAX_PROLOG = 1 << 20  # bytes of XML declaration + DOCTYPE we read before the root element
MAX_EXPANSION = 64 << 20  # bytes all entity references of one RDF/XML document may expand to
MAX_ENTITIES = 256


class XMLRefused(ValueError):
    """An XML document that asks for what we do not do (external or nested entities, huge expansion)."""


# ElementTree ---------------------------------------------------------------------------------
class _Parser(DefusedXMLParser):
    """expat with every entity declaration and external reference refused as a ParseError."""

    def __init__(self):
        super().__init__(target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)

    def feed(self, data) -> None:
        try:
            super().feed(data)
        except (LookupError, ValueError) as err:  # encoding="UTF-9" (no such codec) or "UTF-7" (multi-byte)
            raise ET.ParseError(f"the document's encoding cannot be read: {err}") from None

    def close(self):
        try:
            return super().close()
        except (LookupError, ValueError) as err:
            raise ET.ParseError(f"the document's encoding cannot be read: {err}") from None

    def defused_entity_decl(self, name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        raise ET.ParseError(
            f"the document declares the entity {name!r}: entity declarations are refused "
            "(they can read local files or expand without bound)"
        )

    def defused_unparsed_entity_decl(self, name, base, sysid, pubid, notation_name):
        raise ET.ParseError(f"the document declares the unparsed entity {name!r}: refused")

    def defused_external_entity_ref_handler(self, context, base, sysid, pubid):
        raise ET.ParseError(f"the document refers to an external entity ({sysid or pubid}): refused")


class ElementEvents(Protocol):
    """An ``XMLPullParser`` asked for "start" and "end" events only, so each event carries an element."""

    def feed(self, data: bytes | str) -> None: ...

    def close(self) -> None: ...

    def read_events(self) -> Iterator[tuple[str, ET.Element]]: ...


def pull_parser(events: tuple[Literal["start", "end"], ...] = ("end",)) -> ElementEvents:
    """An ``XMLPullParser`` that refuses entity declarations and external references."""
    return cast(ElementEvents, ET.XMLPullParser(events=events, _parser=_Parser()))


class Readable(Protocol):
    """A binary stream as the RDF/XML guard and pyoxigraph's parser read it."""

    def read(self, size: int = -1, /) -> bytes: ...


def fromstring(data: bytes | str) -> ET.Element:
    """``ET.fromstring`` that refuses entity declarations and external references."""
    parser = _Parser()
    parser.feed(data)
    return parser.close()


# RDF/XML for pyoxigraph ----------------------------------------------------------------------
_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?([^\s%&;\"'>]+)\s+(\"[^\"]*\"|'[^']*'|SYSTEM\b|PUBLIC\b)", re.S)
_ROOT = re.compile(rb"<(?![?!])")
_DECLARATION = re.compile(rb"<!ENTITY\b")


def check_rdfxml_prolog(prolog: bytes) -> dict[bytes, int]:
    """The internal entities (name -> length) a prolog declares; XMLRefused if any is unsafe."""
    entities: dict[bytes, int] = {}
    if not _DOCTYPE.search(prolog):
        return entities
    declared = len(re.findall(rb"<!ENTITY\b", prolog))
    found = list(_ENTITY.finditer(prolog))
    if declared != len(found):
        raise XMLRefused("an entity declaration could not be read: refused")
    if declared > MAX_ENTITIES:
        raise XMLRefused(f"the document declares {declared} entities (at most {MAX_ENTITIES}): refused")
    for m in found:
        name, value = m.group(2), m.group(3)
        shown = name.decode("utf-8", "replace")[:100]
        if len(name) > 200:
            raise XMLRefused(f"the entity name {shown!r}… is longer than 200 bytes: refused")
        if m.group(1):
            raise XMLRefused(f"the document declares the parameter entity {shown!r}: refused")
        if value in (b"SYSTEM", b"PUBLIC"):
            raise XMLRefused(
                f"the document declares the external entity {shown!r} (it would read a file or URL): refused"
            )
        if b"&" in value or b"%" in value:
            raise XMLRefused(f"the entity {shown!r} refers to other entities (nested expansion): refused")
        entities[name] = len(value) - 2
    return entities


class GuardedRdfXml:
    """A binary stream of RDF/XML that raises :class:`XMLRefused` on unsafe entities (see the module)."""

    def __init__(self, raw: Readable, name: str = "the document"):
        self._raw = raw
        self._name = name
        self._prolog = b""
        self._entities: dict[bytes, int] | None = None
        self._refs: re.Pattern | None = None
        self._tail = b""
        self._expanded = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._check(data)
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _check(self, data: bytes) -> None:
        if self._entities is None:
            self._prolog += data
            root = self._root_start(self._prolog)
            if root is None:
                if len(self._prolog) > MAX_PROLOG or not data:
                    if data:
                        raise XMLRefused(f"{self._name}: more than {MAX_PROLOG:,} bytes before the root element")
                    self._entities = check_rdfxml_prolog(self._prolog)
                return
            self._entities = check_rdfxml_prolog(self._prolog[:root])
            if self._entities:
                names = b"|".join(re.escape(n) for n in self._entities)
                self._refs = re.compile(rb"&(" + names + rb");")
            data, self._prolog = self._prolog[root:], b""
        text = self._tail + data
        if _DECLARATION.search(text):  # past the prolog: a declaration hidden where the DOCTYPE looked over
            raise XMLRefused(f"{self._name}: an entity declaration outside the DOCTYPE: refused")
        if self._refs is not None:
            for m in self._refs.finditer(text):
                if m.end() > len(self._tail):  # not counted with the previous block
                    self._expanded += self._entities[m.group(1)]
            if self._expanded > MAX_EXPANSION:
                raise XMLRefused(f"{self._name}: its entities expand to more than {MAX_EXPANSION:,} bytes: refused")
        self._tail = text[-256:]

    @staticmethod
    def _root_start(prolog: bytes) -> int | None:
        """Where the root element starts, once the DOCTYPE (with its internal subset) is over."""
        doctype = _DOCTYPE.search(prolog)
        start = 0
        if doctype:
            close = prolog.find(b"]>", doctype.end())
            if b"[" not in prolog[doctype.end() : prolog.find(b">", doctype.end()) + 1 or len(prolog)]:
                close = prolog.find(b">", doctype.end())
                if close < 0:
                    return None
                start = close + 1
            elif close < 0:
                return None
            else:
                start = close + 2
        m = _ROOT.search(prolog, start)
        return m.start() if m else None


def check_rdfxml(data: bytes, name: str = "the document") -> None:
    """Raise :class:`XMLRefused` if an RDF/XML document in memory has unsafe entities."""
    import io

    guard = GuardedRdfXml(io.BytesIO(data), name)
    while guard.read(1 << 20):
        pass
