"""What a citation needs, read once from the graph, and citations in two styles.

``citation_record(store, iri, lang)`` takes an edition (or a work: its representative
edition, :func:`representative_edition`) and returns a :class:`CitationRecord`;
:func:`citation_text` writes it in the Chicago style (notes-bibliography, books) or the
Chinese national standard GB/T 7714-2015 (``[M]`` for a monograph), each in the script the
catalogue gives first for the page's language. Names are cited without the life dates a
heading carries ("曹雪芹, approximately 1717-1763" is cited as 曹雪芹): neither style prints them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from graph.identity.normalize import has_han, year as year_of
from graph.views.common import node, pick, ranked, select, without_dates
from graph.store.base import Store
from vocab.namespaces import BF

_TRAILING = re.compile(r"[\s/:;,.=]+$")
AUTHOR_ROLES = {"aut", "cre"}  # relator codes cited as authors (besides the primary contributor)
EDITOR_ROLES = {"edt", "com"}


@dataclass
class CitationRecord:
    iri: str  # the edition cited
    title: str = ""
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)  # primary first
    editors: list[str] = field(default_factory=list)
    edition: str = ""
    place: str = ""
    publisher: str = ""
    year: str = ""
    isbns: list[str] = field(default_factory=list)
    series: str = ""
    language: str = ""
    extent: str = ""
    notes: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    url: str = ""  # permalink (the resource URI)
    kind: str = "book"
    romanised_author: str = ""  # the first author in Latin script (for BibTeX keys)
    romanised_title: str = ""
    pages: str = ""  # number of pages, from the extent ("xiv, 246 pages" -> 246)
    volumes: str = ""  # number of volumes ("4 volumes (2526 pages)" -> 4)


def _clean(text: str | None) -> str:
    return _TRAILING.sub("", text or "").strip()


def citation_record(store: Store, iri, lang: str = "en") -> CitationRecord | None:
    """The citation facts of an edition, or of a work's first edition; None if neither."""
    subject = node(iri)
    rows = select(store, f"SELECT ?t WHERE {{ {subject} a ?t }}")
    types = {r["t"].value for r in rows}
    work: NamedNode | None
    if BF.Work.value in types:
        instance, work = representative_edition(store, subject), subject
        if instance is None:
            return None
    elif BF.Instance.value in types:
        instance = subject
        works = select(store, f"SELECT ?w WHERE {{ {subject} bf:instanceOf ?w }} LIMIT 1")
        work = works[0]["w"] if works else None
    else:
        return None
    rec = CitationRecord(iri=subject.value, url=subject.value)

    def literals(query: str, var: str = "v") -> list:
        return [r[var] for r in select(store, query) if r[var] is not None]

    rec.title = _clean(
        pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:title ?t . ?t a bf:Title ; bf:mainTitle ?v }}"), lang)
        or pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} rdfs:label ?v }}"), lang)
        or ""
    )
    rec.subtitle = _clean(
        pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:title ?t . ?t a bf:Title ; bf:subtitle ?v }}"), lang)
    )
    rec.edition = _clean(pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:editionStatement ?v }}"), lang))
    rec.series = _clean(pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:seriesStatement ?v }}"), lang))
    rec.extent = _clean(pick(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:extent/rdfs:label ?v }}"), lang))
    rec.pages, rec.volumes = extent_numbers(rec.extent)
    titles = literals(f"SELECT DISTINCT ?v WHERE {{ {instance} rdfs:label ?v }}")
    rec.romanised_title = next((t.value for t in titles if t.value.isascii() or "latn" in (t.language or "")), "")
    pub: dict[str, list] = {k: [] for k in ("simplePlace", "simpleAgent", "simpleDate")}
    for r in select(
        store,
        f"""SELECT DISTINCT ?k ?v WHERE {{ {instance} bf:provisionActivity ?p .
            ?p ?k ?v FILTER(?k IN (bflc:simplePlace, bflc:simpleAgent, bflc:simpleDate)) }}""",
    ):
        pub[r["k"].value.rsplit("/", 1)[-1]].append(r["v"])
    rec.place = _clean(pick(pub["simplePlace"], lang)).strip("[]")
    rec.publisher = _clean(pick(pub["simpleAgent"], lang))
    rec.year = year_of(pick(pub["simpleDate"], lang) or "") or ""
    if not rec.year:
        rec.year = (
            year_of(pick(literals(f"SELECT ?v WHERE {{ {instance} bf:provisionActivityStatement ?v }}"), lang) or "")
            or ""
        )
    rec.isbns = sorted(
        {
            r["v"].value
            for r in select(
                store,
                f"""SELECT DISTINCT ?v WHERE {{ {instance}
        bf:identifiedBy ?i . ?i a bf:Isbn ; rdf:value ?v }}""",
            )
        }
    )
    rec.notes = ranked(literals(f"SELECT DISTINCT ?v WHERE {{ {instance} bf:note/rdfs:label ?v }}"), lang)[:3]
    if work is not None:
        by_agent: dict[str, tuple[bool, list, list]] = {}
        for r in select(
            store,
            f"""SELECT ?a ?l ?role ?t WHERE {{ {work} bf:contribution ?c . ?c bf:agent ?a .
                ?a rdfs:label ?l . OPTIONAL {{ ?c bf:role ?role }}
                OPTIONAL {{ ?c a ?t FILTER(?t = bflc:PrimaryContribution) }} }}""",
        ):
            primary, names, roles = by_agent.setdefault(r["a"].value, (False, [], []))
            names.append(r["l"])
            if r["role"] is not None:
                roles.append(r["role"].value.rsplit("/", 1)[-1])
            by_agent[r["a"].value] = (primary or r["t"] is not None, names, roles)
        for primary, names, roles in sorted(by_agent.values(), key=lambda v: not v[0]):
            name = without_dates(_clean(pick(names, lang)))
            if not name or name in rec.authors or name in rec.editors:  # one person, two headings
                continue
            if primary or AUTHOR_ROLES & set(roles):
                rec.authors.append(name)
                if not rec.romanised_author:
                    rec.romanised_author = next(
                        (without_dates(_clean(n.value)) for n in names if not has_han(n.value)), ""
                    )
            elif EDITOR_ROLES & set(roles):
                rec.editors.append(name)
        rec.subjects = ranked(literals(f"SELECT DISTINCT ?v WHERE {{ {work} bf:subject/rdfs:label ?v }}"), lang)[:10]
        langs = [r["l"].value.rsplit("/", 1)[-1] for r in select(store, f"SELECT ?l WHERE {{ {work} bf:language ?l }}")]
        rec.language = langs[0] if langs else ""
    return rec


