"""UNIMARC and CNMARC bibliographic records to BIBFRAME 2, shaped like the MARC 21 mapper's output.

One record gives a bf:Work, a bf:Instance and a bf:Item per 905 holding of the loading
member (a record without 905 still gives the member one Item). Han text is tagged
``zh-Hans``/``zh-Hant`` by its characters; the cataloguer's pinyin (``$9`` or the
upper-case twin of a subfield, ``$A`` for ``$a``) rides on the same node tagged
``zh-Latn-pinyin``. Names, subjects and classification live in
:mod:`graph.load.mappers.unimarc_access`; fragment IRIs are scoped by member, so loading the
same record twice gives the same triples.
"""

from __future__ import annotations

import pymarc
from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.uris import digest
from graph.load.mappers import MappingContext
from graph.load.mappers.chinese import edition_type_node, find_edition_type
from graph.load.mappers.pinyin import han_literal, pinyin_literal
from graph.load.mappers.unimarc_access import (
    classifications,
    clean,
    contributions,
    items,
    linked_works,
    pinyin_of,
    subjects,
    subs,
)
from graph.load.mappers.unimarc_identity import evidence
from vocab.cnmarc_labels import FIELDS
from vocab.namespaces import BF, BFLC, LANGUAGES, RDF, RDFS, XSD

EDTF = NamedNode("http://id.loc.gov/datatypes/edtf")
ISSUANCE = "http://id.loc.gov/vocabulary/issuance/"
MSTATUS = "http://id.loc.gov/vocabulary/mstatus/"
WORK_CLASS = {  # leader/06
    "a": BF.Text,
    "b": BF.Text,
    "c": BF.NotatedMusic,
    "d": BF.NotatedMusic,
    "e": BF.Cartography,
    "f": BF.Cartography,
    "g": BF.MovingImage,
    "i": BF.Audio,
    "j": BF.MusicAudio,
    "k": BF.StillImage,
    "l": BF.Multimedia,
    "m": BF.MixedMaterial,
    "r": BF.Object,
}
ISSUANCE_CODE = {"m": "mono", "s": "serl", "i": "intg", "c": "coll", "a": "mono"}
VARIANT_TITLES = {
    "512": "cover",
    "513": "added title page",
    "514": "caption",
    "515": "running",
    "516": "spine",
    "517": "other",
    "518": "modern spelling",
    "520": "former",
    "532": "expanded",
    "540": "supplied",
    "541": "translated",
    "545": "section",
}


class Out:
    """Collects triples for one record."""

    def __init__(self, language: str):
        self.triples: list[tuple] = []
        self.language = language

    def add(self, s, p, o):
        self.triples.append((s, p, o))

    def text(self, s, p, value: str | None, pinyin: str | None = None):
        """Han-aware literal (zh-Hans/zh-Hant by characters, else plain) plus its pinyin."""
        if value:
            self.triples.append((s, p, han_literal(value, self.language)))
            if pinyin:
                self.triples.append((s, p, pinyin_literal(pinyin)))

    def plain(self, s, p, value: str | None, datatype=None):
        if value:
            self.triples.append((s, p, Literal(value, datatype=datatype) if datatype else Literal(value)))

    def pairs(self, s, p, field, code: str):
        """Every value of ``code`` with the pinyin at the same position."""
        pinyin = pinyin_of(field, code)
        for i, value in enumerate(subs(field, code)):
            self.text(s, p, clean(value), pinyin[i] if i < len(pinyin) else None)


def _first(record, tag):
    fields = record.get_fields(tag)
    return fields[0] if fields else None


def coded_100(record) -> str:
    f100 = _first(record, "100")
    value = next(iter(subs(f100, "a")), "") if f100 else ""
    return value.replace("#", " ").ljust(36)


