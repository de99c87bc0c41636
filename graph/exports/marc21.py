"""The union record of an edition as MARC 21 (ISO 2709 or MARCXML), for copy cataloguing (套录).

Built from what the default graph says about the Instance and its Work (gathered by
:mod:`graph.exports.union_description`), following the Library of Congress's bibframe2marc
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
from pymarc import Field, Indicators, Record, Subfield
from pyoxigraph import Literal, NamedNode

from graph.exports.union_description import union_description, work_of
from graph.identity.normalize import text_key
from graph.identity.periods import PeriodError, parse_period
from graph.mappers.marc21_tables import CARRIER_LABELS, CONTENT_LABELS, MEDIA_LABELS
from graph.mappers.script import script_of
from graph.records.common import Description, node
from graph.store.base import Store
from vocab.labels import term_label
from vocab.namespaces import BF, BFLC, MADS, RDF, RDFS

LC = "http://id.loc.gov/"
WORK_TYPES = [(BF.NotatedMusic, "c"), (BF.Cartography, "e"), (BF.MovingImage, "g"), (BF.MusicAudio, "j"),
              (BF.Audio, "i"), (BF.StillImage, "k"), (BF.Multimedia, "m"), (BF.Kit, "o"),
              (BF.MixedMaterial, "p"), (BF.Object, "r")]
ISSUANCE_LEVEL = {"mono": "m", "serl": "s", "intg": "i", "mulm": "m", "coll": "c"}
PROVISION_IND2 = [(BF.Production, "0"), (BF.Publication, "1"), (BF.Distribution, "2"), (BF.Manufacture, "3")]
TITLE_VARIANTS = {BF.ParallelTitle.value: ("246", "1"), BF.VariantTitle.value: ("246", "3"),
                  BF.AbbreviatedTitle.value: ("210", "0"), BF.KeyTitle.value: ("222", "0")}
# identifier class -> (tag, first indicator, subfield for a valid value, $2 source)
IDENTIFIERS = {
    BF.Lccn.value: ("010", " ", "a", ""), BF.Nbn.value: ("015", " ", "a", ""),
    BF.CopyrightNumber.value: ("017", " ", "a", ""), BF.Isbn.value: ("020", " ", "a", ""),
    BF.Issn.value: ("022", " ", "a", ""), BF.IssnL.value: ("022", " ", "l", ""),
    BF.Isrc.value: ("024", "0", "a", ""), BF.Upc.value: ("024", "1", "a", ""), BF.Ismn.value: ("024", "2", "a", ""),
    BF.Ean.value: ("024", "3", "a", ""), BF.Sici.value: ("024", "4", "a", ""),
    BF.Doi.value: ("024", "7", "a", "doi"), BF.Hdl.value: ("024", "7", "a", "hdl"), BF.Urn.value: ("024", "7", "a", "urn"),
    BF.LcOverseasAcq.value: ("025", " ", "a", ""), BF.Strn.value: ("027", " ", "a", ""),
    BF.PublisherNumber.value: ("028", "5", "a", ""), BF.AudioIssueNumber.value: ("028", "0", "a", ""),
    BF.MatrixNumber.value: ("028", "1", "a", ""), BF.MusicPlate.value: ("028", "2", "a", ""),
    BF.MusicPublisherNumber.value: ("028", "3", "a", ""), BF.VideoRecordingNumber.value: ("028", "4", "a", ""),
    BF.Coden.value: ("030", " ", "a", ""), BF.OclcNumber.value: ("035", " ", "a", ""),
    BF.Local.value: ("035", " ", "a", ""), BF.StockNumber.value: ("037", " ", "a", ""),
    BF.ReportNumber.value: ("088", " ", "a", ""), BF.Identifier.value: ("024", "8", "a", ""),
}
CLASSIFICATIONS = {  # class -> (tag, indicators)
    BF.ClassificationLcc.value: ("050", " 4"), BF.ClassificationNlm.value: ("060", " 4"),
    BF.ClassificationNal.value: ("070", "0 "), BF.ClassificationUdc.value: ("080", "  "),
    BF.ClassificationDdc.value: ("082", "04"), BF.Classification.value: ("084", "  "),
}
AGENT_FIELDS = [(BF.Family, "00", "3"), (BF.Person, "00", "1"), (BF.Organization, "10", "2"),
                (BF.Jurisdiction, "10", "1"), (BF.Meeting, "11", "2")]
SUBJECT_TAGS = [(BF.Family, "600", "3"), (BF.Person, "600", "1"), (BF.Organization, "610", "2"),
                (BF.Jurisdiction, "610", "1"), (BF.Meeting, "611", "2"), (BF.Hub, "630", "0"), (BF.Work, "630", "0"),
                (BF.Event, "647", "2"), (BF.Temporal, "648", " "), (BF.Place, "651", " "), (BF.Topic, "650", " ")]
SUBJECT_IND2 = {LC + "authorities/subjects": "0", LC + "authorities/childrensSubjects": "1",
                LC + "vocabulary/subjectSchemes/mesh": "2", LC + "vocabulary/subjectSchemes/nal": "3",
                LC + "vocabulary/subjectSchemes/cash": "5", LC + "vocabulary/subjectSchemes/rvm": "6"}
SCRIPT_CODES = {"Hani": "$1", "Kana": "$1", "Hang": "$1", "Cyrl": "(N", "Arab": "(3", "Hebr": "(2", "Grek": "(S"}
PRIMARY = {BF.PrimaryContribution.value, BFLC.PrimaryContribution.value}
_DATES = re.compile(r",?\s*(?:b\.\s*|d\.\s*|ca\.\s*)?\d{3,4}\??-?(?:\d{3,4})?\??\.?$")
_EDTF_YEAR = re.compile(r"^(\d{2}[\dX]{2})(?:-\d\d(?:-\d\d)?)?$")


# choosing among what several members said ---------------------------------------------------------
def vernacular(lit: Literal) -> bool:
    """Text in a non-Latin script (the 880 side); romanised forms (``-Latn`` tags) and Latin text are not."""
    tag = (lit.language or "").lower()
    return "latn" not in tag.split("-")[1:] and script_of(lit.value) is not None


def split_scripts(lits: Iterable[Literal]) -> tuple[list[str], list[str]]:
    """(romanised or Latin values, vernacular values), each distinct and sorted."""
    latin, vern = set(), set()
    for lit in lits:
        (vern if vernacular(lit) else latin).add(lit.value.strip())
    return sorted(v for v in latin if v), sorted(v for v in vern if v)


def most_given(values: Iterable[str]) -> str | None:
    """The value most often given (by text key), its smallest form; None if none."""
    values = [v for v in values if v]
    if not values:
        return None
    counts = Counter(text_key(v) or v for v in values)
    best = max(counts.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]]))[0]
    return min(v for v in values if (text_key(v) or v) == best)


def _code(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


class _Builder:
    """One record's fields, with 880 pairing."""

    def __init__(self):
        self.fields: list[Field] = []
        self.links = 0

    def control(self, tag: str, data: str) -> None:
        self.fields.append(Field(tag=tag, data=data))

    def field(self, tag: str, ind: str, subs: list[tuple[str, str]], vern: list[tuple[str, str]] | None = None,
              ) -> None:
        """A data field, and its 880 when ``vern`` gives a vernacular form; only ``vern``: the field itself."""
        subs = [(c, v) for c, v in subs if v]
        vern = [(c, v) for c, v in (vern or []) if v]
        if not subs and not vern:
            return
        if not subs:
            subs, vern = vern, []
        if vern:
            self.links += 1
            occ = f"{self.links:02d}"
            script = script_of(" ".join(v for _, v in vern)) or ""
            self.fields.append(_field(tag, ind, [("6", f"880-{occ}")] + subs))
            self.fields.append(_field("880", ind, [("6", f"{tag}-{occ}/{SCRIPT_CODES.get(script, '')}".rstrip("/"))]
                                      + vern))
        else:
            self.fields.append(_field(tag, ind, subs))

    def record(self, leader: str) -> Record:
        record = Record(force_utf8=True, leader=leader)
        order = {f: i for i, f in enumerate(self.fields)}
        tags = sorted(self.fields, key=lambda f: ("999" if f.tag == "880" else f.tag, order[f]))
        for f in tags:
            record.add_field(f)
        return record