def representative_edition(store: Store, work) -> object | None:
    """The edition a work is cited and exported through: the one most members hold (the copy a
    reader is likeliest to find), then the most recently published, then the first by IRI, so the
    same catalogue always gives the same choice (None for a work without editions)."""
    rows = select(
        store,
        f"""SELECT ?i (COUNT(DISTINCT ?lib) AS ?n) (GROUP_CONCAT(DISTINCT ?d; separator=" ") AS ?dates)
        WHERE {{ ?i bf:instanceOf {node(work)} ; a bf:Instance OPTIONAL {{ ?item bf:itemOf ?i ; bf:heldBy ?lib }}
        OPTIONAL {{ ?i bf:provisionActivity/bflc:simpleDate ?d }} }} GROUP BY ?i""",
    )
    if not rows:
        return None

    def newest(dates) -> int:
        years = [int(y) for y in re.findall(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)", dates.value if dates else "")]
        return max(years, default=0)

    best = min(rows, key=lambda r: (-int(r["n"].value), -newest(r["dates"]), r["i"].value))
    return best["i"]


def extent_numbers(extent: str) -> tuple[str, str]:
    """(pages, volumes) of an extent statement: "xiv, 246 pages" -> ("246", ""),
    "4 volumes (2526 pages)" -> ("2526", "4"), "246页" -> ("246", "")."""
    pages = re.search(r"(\d+)\s*(?:pages|p\.|leaves|页|頁)", extent or "")
    volumes = re.search(r"(\d+)\s*(?:volumes|v\.|册|冊)", extent or "")
    return (pages.group(1) if pages else "", volumes.group(1) if volumes else "")


def citation_text(rec: CitationRecord, style: str = "chicago") -> str:
    """The record as a citation: ``"chicago"`` or ``"gbt7714"``."""
    if style == "gbt7714":
        authors = ", ".join(rec.authors[:3]) + (
            ", 等" if len(rec.authors) > 3 and has_han(rec.title) else ", et al" if len(rec.authors) > 3 else ""
        )
        title = rec.title + (f": {rec.subtitle}" if rec.subtitle else "")
        parts = [f"{authors}. " if authors else "", f"{title}[M]. "]
        if rec.edition:
            parts.append(f"{rec.edition}. ")
        where = ": ".join(x for x in (rec.place, rec.publisher) if x)
        parts.append(", ".join(x for x in (where, rec.year) if x) + ".")
        return "".join(parts).strip()
    authors = _and(rec.authors) if rec.authors else ""
    title = rec.title + (f": {rec.subtitle}" if rec.subtitle else "")
    parts = [f"{authors}. " if authors else "", f"{title}. "]
    if rec.editors:
        parts.append(f"Edited by {_and(rec.editors)}. ")
    if rec.edition:
        parts.append(f"{rec.edition}. ")
    where = ": ".join(x for x in (rec.place, rec.publisher) if x)
    tail = ", ".join(x for x in (where, rec.year) if x)
    if tail:
        parts.append(tail + ".")
    return "".join(parts).strip()


def _and(names: list[str]) -> str:
    names = [n.rstrip(".") for n in names]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]
