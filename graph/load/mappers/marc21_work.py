"""The Work side of a MARC 21 record: what it is, who made it, what it is about, how it relates."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.load.mappers.marc21_emit import LABEL, TYPE, Out, iri
from graph.load.mappers.marc21_tables import (
    AGENT_CLASS,
    BIOGRAPHY,
    CLASSIFICATION_CLASS,
    CONFERENCE,
    CONTENT,
    CONTENT_TERMS,
    FESTSCHRIFT,
    GF,
    LANGUAGES,
    LCGFT,
    LINK_780,
    LINK_785,
    LINK_RELATIONSHIP,
    LITERARY_FORM,
    MANUSCRIPT_TYPES,
    MUSIC_FORM,
    NATURE_OF_CONTENTS,
    ORGANIZATIONS,
    RELATIONSHIP,
    RELATOR_TERMS,
    RELATORS,
    SUBDIVISIONS,
    SUBJECT_CLASS,
    SUBJECT_NAME_CODES,
    SUBJECT_SOURCE,
    WORK_CLASS,
    WORK_LEVEL_CLASS,
)
from graph.load.mappers.marc21_text import authority_iri, clean, fid, first, joined, subfields
from vocab.namespaces import ALLIANCE, BF, MADS, RDF, RDFS

W_CLASS, HAS_INSTANCE, TITLE, MAIN_TITLE = BF.Work, BF.hasInstance, BF.title, BF.mainTitle
CONTRIBUTION, AGENT, ROLE = BF.contribution, BF.agent, BF.role
SUBJECT, GENRE_FORM = BF.subject, BF.genreForm
SEE_ALSO = RDFS.seeAlso
RDF_VALUE = RDF.value
NAME_CODES = {"00": "abcdq", "10": "abcdgn", "11": "acdegnq", "20": "a"}
TITLE_CODES = "fklmnoprs"
SERIES_TAGS = ("440", "800", "810", "811", "830")


def map_work(out: Out, work: NamedNode, instance: NamedNode, leader: str, language: str, ctx) -> None:
    add = out.add
    add((work, TYPE, W_CLASS))
    if (cls := WORK_CLASS.get(leader[6:7])) is not None:
        add((work, TYPE, cls))
    if leader[6:7] in MANUSCRIPT_TYPES:
        add((work, TYPE, BF.Manuscript))
    if (cls := WORK_LEVEL_CLASS.get(leader[7:8])) is not None:
        add((work, TYPE, cls))
    add((work, HAS_INSTANCE, instance))
    t245 = out.first("245")
    title = (joined(t245, "anp") or joined(t245, "k")) if t245 is not None else ""
    if title:
        node = NamedNode(f"{work.value}#{out.member}-title")
        add((work, TITLE, node))
        add((node, TYPE, BF.Title))
        out.text(node, MAIN_TITLE, title)
        out.text(work, LABEL, title)
        v, tag, _ = out.parallel(t245)
        if v is not None:
            out.text(node, MAIN_TITLE, joined(v, "anp"), tag)
    _languages(out, work, language)
    _coded_genres(out, work, leader)
    for field in out.fields("336"):
        for code in _codes(field, CONTENT_TERMS):
            if (content := iri(CONTENT, code)) is not None:
                add((work, BF.content, content))
    for field in out.fields("100", "110", "111", "700", "710", "711", "720"):
        if field.tag[0] == "7" and first(field, "t"):
            _related_hub(out, work, field, ctx)
        else:
            contribution(out, work, field, ctx)
    for tag, field in out.vern.unpaired:
        if tag in ("100", "110", "111", "700", "710", "711"):
            contribution(out, work, _as(field, tag), ctx, vernacular=out.vern.tag(field))
    for field in out.fields(*SUBJECT_CLASS):
        subject(out, work, field, ctx)
    for tag, field in out.vern.unpaired:
        if tag in SUBJECT_CLASS:
            subject(out, work, _as(field, tag), ctx, vernacular=out.vern.tag(field))
    for field in out.fields(*CLASSIFICATION_CLASS):
        _classification(out, work, field)
    for field in out.fields("520"):
        text = joined(field, "ab")
        if text:
            node = out.typed(work, BF.summary, "summary", BF.Summary, text)
            out.text(node, LABEL, text)
            _parallel_label(out, node, field, "ab")
    for field in out.fields("505"):
        text = joined(field, "a") or joined(field, "gtr", " ")
        if text:
            node = out.typed(work, BF.tableOfContents, "toc", BF.TableOfContents, text)
            out.text(node, LABEL, text)
            _parallel_label(out, node, field, "a")
    uniform = out.first("130", "240")
    if uniform is not None:
        hub = _hub(out, uniform, "adfgklmnoprs", ctx)
        if hub is not None:
            add((work, BF.expressionOf, hub))
    for field in out.fields(*SERIES_TAGS):
        _series(out, work, field, ctx)
    for field in out.fields("490"):
        _series_statement(out, work, field)
    for field in out.fields(*LINK_RELATIONSHIP):
        _linking_entry(out, work, field)
    for field in out.fields("510", "740"):
        _titled_relation(out, work, field)
    for field in out.fields("730"):  # a uniform title added entry: a related (or contained) work
        hub = _hub(out, field, "adfgklmnoprst", ctx)
        if hub is not None:
            _relation(out, work, "part" if field.indicators[1] == "2" else "relatedwork", hub, hub.value)


def _as(field, tag: str):
    """An unpaired 880 read as the field it stands for."""
    from graph.load.sources.iso2709 import data_field

    return data_field(tag, field.indicators, field.subfields)


def _languages(out: Out, work: NamedNode, language: str) -> None:
    seen = set()
    if language and language not in ("zxx", "und", "mul", "   "):
        seen.add(language)
    for field in out.fields("041"):
        for c, v in field.subfields:
            if c in "adeh":  # text, sung/spoken; translation originals go to $h
                v = v.strip().lower()
                for i in range(0, len(v) - 2, 3):  # old records run codes together: "engfre"
                    code = v[i : i + 3]
                    if code.isalpha() and code.isascii():
                        seen.add(code)
    for code in sorted(seen):
        if (node := iri(LANGUAGES, code)) is not None:
            out.add((work, BF.language, node))


def _codes(field, terms: dict) -> list[str]:
    codes = [v.strip() for c, v in field.subfields if c == "b" and v.strip()]
    if not codes:
        codes = [terms[t] for t in (clean(v).lower() for c, v in field.subfields if c == "a") if t in terms]
    return codes


def contribution(
    out: Out, work: NamedNode, field, ctx, vernacular: str | None = None, primary: bool | None = None
) -> None:
    suffix = field.tag[1:]
    codes = NAME_CODES.get(suffix, "abcdq")
    name = joined(field, codes)
    if not name:
        return
    cls = BF.Family if suffix == "00" and field.indicators[0] == "3" else AGENT_CLASS.get(suffix, BF.Agent)
    agent = agent_node(out, name, suffix, cls, field, ctx, vernacular)
    add = out.add
    node = out.node(work, "contribution", field.tag, name)
    add((work, CONTRIBUTION, node))
    add((node, TYPE, BF.Contribution))
    if primary if primary is not None else field.tag[0] == "1":
        add((node, TYPE, BF.PrimaryContribution))
    add((node, AGENT, agent))
    v, tag, _ = out.parallel(field)
    if v is not None:
        out.text(agent, LABEL, joined(v, codes), tag)
    roles = []
    for c, value in field.subfields:
        if c == "4":
            code = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()[:3]
            if code.isalpha():
                roles.append(code)
        elif c == ("j" if suffix == "11" else "e"):
            code = RELATOR_TERMS.get(clean(value).lower().rstrip("."))
            if code:
                roles.append(code)
    for code in dict.fromkeys(roles or ["ctb"]):
        if (role := iri(RELATORS, code)) is not None:
            add((node, ROLE, role))


_AGENTS: dict = {}


def agent_node(out: Out, name: str, suffix: str, cls, field, ctx, vernacular=None) -> NamedNode:
    """The alliance's IRI for an agent (minted from its name), with what the field says of it."""
    key = (ctx.minter.base, suffix, name)
    agent = _AGENTS.get(key)
    if agent is None:
        agent = ctx.minter.agent(keys.agent_key(name, suffix))
        if len(_AGENTS) > 20_000:
            _AGENTS.clear()
        _AGENTS[key] = agent
    add = out.add
    add((agent, TYPE, BF.Agent))
    add((agent, TYPE, cls))
    add((agent, LABEL, Literal(name, language=vernacular) if vernacular else Literal(name)))
    for uri, raw in _authorities(field):
        if uri is not None:
            add((agent, SEE_ALSO, uri))
        else:
            _identifier(out, agent, raw)
    return agent