def map_record(record: pymarc.Record, ctx: MappingContext) -> list[tuple]:
    """BIBFRAME triples for one UNIMARC/CNMARC bibliographic record, as seen by ``ctx.member``."""
    m = ctx.member.upper()
    minter = ctx.minter
    f001 = _first(record, "001")
    control = (f001.data.strip() if f001 else "") or digest(str(record), 20)
    leader = str(record.leader).ljust(24)
    coded = coded_100(record)
    f101 = _first(record, "101")
    languages = [v.lower() for v in subs(f101, "a")] if f101 else []
    language = languages[0] if languages else coded[22:25].strip().lower()
    out = Out(language)
    frag = minter.fragment

    t200 = _first(record, "200")
    title = clean(" ".join(subs(t200, "a"))) if t200 else ""
    date1 = coded[9:13].strip()
    uniform = _first(record, "500")
    work_title = clean(next(iter(subs(uniform, "a")), "")) if uniform else title
    resolved = ctx.identity.resolve(evidence(record, m, control, coded))
    instance, work = resolved.instance, resolved.work

    # Work ----------------------------------------------------------------------
    out.add(work, RDF.type, BF.Work)
    if (cls := WORK_CLASS.get(leader[6:7])) is not None:
        out.add(work, RDF.type, cls)
    out.add(work, BF.hasInstance, instance)
    if work_title:
        wt = frag(work, f"{m}-title")
        out.add(work, BF.title, wt)
        out.add(wt, RDF.type, BF.Title)
        source = uniform or t200
        out.text(wt, BF.mainTitle, work_title, next(iter(pinyin_of(source, "a")), None))
        out.text(work, RDFS.label, work_title, next(iter(pinyin_of(source, "a")), None))
    for code in languages:
        if code.isalpha() and len(code) == 3:
            out.add(work, BF.language, NamedNode(LANGUAGES + code))
    if resolved.original is not None:  # the alliance knows the Work it translates
        out.add(work, BF.translationOf, resolved.original)
    elif f101 is not None and f101.indicator1 == "1":
        for code in subs(f101, "c"):
            if code.isalpha() and len(code) == 3:
                original = frag(work, f"{m}-original-{code.lower()}")
                out.add(work, BF.translationOf, original)
                out.add(original, RDF.type, BF.Work)
                out.add(original, BF.language, NamedNode(LANGUAGES + code.lower()))
    contributions(out, record, work, ctx)
    subjects(out, record, work, ctx)
    classifications(out, record, work, m, ctx)
    linked_works(out, record, work, ctx)
    for i, field in enumerate(record.get_fields("330")):
        node = frag(work, f"{m}-summary-{i}")
        out.add(work, BF.summary, node)
        out.add(node, RDF.type, BF.Summary)
        out.text(node, RDFS.label, clean(" ".join(subs(field, "a"))))

    # Instance ------------------------------------------------------------------
    out.add(instance, RDF.type, BF.Instance)
    if leader[6:7] in ("b", "d", "f"):
        out.add(instance, RDF.type, BF.Manuscript)
    elif leader[6:7] == "l" or record.get_fields("135"):
        out.add(instance, RDF.type, BF.Electronic)
    elif leader[6:7] in ("a", "c", "e", "k"):
        out.add(instance, RDF.type, BF.Print)
    if (issuance := ISSUANCE_CODE.get(leader[7:8])) is not None:
        out.add(instance, BF.issuance, NamedNode(ISSUANCE + issuance))
    out.add(instance, BF.instanceOf, work)
    if t200 is not None:
        _title_200(out, t200, instance, m, minter)
    for i, field in enumerate(record.get_fields("510", "530", "531", *VARIANT_TITLES)):
        _variant_title(out, field, instance, m, i, minter)
    for field in record.get_fields("205"):
        statement = clean(" ".join(subs(field, "a") + subs(field, "b")))
        out.text(instance, BF.editionStatement, statement)
        if kind := find_edition_type(statement):  # 版本: 刻本, 抄本 … meet every member's on one term
            out.add(instance, BF.productionMethod, edition_type_node(out.add, minter, kind))
    _identifiers(out, record, instance, m)
    for i, field in enumerate(record.get_fields("210", "214")):
        _provision(out, field, instance, m, i, date1 if i == 0 else "", frag)
    f102 = _first(record, "102")
    for i, field in enumerate(record.get_fields("215")):
        ext = frag(instance, f"{m}-extent-{i}")
        out.add(instance, BF.extent, ext)
        out.add(ext, RDF.type, BF.Extent)
        out.text(ext, RDFS.label, clean(" ; ".join(subs(field, "a"))))
        out.text(instance, BF.dimensions, clean(" ".join(subs(field, "d"))))
        for j, detail in enumerate(subs(field, "c") + subs(field, "e")):
            _note(out, instance, f"{m}-physical-{i}-{j}", clean(detail), "215", frag)
    for field in record.get_fields("225"):
        statement = clean(" ; ".join(filter(None, [" ".join(subs(field, "a")), " ".join(subs(field, "v"))])))
        out.text(instance, BF.seriesStatement, statement, next(iter(pinyin_of(field, "a")), None))
        for v in subs(field, "v"):
            out.text(instance, BF.seriesEnumeration, clean(v))
    for i, field in enumerate(f for f in record.fields if f.tag.startswith("3") and f.tag.isdigit()):
        text = clean(" ".join(subs(field, "a")))
        if not text or field.tag == "330":
            continue
        if field.tag == "327":
            node = frag(instance, f"{m}-toc-{i}")
            out.add(instance, BF.tableOfContents, node)
            out.add(node, RDF.type, BF.TableOfContents)
            out.text(node, RDFS.label, text)
        else:
            _note(out, instance, f"{m}-note-{i}", text, field.tag, frag)
    for field in record.get_fields("856"):
        for url in subs(field, "u"):
            try:
                out.add(instance, BF.electronicLocator, NamedNode(url))
            except ValueError:
                pass  # not an IRI; kept in the source record
    if f102 is not None and subs(f102, "a"):
        place = frag(instance, f"{m}-country")
        out.add(instance, BF.originPlace, place)
        out.add(place, RDF.type, BF.Place)
        for code in subs(f102, "a") + subs(f102, "b"):
            out.plain(place, BF.code, code)
        out.plain(place, RDFS.label, " ".join(subs(f102, "a") + subs(f102, "b")))
    _admin(out, record, instance, ctx, control, coded)

    # Items ---------------------------------------------------------------------
    items(out, record, instance, ctx, control)
    return out.triples


