"""UNIMARC/CNMARC access points and holdings: 7XX names (with dynasty and relator), 6XX subjects,
classification (690 中图法 and others), 4XX linked works and 905 holdings."""

from __future__ import annotations

import re

from pyoxigraph import Literal, NamedNode

from graph.identity import keys
from graph.identity.periods import dynasty as find_dynasty
from graph.identity.periods import Dynasty, split_dynasty
from graph.load.mappers import sibu
from graph.load.mappers.chinese import dynasty_node, relator, split_role
from vocab.namespaces import ALLIANCE, BF, BFLC, MADS, RDF, RDFS, RELATORS

TRAILING = re.compile(r"[\s/:;,.=]+$")
CLASS_SCHEMES = "http://id.loc.gov/vocabulary/classSchemes/"
AGENT_TAGS = ("700", "701", "702", "710", "711", "712", "720", "721", "722")
SUBJECTS = {
    "600": (BF.Person, "600"),
    "601": (BF.Organization, "610"),
    "602": (BF.Family, "600"),
    "604": (BF.Work, "630"),
    "605": (BF.Work, "630"),
    "606": (BF.Topic, "650"),
    "607": (BF.Place, "651"),
    "608": (BF.GenreForm, "655"),
    "617": (BF.Place, "651"),
}
SUBDIVISIONS = ("j", "x", "y", "z")
# tag -> (class, scheme IRI or None, scheme label zh, scheme label en)
CLASSIFICATIONS = {
    "675": (BF.ClassificationUdc, CLASS_SCHEMES + "udc", "国际十进分类法", "Universal Decimal Classification"),
    "676": (BF.ClassificationDdc, CLASS_SCHEMES + "ddc", "杜威十进分类法", "Dewey Decimal Classification"),
    "680": (BF.ClassificationLcc, CLASS_SCHEMES + "lcc", "美国国会图书馆分类法", "Library of Congress Classification"),
    "686": (BF.Classification, None, "", ""),
    "690": (BF.Classification, CLASS_SCHEMES + "clc", "中国图书馆分类法", "Chinese Library Classification"),
    "692": (
        BF.Classification,
        None,
        "中国科学院图书馆图书分类法",
        "Classification of the Chinese Academy of Sciences Library",
    ),
    "694": (
        BF.Classification,
        None,
        "中国人民大学图书馆图书分类法",
        "Renmin University of China Library Classification",
    ),
}
RELATIONS = {
    "410": BF.hasSeries,
    "411": BF.hasSeries,
    "421": BF.supplement,
    "422": BF.supplementTo,
    "423": BF.issuedWith,
    "451": BF.otherEdition,
    "452": BF.otherPhysicalFormat,
    "453": BF.translation,
    "454": BF.translationOf,
    "455": BF.reproductionOf,
    "456": BF.hasReproduction,
    "461": BF.partOf,
    "462": BF.partOf,
    "463": BF.partOf,
    "464": BF.hasPart,
    **{str(t): BF.precededBy for t in range(430, 438)},
    **{str(t): BF.succeededBy for t in range(440, 449)},
}


def clean(text: str | None) -> str:
    return TRAILING.sub("", text.strip()) if text else ""


def subs(field, code: str) -> list[str]:
    return [v.strip() for v in field.get_subfields(code) if v and v.strip()]


def pinyin_of(field, code: str) -> list[str]:
    """The cataloguer's pinyin for subfield ``code``: its upper-case twin, or $9 for $a."""
    found = subs(field, code.upper()) if code.islower() else []
    if not found and code == "a":
        found = subs(field, "9")
    return found


