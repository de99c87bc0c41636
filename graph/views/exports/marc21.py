"""The union record of an edition as MARC 21 (ISO 2709 or MARCXML), for copy cataloguing (套录).

Built from what the default graph says about the Instance and its Work (gathered by
:mod:`graph.views.exports.union_description`), following the Library of Congress's bibframe2marc
(``lcnetdev/bibframe2marc`` rules) for which BIBFRAME goes to which field; ``docs/marc-export.md``
is the table. Where MARC has room for one value and the graph gives several (every member's
description piled on the shared IRIs, before one union description per edition), one is chosen
deterministically: the form most members gave, then the smallest IRI; the other title forms go to
246 so no title is lost, identifiers and names are given once each. Romanised and vernacular forms
of one node become a field and its 880 (``$6``), the romanised form in the field as LC does.

The member's own fields are left out for the member to fill: holdings (852, 876-878), local
fields (9XX), its control number (the 001 is the union edition's id).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

import pymarc
from pymarc import Record
from pyoxigraph import NamedNode

from graph.views.exports.marc21_record import Builder, code_of, most_given, split_scripts
from graph.views.exports.marc21_work import classifications, contributions, subjects, uniform_title
from graph.views.exports.union_description import union_description, work_of
from graph.identity.normalize import text_key
from graph.identity.periods import PeriodError, parse_period
from graph.load.mappers.marc21_tables import CARRIER_LABELS, CONTENT_LABELS, MEDIA_LABELS
from graph.load.mappers.script import script_of
from graph.views.common import Description, node
from graph.store.base import Store
from vocab.labels import term_label
from vocab.namespaces import BF, BFLC, RDF, RDFS

WORK_TYPES = [
    (BF.NotatedMusic, "c"),
    (BF.Cartography, "e"),
    (BF.MovingImage, "g"),
    (BF.MusicAudio, "j"),
    (BF.Audio, "i"),
    (BF.StillImage, "k"),
    (BF.Multimedia, "m"),
    (BF.Kit, "o"),
    (BF.MixedMaterial, "p"),
    (BF.Object, "r"),
]
ISSUANCE_LEVEL = {"mono": "m", "serl": "s", "intg": "i", "mulm": "m", "coll": "c"}
PROVISION_IND2 = [(BF.Production, "0"), (BF.Publication, "1"), (BF.Distribution, "2"), (BF.Manufacture, "3")]
TITLE_VARIANTS = {
    BF.ParallelTitle.value: ("246", "1"),
    BF.VariantTitle.value: ("246", "3"),
    BF.AbbreviatedTitle.value: ("210", "0"),
    BF.KeyTitle.value: ("222", "0"),
}
# identifier class -> (tag, first indicator, subfield for a valid value, $2 source)
IDENTIFIERS = {
    BF.Lccn.value: ("010", " ", "a", ""),
    BF.Nbn.value: ("015", " ", "a", ""),
    BF.CopyrightNumber.value: ("017", " ", "a", ""),
    BF.Isbn.value: ("020", " ", "a", ""),
    BF.Issn.value: ("022", " ", "a", ""),
    BF.IssnL.value: ("022", " ", "l", ""),
    BF.Isrc.value: ("024", "0", "a", ""),
    BF.Upc.value: ("024", "1", "a", ""),
    BF.Ismn.value: ("024", "2", "a", ""),
    BF.Ean.value: ("024", "3", "a", ""),
    BF.Sici.value: ("024", "4", "a", ""),
    BF.Doi.value: ("024", "7", "a", "doi"),
    BF.Hdl.value: ("024", "7", "a", "hdl"),
    BF.Urn.value: ("024", "7", "a", "urn"),
    BF.LcOverseasAcq.value: ("025", " ", "a", ""),
    BF.Strn.value: ("027", " ", "a", ""),
    BF.PublisherNumber.value: ("028", "5", "a", ""),
    BF.AudioIssueNumber.value: ("028", "0", "a", ""),
    BF.MatrixNumber.value: ("028", "1", "a", ""),
    BF.MusicPlate.value: ("028", "2", "a", ""),
    BF.MusicPublisherNumber.value: ("028", "3", "a", ""),
    BF.VideoRecordingNumber.value: ("028", "4", "a", ""),
    BF.Coden.value: ("030", " ", "a", ""),
    BF.OclcNumber.value: ("035", " ", "a", ""),
    BF.Local.value: ("035", " ", "a", ""),
    BF.StockNumber.value: ("037", " ", "a", ""),
    BF.ReportNumber.value: ("088", " ", "a", ""),
    BF.Identifier.value: ("024", "8", "a", ""),
}
_EDTF_YEAR = re.compile(r"^(\d{2}[\dX]{2})(?:-\d\d(?:-\d\d)?)?$")


# the record ------------------------------------------------------------------------------------------
def union_record(store: Store, iri: str | NamedNode) -> Record | None:
    """The union record of one edition, or None when the store does not describe it as an Instance."""
    instance = node(iri)
    desc = union_description(store, instance)
    if desc is None or BF.Instance.value not in desc.types(instance):
        return None
    return build_record(desc, instance)


def build_record(desc: Description, instance: NamedNode) -> Record:
    work = work_of(desc, instance)
    out = Builder()
    out.control("001", instance.value.rstrip("/").rsplit("/", 1)[-1])
    stamps = sorted(
        lit.value for admin in desc.nodes(instance, BF.adminMetadata) for lit in desc.literals(admin, BF.changeDate)
    )
    if stamps:
        out.control("005", re.sub(r"[^0-9]", "", stamps[-1])[:14].ljust(14, "0") + ".0")
    languages = sorted(code_of(n.value) for n in desc.nodes(work, BF.language)) if work else []
    provision = _provisions(desc, instance)
    f008 = _f008(desc, instance, provision, languages)
    out.control("008", f008)
    _identifiers(out, desc, instance)
    admin_langs = sorted(
        {
            code_of(n.value)
            for a in desc.nodes(instance, BF.adminMetadata)
            for n in desc.nodes(a, BF.descriptionLanguage)
        }
    )
    conventions = sorted(
        {
            code_of(n.value)
            for a in desc.nodes(instance, BF.adminMetadata)
            for n in desc.nodes(a, BF.descriptionConventions)
        }
    )
    out.field("040", "  ", [("b", admin_langs[0] if admin_langs else "")] + [("e", c) for c in conventions[:1]])
    if len(languages) > 1:
        out.field("041", "0 ", [("a", code) for code in languages])
    if work is not None:
        classifications(out, desc, work)
    main = contributions(out, desc, work) if work is not None else False
    if work is not None:
        uniform_title(out, desc, work, main)
    _titles(out, desc, instance, main)
    _edition(out, desc, instance)
    for tag, ind2, p in provision:
        latin, vern = _imprint(desc, p, 0), _imprint(desc, p, 1)
        if ind2 == "1":
            latin, vern = _with_year(latin, f008[7:11]), _with_year(vern, f008[7:11])
        out.field(tag, " " + ind2, latin, vern)
    if copyright := sorted(lit.value for lit in desc.literals(instance, BF.copyrightDate)):
        out.field("264", " 4", [("c", copyright[0])])
    _description(out, desc, instance, work)
    if work is not None:
        subjects(out, desc, work)
    leader = _leader(desc, instance, work)
    return out.record(leader)


def _with_year(subs: list[tuple[str, str]], year: str) -> list[tuple[str, str]]:
    """A reign or era date ("民国二十年", "光绪九年") followed by its Gregorian year in brackets, as Chinese
    cataloguers write it, so the year a record is matched on survives the round trip."""
    out = []
    for code, value in subs:
        if code == "c" and year.isdigit() and not re.search(r"\d{4}", value):
            try:
                period = parse_period(value)
            except PeriodError:
                period = None
            if period is not None and str(period.year) == year:
                value = f"{value} [{year}]"
        out.append((code, value))
    return out


def _imprint(desc: Description, p: NamedNode, which: int) -> list[tuple[str, str]]:
    """264 $a place, $b agent, $c date of a provision activity, romanised/Latin (0) or vernacular (1)."""
    return [
        (code, v)
        for code, pred in (("a", BFLC.simplePlace), ("b", BFLC.simpleAgent), ("c", BFLC.simpleDate))
        for v in split_scripts(desc.literals(p, pred))[which]
    ]


def _leader(desc: Description, instance: NamedNode, work: NamedNode | None) -> str:
    types = desc.types(work) if work is not None else set()
    kind = next((code for cls, code in WORK_TYPES if cls.value in types), "a")
    if kind == "a" and BF.Manuscript.value in types:
        kind = "t"
    issuance = sorted(code_of(n.value) for n in desc.nodes(instance, BF.issuance))
    level = ISSUANCE_LEVEL.get(issuance[0], "m") if issuance else ("s" if BF.Serial.value in types else "m")
    return f"00000n{kind}{level} a2200000 c 4500"


def _provisions(desc: Description, instance: NamedNode) -> list[tuple[str, str, NamedNode]]:
    """One provision activity per kind (production, publication, distribution, manufacture): the statement
    most members gave; the 264 fields they become."""
    found = []
    nodes = desc.nodes(instance, BF.provisionActivity)
    for cls, ind2 in PROVISION_IND2:
        candidates = [
            p
            for p in nodes
            if cls.value in desc.types(p)
            and any(desc.literals(p, q) for q in (BFLC.simplePlace, BFLC.simpleAgent, BFLC.simpleDate))
        ]
        if not candidates:
            continue
        keys = {
            p.value: " ".join(
                lit.value
                for q in (BFLC.simpleAgent, BFLC.simpleDate, BFLC.simplePlace)
                for lit in sorted(desc.literals(p, q), key=lambda x: x.value)
            )
            for p in candidates
        }
        best = most_given(keys.values())
        chosen = min(
            (
                p
                for p in candidates
                if best is None or (text_key(keys[p.value]) or keys[p.value]) == (text_key(best) or best)
            ),
            key=lambda p: (-len(desc.literals(p, BFLC.simpleAgent)), p.value),
        )
        found.append(("264", ind2, chosen))
    return found


def _f008(desc: Description, instance: NamedNode, provision, languages: list[str]) -> str:
    dates = [lit.value for p in desc.nodes(instance, BF.provisionActivity) for lit in desc.literals(p, BF.date)]
    chosen = next((p for _, ind2, p in provision if ind2 == "1"), provision[0][2] if provision else None)
    own = [lit.value for lit in desc.literals(chosen, BF.date)] if chosen is not None else []
    date = min(own) if own else most_given(dates)
    kind, d1, d2 = "n", "uuuu", "    "
    if date:
        start, _, end = date.partition("/")
        if m := _EDTF_YEAR.match(start):
            d1 = m.group(1).replace("X", "u")
            kind = "s"
            if end:
                kind, d2 = (
                    ("c", "9999")
                    if end == ".."
                    else ("m", (m_end.group(1).replace("X", "u") if (m_end := _EDTF_YEAR.match(end)) else "uuuu"))
                )
    else:
        years = [
            m.group(0)
            for p in desc.nodes(instance, BF.provisionActivity)
            for lit in desc.literals(p, BFLC.simpleDate)
            for m in [re.search(r"\d{4}", lit.value)]
            if m
        ]
        if years:
            kind, d1 = "s", min(years)
    places = sorted(
        code_of(n.value)
        for p in desc.nodes(instance, BF.provisionActivity)
        for n in desc.nodes(p, BF.place)
        if "/countries/" in n.value
    )
    place = (Counter(places).most_common(1)[0][0] if places else "xx").ljust(3)[:3]
    language = _main_language(desc, instance, languages)
    return f"{' ' * 6}{kind}{d1}{d2}{place}{'|' * 17}{language}|d"


def _main_language(desc: Description, instance: NamedNode, languages: list[str]) -> str:
    if not languages:
        return "und"
    if len(languages) > 1:
        titles = [lit for t in desc.nodes(instance, BF.title) for lit in desc.literals(t, BF.mainTitle)]
        scripts = {script_of(lit.value) for lit in titles} - {None}
        for script, code in (("Hani", "chi"), ("Kana", "jpn"), ("Hang", "kor"), ("Cyrl", "rus")):
            if script in scripts and code in languages:
                return code
    return languages[0]


def _identifiers(out: Builder, desc: Description, instance: NamedNode) -> None:
    rows = []
    for ident in desc.nodes(instance, BF.identifiedBy):
        types = desc.types(ident)
        spec = next((IDENTIFIERS[t] for t in sorted(types) if t in IDENTIFIERS), None)
        values = sorted(lit.value.strip() for lit in desc.literals(ident, RDF.value))
        if spec is None or not values:
            continue
        tag, ind1, code, source = spec
        value = values[0]
        if BF.OclcNumber.value in types:
            value = f"(OCoLC){value}"
        invalid = any(
            s.value.rstrip("/").endswith(("cancinv", "invalid", "incorrect")) for s in desc.nodes(ident, BF.status)
        )
        if invalid:
            code = (
                "y" if tag == "022" and "incorrect" in " ".join(s.value for s in desc.nodes(ident, BF.status)) else "z"
            )
        qualifiers = tuple(sorted({lit.value for lit in desc.literals(ident, BF.qualifier)}))
        rows.append((tag, ind1, code, value, qualifiers, source))
    seen = set()
    for tag, ind1, code, value, qualifiers, source in sorted(rows):
        key = (tag, re.sub(r"[\s\-]", "", value).upper(), code)
        if key in seen:
            continue
        seen.add(key)
        subs = [(code, value)] + [("q", q) for q in qualifiers]
        if source:
            subs.append(("2", source))
        out.field(tag, ind1 + " ", subs)


def _title_node_key(desc: Description, t: NamedNode) -> str:
    latin, vern = split_scripts(desc.literals(t, BF.mainTitle))
    return text_key((vern or latin or [""])[0])


def _title_subfields(desc: Description, t: NamedNode, which: int) -> list[tuple[str, str]]:
    subs = []
    for code, pred in (("a", BF.mainTitle), ("b", BF.subtitle), ("n", BF.partNumber), ("p", BF.partName)):
        values = split_scripts(desc.literals(t, pred))[which]
        subs += [(code, v) for v in (values[:1] if code in "ab" else values)]
    return subs


def _titles(out: Builder, desc: Description, instance: NamedNode, main: bool) -> None:
    nodes = sorted(desc.nodes(instance, BF.title), key=lambda n: n.value)
    proper = [t for t in nodes if desc.types(t) == {BF.Title.value} and desc.literals(t, BF.mainTitle)]
    variants = [t for t in nodes if t not in proper]
    counts = Counter(_title_node_key(desc, t) for t in proper)
    done = set()
    if proper:
        best = max(counts.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]]))[0]
        chosen = min(
            (t for t in proper if _title_node_key(desc, t) == best),
            key=lambda t: (
                -len(
                    split_scripts(desc.literals(t, BF.mainTitle))[1]
                    and split_scripts(desc.literals(t, BF.mainTitle))[0]
                ),
                t.value,
            ),
        )
        nonsort = sorted(lit.value for lit in desc.literals(chosen, BFLC.nonSortNum) if lit.value.isdigit())
        latin_c, vern_c = split_scripts(desc.literals(instance, BF.responsibilityStatement))
        latin = _title_subfields(desc, chosen, 0) + [("c", most_given(latin_c) or "")]
        vern = _title_subfields(desc, chosen, 1)
        if vern:
            vern += [("c", most_given(vern_c) or "")]
        out.field("245", ("1" if main else "0") + (nonsort[0] if nonsort else "0"), latin, vern)
        done.add(best)
        for lit in desc.literals(chosen, BF.mainTitle):
            done.add(text_key(lit.value))
    for t in proper:  # other members' titles proper that differ: variant titles, so none is lost
        key = _title_node_key(desc, t)
        forms = {text_key(lit.value) for lit in desc.literals(t, BF.mainTitle)}
        if key in done or forms & done:
            continue
        done |= forms | {key}
        out.field("246", "3 ", _title_subfields(desc, t, 0), _title_subfields(desc, t, 1))
    for t in variants:
        types = desc.types(t)
        spec = next((TITLE_VARIANTS[c] for c in sorted(types) if c in TITLE_VARIANTS), ("246", "3"))
        forms = {text_key(lit.value) for lit in desc.literals(t, BF.mainTitle)}
        if not forms or (spec[0] == "246" and forms <= done):
            continue
        done |= forms
        tag, ind = spec
        ind = f"{ind} " if tag == "246" else ("0" + " ") if tag == "210" else " 0"
        if tag == "246":
            ind = "3" + ("1" if BF.ParallelTitle.value in types else " ")
        out.field(tag, ind, _title_subfields(desc, t, 0), _title_subfields(desc, t, 1))


def _edition(out: Builder, desc: Description, instance: NamedNode) -> None:
    latin, vern = split_scripts(desc.literals(instance, BF.editionStatement))
    out.field("250", "  ", [("a", most_given(latin) or "")], [("a", most_given(vern) or "")])


def _description(out: Builder, desc: Description, instance: NamedNode, work: NamedNode | None) -> None:
    extents = [lit for e in desc.nodes(instance, BF.extent) for lit in desc.literals(e, RDFS.label)]
    latin, vern = split_scripts(extents)
    dims = sorted(lit.value for lit in desc.literals(instance, BF.dimensions))
    out.field("300", "  ", [("a", most_given(latin) or most_given(vern) or "")] + [("c", d) for d in dims[:1]])
    if work is not None:
        for n in sorted(desc.nodes(work, BF.content), key=lambda n: n.value):
            out.field("336", "  ", _rda_term(n.value, CONTENT_LABELS, "rdacontent"))
    for labels, pred, tag, code in (
        (MEDIA_LABELS, BF.media, "337", "rdamedia"),
        (CARRIER_LABELS, BF.carrier, "338", "rdacarrier"),
    ):
        for n in sorted(desc.nodes(instance, pred), key=lambda n: n.value):
            out.field(tag, "  ", _rda_term(n.value, labels, code))
    series_latin, series_vern = split_scripts(desc.literals(instance, BF.seriesStatement))
    numbers = sorted(lit.value for lit in desc.literals(instance, BF.seriesEnumeration))
    for i, s in enumerate(series_latin or series_vern):
        v = [("v", numbers[0])] if len(numbers) == 1 and i == 0 else []
        pair = [("a", series_vern[i])] if series_latin and i < len(series_vern) else None
        out.field("490", "0 ", [("a", s)] + v, pair)
    seen = set()
    for n in sorted(desc.nodes(instance, BF.note), key=lambda n: n.value):
        for lit in sorted(desc.literals(n, RDFS.label), key=lambda x: x.value):
            if text_key(lit.value) not in seen:
                seen.add(text_key(lit.value))
                out.field("500", "  ", [("a", lit.value)])
    if work is not None:
        for pred, tag, ind in ((BF.tableOfContents, "505", "0 "), (BF.summary, "520", "  ")):
            seen = set()
            for n in sorted(desc.nodes(work, pred), key=lambda n: n.value):
                for lit in sorted(desc.literals(n, RDFS.label), key=lambda x: x.value):
                    if text_key(lit.value) not in seen:
                        seen.add(text_key(lit.value))
                        out.field(tag, ind, [("a", lit.value)])
    for url in sorted(n.value for n in desc.nodes(instance, BF.electronicLocator)):
        out.field("856", "40", [("u", url)])


def _rda_term(iri: str, labels: dict[str, str], source: str) -> list[tuple[str, str]]:
    """33X $a term (the words matching reads: "online resource", "microform"), $b code, $2 source."""
    code = code_of(iri)
    return [("a", labels.get(code) or term_label(iri) or ""), ("b", code), ("2", source)]


# writing -------------------------------------------------------------------------------------------------
MARCXML_NS = "http://www.loc.gov/MARC21/slim"


def to_iso2709(record: Record) -> bytes:
    return record.as_marc()


def to_marcxml(records: Iterable[Record]) -> bytes:
    return b"".join(marcxml_stream(records))


def marcxml_stream(records: Iterable[Record]) -> Iterable[bytes]:
    """A MARCXML collection, a record at a time."""
    yield COLLECTION_START
    for record in records:
        yield marcxml_record(record)
    yield COLLECTION_END


COLLECTION_START = b'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="' + MARCXML_NS.encode() + b'">\n'
COLLECTION_END = b"</collection>\n"


def marcxml_record(record: Record) -> bytes:
    """One record's MARCXML, inside a collection that declares the namespace."""
    xml = pymarc.record_to_xml(record, namespace=True)
    return xml.replace(b' xmlns="' + MARCXML_NS.encode() + b'"', b"", 1) + b"\n"


__all__ = ["build_record", "marcxml_stream", "to_iso2709", "to_marcxml", "union_record"]