def _authorities(field) -> list[tuple[NamedNode | None, str]]:
    """($1 then $0) as (IRI, value) when the value is or names an IRI, else (None, value)."""
    found = []
    for code in "10":
        for c, v in field.subfields:
            if c == code and v.strip():
                target = authority_iri(v)
                node = None
                if target is not None:
                    try:
                        node = NamedNode(target)
                    except ValueError:
                        node = None
                found.append((node, v.strip()))
    return found


def _uris(field) -> list[NamedNode]:
    return [node for node, _ in _authorities(field) if node is not None]


def _identifier(out: Out, node: NamedNode, value: str) -> None:
    """An authority record number that is not an IRI, kept as a bf:Identifier of the node."""
    ident = NamedNode(f"{node.value}#id-{fid(value)}")
    out.add((node, BF.identifiedBy, ident))
    out.add((ident, TYPE, BF.Identifier))
    out.add((ident, RDF_VALUE, Literal(value)))


def subject(out: Out, work: NamedNode, field, ctx, vernacular: str | None = None) -> None:
    tag = field.tag
    label = _heading(field, tag)
    if not label:
        return
    authorities = _authorities(field)
    uris = [node for node, _ in authorities if node is not None]
    ind2 = field.indicators[1] if field.indicators else " "
    source = SUBJECT_SOURCE.get(ind2)
    if source is None and ind2 == "7":
        scheme = first(field, "2").strip().lower()
        source = f"http://id.loc.gov/vocabulary/subjectSchemes/{scheme}" if scheme.isalnum() else None
        if tag == "655" and scheme == "lcgft":
            source = LCGFT
    node = uris[0] if uris else _subject_iri(ctx, label, tag, source)
    add = out.add
    add((work, GENRE_FORM if tag == "655" else SUBJECT, node))
    name_title = tag in SUBJECT_NAME_CODES and first(field, "t")
    add((node, TYPE, BF.Hub if name_title else SUBJECT_CLASS[tag]))
    if any(c in SUBDIVISIONS for c, _ in field.subfields) and tag != "662":
        add((node, TYPE, MADS.ComplexSubject))
    add((node, LABEL, Literal(label, language=vernacular) if vernacular else Literal(label)))
    if source is not None and not uris and (src := iri(source, "")) is not None:
        add((node, BF.source, src))
    for uri, raw in authorities:
        if uri is None:
            _identifier(out, node, raw)
    if name_title:  # a work about a work: its author is a contribution of the Hub
        suffix = tag[1:]
        name = joined(field, NAME_CODES.get(suffix, "a"))
        if name:
            _hub_contribution(out, node, name, suffix, field, ctx)
    v, vtag, _ = out.parallel(field)
    if v is not None:
        out.text(node, LABEL, _heading(v, tag), vtag)


