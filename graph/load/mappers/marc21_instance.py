"""The Instance side of a MARC 21 record: titles, identifiers, publication, description, admin metadata."""

from __future__ import annotations

import re
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode

from graph.identity.match import carrier_key
from graph.load.mappers.marc21_emit import LABEL, TYPE, Out, iri
from graph.load.mappers.marc21_identity import FORM_OF_ITEM
from graph.load.mappers.marc21_tables import (
    CARRIER_TERMS,
    CARRIERS,
    CONVENTIONS,
    COUNTRIES,
    ID_024,
    ID_024_SOURCE,
    ID_028,
    ISSUANCE,
    ISSUANCE_CODE,
    LANGUAGES,
    MEDIA,
    MEDIA_TERMS,
    NOTE_TAGS,
    ORGANIZATIONS,
    PROVISION_CLASS,
    STATUS_INCORRECT,
    STATUS_INVALID,
    TITLE_246,
)
from graph.load.mappers.marc21_text import clean, first, joined, subfields
from graph.load.mappers.marc21_work import _codes
from vocab.namespaces import BF, BFLC, RDF, XSD

I_CLASS, INSTANCE_OF, TITLE, MAIN_TITLE = BF.Instance, BF.instanceOf, BF.title, BF.mainTitle
IDENTIFIED_BY, VALUE, NOTE = BF.identifiedBy, RDF.value, BF.note
SIMPLE_PLACE, SIMPLE_AGENT, SIMPLE_DATE = BFLC.simplePlace, BFLC.simpleAgent, BFLC.simpleDate
_OCLC = re.compile(r"^\(OCoLC\)\s*(?:ocm|ocn|on)?\s*", re.IGNORECASE)
_ISBN_HEAD = re.compile(r"^([0-9Xx-]{10,17})\s*(.*)$")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
_DATE = re.compile(r"^[0-9u|]{4}$")


def map_instance(out: Out, instance: NamedNode, work: NamedNode, leader: str, control: str, ctx) -> None:
    add = out.add
    add((instance, TYPE, I_CLASS))
    add((instance, INSTANCE_OF, work))
    if (code := ISSUANCE_CODE.get(leader[7:8])) is not None:
        add((instance, BF.issuance, iri(ISSUANCE, code)))
    _titles(out, instance)
    for field in out.fields("250"):
        statement = joined(field, "ab")
        v, tag, rtag = out.parallel(field)
        out.text(instance, BF.editionStatement, statement, rtag)
        if v is not None:
            out.text(instance, BF.editionStatement, joined(v, "ab"), tag)
    _identifiers(out, instance)
    _provision(out, instance)
    for field in out.fields("300"):
        _extent(out, instance, field)
    for field in out.fields("337"):
        for code in _codes(field, MEDIA_TERMS):
            if (node := iri(MEDIA, code)) is not None:
                add((instance, BF.media, node))
    for field in out.fields("338"):
        for code in _codes(field, CARRIER_TERMS):
            if (node := iri(CARRIERS, code)) is not None:
                add((instance, BF.carrier, node))
    if not out.fields("337") and not out.fields("338"):
        _carrier_from_older_fields(out, instance, leader)
    for field in out.fields("490"):
        out.texts(instance, BF.seriesStatement, subfields(field, "a"))
        out.texts(instance, BF.seriesEnumeration, subfields(field, "v"))
        v, tag, _ = out.parallel(field)
        if v is not None:
            out.texts(instance, BF.seriesStatement, subfields(v, "a"), tag)
    _notes(out, instance)
    for field in out.fields("856"):
        for url in subfields(field, "u"):
            if (node := _url(url)) is not None:
                add((instance, BF.electronicLocator, node))
    _admin(out, instance, control, ctx)


def _carrier_from_older_fields(out: Out, instance: NamedNode, leader: str) -> None:
    """A record without 337/338 that says it is electronic or microform in the ways matching reads
    (245 $h "[electronic resource]", 008/23 form of item): the same as media and carrier, so the
    graph says what the edition is carried on (and a record made from the graph says it again)."""
    f008 = out.first("008")
    data = f008.data if f008 is not None and f008.data else ""
    words = [v for f in out.fields("245") for v in subfields(f, "h")]
    if leader[6:7] in "at" and len(data) > 23:
        words.append(FORM_OF_ITEM.get(data[23], ""))
    kind = carrier_key(" ".join(words))
    if kind == "e":
        out.add((instance, BF.media, iri(MEDIA, "c")))
        out.add((instance, BF.carrier, iri(CARRIERS, "cr")))
    elif kind == "m":
        out.add((instance, BF.media, iri(MEDIA, "h")))


