"""Search results as a page shows them: titles in the page language, facet values with labels.

Takes a :class:`graph.index.SearchResult` (which answered without the store) and names
what it holds: member libraries from the member list, formats and languages from
:mod:`vocab.labels`, classes from :mod:`vocab.classes`, subjects and collections by one
label query for the few values a page shows.
"""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal

from graph.index import FACETS
from graph.index.query import Hit, SearchResult
from graph.alliance.members import Member
from graph.views.common import labels_for, local_name, ranked
from graph.views.holdings import member_label, members_by_iri
from graph.store.base import Store
from vocab.classes import class_label
from vocab.labels import term_label
from vocab.namespaces import BF, LANGUAGES

MAX_HOLDERS_SHOWN = 6


def _literal(value: str, tag: str) -> Literal:
    return Literal(value, language=tag) if tag else Literal(value)


def _html_lang(tag: str) -> str | None:
    return tag or None


def pick_title(labels: list[list[str]], lang: str) -> tuple[dict | None, dict | None]:
    """The title to show for ``lang`` and one other form (romanised or vernacular), with language tags."""
    lits = [_literal(v, t) for v, t in labels]
    order = ranked(lits, lang)
    tags: dict[str, str] = {}
    for v, t in labels:
        tags.setdefault(v, t)
    if not order:
        return None, None
    main = {"text": order[0], "lang": _html_lang(tags.get(order[0], ""))}
    other = next(
        ({"text": v, "lang": _html_lang(tags.get(v, ""))} for v in order[1:] if _script(v) != _script(order[0])), None
    )
    return main, other


def _element_id(facet: str, value: str) -> str:
    """A stable HTML id for one facet value (the same on every page, whatever the order of values)."""
    import hashlib

    return f"f-{facet}-{hashlib.blake2b(value.encode('utf-8'), digest_size=5).hexdigest()}"


def _script(text: str) -> str:
    return "han" if any("\u3400" <= c <= "\u9fff" for c in text) else "latin"


class ResultLabeller:
    """Labels for one page of results, in one language."""

    def __init__(self, store: Store, lang: str, members: list[Member] | None = None, searcher=None):
        self.store = store
        self.lang = lang
        self.searcher = searcher
        self.members = {
            m.iri.rsplit("/", 1)[-1]: m
            for m in (members if members is not None else members_by_iri(store).values())
            if m.iri
        }

    def library(self, code: str) -> str:
        m = self.members.get(code)
        return member_label(m, self.lang) if m else code.upper()

    def hit(self, hit: Hit) -> dict:
        d = hit.display
        title, other = pick_title(d.get("labels", []), self.lang)
        creators = ranked([_literal(v, t) for v, t in d.get("creators", [])], self.lang)
        holders = [{"code": code, "label": self.library(code), "copies": n} for code, n in d.get("holders", {}).items()]
        holders.sort(key=lambda h: (-h["copies"], h["label"]))
        years = d.get("years") or []
        return {
            "iri": hit.iri,
            "title": title,
            "other_title": other,
            "creators": creators[:2],
            "years": (str(years[0]) if years and years[0] == years[-1] else f"{years[0]}–{years[-1]}" if years else ""),
            "editions": d.get("editions", 0),
            "formats": [self.value("format", f) for f in d.get("formats", []) if f != "Print"][:3],
            "languages": [self.value("language", x) for x in d.get("languages", [])][:3],
            "holders": holders[:MAX_HOLDERS_SHOWN],
            "more_holders": max(0, len(holders) - MAX_HOLDERS_SHOWN),
            "holder_count": len(holders),
            "isbn": d.get("isbn"),
        }

    def value(self, facet: str, value: str, iri_labels: dict[str, str] | None = None) -> str:
        if facet == "library":
            return self.library(value)
        if facet == "format":
            return term_label(BF.base + value, self.lang) or value
        if facet == "language":
            return term_label(LANGUAGES + value, self.lang) or value
        if facet == "classification":
            return class_label(value, self.lang) or value
        if facet == "place" and self.searcher is not None:
            return self.searcher.place_label(value, self.lang)
        if iri_labels is not None and value in iri_labels:
            return iri_labels[value]
        return local_name(value) if facet in ("subject", "collection") else value

    def facets(self, result: SearchResult, selected: dict[str, list[str]]) -> list[dict]:
        """Each facet with its values (label, count, selected); selected values always listed."""
        iris = [
            v
            for f in FACETS
            if f.iri_values
            for v in [*(x for x, _ in result.facets.get(f.name, [])), *selected.get(f.name, [])]
        ]
        iri_labels = labels_for(self.store, iris, self.lang) if iris else {}
        out = []
        for f in FACETS:
            counts = list(result.facets.get(f.name, []))
            chosen = selected.get(f.name, [])
            shown = {v for v, _ in counts}
            counts += [(v, result.total) for v in chosen if v not in shown]
            values: list[dict[str, Any]] = [
                {
                    "value": v,
                    "label": self.value(f.name, v, iri_labels),
                    "count": n,
                    "selected": v in chosen,
                    "id": _element_id(f.name, v),
                }
                for v, n in counts
            ]
            values.sort(key=lambda x: (not x["selected"], -x["count"], x["label"]))
            if values:
                out.append({"name": f.name, "values": values})
        return out
