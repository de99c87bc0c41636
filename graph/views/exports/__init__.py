"""Exports of a record for reference managers and citations: a registry of formats, not an if-chain.

Each :class:`Export` names itself (``?format=ris``), its media type and file extension,
the resource kinds it applies to, and a function from an :class:`ExportContext` to text
(``None`` when the resource has nothing to export in that format, e.g. no MARC source).
RDF serialisations (Turtle, JSON-LD, ...) live in :mod:`graph.formats`; MARCXML of the
members' own source records in :mod:`graph.views.exports.marcxml`; the edition's union record as MARC 21
(ISO 2709 ``marc21``, MARCXML ``union-marcxml``), for copy cataloguing, in :mod:`graph.views.exports.marc21`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pyoxigraph import NamedNode

from graph.views.exports.bibtex import bibtex
from graph.views.exports.citation import CitationRecord, citation_record, citation_text
from graph.load.archive import SourceArchive
from graph.views.exports.marc21 import to_iso2709, to_marcxml, union_record
from graph.views.exports.marcxml import marcxml, source_records
from graph.views.exports.ris import ris
from graph.store.base import Store


@dataclass(frozen=True)
class Export:
    name: str  # ?format= value
    label: str  # what a page calls it
    media_type: str
    extension: str
    kinds: tuple[str, ...]  # resource kinds it applies to
    render: Callable[["ExportContext"], str | bytes | None]  # None: nothing to export for this resource


@dataclass(frozen=True)
class ExportContext:
    """What an export is made from: the store, the resource, the page language, the source records."""

    store: Store
    iri: NamedNode
    lang: str = "en"
    sources: SourceArchive | None = None


def _cited(writer: Callable[[CitationRecord], str]):
    def render(ctx: ExportContext) -> str | None:
        rec = citation_record(ctx.store, ctx.iri, ctx.lang)
        return writer(rec) if rec is not None else None

    return render


def _marcxml(ctx: ExportContext) -> bytes | None:
    return marcxml(source_records(ctx.store, ctx.sources, ctx.iri))


def _union_marc21(ctx: ExportContext) -> bytes | None:
    record = union_record(ctx.store, ctx.iri)
    return to_iso2709(record) if record is not None else None


def _union_marcxml(ctx: ExportContext) -> bytes | None:
    record = union_record(ctx.store, ctx.iri)
    return to_marcxml([record]) if record is not None else None


EXPORTS: tuple[Export, ...] = (
    Export("ris", "RIS", "application/x-research-info-systems", ".ris", ("instance", "work"), _cited(ris)),
    Export("bibtex", "BibTeX", "application/x-bibtex", ".bib", ("instance", "work"), _cited(bibtex)),
    Export("marcxml", "MARCXML", "application/marcxml+xml", ".xml", ("instance",), _marcxml),
    Export("marc21", "MARC 21 (union record)", "application/marc", ".mrc", ("instance",), _union_marc21),
    # the same media type as the members' records (listed first, so Accept gets those): by name only
    Export("union-marcxml", "MARCXML (union record)", "application/marcxml+xml", ".xml", ("instance",), _union_marcxml),
)
BY_NAME = {e.name: e for e in EXPORTS}
BY_MEDIA_TYPE: dict[str, Export] = {}
for _e in EXPORTS:
    BY_MEDIA_TYPE.setdefault(_e.media_type, _e)


def export_format(name: str) -> Export | None:
    """An export by name or media type (None if unknown)."""
    key = (name or "").strip().lower()
    return BY_NAME.get(key) or BY_MEDIA_TYPE.get(key)


def exports_for(kind: str) -> list[Export]:
    return [e for e in EXPORTS if kind in e.kinds]


__all__ = [
    "EXPORTS",
    "CitationRecord",
    "Export",
    "ExportContext",
    "citation_record",
    "citation_text",
    "export_format",
    "exports_for",
]