def _title_200(out, field, instance, m, minter):
    it = minter.fragment(instance, f"{m}-title")
    out.add(instance, BF.title, it)
    out.add(it, RDF.type, BF.Title)
    out.pairs(it, BF.mainTitle, field, "a")
    out.pairs(it, BF.subtitle, field, "e")
    out.pairs(it, BF.partNumber, field, "h")
    out.pairs(it, BF.partName, field, "i")
    main = clean(" ".join(subs(field, "a")))
    rest = [clean(v) for v in subs(field, "e")]
    label_pinyin = " ".join(pinyin_of(field, "a") + pinyin_of(field, "e")) or None
    out.text(instance, RDFS.label, " : ".join(filter(None, [main, *rest])), label_pinyin)
    responsibility = " ; ".join(clean(v) for v in subs(field, "f") + subs(field, "g"))
    resp_pinyin = " ; ".join(pinyin_of(field, "f") + pinyin_of(field, "g")) or None
    out.text(instance, BF.responsibilityStatement, responsibility, resp_pinyin)
    for j, parallel in enumerate(subs(field, "d")):
        node = minter.fragment(instance, f"{m}-parallel-{j}")
        out.add(instance, BF.title, node)
        out.add(node, RDF.type, BF.ParallelTitle)
        out.text(node, BF.mainTitle, clean(parallel.lstrip("= ")))


def _variant_title(out, field, instance, m, i, minter):
    if not subs(field, "a"):
        return
    cls = {"510": BF.ParallelTitle, "530": BF.KeyTitle, "531": BF.AbbreviatedTitle}.get(field.tag, BF.VariantTitle)
    node = minter.fragment(instance, f"{m}-title-{field.tag}-{i}")
    out.add(instance, BF.title, node)
    out.add(node, RDF.type, cls)
    out.pairs(node, BF.mainTitle, field, "a")
    out.pairs(node, BF.subtitle, field, "e")
    out.pairs(node, BF.partNumber, field, "h")
    out.pairs(node, BF.partName, field, "i")
    if field.tag in VARIANT_TITLES:
        out.plain(node, BF.variantType, VARIANT_TITLES[field.tag])


def _note(out, instance, name, text, tag, frag):
    node = frag(instance, name)
    out.add(instance, BF.note, node)
    out.add(node, RDF.type, BF.Note)
    out.text(node, RDFS.label, text)
    zh, en = FIELDS.get(tag, ("", ""))
    if zh:
        out.add(node, BF.noteType, Literal(zh, language="zh-Hans"))
    if en:
        out.add(node, BF.noteType, Literal(en, language="en"))


def _identifiers(out, record, instance, m):
    n = 0

    def ident(cls, value, qualifier="", invalid=False):
        nonlocal n
        node = NamedNode(f"{instance.value}#{m}-identifier-{n}")
        n += 1
        out.add(instance, BF.identifiedBy, node)
        out.add(node, RDF.type, cls)
        out.plain(node, RDF.value, value)
        out.text(node, BF.qualifier, qualifier)
        if invalid:
            out.add(node, BF.status, NamedNode(MSTATUS + "cancinv"))

    for field in record.get_fields("010"):
        qualifier = " ".join(subs(field, "b"))
        for v in subs(field, "a"):
            ident(BF.Isbn, v.split(" ")[0], qualifier)
        for v in subs(field, "z"):
            ident(BF.Isbn, v.split(" ")[0], invalid=True)
        for v in subs(field, "d"):
            out.text(instance, BF.acquisitionTerms, v)
    for field in record.get_fields("011"):
        for v in subs(field, "a"):
            ident(BF.Issn, v, " ".join(subs(field, "b")))
        for v in subs(field, "y") + subs(field, "z"):
            ident(BF.Issn, v, invalid=True)
        for v in subs(field, "d"):
            out.text(instance, BF.acquisitionTerms, v)
    for tag, cls in (
        ("013", BF.Ismn),
        ("016", BF.Isrc),
        ("020", BF.Nbn),
        ("040", BF.Coden),
        ("071", BF.PublisherNumber),
    ):
        for field in record.get_fields(tag):
            for v in subs(field, "a"):
                ident(cls, v)
    for field in record.get_fields("035"):
        for v in subs(field, "a"):
            ident(BF.Local, v)