_SUBJECTS: dict = {}


def _subject_iri(ctx, label: str, tag: str, source: str | None) -> NamedNode:
    key = (ctx.minter.base, label, tag, source)
    node = _SUBJECTS.get(key)
    if node is None:
        node = ctx.minter.subject(keys.subject_key(label, f"{tag}|{source or ''}"))
        if len(_SUBJECTS) > 20_000:
            _SUBJECTS.clear()
        _SUBJECTS[key] = node
    return node


def _hub_contribution(out: Out, hub: NamedNode, name: str, suffix: str, field, ctx) -> None:
    cls = AGENT_CLASS.get(suffix, BF.Agent)
    agent = agent_node(out, name, suffix, cls, _NO_AUTHORITY, ctx)
    node = NamedNode(
        f"{hub.value}#contribution-{fid(name)}" if "#" not in hub.value else f"{hub.value}-contribution-{fid(name)}"
    )
    add = out.add
    add((hub, CONTRIBUTION, node))
    add((node, TYPE, BF.Contribution))
    add((node, TYPE, BF.PrimaryContribution))
    add((node, AGENT, agent))


class _NoAuthority:
    subfields = ()


_NO_AUTHORITY = _NoAuthority()


def _coded_genres(out: Out, work: NamedNode, leader: str) -> None:
    """Genre/forms the 008 states only as codes (literary form, biography, contents, music form)."""
    f008 = out.first("008")
    data = f008.data if f008 is not None and f008.data else ""
    if len(data) < 35:
        return
    kind, level = leader[6:7], leader[7:8]
    found = []
    if kind in "at" and level in "acdm":  # books
        found += [NATURE_OF_CONTENTS.get(c) for c in data[24:28]]
        found.append(LITERARY_FORM.get(data[33]))
        found.append(BIOGRAPHY.get(data[34]))
        found.append(CONFERENCE if data[29] == "1" else None)
        found.append(FESTSCHRIFT if data[30] == "1" else None)
    elif kind == "a" and level in "bis":  # continuing resources
        found += [NATURE_OF_CONTENTS.get(c) for c in data[25:28]]
        found.append(CONFERENCE if data[29] == "1" else None)
    elif kind in "cdij":  # music
        found.append(MUSIC_FORM.get(data[18:20]))
    add = out.add
    for code, label in dict.fromkeys(f for f in found if f):
        node = iri(GF, code)
        add((work, GENRE_FORM, node))
        add((node, TYPE, BF.GenreForm))
        add((node, LABEL, Literal(label)))