# Names ---------------------------------------------------------------------------
def agent_name(field) -> tuple[str, object]:
    """The heading of a 7XX/60X name and the dynasty it carries in $c or $f, if any."""
    dyn = None
    a = clean(" ".join(subs(field, "a")))
    b = " ".join(subs(field, "b"))
    if field.tag[1] in "0" or field.tag in ("600", "602"):
        name = f"{a}{b}" if b.startswith(",") else " ".join(filter(None, [a, b]))
    else:
        name = ". ".join(filter(None, [a, *(clean(v) for v in subs(field, "b"))]))
    extras = []
    for code in ("d", "c", "f"):
        for v in subs(field, code):
            found = find_dynasty(v.strip("()（）[]〔〕【】 ")) if len(v.strip("()（）[]〔〕【】 ")) <= 4 else None
            if found is not None and dyn is None:
                dyn = found
            else:
                extras.append(clean(v).strip("()（）"))
    name = clean(name)
    if extras:
        name = f"{name}, {', '.join(extras)}" if name.isascii() else f"{name} ({', '.join(extras)})"
    return name, dyn


def first_author(record) -> str:
    for tag in ("700", "710", "720", "701", "711", "721"):
        for field in record.get_fields(tag):
            name, _ = agent_name(field)
            if name:
                return name
    return ""


def _statement_dynasties(record) -> dict[str, Dynasty]:
    """Names that 200$f/$g give with a dynasty: '(清)王夫之撰' -> {'王夫之': 清}."""
    found = {}
    for field in record.get_fields("200"):
        for statement in subs(field, "f") + subs(field, "g"):
            for part in re.split(r"[;；,，、]\s*", statement):
                dyn, rest = split_dynasty(part)
                if dyn is not None:
                    name, _ = split_role(rest)
                    found[name] = dyn
    return found


def contributions(out, record, work, ctx):
    m = ctx.member.upper()
    by_statement = _statement_dynasties(record)
    for i, field in enumerate(record.get_fields(*AGENT_TAGS)):
        name, dyn = agent_name(field)
        if not name:
            continue
        dyn = dyn or by_statement.get(name)
        group = field.tag[1]
        if group == "0":
            kind, cls = "00", BF.Person
        elif group == "1":
            kind, cls = ("11", BF.Meeting) if field.indicator1 == "1" else ("10", BF.Organization)
        else:
            kind, cls = "family", BF.Family
        agent = ctx.minter.agent(keys.agent_key(f"{name}|{dyn.name}" if dyn else name, kind))
        contrib = ctx.minter.fragment(work, f"{m}-contribution-{i}")
        out.add(work, BF.contribution, contrib)
        out.add(contrib, RDF.type, BF.Contribution)
        if field.tag[2] == "0":
            out.add(contrib, RDF.type, BFLC.PrimaryContribution)
        out.add(contrib, BF.agent, agent)
        out.add(agent, RDF.type, BF.Agent)
        out.add(agent, RDF.type, cls)
        out.text(agent, RDFS.label, name, next(iter(pinyin_of(field, "a")), None))
        if dyn is not None:
            out.add(agent, ALLIANCE.dynasty, dynasty_node(out.add, ctx.minter, dyn))
        codes = [c for c in (relator(v) for v in subs(field, "4")) if c]
        for code in codes or (["aut"] if field.tag[2] in "01" and not subs(field, "4") else ["ctb"]):
            out.add(contrib, BF.role, NamedNode(RELATORS + code))


# Subjects ------------------------------------------------------------------------
def _heading(field) -> tuple[str, list[tuple[str, str]]]:
    main, divisions = [], []
    for sf in field.subfields:
        value = clean(sf.value)
        if not value or sf.code.isupper() or sf.code.isdigit():
            continue
        if sf.code in SUBDIVISIONS:
            divisions.append((sf.code, value))
        else:
            main.append(value)
    return " ".join(main), divisions