def _titles(out: Out, instance: NamedNode) -> None:
    add = out.add
    t245 = out.first("245")
    main = (joined(t245, "a") or joined(t245, "k")) if t245 is not None else ""
    if main:
        node = NamedNode(f"{instance.value}#{out.member}-title")  # the title proper: one per member
        out.add((instance, TITLE, node))
        out.add((node, TYPE, BF.Title))
        v, tag, rtag = out.parallel(t245)
        _title_parts(out, node, t245, main, rtag)
        ind2 = t245.indicators[1] if t245.indicators else "0"
        if ind2 in "123456789":
            add((node, BFLC.nonSortNum, Literal(ind2)))
        out.text(instance, LABEL, joined(t245, "abfgknps"), rtag)
        out.text(instance, BF.responsibilityStatement, joined(t245, "c"), rtag)
        if v is not None:
            _title_parts(out, node, v, joined(v, "a") or joined(v, "k"), tag)
            out.text(instance, LABEL, joined(v, "abfgknps"), tag)
            out.text(instance, BF.responsibilityStatement, joined(v, "c"), tag)
    for field in out.fields("246", "247", "210", "222", "242"):
        _variant(out, instance, field)
    for tag, field in out.vern.unpaired:
        if tag in ("245", "246") and (vmain := joined(field, "a")):
            node = out.typed(instance, TITLE, "variant", BF.VariantTitle, joined(field, "abnp"))
            _title_parts(out, node, field, vmain, out.vern.tag(field))


def _title_parts(out: Out, node: NamedNode, field, main: str, language: str | None) -> None:
    out.text(node, MAIN_TITLE, main, language)
    for code, prop in (("b", BF.subtitle), ("n", BF.partNumber), ("p", BF.partName)):
        out.texts(node, prop, subfields(field, code), language)


def _variant(out: Out, instance: NamedNode, field) -> None:
    tag = field.tag
    main = joined(field, "a")
    if not main:
        return
    if tag == "246":
        cls = TITLE_246.get(field.indicators[1], BF.VariantTitle)
    else:
        cls = {"210": BF.AbbreviatedTitle, "222": BF.KeyTitle}.get(tag, BF.VariantTitle)
    node = out.typed(instance, TITLE, "variant", cls, tag, joined(field, "abnp"))
    v, vtag, rtag = out.parallel(field)
    _title_parts(out, node, field, main, rtag)
    if tag == "247" and (date := first(field, "f")):
        out.text(node, BF.date, clean(date))
    if tag == "242" and (lang := first(field, "y").strip().lower()) and len(lang) == 3:
        if (node_lang := iri(LANGUAGES, lang)) is not None:
            out.add((node, BF.language, node_lang))
    if v is not None:
        _title_parts(out, node, v, joined(v, "a"), vtag)


def _ident(
    out: Out,
    instance: NamedNode,
    cls: NamedNode,
    value: str,
    qualifier: str | list[str] = "",
    status: str | None = None,
    on: NamedNode | None = None,
) -> None:
    value = value.strip()
    if not value:
        return
    node = out.typed(on or instance, IDENTIFIED_BY, "id", cls, cls.value, value, status or "")
    add = out.add
    add((node, VALUE, Literal(value)))
    for q in [qualifier] if isinstance(qualifier, str) else qualifier:
        if q:
            add((node, BF.qualifier, Literal(q)))
    if status is not None:
        add((node, BF.status, iri(status, "")))