def _heading(field, tag: str) -> str:
    """A subject heading as LC displays it: "Name, dates. Title--Subdivision--Subdivision"."""
    main_codes = SUBJECT_NAME_CODES.get(tag, "abcdgpt" if tag != "662" else "abcdfgh")
    if tag in SUBJECT_NAME_CODES:
        main_codes += "fklmnoprst"
    head = []
    subs = []
    for c, v in field.subfields:
        if not v or v.isspace():
            continue
        if c in SUBDIVISIONS and tag != "662":
            subs.append(clean(v))
        elif c in main_codes:
            head.append(v.strip())
    parts = [clean(" ".join(head))] if head else []
    parts += [s for s in subs if s]
    return "--".join(p for p in parts if p)


CLASS_SCHEMES = "http://id.loc.gov/vocabulary/classSchemes/"


def _classification(out: Out, work: NamedNode, field) -> None:
    cls = CLASSIFICATION_CLASS[field.tag]
    portions = subfields(field, "a")
    item = first(field, "b").strip()
    for n, portion in enumerate(portions):
        portion = portion.strip()
        node = out.typed(work, BF.classification, "class", cls, field.tag, portion, first(field, "q"))
        out.text(node, BF.classificationPortion, portion)
        if n == 0 and item:
            out.text(node, BF.itemPortion, item)
        if field.tag in ("082", "083") and (edition := first(field, "2").strip()):
            out.text(node, BF.edition, edition)
        if field.tag == "084" and (scheme := first(field, "2").strip().lower()).isalnum():  # "clc": 中图法
            if (source := iri(CLASS_SCHEMES, scheme)) is not None:
                out.add((node, BF.source, source))
        if (agency := first(field, "q").strip()) and agency.replace("-", "").isalnum():
            out.add((node, BF.assigner, iri(ORGANIZATIONS, agency.lower())))


def _parallel_label(out: Out, node: NamedNode, field, codes: str) -> None:
    v, tag, _ = out.parallel(field)
    if v is not None:
        out.text(node, LABEL, joined(v, codes), tag)


