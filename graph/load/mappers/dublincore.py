"""Dublin Core (oai_dc) records to BIBFRAME 2: what a member's digital repository says about its objects.

dc:title -> Work and Instance titles (Han text tagged by script, pinyin generated and
marked when the record gives none); dc:creator / dc:contributor -> contributions (a
leading ``(清)`` is a dynasty, a trailing 撰/修/纂 a role); dc:subject -> topics;
dc:coverage -> a dynasty or period when it reads as one, else a place; dc:type ->
genre; dc:date and dc:publisher -> the publication; identifiers -> ISBN, URL
(bf:electronicLocator) or local id; the repository's member holds one bf:Item.
"""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.match import Evidence
from graph.identity.periods import PeriodError, parse_period, split_dynasty
from graph.identity.uris import digest
from graph.load.mappers import MappingContext, admin_metadata
from graph.load.mappers.chinese import dynasty_node, relator, split_role
from graph.load.mappers.pinyin import han_literal, has_han, pinyin_literal, romanise, with_pinyin
from graph.load.sources.dublincore import DCRecord
from vocab.namespaces import ALLIANCE, BF, BFLC, LANGUAGES, RDF, RDFS, RELATORS

EDTF = NamedNode("http://id.loc.gov/datatypes/edtf")
_ISBN = re.compile(r"^(?:urn:isbn:|isbn[:\s]*)([0-9Xx-]{10,17})$", re.IGNORECASE)
_LANGUAGE = {
    "zh": "chi",
    "zho": "chi",
    "chi": "chi",
    "中文": "chi",
    "汉语": "chi",
    "en": "eng",
    "eng": "eng",
    "fr": "fre",
    "fre": "fre",
    "fra": "fre",
    "ja": "jpn",
    "jpn": "jpn",
}
_DC_TYPES = {
    "text": BF.Text,
    "image": BF.StillImage,
    "stillimage": BF.StillImage,
    "sound": BF.Audio,
    "movingimage": BF.MovingImage,
    "dataset": BF.Dataset,
    "physicalobject": BF.Object,
}


def _person(text: str):
    dyn, rest = split_dynasty(text)
    name, role = split_role(rest)
    return name, dyn, role