def _provision(out, field, instance, m, i, date1, frag):
    cls = BF.Publication
    if field.tag == "214":
        cls = {"0": BF.Production, "1": BF.Publication, "2": BF.Distribution, "3": BF.Manufacture}.get(
            field.indicator2, BF.Publication
        )
        if field.indicator2 == "4":
            for v in subs(field, "d"):
                out.text(instance, BF.copyrightDate, clean(v))
            return
    elif field.indicator2 == "1":
        cls = BF.Production
    node = frag(instance, f"{m}-provision-{i}")
    out.add(instance, BF.provisionActivity, node)
    out.add(node, RDF.type, cls)
    out.pairs(node, BFLC.simplePlace, field, "a")
    out.pairs(node, BFLC.simpleAgent, field, "c")
    for v in subs(field, "d"):
        out.text(node, BFLC.simpleDate, clean(v).strip("[]"))
    if date1.isdigit():
        out.plain(node, BF.date, date1, EDTF)
    statement = " : ".join(
        filter(None, [" ; ".join(clean(v) for v in subs(field, "a")), " ; ".join(clean(v) for v in subs(field, "c"))])
    )
    dates = ", ".join(clean(v) for v in subs(field, "d"))
    out.text(instance, BF.provisionActivityStatement, ", ".join(filter(None, [statement, dates])))
    if subs(field, "e") or subs(field, "g") or subs(field, "h"):
        man = frag(instance, f"{m}-manufacture-{i}")
        out.add(instance, BF.provisionActivity, man)
        out.add(man, RDF.type, BF.Manufacture)
        out.pairs(man, BFLC.simplePlace, field, "e")
        out.pairs(man, BFLC.simpleAgent, field, "g")
        out.pairs(man, BFLC.simpleDate, field, "h")


def _admin(out, record, instance, ctx, control, coded):
    m = ctx.member.upper()
    frag = ctx.minter.fragment
    admin = frag(instance, f"{m}-admin")
    out.add(instance, BF.adminMetadata, admin)
    out.add(admin, RDF.type, BF.AdminMetadata)
    out.add(admin, BF.assigner, ctx.library)
    local = frag(instance, f"{m}-local")
    out.add(admin, BF.identifiedBy, local)
    out.add(local, RDF.type, BF.Local)
    out.plain(local, RDF.value, control)
    out.add(local, BF.assigner, ctx.library)
    entered = coded[0:8]
    if entered.isdigit():
        out.plain(admin, BF.creationDate, f"{entered[:4]}-{entered[4:6]}-{entered[6:8]}", XSD.date)
    f005 = _first(record, "005")
    if f005 is not None and len(f005.data) >= 14 and f005.data[:14].isdigit():
        d = f005.data
        out.plain(admin, BF.changeDate, f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}", XSD.dateTime)
    # 801: the cataloguing chain (0 original, 1 transcribing, 2 modifying, 3 issuing agency)
    for i, field in enumerate(record.get_fields("801")):
        agency = " ".join(subs(field, "b"))
        if not agency:
            continue
        node = frag(instance, f"{m}-admin-801-{i}")
        out.add(instance, BF.adminMetadata, node)
        out.add(node, RDF.type, BF.AdminMetadata)
        status = {"0": "n", "2": "c"}.get(field.indicator2)
        if status:
            out.add(node, BF.status, NamedNode(MSTATUS + status))
        role = {
            "0": "original cataloguing agency",
            "1": "transcribing agency",
            "2": "modifying agency",
            "3": "issuing agency",
        }.get(field.indicator2)
        out.plain(node, RDFS.label, f"{agency} ({role})" if role else agency)
        org = ctx.minter.agent(keys.agent_key(agency, "10"))
        out.add(node, BF.agent, org)
        out.add(org, RDF.type, BF.Agent)
        out.add(org, RDF.type, BF.Organization)
        out.plain(org, RDFS.label, agency)
        out.plain(org, BF.code, agency)
        date = "".join(subs(field, "c"))
        if len(date) == 8 and date.isdigit():
            out.plain(node, BF.date, f"{date[:4]}-{date[4:6]}-{date[6:8]}", XSD.date)
        for j, rules in enumerate(subs(field, "g")):
            conventions = frag(instance, f"{m}-admin-801-{i}-rules-{j}")
            out.add(node, BF.descriptionConventions, conventions)
            out.add(conventions, RDF.type, BF.DescriptionConventions)
            out.plain(conventions, RDFS.label, rules)