def subjects(out, record, work, ctx):
    minter = ctx.minter
    for field in record.get_fields(*SUBJECTS):
        cls, kind = SUBJECTS[field.tag]
        if field.tag in ("600", "601", "602"):
            main, dyn = agent_name(field)
            _, divisions = _heading(field)
        else:
            (main, divisions), dyn = _heading(field), None
        if not main:
            continue
        label = "--".join([main, *(v for _, v in divisions)])
        subject = minter.subject(keys.subject_key(label, kind))
        out.add(work, BF.genreForm if field.tag == "608" else BF.subject, subject)
        out.add(subject, RDF.type, cls)
        pinyin = next(iter(pinyin_of(field, "a")), None) if not divisions else None
        out.text(subject, RDFS.label, label, pinyin)
        out.text(subject, MADS.authoritativeLabel, label)
        if dyn is not None:
            out.add(subject, ALLIANCE.dynasty, dynasty_node(out.add, minter, dyn))
        for code, value in divisions:
            if code == "y" or field.tag in ("607", "617"):
                place = minter.subject(keys.subject_key(value if code == "y" else main, "651"))
                out.add(work, BF.geographicCoverage, place)
                out.add(place, RDF.type, BF.Place)
                out.text(place, RDFS.label, value if code == "y" else main)
    for field in record.get_fields("610"):
        for value in subs(field, "a"):
            subject = minter.subject(keys.subject_key(clean(value), "653"))
            out.add(work, BF.subject, subject)
            out.add(subject, RDF.type, BF.Topic)
            out.text(subject, RDFS.label, clean(value))


def classifications(out, record, work, m, ctx):
    for i, field in enumerate(record.get_fields(*CLASSIFICATIONS)):
        portion = next(iter(subs(field, "a")), "")
        if not portion:
            continue
        cls, scheme, zh, en = CLASSIFICATIONS[field.tag]
        node = ctx.minter.fragment(work, f"{m}-classification-{i}")
        path = sibu.parse(portion) if any(sibu.is_scheme_code(c) for c in subs(field, "2")) else None
        if path:  # 686 $2 naming the four-branch scheme of old books (四部分类)
            sibu.classification(out.add, node, work, path)
            continue
        out.add(work, BF.classification, node)
        out.add(node, RDF.type, cls)
        out.plain(node, BF.classificationPortion, portion)
        for edition in subs(field, "v"):
            out.plain(node, BF.edition, edition)
        source = NamedNode(scheme) if scheme else ctx.minter.fragment(work, f"{m}-classification-{i}-source")
        out.add(node, BF.source, source)
        out.add(source, RDF.type, BF.Source)
        for label, language in ((zh, "zh-Hans"), (en, "en")):
            if label:
                out.add(source, RDFS.label, Literal(label, language=language))
        for code in subs(field, "2"):
            out.plain(source, BF.code, code)


# Linked works (4XX) -----------------------------------------------------------------
def embedded(field) -> dict[str, list[tuple[str, str]]]:
    """Subfields of a 4XX by embedded tag ($1 2001 $a... -> {'200': [('a', ...)]}); '' = standard."""
    groups: dict[str, list[tuple[str, str]]] = {"": []}
    current = ""
    for sf in field.subfields:
        if sf.code == "1" and len(sf.value) >= 3 and sf.value[:3].isdigit():
            current = sf.value[:3]
            groups.setdefault(current, [])
            if current < "010":
                groups[current].append(("data", sf.value[3:].strip()))
            continue
        groups.setdefault(current, []).append((sf.code, sf.value.strip()))
    return groups