def _field(tag: str, ind: str, subs: list[tuple[str, str]]) -> Field:
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=[Subfield(c, v) for c, v in subs])


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
    out = _Builder()
    out.control("001", instance.value.rstrip("/").rsplit("/", 1)[-1])
    stamps = sorted(lit.value for admin in desc.nodes(instance, BF.adminMetadata)
                    for lit in desc.literals(admin, BF.changeDate))
    if stamps:
        out.control("005", re.sub(r"[^0-9]", "", stamps[-1])[:14].ljust(14, "0") + ".0")
    languages = sorted(_code(n.value) for n in desc.nodes(work, BF.language)) if work else []
    provision = _provisions(desc, instance)
    f008 = _f008(desc, instance, provision, languages)
    out.control("008", f008)
    _identifiers(out, desc, instance)
    admin_langs = sorted({_code(n.value) for a in desc.nodes(instance, BF.adminMetadata)
                          for n in desc.nodes(a, BF.descriptionLanguage)})
    conventions = sorted({_code(n.value) for a in desc.nodes(instance, BF.adminMetadata)
                          for n in desc.nodes(a, BF.descriptionConventions)})
    out.field("040", "  ", [("b", admin_langs[0] if admin_langs else "")] + [("e", c) for c in conventions[:1]])
    if len(languages) > 1:
        out.field("041", "0 ", [("a", code) for code in languages])
    if work is not None:
        _classifications(out, desc, work)
    main = _contributions(out, desc, work) if work is not None else False
    if work is not None:
        _uniform_title(out, desc, work, main)
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
        _subjects(out, desc, work)
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
    return [(code, v) for code, pred in (("a", BFLC.simplePlace), ("b", BFLC.simpleAgent), ("c", BFLC.simpleDate))
            for v in split_scripts(desc.literals(p, pred))[which]]