def _identifiers(out: Out, instance: NamedNode) -> None:
    for field in out.fields("010"):
        for c, v in field.subfields:
            if c in "az":
                _ident(out, instance, BF.Lccn, v, status=STATUS_INVALID if c == "z" else None)
    for field in out.fields("015"):
        for v in subfields(field, "a"):
            _ident(out, instance, BF.Nbn, v, clean(first(field, "q")).strip("()"))
    for field in out.fields("016", "017"):
        for v in subfields(field, "a"):
            _ident(out, instance, BF.Local if field.tag == "016" else BF.CopyrightNumber, v)
    for field in out.fields("020"):
        qualifiers = [clean(q).strip("()") for q in subfields(field, "q")]
        for c, v in field.subfields:
            if c not in "az" or not v.strip():
                continue
            match = _ISBN_HEAD.match(v.strip())
            number, rest = (match.group(1), match.group(2)) if match else (v.strip(), "")
            found = _PARENTHESES.findall(rest) or ([clean(rest)] if clean(rest) else [])
            _ident(
                out,
                instance,
                BF.Isbn,
                number,
                [clean(q) for q in found] + qualifiers,
                STATUS_INVALID if c == "z" else None,
            )
    for field in out.fields("022"):
        for c, v in field.subfields:
            if c in "ayz":
                _ident(out, instance, BF.Issn, v, status={"y": STATUS_INCORRECT, "z": STATUS_INVALID}.get(c))
            elif c == "l":
                _ident(out, instance, BF.IssnL, v)
    for field in out.fields("024"):
        ind1 = field.indicators[0]
        cls = ID_024.get(ind1)
        if cls is None:
            cls = ID_024_SOURCE.get(first(field, "2").strip().lower(), BF.Identifier)
        for c, v in field.subfields:
            if c in "az":
                _ident(out, instance, cls, v, clean(first(field, "q")), STATUS_INVALID if c == "z" else None)
    for field in out.fields("028"):
        cls = ID_028.get(field.indicators[0], BF.PublisherNumber)
        for v in subfields(field, "a"):
            _ident(out, instance, cls, v, clean(first(field, "q")))
    for field in out.fields("030"):
        for v in subfields(field, "a"):
            _ident(out, instance, BF.Coden, v)
    for field in out.fields("035"):
        for c, v in field.subfields:
            if c not in "az":
                continue
            v = v.strip()
            if v[:7].upper() == "(OCOLC)":
                _ident(out, instance, BF.OclcNumber, _OCLC.sub("", v), status=STATUS_INVALID if c == "z" else None)
            else:
                _ident(out, instance, BF.Local, v, status=STATUS_INVALID if c == "z" else None)
    for tag, (cls, codes) in _SIMPLE_IDS.items():
        for field in out.fields(tag):
            for v in subfields(field, codes):
                _ident(out, instance, cls, v)
    for field in out.fields("502"):
        for v in subfields(field, "o"):
            _ident(out, instance, BF.DissertationIdentifier, v)


_SIMPLE_IDS = {  # tag -> (class, subfields holding the number)
    "025": (BF.LcOverseasAcq, "a"),
    "026": (BF.Fingerprint, "e"),
    "027": (BF.Strn, "a"),
    "032": (BF.PostalRegistration, "a"),
    "036": (BF.StudyNumber, "a"),
    "037": (BF.StockNumber, "a"),
    "088": (BF.ReportNumber, "a"),
}


def _provision(out: Out, instance: NamedNode) -> None:
    f008 = out.first("008")
    data = f008.data if f008 is not None and f008.data else ""
    date = _date_008(data)
    place = data[15:18].strip(" |#\\").lower() if len(data) >= 18 else ""
    dated = False
    for field in out.fields("260", "264", "262", "261"):  # 262 (sound recordings, pre-AACR 2) reads as a 260
        if field.tag == "261":
            dated = _films(out, instance, field, dated, date, place)
            continue
        ind2 = field.indicators[1] if field.tag == "264" else "1"
        if ind2 == "4":
            out.texts(instance, BF.copyrightDate, subfields(field, "c"))
            continue
        cls = PROVISION_CLASS.get(ind2, BF.Publication)
        statement = _statement(field)
        if not statement:
            continue
        node = out.typed(instance, BF.provisionActivity, "provision", cls, field.tag, statement)
        v, tag, rtag = out.parallel(field)
        _simple(out, node, field, rtag)
        out.text(instance, BF.provisionActivityStatement, statement, rtag)
        if v is not None:
            _simple(out, node, v, tag)
            out.text(instance, BF.provisionActivityStatement, _statement(v), tag)
        if not dated and cls is BF.Publication or (not dated and cls is BF.Production):
            dated = True
            _from_008(out, node, date, place)
    for tag, field in out.vern.unpaired:
        if tag in ("260", "264", "262") and (statement := _statement(field)):
            node = out.typed(instance, BF.provisionActivity, "provision", BF.Publication, tag, statement)
            _simple(out, node, field, out.vern.tag(field))
    if not dated and (date or place):
        node = out.typed(instance, BF.provisionActivity, "provision", BF.Publication, "008", date, place)
        _from_008(out, node, date, place)


