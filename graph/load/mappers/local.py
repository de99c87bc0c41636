"""Local-literature rows (地方文献: gazetteers, genealogies, local authors, old editions) to BIBFRAME 2.

A row gives a bf:Work (genre from 文献类型, or 家谱 when a surname is given; the place
it covers as a bf:Place subject; a genealogy's surname as a bf:Family subject), a
bf:Instance (edition period with its dynasty, edition type as bf:ProductionMethod,
juan and volume counts as extent) and a bf:Item of the holding library (call number,
census number, surviving and missing juan). Pinyin comes from the row when given,
else it is generated and marked (:mod:`graph.load.mappers.pinyin`). Dynasties, places,
genres and edition types are alliance-wide resources, so every member's list meets
on them: that is what makes the region's local literature browsable as one.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.match import Evidence
from graph.identity.periods import Dynasty, Period, split_dynasty
from graph.identity.uris import digest
from graph.load.mappers import MappingContext, admin_metadata
from graph.load.mappers.chinese import EDITION_TYPES, dynasty_node, edition_type_node, relator, split_role
from graph.load.mappers import sibu
from graph.load.mappers.pinyin import han_literal, has_han, pinyin_literal, romanise, with_pinyin
from vocab.namespaces import ALLIANCE, BF, BFLC, LANGUAGES, RDF, RDFS

EDTF = NamedNode("http://id.loc.gov/datatypes/edtf")
CLC = NamedNode("http://id.loc.gov/vocabulary/classSchemes/clc")
GENRES = {
    "地方志": ("di fang zhi", "local gazetteer"),
    "家谱": ("jia pu", "genealogy"),
    "族谱": ("zu pu", "genealogy"),
    "宗谱": ("zong pu", "genealogy"),
    "乡土志": ("xiang tu zhi", "local gazetteer"),
    "地方文献": ("di fang wen xian", "local literature"),
    "古籍": ("gu ji", "old book (pre-1912)"),
    "支谱": ("zhi pu", "genealogy (branch)"),
}
MEMBER_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")  # as graph.alliance.members.CODE
_PEOPLE = re.compile(r"\s*[;；]\s*|\s+(?=[\(\[（〔【［])")


def map_row(row: dict, ctx: MappingContext) -> list[tuple]:
    """BIBFRAME triples for one spreadsheet row (a dict of canonical columns, see the reader)."""
    m = ctx.member.upper()
    minter = ctx.minter
    frag = minter.fragment
    triples: list[tuple] = []
    add = triples.append

    def put(s, p, o):
        add((s, p, o))

    def text(s, p, value, language=None):
        if value:
            put(s, p, Literal(value, language=language) if language else han_literal(value))

    title = row["title"]
    period: Period | None = row.get("_period")
    edition_type = row.get("edition_type", "")
    people = _people(row.get("responsibility", ""))
    control = row.get("id") or digest(
        "|".join(
            row.get(k, "")
            for k in (
                "title",
                "responsibility",
                "edition_period",
                "edition_type",
                "library",
                "call_number",
                "census_number",
            )
        ),
        20,
    )
    ev = Evidence(
        member=m,
        control=control,
        language="chi",
        titles=[t for t in (title, row.get("title_pinyin")) if t],
        authors=[people[0][0]] if people else [],
        date=str(period.year) if period and period.year else None,
        publisher=row.get("publication_place") or None,
        edition="".join(filter(None, [row.get("edition_period", ""), edition_type])) or None,
    )
    resolved = ctx.identity.resolve(ev)
    instance, work = resolved.instance, resolved.work

    # Work ----------------------------------------------------------------------
    put(work, RDF.type, BF.Work)
    put(work, RDF.type, BF.Text)
    put(work, BF.hasInstance, instance)
    put(work, BF.language, NamedNode(LANGUAGES + "chi"))
    wt = frag(work, f"{m}-title")
    put(work, BF.title, wt)
    put(wt, RDF.type, BF.Title)
    with_pinyin(put, wt, BF.mainTitle, title, row.get("title_pinyin"), generate=True)
    with_pinyin(put, work, RDFS.label, title, row.get("title_pinyin"), generate=True)
    for i, (name, dyn, role) in enumerate(people):
        agent = minter.agent(keys.agent_key(f"{name}|{dyn.name}" if dyn else name, "00"))
        contrib = frag(work, f"{m}-contribution-{i}")
        put(work, BF.contribution, contrib)
        put(contrib, RDF.type, BF.Contribution)
        if i == 0:
            put(contrib, RDF.type, BFLC.PrimaryContribution)
        put(contrib, BF.agent, agent)
        put(agent, RDF.type, BF.Agent)
        put(agent, RDF.type, BF.Person)
        with_pinyin(put, agent, RDFS.label, name, generate=True, personal_name=True)
        if dyn is not None:
            put(agent, ALLIANCE.dynasty, dynasty_node(put, minter, dyn))
        put(contrib, BF.role, NamedNode("http://id.loc.gov/vocabulary/relators/" + (relator(role) or "ctb")))
    genre = row.get("type") or ("家谱" if row.get("surname") or row.get("hall") else "")
    if genre:
        node = _term(put, minter, genre, "655", BF.GenreForm, GENRES.get(genre))
        put(work, BF.genreForm, node)
    if place := row.get("place"):
        node = _term(put, minter, place, "651", BF.Place)
        put(work, BF.subject, node)
        put(work, BF.geographicCoverage, node)
    if surname := row.get("surname"):
        label = surname if surname.endswith("氏") else f"{surname}氏"
        node = _term(put, minter, label, "600", BF.Family)
        put(work, BF.subject, node)
    if clc := row.get("clc"):
        node = frag(work, f"{m}-classification-0")
        put(work, BF.classification, node)
        put(node, RDF.type, BF.Classification)
        put(node, BF.classificationPortion, Literal(clc))
        put(node, BF.source, CLC)
    if path := sibu.parse(row.get("sibu")):
        sibu.classification(put, frag(work, f"{m}-sibu"), work, path)
    if hall := row.get("hall"):
        put(work, ALLIANCE.hallName, han_literal(hall))

    # Instance ------------------------------------------------------------------
    put(instance, RDF.type, BF.Instance)
    manuscript = EDITION_TYPES.get(edition_type, ("", "", False))[2]
    put(instance, RDF.type, BF.Manuscript if manuscript else BF.Print)
    put(instance, BF.instanceOf, work)
    it = frag(instance, f"{m}-title")
    put(instance, BF.title, it)
    put(it, RDF.type, BF.Title)
    with_pinyin(put, it, BF.mainTitle, title, row.get("title_pinyin"), generate=True)
    with_pinyin(put, instance, RDFS.label, title, row.get("title_pinyin"), generate=True)
    text(instance, BF.responsibilityStatement, row.get("responsibility"))
    edition = "".join(filter(None, [row.get("edition_period", ""), edition_type]))
    text(instance, BF.editionStatement, edition)
    if period or row.get("publication_place"):
        prov = frag(instance, f"{m}-provision-0")
        put(instance, BF.provisionActivity, prov)
        put(prov, RDF.type, BF.Manufacture if manuscript else BF.Publication)
        text(prov, BFLC.simplePlace, row.get("publication_place"))
        if period:
            text(prov, BFLC.simpleDate, period.text)
            if period.year:
                put(prov, BF.date, Literal(str(period.year), datatype=EDTF))
            if period.dynasty:
                put(prov, ALLIANCE.dynasty, dynasty_node(put, minter, period.dynasty))
    if edition_type in EDITION_TYPES:
        put(instance, BF.productionMethod, edition_type_node(put, minter, edition_type))
    elif edition_type:  # a type the table does not know: the same kind of term, its pinyin generated
        put(instance, BF.productionMethod, _term(put, minter, edition_type, "edition-type", BF.ProductionMethod))
    extent = " ".join(filter(None, [_unit(row.get("juan"), "卷"), _unit(row.get("volumes"), "册")]))
    if extent:
        node = frag(instance, f"{m}-extent-0")
        put(instance, BF.extent, node)
        put(node, RDF.type, BF.Extent)
        text(node, RDFS.label, extent)
    for i, (column, zh, en) in enumerate(
        (("binding", "装帧", "physical form"), ("hall", "堂号", "hall name"), ("notes", "附注", "note"))
    ):
        if value := row.get(column):
            _note(put, frag(instance, f"{m}-note-{i}"), instance, value, zh, en)
    if url := row.get("url"):
        try:
            put(instance, BF.electronicLocator, NamedNode(url))
        except ValueError:
            _note(put, frag(instance, f"{m}-note-url"), instance, url, "数字对象", "digital object")
    triples += admin_metadata(instance, ctx, control)

    # Item ----------------------------------------------------------------------
    _item(put, row, instance, ctx, control)
    return triples


def _people(statement: str) -> list[tuple[str, Dynasty | None, str | None]]:
    """'(清)孟昭涵修；(清)李驹纂' -> [('孟昭涵', 清, '修'), ('李驹', 清, '纂')]; a dynasty carries on."""
    found, last = [], None
    for part in _PEOPLE.split(statement or ""):
        if not part.strip():
            continue
        dyn, rest = split_dynasty(part)
        dyn = dyn or last
        name, role = split_role(rest)
        for single in re.split(r"[,，、]\s*", name):
            if single.strip():
                found.append((single.strip(), dyn, role))
        last = dyn
    return found


def _term(put, minter, label, kind, cls, readings=None):
    """An alliance-wide term (genre, place, family, edition type) minted from its label."""
    node = minter.subject(keys.subject_key(label, kind))
    put(node, RDF.type, cls)
    put(node, RDFS.label, han_literal(label))
    if readings and readings[0]:
        put(node, RDFS.label, pinyin_literal(readings[0]))
        put(node, RDFS.label, Literal(readings[1], language="en"))
    elif has_han(label):
        value, _ = romanise(label)
        put(node, RDFS.label, pinyin_literal(value))
        put(node, ALLIANCE.pinyinGenerated, Literal("pypinyin"))
    return node


def _unit(value: str | None, unit: str) -> str:
    if not value:
        return ""
    return value if value.endswith(unit) else f"{value}{unit}"


def _note(put, node, target, value, zh, en):
    put(target, BF.note, node)
    put(node, RDF.type, BF.Note)
    put(node, RDFS.label, han_literal(value))
    put(node, BF.noteType, Literal(zh, language="zh-Hans"))
    put(node, BF.noteType, Literal(en, language="en"))


def _item(put, row, instance, ctx, control):
    m = ctx.member.upper()
    item = ctx.minter.item(f"{m}|{control}|0")
    put(item, RDF.type, BF.Item)
    put(item, BF.itemOf, instance)
    put(instance, BF.hasItem, item)
    holder = row.get("library", "")
    if holder and MEMBER_CODE.match(holder):
        put(item, BF.heldBy, ctx.minter.library(holder))
    else:
        put(item, BF.heldBy, ctx.library)
        if holder:
            _note(put, NamedNode(f"{item.value}#holder"), item, holder, "收藏单位", "holding library")
    if call := row.get("call_number"):
        mark = NamedNode(f"{item.value}#shelfmark")
        put(item, BF.shelfMark, mark)
        put(mark, RDF.type, BF.ShelfMark)
        put(mark, RDFS.label, Literal(call))
    if census := row.get("census_number"):
        node = NamedNode(f"{item.value}#census")
        put(item, BF.identifiedBy, node)
        put(node, RDF.type, BF.Identifier)
        put(node, RDF.value, Literal(census))
        source = NamedNode(f"{item.value}#census-source")
        put(node, BF.source, source)
        put(source, RDF.type, BF.Source)
        put(source, RDFS.label, Literal("全国古籍普查登记编号", language="zh-Hans"))
        put(source, RDFS.label, Literal("National Ancient Books Census registration number", language="en"))
    if surviving := row.get("surviving"):
        node = NamedNode(f"{item.value}#surviving")
        put(item, BF.enumerationAndChronology, node)
        put(node, RDF.type, BF.Enumeration)
        put(node, RDFS.label, han_literal(surviving if surviving.startswith("存") else f"存{surviving}"))
    if missing := row.get("missing"):
        _note(
            put,
            NamedNode(f"{item.value}#missing"),
            item,
            missing if missing.startswith("缺") else f"缺{missing}",
            "缺卷",
            "missing juan",
        )