def _leader(desc: Description, instance: NamedNode, work: NamedNode | None) -> str:
    types = desc.types(work) if work is not None else set()
    kind = next((code for cls, code in WORK_TYPES if cls.value in types), "a")
    if kind == "a" and BF.Manuscript.value in types:
        kind = "t"
    issuance = sorted(_code(n.value) for n in desc.nodes(instance, BF.issuance))
    level = ISSUANCE_LEVEL.get(issuance[0], "m") if issuance else ("s" if BF.Serial.value in types else "m")
    return f"00000n{kind}{level} a2200000 c 4500"


def _provisions(desc: Description, instance: NamedNode) -> list[tuple[str, str, NamedNode]]:
    """One provision activity per kind (production, publication, distribution, manufacture): the statement
    most members gave; the 264 fields they become."""
    found = []
    nodes = desc.nodes(instance, BF.provisionActivity)
    for cls, ind2 in PROVISION_IND2:
        candidates = [p for p in nodes if cls.value in desc.types(p)
                      and any(desc.literals(p, q) for q in (BFLC.simplePlace, BFLC.simpleAgent, BFLC.simpleDate))]
        if not candidates:
            continue
        keys = {p.value: " ".join(lit.value for q in (BFLC.simpleAgent, BFLC.simpleDate, BFLC.simplePlace)
                                  for lit in sorted(desc.literals(p, q), key=lambda x: x.value)) for p in candidates}
        best = most_given(keys.values())
        chosen = min((p for p in candidates if best is None or (text_key(keys[p.value]) or keys[p.value])
                      == (text_key(best) or best)),
                     key=lambda p: (-len(desc.literals(p, BFLC.simpleAgent)), p.value))
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
                kind, d2 = ("c", "9999") if end == ".." else ("m", (_EDTF_YEAR.match(end).group(1).replace("X", "u")
                                                                   if _EDTF_YEAR.match(end) else "uuuu"))
    else:
        years = [m.group(0) for p in desc.nodes(instance, BF.provisionActivity)
                 for lit in desc.literals(p, BFLC.simpleDate) for m in [re.search(r"\d{4}", lit.value)] if m]
        if years:
            kind, d1 = "s", min(years)
    places = sorted(_code(n.value) for p in desc.nodes(instance, BF.provisionActivity)
                    for n in desc.nodes(p, BF.place) if "/countries/" in n.value)
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


def _identifiers(out: _Builder, desc: Description, instance: NamedNode) -> None:
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
        invalid = any(s.value.rstrip("/").endswith(("cancinv", "invalid", "incorrect")) for s in desc.nodes(ident, BF.status))
        if invalid:
            code = "y" if tag == "022" and "incorrect" in " ".join(s.value for s in desc.nodes(ident, BF.status)) else "z"
        qualifiers = sorted({lit.value for lit in desc.literals(ident, BF.qualifier)})
        rows.append((tag, ind1, code, value, tuple(qualifiers), source))
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


