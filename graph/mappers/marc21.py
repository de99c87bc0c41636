"""MARC 21 bibliographic (and holdings) records to BIBFRAME 2, as the Library of Congress models it.

One record gives a bf:Work, a bf:Instance and one bf:Item per 852 held by the loading
member (a record without 852 still gives the member one Item: it holds the title).
Structured nodes are fragment IRIs of the resource they belong to, scoped by member,
so loading the same record twice yields the same triples.
"""
from __future__ import annotations

import re

import pymarc
from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.uris import digest
from graph.mappers import MappingContext
from graph.mappers.marc21_identity import evidence
from graph.mappers.script import vernacular_tag
from vocab.namespaces import BF, BFLC, LANGUAGES, MADS, RDF, RDFS, RELATORS

WORK_CLASS = {  # leader/06
    "a": BF.Text, "t": BF.Text, "c": BF.NotatedMusic, "d": BF.NotatedMusic,
    "e": BF.Cartography, "f": BF.Cartography, "g": BF.MovingImage, "i": BF.Audio,
    "j": BF.MusicAudio, "k": BF.StillImage, "m": BF.Multimedia, "o": BF.MixedMaterial,
    "p": BF.MixedMaterial, "r": BF.Object,
}
PROVISION_CLASS = {"0": BF.Production, "1": BF.Publication, "2": BF.Distribution, "3": BF.Manufacture}
AGENT_CLASS = {"00": BF.Person, "10": BF.Organization, "11": BF.Meeting}
SUBJECT_CLASS = {"600": BF.Person, "610": BF.Organization, "611": BF.Meeting, "630": BF.Work,
                 "650": BF.Topic, "651": BF.Place, "655": BF.GenreForm}
RELATOR_TERMS = {"author": "aut", "editor": "edt", "translator": "trl", "illustrator": "ill",
                 "compiler": "com", "contributor": "ctb", "publisher": "pbl", "composer": "cmp"}
TRAILING = re.compile(r"[\s/:;,.=]+$")


def clean(text: str | None) -> str:
    """Strip ISBD punctuation that MARC leaves at the end of subfields."""
    if not text:
        return ""
    text = TRAILING.sub("", text.strip())
    if text.endswith(("Jr", "Sr", "ed", "etc")) and not text.endswith("."):
        text += "." if text.endswith(("Jr", "Sr", "etc")) else ""
    return text


def _first(record, tag):
    fields = record.get_fields(tag)
    return fields[0] if fields else None


def _sub(field, *codes) -> list[str]:
    return [v for v in field.get_subfields(*codes) if v and v.strip()]


def _join(field, codes: str) -> str:
    return clean(" ".join(v.strip() for v in _sub(field, *codes)))


class _Out:
    """Collects triples; literals for 880 parallel forms ride along on the same node."""

    def __init__(self):
        self.triples: list[tuple] = []

    def add(self, s, p, o):
        self.triples.append((s, p, o))

    def text(self, s, p, value: str, language: str | None = None):
        if value:
            self.triples.append((s, p, Literal(value, language=language) if language else Literal(value)))