def map_dc(rec: DCRecord, ctx: MappingContext) -> list[tuple]:
    m = ctx.member.upper()
    minter = ctx.minter
    frag = minter.fragment
    triples: list[tuple] = []

    def put(s, p, o):
        triples.append((s, p, o))

    title = rec.first("title")
    assert title is not None  # the reader rejects a record without one (graph.load.sources.dublincore)
    control = rec.oai_identifier or rec.first("identifier") or digest(f"{title}|{rec.first('creator')}", 20)
    creators = [_person(c) for c in rec.all("creator")]
    codes = [_LANGUAGE.get(v.lower(), v.lower()) for v in rec.all("language")]
    language = next((c for c in codes if c.isascii() and c.isalpha() and len(c) == 3), "chi" if has_han(title) else "")
    period, places = None, []
    for value in rec.all("coverage"):
        try:
            parsed = parse_period(value)
        except PeriodError:
            places.append(value)
            continue
        period = period or parsed
    date = rec.first("date")
    year = None
    if date:
        try:
            parsed = parse_period(date)
            year = parsed.year
            period = period or (parsed if parsed.dynasty else None)
        except PeriodError:
            year = None
    isbns = [(match.group(1), "") for v in rec.all("identifier") if (match := _ISBN.match(v.strip()))]
    ev = Evidence(
        member=m,
        control=control,
        isbns=isbns,
        titles=[title],
        language=language,
        authors=[creators[0][0]] if creators else [],
        date=str(year) if year else date,
        publisher=rec.first("publisher"),
    )
    resolved = ctx.identity.resolve(ev)
    instance, work = resolved.instance, resolved.work

    # Work ----------------------------------------------------------------------
    put(work, RDF.type, BF.Work)
    put(
        work,
        RDF.type,
        next(
            (_DC_TYPES[t.lower().replace(" ", "")] for t in rec.all("type") if t.lower().replace(" ", "") in _DC_TYPES),
            BF.Text,
        ),
    )
    put(work, BF.hasInstance, instance)
    if language:
        put(work, BF.language, NamedNode(LANGUAGES + language))
    wt = frag(work, f"{m}-title")
    put(work, BF.title, wt)
    put(wt, RDF.type, BF.Title)
    with_pinyin(put, wt, BF.mainTitle, title, generate=True)
    with_pinyin(put, work, RDFS.label, title, generate=True)
    people = [(c, "aut") for c in creators] + [(_person(c), "ctb") for c in rec.all("contributor")]
    for i, ((name, dyn, role), default) in enumerate(people):
        if not name:
            continue
        agent = minter.agent(keys.agent_key(f"{name}|{dyn.name}" if dyn else name, "00"))
        contrib = frag(work, f"{m}-contribution-{i}")
        put(work, BF.contribution, contrib)
        put(contrib, RDF.type, BF.Contribution)
        put(contrib, BF.agent, agent)
        put(agent, RDF.type, BF.Agent)
        with_pinyin(put, agent, RDFS.label, name, generate=True, personal_name=True)
        if dyn is not None:
            put(agent, ALLIANCE.dynasty, dynasty_node(put, minter, dyn))
        put(contrib, BF.role, NamedNode(RELATORS + (relator(role) or default)))
    for value in rec.all("subject"):
        node = _term(put, minter, value, "653", BF.Topic)
        put(work, BF.subject, node)
    for value in places:
        node = _term(put, minter, value, "651", BF.Place)
        put(work, BF.subject, node)
        put(work, BF.geographicCoverage, node)
    for value in rec.all("type"):
        if value.lower().replace(" ", "") not in _DC_TYPES:
            put(work, BF.genreForm, _term(put, minter, value, "655", BF.GenreForm))
    for i, value in enumerate(rec.all("description")):
        node = frag(work, f"{m}-summary-{i}")
        put(work, BF.summary, node)
        put(node, RDF.type, BF.Summary)
        put(node, RDFS.label, han_literal(value))

    # Instance ------------------------------------------------------------------
    put(instance, RDF.type, BF.Instance)
    put(instance, BF.instanceOf, work)
    it = frag(instance, f"{m}-title")
    put(instance, BF.title, it)
    put(it, RDF.type, BF.Title)
    with_pinyin(put, it, BF.mainTitle, title, generate=True)
    with_pinyin(put, instance, RDFS.label, title, generate=True)
    for t in rec.all("title")[1:]:
        node = frag(instance, f"{m}-variant-{digest(t, 6)}")
        put(instance, BF.title, node)
        put(node, RDF.type, BF.VariantTitle)
        put(node, BF.mainTitle, han_literal(t))
    if date or rec.first("publisher") or period:
        prov = frag(instance, f"{m}-provision-0")
        put(instance, BF.provisionActivity, prov)
        put(prov, RDF.type, BF.Publication)
        for publisher in rec.all("publisher"):
            put(prov, BFLC.simpleAgent, han_literal(publisher))
        if date:
            put(prov, BFLC.simpleDate, han_literal(date))
        if year:
            put(prov, BF.date, Literal(str(year), datatype=EDTF))
        if period and period.dynasty:
            put(prov, ALLIANCE.dynasty, dynasty_node(put, minter, period.dynasty))
    for n, value in enumerate(rec.all("identifier")):
        value = value.strip()
        if (match := _ISBN.match(value)) is not None:
            node = frag(instance, f"{m}-identifier-{n}")
            put(instance, BF.identifiedBy, node)
            put(node, RDF.type, BF.Isbn)
            put(node, RDF.value, Literal(match.group(1)))
        elif value.startswith(("http://", "https://")):
            try:
                put(instance, BF.electronicLocator, NamedNode(value))
            except ValueError:
                pass
        else:
            node = frag(instance, f"{m}-identifier-{n}")
            put(instance, BF.identifiedBy, node)
            put(node, RDF.type, BF.Local)
            put(node, RDF.value, Literal(value))
    notes = [
        (e, z, v)
        for e, z in (("format", "格式"), ("source", "来源"), ("relation", "关联"), ("rights", "权利"))
        for v in rec.all(e)
    ]
    for n, (element, zh, value) in enumerate(notes):
        node = frag(instance, f"{m}-note-{n}")
        put(instance, BF.note, node)
        put(node, RDF.type, BF.Note)
        put(node, RDFS.label, han_literal(value))
        put(node, BF.noteType, Literal(zh, language="zh-Hans"))
        put(node, BF.noteType, Literal(f"dc:{element}", language="en"))
    triples += admin_metadata(instance, ctx, control)

    item = minter.item(f"{m}|{control}|0")
    put(item, RDF.type, BF.Item)
    put(item, BF.itemOf, instance)
    put(instance, BF.hasItem, item)
    put(item, BF.heldBy, ctx.library)
    return triples


def _term(put, minter, label, kind, cls):
    node = minter.subject(keys.subject_key(label, kind))
    put(node, RDF.type, cls)
    put(node, RDFS.label, han_literal(label))
    if has_han(label):
        value, _ = romanise(label)
        put(node, RDFS.label, pinyin_literal(value))
        put(node, ALLIANCE.pinyinGenerated, Literal("pypinyin"))
    return node