# 261, the imprint of a film (pre-AACR 1 revised), as the Library of Congress converter reads it
# (marc2bibframe2 ConvSpec-Process8-ProvAct): a Production for each producing company $a with
# the places $f after it ($b, the releasing company, an agent too), a Manufacture for the
# contractual producer $e; $d is the date. A new activity starts at an $a (or $e) that follows
# another subfield. The codes become 260's: $a place, $b agent, $c date.
_AS_260 = {"a": "b", "b": "b", "e": "b", "f": "a", "d": "c"}


def _film_groups(field) -> list[tuple[NamedNode, list[tuple[str, str]]]]:
    groups: list[list] = []
    previous = None
    for code, value in field.subfields:
        if code not in _AS_260:
            continue
        if not groups or (code == "a" and previous != "a") or (code == "e" and previous != "e"):
            groups.append([None, []])
        group = groups[-1]
        if group[0] is None and code in "abe":
            group[0] = BF.Manufacture if code == "e" else BF.Production
        group[1].append((_AS_260[code], value))
        previous = code
    return [(cls or BF.Production, subs) for cls, subs in groups]


def _films(out: Out, instance: NamedNode, field, dated: bool, date: str, place: str) -> bool:
    v, tag, rtag = out.parallel(field)
    theirs = _film_groups(v) if v is not None else []
    for n, (cls, subs) in enumerate(_film_groups(field)):
        statement = _imprint(subs)
        if not statement:
            continue
        node = out.typed(instance, BF.provisionActivity, "provision", cls, "261", statement)
        _simple_subfields(out, node, subs, rtag)
        out.text(instance, BF.provisionActivityStatement, statement, rtag)
        if n < len(theirs):
            _simple_subfields(out, node, theirs[n][1], tag)
            out.text(instance, BF.provisionActivityStatement, _imprint(theirs[n][1]), tag)
        if not dated and cls is BF.Production:
            dated = True
            _from_008(out, node, date, place)
    return dated


def _imprint(subs: list[tuple[str, str]]) -> str:
    """ "Place: Agent, Agent, Date" from 260-style subfields (the statement LC's converter writes)."""
    places = [c for code, v in subs if code == "a" and (c := clean(v))]
    agents = [c for code, v in subs if code == "b" and (c := clean(v))]
    dates = [c for code, v in subs if code == "c" and (c := clean(v))]
    who = ", ".join(agents + dates)
    return f"{'; '.join(places)}: {who}" if places and who else "; ".join(places) or who


def _date_008(data: str) -> str:
    if len(data) < 15:
        return ""
    kind, d1, d2 = data[6], data[7:11], data[11:15]
    if not _DATE.match(d1) or d1 in ("uuuu", "||||", "0000"):
        return ""
    d1 = d1.replace("u", "X").replace("|", "X")
    if kind in "cdikmu" and _DATE.match(d2) and d2 not in ("||||", "    "):
        end = "" if d2 in ("9999", "uuuu") else d2.replace("u", "X")
        return f"{d1}/{end or '..'}"
    return d1


def _from_008(out: Out, node: NamedNode, date: str, place: str) -> None:
    if date:
        out.add((node, BF.date, Literal(date, datatype=EDTF)))
    if place and place.isalpha() and place not in ("xx", "vp") and (p := iri(COUNTRIES, place)) is not None:
        out.add((node, BF.place, p))


EDTF = NamedNode("http://id.loc.gov/datatypes/edtf")


def _statement(field) -> str:
    parts = []
    for c, v in field.subfields:
        if c in "abcefg" and v.strip():
            parts.append(v.strip())
    return clean(" ".join(parts))