def map_record(record: pymarc.Record, ctx: MappingContext) -> list[tuple]:
    """BIBFRAME triples for one MARC 21 bibliographic record, as seen by ``ctx.member``."""
    m = ctx.member.upper()
    minter = ctx.minter
    out = _Out()
    control = (_first(record, "001").data.strip() if _first(record, "001") else "") or digest(record.as_marc21().hex(), 20)
    leader = str(record.leader)
    f008 = _first(record, "008").data if _first(record, "008") else ""
    language = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    vern = _vernacular_fields(record)

    t245 = _first(record, "245")
    title = _join(t245, "a") if t245 else ""
    full_title = _join(t245, "abnp") if t245 else ""
    uniform = _first(record, "130") or _first(record, "240")
    work_title = _join(uniform, "adfklmnoprs") if uniform else title

    resolved = ctx.identity.resolve(evidence(record, m, control))
    instance, work = resolved.instance, resolved.work
    frag = minter.fragment

    # Work ----------------------------------------------------------------------
    out.add(work, RDF.type, BF.Work)
    if (cls := WORK_CLASS.get(leader[6:7])) is not None:
        out.add(work, RDF.type, cls)
    out.add(work, BF.hasInstance, instance)
    if work_title:
        wt = frag(work, f"{m}-title")
        out.add(work, BF.title, wt)
        out.add(wt, RDF.type, BF.Title)
        out.text(wt, BF.mainTitle, work_title)
        out.text(work, RDFS.label, work_title)
    if language and language.isalpha():
        out.add(work, BF.language, NamedNode(LANGUAGES + language))
    for i, field in enumerate(record.get_fields("100", "110", "111", "700", "710", "711")):
        _contribution(out, record, field, i, work, ctx, vern)
    for i, field in enumerate(record.get_fields("600", "610", "611", "630", "650", "651", "655")):
        _subject(out, field, work, ctx, i)
    for i, field in enumerate(record.get_fields("050", "082")):
        _classification(out, field, work, m, i)
    for field in record.get_fields("520"):
        node = frag(work, f"{m}-summary-{digest(field.value(), 6)}")
        out.add(work, BF.summary, node)
        out.add(node, RDF.type, BF.Summary)
        out.text(node, RDFS.label, _join(field, "ab"))

    # Instance ------------------------------------------------------------------
    out.add(instance, RDF.type, BF.Instance)
    if leader[6:7] in "at" and leader[7:8] in "acdm":
        out.add(instance, RDF.type, BF.Print)
    out.add(instance, BF.instanceOf, work)
    if t245:
        it = frag(instance, f"{m}-title")
        out.add(instance, BF.title, it)
        out.add(it, RDF.type, BF.Title)
        out.text(it, BF.mainTitle, title, _romanised_tag(language, vern.get("245")))
        out.text(it, BF.subtitle, _join(t245, "b"))
        out.text(it, BF.partNumber, _join(t245, "n"))
        out.text(it, BF.partName, _join(t245, "p"))
        out.text(instance, RDFS.label, full_title)
        out.text(instance, BF.responsibilityStatement, _join(t245, "c"))
        if (v := vern.get("245")) is not None:
            tag = vernacular_tag(v.value(), language)
            out.text(it, BF.mainTitle, _join(v, "a"), tag)
            out.text(it, BF.subtitle, _join(v, "b"), tag)
            out.text(instance, RDFS.label, _join(v, "abnp"), tag)
            out.text(instance, BF.responsibilityStatement, _join(v, "c"), tag)
    for field in record.get_fields("250"):
        out.text(instance, BF.editionStatement, _join(field, "ab"))
    _identifiers(out, record, instance, m)
    for i, field in enumerate(record.get_fields("260", "264")):
        _provision(out, field, instance, m, i, vern)
    for i, field in enumerate(record.get_fields("300")):
        ext = frag(instance, f"{m}-extent-{i}")
        out.add(instance, BF.extent, ext)
        out.add(ext, RDF.type, BF.Extent)
        out.text(ext, RDFS.label, _join(field, "a"))
        out.text(instance, BF.dimensions, _join(field, "c"))
    for field in record.get_fields("490"):
        out.text(instance, BF.seriesStatement, _join(field, "av"))
    for i, field in enumerate(record.get_fields(*[str(t) for t in range(500, 600) if t != 520])):
        if field.tag == "505":
            node = frag(instance, f"{m}-toc-{i}")
            out.add(instance, BF.tableOfContents, node)
            out.add(node, RDF.type, BF.TableOfContents)
            out.text(node, RDFS.label, _join(field, "agrt"))
        elif text := _join(field, "a"):
            node = frag(instance, f"{m}-note-{i}")
            out.add(instance, BF.note, node)
            out.add(node, RDF.type, BF.Note)
            out.text(node, RDFS.label, text)
    for field in record.get_fields("856"):
        for url in _sub(field, "u"):
            try:
                out.add(instance, BF.electronicLocator, NamedNode(url.strip()))
            except ValueError:
                pass  # not an IRI; kept in the source record
    admin = frag(instance, f"{m}-admin")
    out.add(instance, BF.adminMetadata, admin)
    out.add(admin, RDF.type, BF.AdminMetadata)
    out.add(admin, BF.assigner, ctx.library)
    local = frag(instance, f"{m}-local")
    out.add(admin, BF.identifiedBy, local)
    out.add(local, RDF.type, BF.Local)
    out.text(local, RDF.value, control)
    out.add(local, BF.assigner, ctx.library)

    # Items ---------------------------------------------------------------------
    holdings = record.get_fields("852")
    for i, field in enumerate(holdings or [None]):
        _item(out, field, record, instance, ctx, control, i)
    return out.triples


