"""MARC 21 bibliographic (and holdings) records to BIBFRAME 2, as the Library of Congress models it.

One record gives a bf:Work, a bf:Instance and the loading member's bf:Items: one per
852 (or per 876-878 item when the record lists items), or one for the whole record
when it has no holdings fields. Holdings records (leader/06 u, v, x, y) give Items of
the bibliographic record their 004 names: :func:`map_holdings`. Structured nodes are
fragment IRIs of the resource they belong to, scoped by member and named by their
content, so loading the same record twice yields the same triples and no blank nodes.
The parts live in ``marc21_work`` (what the work is), ``marc21_instance`` (the
edition in hand) and ``marc21_holdings`` (who holds copies); the code tables in
``marc21_tables``.
"""

from __future__ import annotations

import pymarc

from graph.identity.uris import digest
from graph.load.mappers import MappingContext
from graph.load.mappers import marc21_holdings as holdings
from graph.load.mappers import marc21_instance as instance_part
from graph.load.mappers import marc21_work as work_part
from graph.load.mappers.marc21_emit import Out
from graph.load.mappers.marc21_identity import evidence
from graph.load.mappers.marc21_tables import BIB_TYPES, HOLDINGS_TYPES
from vocab.namespaces import BF


class UnmappableRecord(ValueError):
    """A record that is not a MARC 21 bibliographic record this mapper can read; says why."""


def record_language(record) -> str:
    f008 = next((f.data for f in record.fields if f.tag == "008"), "") or ""
    code = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    return code if len(code) == 3 and code.isalpha() else ""


def control_of(record) -> str:
    """The record's 001, or a digest of its content when it has none."""
    for f in record.fields:
        if f.tag == "001" and f.data and f.data.strip():
            return f.data.strip()
    return digest(str(record), 20)


def not_marc21(record) -> str | None:
    """Why a record cannot be MARC 21 bibliographic data, or None if it can."""
    tags = {f.tag for f in record.fields}
    for f in record.fields:
        if f.control_field and f.data and "\x1f" in f.data:
            return (
                f"control field {f.tag} holds subfields: not MARC 21 (a national format such as danMARC2 or NORMARC?)"
            )
    if "245" not in tags and "200" in tags:
        return "this is a UNIMARC/CNMARC record (no 245, a 200 title), not MARC 21; load it with --format unimarc"
    return None


def map_record(record: pymarc.Record, ctx: MappingContext) -> list[tuple]:
    """BIBFRAME triples for one MARC 21 bibliographic record, as seen by ``ctx.member``."""
    leader = str(record.leader)
    if leader[6:7] in HOLDINGS_TYPES:
        raise UnmappableRecord(
            f"holdings record (leader/06 = {leader[6]}) for bibliographic record "
            f"{_link004(record) or '(no 004)'}: load it with its bibliographic records"
        )
    problem = not_marc21(record)
    if problem:
        raise UnmappableRecord(problem)
    member = ctx.member.upper()
    language = record_language(record)
    out = Out(record, member, ctx.minter, language)
    control = control_of(record)
    instance, work, original = resolve(out, ctx, control, language)
    work_part.map_work(out, work, instance, leader, language, ctx)
    if original is not None:  # a translation: its own Work, linked to the Work it translates
        out.add((work, BF.translationOf, original))
    instance_part.map_instance(out, instance, work, leader, control, ctx)
    holdings.map_items(out, instance, control, ctx)
    return out.triples


def resolve(out: Out, ctx: MappingContext, control: str, language: str):
    """The Instance and Work IRIs of the record, and of the Work it translates (or None): the alliance's
    identity resolver decides."""
    resolved = ctx.identity.resolve(evidence(_Fields(out), out.member, control))
    return resolved.instance, resolved.work, resolved.original


class _Fields:
    """The record as :func:`evidence` reads it, with field lookups by tag already indexed."""

    __slots__ = ("get_fields", "leader", "fields")

    def __init__(self, out: Out):
        self.get_fields = out.fields
        self.leader = out.record.leader
        self.fields = out.record.fields


def _link004(record) -> str | None:
    return next((f.data.strip() for f in record.fields if f.tag == "004" and f.data), None)


def is_holdings(record) -> bool:
    return str(record.leader)[6:7] in HOLDINGS_TYPES


def holdings_link(record) -> str | None:
    """The 001 of the bibliographic record a holdings record belongs to (its 004)."""
    return _link004(record)


def map_holdings(record: pymarc.Record, ctx: MappingContext, instance) -> list[tuple]:
    """Items of a holdings record (leader/06 u, v, x, y) whose bibliographic Instance is ``instance``."""
    out = Out(record, ctx.member.upper(), ctx.minter, "")
    holdings.map_holdings_record(out, instance, control_of(record), ctx)
    return out.triples


__all__ = ["BIB_TYPES", "UnmappableRecord", "is_holdings", "holdings_link", "map_holdings", "map_record", "not_marc21"]