def _classifications(out: _Builder, desc: Description, work: NamedNode) -> None:
    rows = set()
    for c in desc.nodes(work, BF.classification):
        types = desc.types(c)
        cls = next((t for t in sorted(types) if t in CLASSIFICATIONS and t != BF.Classification.value),
                   BF.Classification.value if BF.Classification.value in types else None)
        if cls is None:
            continue
        tag, ind = CLASSIFICATIONS[cls]
        for portion in sorted(lit.value.strip() for lit in desc.literals(c, BF.classificationPortion)):
            item = min((lit.value for lit in desc.literals(c, BF.itemPortion)), default="")
            extra: tuple = ()
            if tag == "082":
                extra = tuple(("2", v) for v in sorted({lit.value for lit in desc.literals(c, BF.edition)})[:1])
            elif tag == "084":
                sources = sorted(_code(n.value) for n in desc.nodes(c, BF.source))
                extra = (("2", sources[0]),) if sources else ()
            rows.add((tag, ind, portion, item, extra))
    done = set()
    for tag, ind, portion, item, extra in sorted(rows):
        key = (tag, portion, extra)
        if key in done:
            continue
        done.add(key)
        out.field(tag, ind, [("a", portion)] + ([("b", item)] if item else []) + list(extra))


def _agent_key(label: str) -> str:
    return text_key(_DATES.sub("", label)) or text_key(label)


def _contributions(out: _Builder, desc: Description, work: NamedNode) -> bool:
    """1XX (the main entry most members made) and 7XX (everyone else, once each); True if a 1XX was made."""
    agents: dict[str, dict] = {}
    for c in sorted(desc.nodes(work, BF.contribution), key=lambda n: n.value):
        for agent in desc.nodes(c, BF.agent):
            latin, vern = split_scripts(desc.literals(agent, RDFS.label))
            name = latin[0] if latin else (vern[0] if vern else "")
            if not name:
                continue
            key = _agent_key(name)
            entry = agents.setdefault(key, {"names": Counter(), "vern": Counter(), "primary": 0, "roles": set(),
                                            "types": set(), "uris": set(), "first": c.value})
            entry["names"].update(latin or [name])
            entry["vern"].update(vern if latin else [])
            entry["primary"] += bool(desc.types(c) & PRIMARY)
            entry["roles"].update(_code(r.value) for r in desc.nodes(c, BF.role))
            entry["types"] |= desc.types(agent)
            entry["uris"].update(n.value for n in desc.nodes(agent, RDFS.seeAlso))
    if not agents:
        return False
    primary = [k for k, e in agents.items() if e["primary"]]
    main = max(primary, key=lambda k: (agents[k]["primary"], -len(k), [-ord(ch) for ch in k]), default=None)
    order = ([main] if main else []) + sorted((k for k in agents if k != main), key=lambda k: agents[k]["first"])
    for key in order:
        e = agents[key]
        suffix, ind1 = next(((s, i) for cls, s, i in AGENT_FIELDS if cls.value in e["types"]), ("00", "1"))
        tag = ("1" if key == main else "7") + suffix
        name = max(e["names"].items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))[0]
        vern = min(e["vern"]) if e["vern"] else ""
        # "ctb" is what a name without a relator gets: said again only beside a real role
        roles = sorted(r for r in e["roles"] if r.isalpha() and len(r) == 3 and r != "ctb")
        tail = [("4", r) for r in roles] + [("1", u) for u in sorted(e["uris"])]
        out.field(tag, ind1 + " ", [("a", name)] + tail, [("a", vern)] + [("4", r) for r in roles] if vern else None)
    return main is not None


def _uniform_title(out: _Builder, desc: Description, work: NamedNode, main: bool) -> None:
    for hub in sorted(desc.nodes(work, BF.expressionOf), key=lambda n: n.value)[:1]:
        titles = [t for t in desc.nodes(hub, BF.title)]
        mains = [lit for t in titles for lit in desc.literals(t, BF.mainTitle)]
        latin, vern = split_scripts(mains)
        if not latin and not vern:
            continue
        parts = [(code, v) for t in titles[:1] for code, pred in (("n", BF.partNumber), ("p", BF.partName))
                 for v in sorted(lit.value for lit in desc.literals(t, pred))]
        out.field("240" if main else "130", "10" if main else "0 ",
                  [("a", (latin or vern)[0])] + parts)


def _title_node_key(desc: Description, t: NamedNode) -> str:
    latin, vern = split_scripts(desc.literals(t, BF.mainTitle))
    return text_key((vern or latin or [""])[0])


def _title_subfields(desc: Description, t: NamedNode, which: int) -> list[tuple[str, str]]:
    subs = []
    for code, pred in (("a", BF.mainTitle), ("b", BF.subtitle), ("n", BF.partNumber), ("p", BF.partName)):
        values = split_scripts(desc.literals(t, pred))[which]
        subs += [(code, v) for v in (values[:1] if code in "ab" else values)]
    return subs