def _hub(out: Out, field, codes: str, ctx, name_codes: str | None = None) -> NamedNode | None:
    """A bf:Hub (a work as catalogued by its uniform or series title), shared by every record naming it."""
    title = joined(field, codes)
    if not title:
        return None
    name = joined(field, name_codes) if name_codes else ""
    main = out.first("100", "110", "111") if field.tag in ("240",) else None
    if main is not None:
        name = joined(main, NAME_CODES.get(main.tag[1:], "a"))
    hub = ctx.minter.work(f"hub|{keys.work_key(title=title, author=name, language='')}")
    add = out.add
    add((hub, TYPE, BF.Hub))
    label = f"{name}. {title}" if name else title
    add((hub, LABEL, Literal(label)))
    tnode = NamedNode(hub.value + "#title")
    add((hub, TITLE, tnode))
    add((tnode, TYPE, BF.Title))
    add((tnode, MAIN_TITLE, Literal(joined(field, "a" if "a" in codes else "t") or title)))
    out.texts(tnode, BF.partNumber, subfields(field, "n"))
    out.texts(tnode, BF.partName, subfields(field, "p"))
    if name:
        suffix = (main.tag if main is not None else field.tag)[1:]
        _hub_contribution(out, hub, name, suffix if suffix in NAME_CODES else "00", field, ctx)
    v, tag, _ = out.parallel(field)
    if v is not None:
        out.text(hub, LABEL, joined(v, codes), tag)
    return hub


def _relation(out: Out, work: NamedNode, code: str, target: NamedNode, *content: str) -> NamedNode:
    node = out.typed(work, BF.relation, "relation", BF.Relation, code, *content)
    add = out.add
    if (rel := iri(RELATIONSHIP, code)) is not None:
        add((node, BF.relationship, rel))
    add((node, BF.associatedResource, target))
    return node


def _series(out: Out, work: NamedNode, field, ctx) -> None:
    if field.tag in ("440", "830"):
        hub = _hub(out, field, "adfgklmnoprs" if field.tag == "830" else "anp", ctx)
    else:
        hub = _hub(out, field, "t" + TITLE_CODES, ctx, NAME_CODES.get(field.tag[1:], "a"))
    if hub is None:
        return
    node = _relation(out, work, "series", hub, hub.value)
    out.texts(node, BF.seriesEnumeration, subfields(field, "v"))
    for issn in subfields(field, "x"):
        ident = NamedNode(f"{hub.value}#issn-{fid(issn)}")
        out.add((hub, BF.identifiedBy, ident))
        out.add((ident, TYPE, BF.Issn))
        out.add((ident, RDF_VALUE, Literal(issn.strip())))


def _series_statement(out: Out, work: NamedNode, field) -> None:
    """A 490 as transcribed: the work is in a series known by this title (and ISSN)."""
    title = joined(field, "a")
    if not title:
        return
    series = out.node(work, "series", title)
    node = _relation(out, work, "series", series, title)
    out.texts(node, BF.seriesEnumeration, subfields(field, "v"))
    add = out.add
    add((series, TYPE, BF.Series))
    tnode = NamedNode(series.value + "-title")
    add((series, TITLE, tnode))
    add((tnode, TYPE, BF.Title))
    add((tnode, MAIN_TITLE, Literal(title)))
    v, tag, _ = out.parallel(field)
    if v is not None and (vtitle := joined(v, "a")):
        add((tnode, MAIN_TITLE, Literal(vtitle, language=tag) if tag else Literal(vtitle)))
    for issn in subfields(field, "x"):
        ident = NamedNode(f"{series.value}-issn-{fid(issn)}")
        add((series, BF.identifiedBy, ident))
        add((ident, TYPE, BF.Issn))
        add((ident, RDF_VALUE, Literal(issn.strip())))


def _related_hub(out: Out, work: NamedNode, field, ctx) -> None:
    """A 7XX name/title added entry: the work is related to (or contains) another work."""
    hub = _hub(out, field, "t" + TITLE_CODES, ctx, NAME_CODES.get(field.tag[1:], "a"))
    if hub is not None:
        _relation(out, work, "part" if field.indicators[1] == "2" else "relatedwork", hub, hub.value)


def _related_resource(out: Out, node: NamedNode, cls: NamedNode) -> None:
    """A work or instance a record relates to: described, not catalogued, so counts, search and pages
    that mean the catalogue's works leave it out (``vocab.namespaces.catalogued``)."""
    out.add((node, TYPE, cls))
    out.add((node, TYPE, ALLIANCE.RelatedResource))