def linked_works(out, record, work, ctx):
    m = ctx.member.upper()
    for i, field in enumerate(f for f in record.fields if f.tag in RELATIONS or f.tag in ("470", "481", "482", "488")):
        groups = embedded(field)
        title_parts = (
            [v for c, v in groups.get("200", []) if c == "a"]
            or [v for c, v in groups.get("530", []) if c == "a"]
            or [v for c, v in groups[""] if c == "t"]
        )
        title = clean(" ".join(title_parts))
        if not title:
            continue
        numbering = [v for c, v in groups.get("200", []) + groups[""] if c == "v"]
        # described, not catalogued: a fragment of this work, a bf:Work and an alliance:RelatedResource, so
        # that counts, search and pages that mean the catalogue's works leave it out (as MARC 21's 76X-78X)
        related = ctx.minter.fragment(work, f"{m}-related-{field.tag}-{i}")
        out.add(work, RELATIONS.get(field.tag, BF.relatedTo), related)
        out.add(related, RDF.type, BF.Work)
        out.add(related, RDF.type, ALLIANCE.RelatedResource)
        node = NamedNode(related.value + "-title")
        out.add(related, BF.title, node)
        out.add(node, RDF.type, BF.Title)
        title_pinyin = next((v for c, v in groups.get("200", []) + groups[""] if c in ("A", "9")), None)
        out.text(node, BF.mainTitle, title, title_pinyin)
        out.text(related, RDFS.label, title, title_pinyin)
        if field.tag in ("410", "411"):
            for v in numbering:
                out.text(work, BF.seriesEnumeration, clean(v))
        issn = next(
            (
                v
                for c, v in groups.get("011", []) + groups[""]
                if c in ("x", "a") and re.fullmatch(r"\d{4}-?\d{3}[\dXx]", v)
            ),
            None,
        )
        if issn:
            ident = NamedNode(related.value + "-issn")
            out.add(related, BF.identifiedBy, ident)
            out.add(ident, RDF.type, BF.Issn)
            out.plain(ident, RDF.value, issn)


# Holdings (905) ---------------------------------------------------------------------
def items(out, record, instance, ctx, control):
    """One bf:Item per copy the member holds: 905 $f copies (or one per $b accession number)."""
    m = ctx.member.upper()
    holdings = record.get_fields("905")
    if not holdings:
        _item(out, ctx.minter.item(f"{m}|{control}|0"), instance, ctx)
        return
    for i, field in enumerate(holdings):
        accessions = subs(field, "b")
        copies = next((int(v) for v in subs(field, "f") if v.isdigit()), 0)
        count = max(1, min(max(copies, len(accessions)), 500))
        call_number = " ".join(subs(field, "s")) or "/".join(
            filter(None, [" ".join(subs(field, "d")), " ".join(subs(field, "e"))])
        )
        for k in range(count):
            item = ctx.minter.item(f"{m}|{control}|905-{i}" + (f"-{k}" if k else ""))
            _item(out, item, instance, ctx)
            if call_number:
                mark = NamedNode(f"{item.value}#shelfmark")
                out.add(item, BF.shelfMark, mark)
                out.add(mark, RDF.type, BF.ShelfMark)
                out.plain(mark, RDFS.label, call_number)
            if location := " ".join(subs(field, "c")):
                sub = NamedNode(f"{item.value}#sublocation")
                out.add(item, BF.sublocation, sub)
                out.add(sub, RDF.type, BF.Sublocation)
                out.plain(sub, RDFS.label, location)
            if k < len(accessions):
                node = NamedNode(f"{item.value}#accession")
                out.add(item, BF.identifiedBy, node)
                out.add(node, RDF.type, BF.AccessionNumber)
                out.plain(node, RDF.value, accessions[k])
            for j, (code, value) in enumerate((c, v) for c in "vy" for v in subs(field, c)):
                node = NamedNode(f"{item.value}#enumeration-{j}")
                out.add(item, BF.enumerationAndChronology, node)
                out.add(node, RDF.type, BF.Enumeration if code == "v" else BF.Chronology)
                out.text(node, RDFS.label, value)
            holder = " ".join(subs(field, "a"))
            if holder and holder.upper() != m:
                note = NamedNode(f"{item.value}#holder")
                out.add(item, BF.note, note)
                out.add(note, RDF.type, BF.Note)
                out.text(note, RDFS.label, holder)
                out.add(note, BF.noteType, Literal("收藏单位", language="zh-Hans"))


def _item(out, item, instance, ctx):
    out.add(item, RDF.type, BF.Item)
    out.add(item, BF.itemOf, instance)
    out.add(instance, BF.hasItem, item)
    out.add(item, BF.heldBy, ctx.library)