def _titles(out: _Builder, desc: Description, instance: NamedNode, main: bool) -> None:
    nodes = sorted(desc.nodes(instance, BF.title), key=lambda n: n.value)
    proper = [t for t in nodes if desc.types(t) == {BF.Title.value} and desc.literals(t, BF.mainTitle)]
    variants = [t for t in nodes if t not in proper]
    counts = Counter(_title_node_key(desc, t) for t in proper)
    done = set()
    if proper:
        best = max(counts.items(), key=lambda kv: (kv[1], [-ord(c) for c in kv[0]]))[0]
        chosen = min((t for t in proper if _title_node_key(desc, t) == best),
                     key=lambda t: (-len(split_scripts(desc.literals(t, BF.mainTitle))[1] and
                                         split_scripts(desc.literals(t, BF.mainTitle))[0]), t.value))
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


def _edition(out: _Builder, desc: Description, instance: NamedNode) -> None:
    latin, vern = split_scripts(desc.literals(instance, BF.editionStatement))
    out.field("250", "  ", [("a", most_given(latin) or "")], [("a", most_given(vern) or "")])


def _description(out: _Builder, desc: Description, instance: NamedNode, work: NamedNode | None) -> None:
    extents = [lit for e in desc.nodes(instance, BF.extent) for lit in desc.literals(e, RDFS.label)]
    latin, vern = split_scripts(extents)
    dims = sorted(lit.value for lit in desc.literals(instance, BF.dimensions))
    out.field("300", "  ", [("a", most_given(latin) or most_given(vern) or "")] + [("c", d) for d in dims[:1]])
    if work is not None:
        for n in sorted(desc.nodes(work, BF.content), key=lambda n: n.value):
            out.field("336", "  ", _rda_term(n.value, CONTENT_LABELS, "rdacontent"))
    for labels, pred, tag, code in ((MEDIA_LABELS, BF.media, "337", "rdamedia"),
                                    (CARRIER_LABELS, BF.carrier, "338", "rdacarrier")):
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
    code = _code(iri)
    return [("a", labels.get(code) or term_label(iri) or ""), ("b", code), ("2", source)]


def _subjects(out: _Builder, desc: Description, work: NamedNode) -> None:
    base = work.value.rsplit("/work/", 1)[0] + "/"
    rows = []
    for pred in (BF.subject, BF.genreForm):
        for s in desc.nodes(work, pred):
            types = desc.types(s)
            latin, vern = split_scripts(desc.literals(s, RDFS.label))
            label = latin[0] if latin else (vern[0] if vern else "")
            if not label:
                continue
            if pred == BF.genreForm or BF.GenreForm.value in types and BF.Topic.value not in types:
                tag, ind1 = "655", " "
            else:
                tag, ind1 = next(((t, i) for cls, t, i in SUBJECT_TAGS if cls.value in types), ("650", " "))
            sources = sorted(n.value for n in desc.nodes(s, BF.source))
            external = not s.value.startswith(base)
            source = sources[0] if sources else (_scheme_of(s.value) if external else "")
            ind2 = SUBJECT_IND2.get(source.rstrip("/"), "7" if source else "4")
            scheme = [("2", "lcgft" if "genreForms" in source else _code(source))] if ind2 == "7" else []
            # $0 names the heading's resource, the alliance's own as well as LC's: reloaded, it is the same node
            subs = _heading(label, tag) + [("0", s.value)] + scheme
            vsubs = _heading(vern[0], tag) if latin and vern else None
            rows.append((tag, ind1 + ind2, subs, vsubs))
    seen = set()
    for tag, ind, subs, vsubs in sorted(rows, key=lambda r: (r[0], r[2])):
        key = (tag, tuple(subs))
        if key not in seen:
            seen.add(key)
            out.field(tag, ind, subs, vsubs)


def _scheme_of(iri: str) -> str:
    for part, scheme in (("authorities/subjects/", LC + "authorities/subjects"),
                         ("authorities/childrensSubjects/", LC + "authorities/childrensSubjects"),
                         ("authorities/genreForms/", LC + "authorities/genreForms"),
                         ("id.worldcat.org/fast/", "fast")):
        if part in iri:
            return scheme
    return ""


def _heading(label: str, tag: str) -> list[tuple[str, str]]:
    """"China--History--Fiction" -> $a China $x History $x Fiction (the mapper joins them back with "--")."""
    parts = [p.strip() for p in label.split("--") if p.strip()]
    if not parts:
        return []
    return [("a", parts[0])] + [("x", p) for p in parts[1:]]


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
