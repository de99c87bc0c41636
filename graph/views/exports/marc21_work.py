"""The Work's side of a union record: classification (05X-08X), names (1XX, 7XX), uniform title (130/240)
and subjects (6XX), from what the graph says about the Work and the agents and subjects it links to."""

from __future__ import annotations

import re
from collections import Counter

from pyoxigraph import NamedNode

from graph.views.exports.marc21_record import Builder, code_of, split_scripts
from graph.identity.normalize import text_key
from graph.views.common import Description
from vocab.namespaces import BF, BFLC, RDFS

LC = "http://id.loc.gov/"
CLASSIFICATIONS = {  # class -> (tag, indicators)
    BF.ClassificationLcc.value: ("050", " 4"),
    BF.ClassificationNlm.value: ("060", " 4"),
    BF.ClassificationNal.value: ("070", "0 "),
    BF.ClassificationUdc.value: ("080", "  "),
    BF.ClassificationDdc.value: ("082", "04"),
    BF.Classification.value: ("084", "  "),
}
AGENT_FIELDS = [
    (BF.Family, "00", "3"),
    (BF.Person, "00", "1"),
    (BF.Organization, "10", "2"),
    (BF.Jurisdiction, "10", "1"),
    (BF.Meeting, "11", "2"),
]
SUBJECT_TAGS = [
    (BF.Family, "600", "3"),
    (BF.Person, "600", "1"),
    (BF.Organization, "610", "2"),
    (BF.Jurisdiction, "610", "1"),
    (BF.Meeting, "611", "2"),
    (BF.Hub, "630", "0"),
    (BF.Work, "630", "0"),
    (BF.Event, "647", "2"),
    (BF.Temporal, "648", " "),
    (BF.Place, "651", " "),
    (BF.Topic, "650", " "),
]
SUBJECT_IND2 = {
    LC + "authorities/subjects": "0",
    LC + "authorities/childrensSubjects": "1",
    LC + "vocabulary/subjectSchemes/mesh": "2",
    LC + "vocabulary/subjectSchemes/nal": "3",
    LC + "vocabulary/subjectSchemes/cash": "5",
    LC + "vocabulary/subjectSchemes/rvm": "6",
}
PRIMARY = {BF.PrimaryContribution.value, BFLC.PrimaryContribution.value}
_DATES = re.compile(r",?\s*(?:b\.\s*|d\.\s*|ca\.\s*)?\d{3,4}\??-?(?:\d{3,4})?\??\.?$")


def classifications(out: Builder, desc: Description, work: NamedNode) -> None:
    rows = set()
    for c in desc.nodes(work, BF.classification):
        types = desc.types(c)
        cls = next(
            (t for t in sorted(types) if t in CLASSIFICATIONS and t != BF.Classification.value),
            BF.Classification.value if BF.Classification.value in types else None,
        )
        if cls is None:
            continue
        tag, ind = CLASSIFICATIONS[cls]
        for portion in sorted(lit.value.strip() for lit in desc.literals(c, BF.classificationPortion)):
            item = min((lit.value for lit in desc.literals(c, BF.itemPortion)), default="")
            extra: tuple = ()
            if tag == "082":
                extra = tuple(("2", v) for v in sorted({lit.value for lit in desc.literals(c, BF.edition)})[:1])
            elif tag == "084":
                sources = sorted(code_of(n.value) for n in desc.nodes(c, BF.source))
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


def contributions(out: Builder, desc: Description, work: NamedNode) -> bool:
    """1XX (the main entry most members made) and 7XX (everyone else, once each); True if a 1XX was made."""
    agents: dict[str, dict] = {}
    for c in sorted(desc.nodes(work, BF.contribution), key=lambda n: n.value):
        for agent in desc.nodes(c, BF.agent):
            latin, vern = split_scripts(desc.literals(agent, RDFS.label))
            name = latin[0] if latin else (vern[0] if vern else "")
            if not name:
                continue
            key = _agent_key(name)
            entry = agents.setdefault(
                key,
                {
                    "names": Counter(),
                    "vern": Counter(),
                    "primary": 0,
                    "roles": set(),
                    "types": set(),
                    "uris": set(),
                    "first": c.value,
                },
            )
            entry["names"].update(latin or [name])
            entry["vern"].update(vern if latin else [])
            entry["primary"] += bool(desc.types(c) & PRIMARY)
            entry["roles"].update(code_of(r.value) for r in desc.nodes(c, BF.role))
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
        vern_name = min(e["vern"]) if e["vern"] else ""
        # "ctb" is what a name without a relator gets: said again only beside a real role
        roles = sorted(r for r in e["roles"] if r.isalpha() and len(r) == 3 and r != "ctb")
        tail = [("4", r) for r in roles] + [("1", u) for u in sorted(e["uris"])]
        out.field(
            tag, ind1 + " ", [("a", name)] + tail, [("a", vern_name)] + [("4", r) for r in roles] if vern_name else None
        )
    return main is not None


def uniform_title(out: Builder, desc: Description, work: NamedNode, main: bool) -> None:
    for hub in sorted(desc.nodes(work, BF.expressionOf), key=lambda n: n.value)[:1]:
        titles = [t for t in desc.nodes(hub, BF.title)]
        mains = [lit for t in titles for lit in desc.literals(t, BF.mainTitle)]
        latin, vern = split_scripts(mains)
        if not latin and not vern:
            continue
        parts = [
            (code, v)
            for t in titles[:1]
            for code, pred in (("n", BF.partNumber), ("p", BF.partName))
            for v in sorted(lit.value for lit in desc.literals(t, pred))
        ]
        out.field("240" if main else "130", "10" if main else "0 ", [("a", (latin or vern)[0])] + parts)


def subjects(out: Builder, desc: Description, work: NamedNode) -> None:
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
            scheme = [("2", "lcgft" if "genreForms" in source else code_of(source))] if ind2 == "7" else []
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
    for part, scheme in (
        ("authorities/subjects/", LC + "authorities/subjects"),
        ("authorities/childrensSubjects/", LC + "authorities/childrensSubjects"),
        ("authorities/genreForms/", LC + "authorities/genreForms"),
        ("id.worldcat.org/fast/", "fast"),
    ):
        if part in iri:
            return scheme
    return ""


def _heading(label: str, tag: str) -> list[tuple[str, str]]:
    """ "China--History--Fiction" -> $a China $x History $x Fiction (the mapper joins them back with "--")."""
    parts = [p.strip() for p in label.split("--") if p.strip()]
    if not parts:
        return []
    return [("a", parts[0])] + [("x", p) for p in parts[1:]]