def _romanised_tag(language: str, vernacular) -> str | None:
    """The tag of a romanised form that has a vernacular twin (pinyin for Chinese)."""
    if vernacular is None:
        return None
    return {"chi": "zh-Latn-pinyin", "jpn": "ja-Latn", "kor": "ko-Latn"}.get(language)


def _vernacular_fields(record) -> dict:
    """880 fields keyed by the tag they pair with (first occurrence), via $6."""
    paired = {}
    for field in record.get_fields("880"):
        link = next(iter(field.get_subfields("6")), "")
        tag = link[:3]
        if tag.isdigit() and tag not in paired:
            paired[tag] = field
    return paired


def _contribution(out, record, field, i, work, ctx, vern):
    m = ctx.member.upper()
    name = _join(field, "abcdq") if field.tag.endswith("00") else _join(field, "abcdn")
    if not name:
        return
    kind = AGENT_CLASS.get(field.tag[1:], BF.Agent)
    agent = ctx.minter.agent(keys.agent_key(name, field.tag[1:]))
    contrib = ctx.minter.fragment(work, f"{m}-contribution-{i}")
    out.add(work, BF.contribution, contrib)
    out.add(contrib, RDF.type, BF.Contribution)
    if field.tag.startswith("1"):
        out.add(contrib, RDF.type, BFLC.PrimaryContribution)
    out.add(contrib, BF.agent, agent)
    out.add(agent, RDF.type, BF.Agent)
    out.add(agent, RDF.type, kind)
    out.text(agent, RDFS.label, name)
    if field.tag.startswith("1") and (v := vern.get(field.tag)) is not None:
        out.text(agent, RDFS.label, _join(v, "abcdq"), vernacular_tag(v.value(), ""))
    codes = [c.strip().lower() for c in field.get_subfields("4") if c.strip()]
    codes += [RELATOR_TERMS[t] for t in (clean(e).lower() for e in field.get_subfields("e"))
              if t in RELATOR_TERMS]
    for code in codes or ["ctb"]:
        if code.isalpha():
            out.add(contrib, BF.role, NamedNode(RELATORS + code))


def _subject(out, field, work, ctx, i):
    label = "--".join(clean(v) for v in _sub(field, *"abcdvxyz"))
    if not label:
        return
    cls = SUBJECT_CLASS[field.tag]
    iri = None
    for uri in _sub(field, "1", "0"):
        if uri.startswith("http"):
            try:
                iri = NamedNode(uri.strip())
                break
            except ValueError:
                pass
    subject = iri or ctx.minter.subject(keys.subject_key(label, field.tag))
    out.add(work, BF.genreForm if field.tag == "655" else BF.subject, subject)
    out.add(subject, RDF.type, cls)
    out.text(subject, RDFS.label, label)
    out.text(subject, MADS.authoritativeLabel, label)


def _classification(out, field, work, m, i):
    portion = next(iter(_sub(field, "a")), "")
    if not portion:
        return
    node = NamedNode(f"{work.value}#{m}-classification-{i}")
    out.add(work, BF.classification, node)
    out.add(node, RDF.type, BF.ClassificationLcc if field.tag == "050" else BF.ClassificationDdc)
    out.text(node, BF.classificationPortion, portion.strip())
    out.text(node, BF.itemPortion, next(iter(_sub(field, "b")), "").strip())