def _simple(out: Out, node: NamedNode, field, language: str | None) -> None:
    _simple_subfields(out, node, field.subfields, language)


def _simple_subfields(out: Out, node: NamedNode, subs, language: str | None) -> None:
    for c, v in subs:
        prop = SIMPLE_PLACE if c in "ae" else SIMPLE_AGENT if c in "bf" else SIMPLE_DATE if c in "cg" else None
        if prop is not None and (value := clean(v)):
            if prop is SIMPLE_PLACE:
                value = value.strip("[]") or value
            out.add((node, prop, Literal(value, language=language) if language else Literal(value)))


def _extent(out: Out, instance: NamedNode, field) -> None:
    extent = joined(field, "af")
    if extent:
        node = out.typed(instance, BF.extent, "extent", BF.Extent, extent)
        out.text(node, LABEL, extent)
        v, tag, _ = out.parallel(field)
        if v is not None:
            out.text(node, LABEL, joined(v, "af"), tag)
    for code in "be":
        text = joined(field, code)
        if text:
            node = out.typed(instance, NOTE, "note", BF.Note, "300", code, text)
            out.text(node, LABEL, text)
    out.texts(instance, BF.dimensions, subfields(field, "c"))


def _notes(out: Out, instance: NamedNode) -> None:
    by_tag = out.by_tag
    for tag in sorted(t for t in by_tag if t in NOTE_TAGS):
        for field in by_tag[tag]:
            text = joined(field, "abcdefghijklmnopqrstuvwxyz" if tag != "500" else "a")
            if not text:
                continue
            node = out.typed(instance, NOTE, "note", BF.Note, tag, text)
            out.text(node, LABEL, text)
            v, vtag, _ = out.parallel(field)
            if v is not None:
                out.text(node, LABEL, joined(v, "abcdefghijklmnopqrstuvwxyz"), vtag)
    for tag, field in out.vern.unpaired:
        if tag in NOTE_TAGS and (text := joined(field, "a")):
            node = out.typed(instance, NOTE, "note", BF.Note, "880", text)
            out.text(node, LABEL, text, out.vern.tag(field))


def _url(url: str) -> NamedNode | None:
    url = url.strip()
    if not url or ":" not in url:
        return None
    try:
        return NamedNode(url)
    except ValueError:
        try:
            return NamedNode(quote(url, safe=_URL_SAFE))
        except ValueError:
            return None


def _admin(out: Out, instance: NamedNode, control: str, ctx) -> None:
    add = out.add
    library = ctx.library
    admin = NamedNode(f"{instance.value}#{out.member}-admin")
    add((instance, BF.adminMetadata, admin))
    add((admin, TYPE, BF.AdminMetadata))
    add((admin, BF.assigner, library))
    local = NamedNode(f"{instance.value}#{out.member}-local")
    add((admin, IDENTIFIED_BY, local))
    add((local, TYPE, BF.Local))
    add((local, VALUE, Literal(control)))  # assigned by the admin metadata's assigner
    f005 = out.first("005")
    d = f005.data if f005 is not None and f005.data else ""
    if (
        len(d) >= 14
        and d[:14].isdigit()
        and d[:4] > "0000"
        and "01" <= d[4:6] <= "12"
        and "01" <= d[6:8] <= "31"
        and d[8:10] < "24"
        and d[10:12] < "60"
        and d[12:14] < "61"
    ):
        stamp = f"{d[0:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}"
        add((admin, BF.changeDate, Literal(stamp, datatype=XSD.dateTime)))
    f040 = out.first("040")
    if f040 is not None:
        for c, v in f040.subfields:
            v = v.strip()
            if c == "a" and _org_code(v):
                add((admin, BF.agent, iri(ORGANIZATIONS, v.lower())))
            elif c == "b" and len(v) == 3 and v.isalpha():
                add((admin, BF.descriptionLanguage, iri(LANGUAGES, v.lower())))
            elif c == "e" and v.replace("-", "").isalnum():
                add((admin, BF.descriptionConventions, iri(CONVENTIONS, v.lower())))


def _org_code(v: str) -> bool:
    return 2 <= len(v) <= 16 and v.replace("-", "").isalnum() and v.isascii()