def _titled_relation(out: Out, work: NamedNode, field) -> None:
    """510 (indexed in) and 740 (related or analytical title): a described, related work."""
    title = joined(field, "anp") if field.tag == "740" else joined(field, "a")
    if not title:
        return
    if field.tag == "510":
        code = "indexedin"
    else:
        code = "part" if field.indicators[1] == "2" else "relatedwork"
    related = out.node(work, "related", field.tag, title)
    _relation(out, work, code, related, title)
    add = out.add
    _related_resource(out, related, W_CLASS)
    tnode = NamedNode(related.value + "-title")
    add((related, TITLE, tnode))
    add((tnode, TYPE, BF.Title))
    add((tnode, MAIN_TITLE, Literal(title)))
    v, tag, _ = out.parallel(field)
    if v is not None and (vtitle := joined(v, "anp" if field.tag == "740" else "a")):
        add((tnode, MAIN_TITLE, Literal(vtitle, language=tag) if tag else Literal(vtitle)))
    for issn in subfields(field, "x"):
        ident = NamedNode(f"{related.value}-issn-{fid(issn)}")
        add((related, BF.identifiedBy, ident))
        add((ident, TYPE, BF.Issn))
        add((ident, RDF_VALUE, Literal(issn.strip())))


def _linking_entry(out: Out, work: NamedNode, field) -> None:
    """76X-78X: another work, and the edition of it the record names, related to this one.

    Both are described (title, identifiers, main entry) and typed bf:Work / bf:Instance as the
    LC converter types them, and alliance:RelatedResource: references to things the member may
    not hold, not catalogue records.
    """
    title = joined(field, "ts") or joined(field, "a")
    if not title and field.tag in ("775", "776") and (t245 := out.first("245")) is not None:
        title = joined(t245, "anp")  # another edition or format of this very work
    ids = [(BF.Issn, v) for v in subfields(field, "x")] + [(BF.Isbn, v) for v in subfields(field, "z")]
    for v in subfields(field, "w"):
        v = v.strip()
        if v.startswith("(OCoLC)"):
            ids.append((BF.OclcNumber, v[7:].lstrip("ocmn ")))
        elif v.startswith("(DLC)"):
            ids.append((BF.Lccn, v[5:].strip()))
        else:
            ids.append((BF.Identifier, v))
    if not title and not ids:
        return
    code = LINK_RELATIONSHIP[field.tag]
    if field.tag == "780":
        code = LINK_780.get(field.indicators[1], code)
    elif field.tag == "785":
        code = LINK_785.get(field.indicators[1], code)
    content = title or ids[0][1]
    related = out.node(work, "related", field.tag, content)
    _relation(out, work, code, related, content)
    add = out.add
    inst = NamedNode(related.value + "-instance")
    add((related, HAS_INSTANCE, inst))
    add((inst, BF.instanceOf, related))
    _related_resource(out, related, W_CLASS)
    _related_resource(out, inst, BF.Instance)
    if title:
        tnode = NamedNode(related.value + "-title")
        add((related, TITLE, tnode))
        add((inst, TITLE, tnode))
        add((tnode, TYPE, BF.Title))
        add((tnode, MAIN_TITLE, Literal(title)))
    name = joined(field, "a") if first(field, "t") else ""
    if name:
        agent = NamedNode(related.value + "-agent")
        node = NamedNode(related.value + "-contribution")
        add((related, CONTRIBUTION, node))
        add((node, TYPE, BF.Contribution))
        add((node, AGENT, agent))
        add((agent, TYPE, BF.Agent))
        add((agent, LABEL, Literal(name)))
    if statement := joined(field, "d"):
        add((inst, BF.provisionActivityStatement, Literal(statement)))
    for cls, value in ids:
        value = value.strip()
        if value:
            ident = NamedNode(f"{related.value}-id-{fid(cls.value, value)}")
            add((inst, BF.identifiedBy, ident))
            add((ident, TYPE, cls))
            add((ident, RDF_VALUE, Literal(value)))