def _identifiers(out, record, instance, m):
    n = 0

    def ident(cls, value, qualifier="", invalid=False):
        nonlocal n
        node = NamedNode(f"{instance.value}#{m}-identifier-{n}")
        n += 1
        out.add(instance, BF.identifiedBy, node)
        out.add(node, RDF.type, cls)
        out.text(node, RDF.value, value)
        out.text(node, BF.qualifier, qualifier)
        if invalid:
            out.add(node, BF.status, NamedNode("http://id.loc.gov/vocabulary/mstatus/cancinv"))

    for field in record.get_fields("010"):
        for v in _sub(field, "a"):
            ident(BF.Lccn, v.strip())
    for field in record.get_fields("020"):
        qualifiers = [clean(q).strip("()") for q in _sub(field, "q")]
        for v in _sub(field, "a"):
            number, _, rest = v.strip().partition(" ")
            ident(BF.Isbn, number, " ".join([rest.strip(" ()"), *qualifiers]).strip())
        for v in _sub(field, "z"):
            ident(BF.Isbn, v.strip().split(" ")[0], invalid=True)
    for field in record.get_fields("022"):
        for v in _sub(field, "a"):
            ident(BF.Issn, v.strip())
    for field in record.get_fields("035"):
        for v in _sub(field, "a"):
            v = v.strip()
            if v.startswith("(OCoLC)"):
                ident(BF.OclcNumber, re.sub(r"^\(OCoLC\)(ocm|ocn|on)?", "", v))
            else:
                ident(BF.Local, v)


def _provision(out, field, instance, m, i, vern):
    if field.tag == "264" and field.indicator2 == "4":
        for v in _sub(field, "c"):
            out.text(instance, BF.copyrightDate, clean(v))
        return
    cls = PROVISION_CLASS.get(field.indicator2, BF.Publication) if field.tag == "264" else BF.Publication
    node = NamedNode(f"{instance.value}#{m}-provision-{i}")
    out.add(instance, BF.provisionActivity, node)
    out.add(node, RDF.type, cls)
    for v in _sub(field, "a"):
        out.text(node, BFLC.simplePlace, clean(v).strip("[]"))
    for v in _sub(field, "b"):
        out.text(node, BFLC.simpleAgent, clean(v))
    for v in _sub(field, "c"):
        out.text(node, BFLC.simpleDate, clean(v))
    statement = _join(field, "abc")
    out.text(instance, BF.provisionActivityStatement, statement)
    if (v := vern.get(field.tag)) is not None and i == 0:
        tag = vernacular_tag(v.value(), "")
        for value in _sub(v, "a"):
            out.text(node, BFLC.simplePlace, clean(value), tag)
        for value in _sub(v, "b"):
            out.text(node, BFLC.simpleAgent, clean(value), tag)


def _item(out, field, record, instance, ctx, control, i):
    m = ctx.member.upper()
    item = ctx.minter.item(f"{m}|{control}|{i}")
    out.add(item, RDF.type, BF.Item)
    out.add(item, BF.itemOf, instance)
    out.add(instance, BF.hasItem, item)
    out.add(item, BF.heldBy, ctx.library)
    if field is None:
        return
    call_number = " ".join(v.strip() for v in _sub(field, "k", "h", "i", "m"))
    if call_number:
        mark = NamedNode(f"{item.value}#shelfmark")
        out.add(item, BF.shelfMark, mark)
        out.add(mark, RDF.type, BF.ShelfMarkLcc if field.indicator1 == "0" else BF.ShelfMark)
        out.text(mark, RDFS.label, call_number)
    location = " ".join(v.strip() for v in _sub(field, "b", "c"))
    if location:
        sub = NamedNode(f"{item.value}#sublocation")
        out.add(item, BF.sublocation, sub)
        out.add(sub, RDF.type, BF.Sublocation)
        out.text(sub, RDFS.label, location)
    for j, barcode in enumerate(_sub(field, "p")):
        node = NamedNode(f"{item.value}#barcode-{j}")
        out.add(item, BF.identifiedBy, node)
        out.add(node, RDF.type, BF.Barcode)
        out.text(node, RDF.value, barcode.strip())
    for j, note in enumerate(_sub(field, "z")):
        node = NamedNode(f"{item.value}#note-{j}")
        out.add(item, BF.note, node)
        out.add(node, RDF.type, BF.Note)
        out.text(node, RDFS.label, note.strip())
