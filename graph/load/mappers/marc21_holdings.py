"""Who holds copies: bf:Items of the loading member from 852, 876-878 and MARC 21 holdings records.

An Item is one copy (or one run of a serial) a member owns. In a bibliographic record
each 876-878 is an item, with the shelf mark and location of the 852 it links to
($8) or of the first 852; without 876-878 each 852 is an item; without either, the
record still gives one Item: the member holds the title. A holdings record (leader/06
u, v, x or y) is one Item for its location, or one per 876-878 item it lists.
"""

from __future__ import annotations

from typing import Sequence

from pyoxigraph import Literal, NamedNode

from graph.load.mappers.marc21_emit import LABEL, TYPE, Out
from graph.load.mappers.marc21_tables import SHELFMARK_CLASS
from graph.load.mappers.marc21_text import clean, fid, first, subfields
from vocab.namespaces import BF, RDF

ITEM_TAGS = ("876", "877", "878")
TEXTUAL_HOLDINGS = ("866", "867", "868")


def map_items(out: Out, instance: NamedNode, control: str, ctx) -> None:
    locations = out.fields("852")
    items = out.fields(*ITEM_TAGS)
    key = f"{out.member}|{control}|{_what(out)}"
    if items:
        for n, item_field in enumerate(items):
            _item(out, instance, ctx, f"{key}|{n}", [_location_of(item_field, locations)], [item_field])
    elif locations:
        for n, loc in enumerate(locations):
            _item(out, instance, ctx, f"{key}|{n}", [loc], [], out.fields(*TEXTUAL_HOLDINGS) if n == 0 else [])
    elif control not in getattr(ctx, "holdings_elsewhere", ()):
        _item(out, instance, ctx, f"{key}|0", [], [])  # the member holds the title, no details


def _what(out: Out) -> str:
    """A short digest of what the record describes, so that two records sharing a 001 (it happens
    in merged catalogues) do not share Items; the same record always gives the same one."""
    t245 = out.first("245")
    f008 = out.first("008")
    ids = [v for f in out.fields("010", "020", "022") for c, v in f.subfields if c == "a"]
    return fid(
        t245.value() if t245 is not None else "", f008.data[7:15] if f008 is not None and f008.data else "", *ids
    )


def map_holdings_record(out: Out, instance: NamedNode, control: str, ctx) -> None:
    locations = out.fields("852")
    items = out.fields(*ITEM_TAGS)
    key = f"{out.member}|mfhd|{control}"
    textual = out.fields(*TEXTUAL_HOLDINGS)
    if items:
        for n, item_field in enumerate(items):
            _item(out, instance, ctx, f"{key}|{n}", [_location_of(item_field, locations)], [item_field], textual)
    else:
        _item(out, instance, ctx, f"{key}|0", locations, [], textual)


def _location_of(item_field, locations: list):
    if not locations:
        return None
    link = first(item_field, "8").split(".")[0].strip()
    if link:
        for loc in locations:
            if first(loc, "8").split(".")[0].strip() == link:
                return loc
    return locations[0]


def _item(
    out: Out, instance: NamedNode, ctx, key: str, locations: list, item_fields: list, textual: Sequence = ()
) -> None:
    add = out.add
    item = ctx.minter.item(key)
    add((item, TYPE, BF.Item))
    add((item, BF.itemOf, instance))
    add((instance, BF.hasItem, item))
    add((item, BF.heldBy, ctx.library))
    base = item.value
    for loc in locations:
        if loc is None:
            continue
        mark = " ".join(v.strip() for c, v in loc.subfields if c in "khim" and v.strip()) or " ".join(
            v.strip() for c, v in loc.subfields if c == "j" and v.strip()
        )
        if mark:
            node = NamedNode(f"{base}#shelfmark")
            add((item, BF.shelfMark, node))
            add((node, TYPE, SHELFMARK_CLASS.get(loc.indicators[0], BF.ShelfMark)))
            add((node, LABEL, Literal(mark)))
        place = " ".join(v.strip() for c, v in loc.subfields if c in "bc" and v.strip())
        if place:
            node = NamedNode(f"{base}#sublocation")
            add((item, BF.sublocation, node))
            add((node, TYPE, BF.Sublocation))
            add((node, LABEL, Literal(place)))
        _enumeration(out, item, subfields(loc, "3"))
        _copy(out, item, loc)
        if not item_fields:
            _barcodes(out, item, loc)  # 852 $p: the piece designation, where there is no 876
    for field in item_fields:
        _barcodes(out, item, field)
        _enumeration(out, item, subfields(field, "3"))
        _copy(out, item, field)
    for field in textual:
        _enumeration(out, item, subfields(field, "a"))


def _barcodes(out: Out, item: NamedNode, field) -> None:
    for barcode in subfields(field, "p"):
        barcode = barcode.strip()
        node = NamedNode(
            f"{item.value}#barcode-{barcode}"
            if barcode.isalnum()
            else f"{item.value}#barcode-{out.node(item, 'b', barcode).value.rsplit('-', 1)[-1]}"
        )
        out.add((item, BF.identifiedBy, node))
        out.add((node, TYPE, BF.Barcode))
        out.add((node, RDF.value, Literal(barcode)))


def _enumeration(out: Out, item: NamedNode, values: list[str]) -> None:
    for value in values:
        value = clean(value)
        if value:
            node = out.node(item, "enum", value)
            out.add((item, BF.enumerationAndChronology, node))
            out.add((node, TYPE, BF.Enumeration))
            out.add((node, LABEL, Literal(value)))


def _copy(out: Out, item: NamedNode, field) -> None:
    """Copy number ($t) and public notes ($z) as notes on the item; nonpublic notes ($x) stay out."""
    notes = [f"copy {v.strip()}" for v in subfields(field, "t")] + [clean(v) for v in subfields(field, "z")]
    for text in notes:
        if text:
            node = out.node(item, "note", text)
            out.add((item, BF.note, node))
            out.add((node, TYPE, BF.Note))
            out.add((node, LABEL, Literal(text)))
