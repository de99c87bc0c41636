"""Searching the index: what a person typed plus the facets they ticked, to works, counts and facets.

Queries are built from parts (:func:`graph.index.text.parse_query`) as tantivy query
objects, never by pasting text into a query language: every part must match in some
field (a word as a term, a Han run as a phrase of bigrams, a pinyin word as a phrase of
syllables, an ISBN as its key), facet values are exact terms, years a range.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field

import tantivy

from graph.index import schema as S
from graph.identity.normalize import has_han
from graph.index.text import HEADING_SEPARATOR, Part, heading_key, parse_query

SORTS = ("relevance", "title", "newest", "oldest")
MAX_PAGE_SIZE = 100
MAX_OFFSET = 10_000


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values (all must hold)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def is_browse(self) -> bool:
        """No words: every work (narrowed by any facets)."""
        return not parse_query(self.q)


@dataclass
class Hit:
    iri: str
    display: dict


@dataclass
class SearchResult:
    request: SearchRequest
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]  # facet name -> (value, count), most first
    decades: list[tuple[int, int]]  # (decade, count) of first publication years


class Searcher:
    """Answers :class:`SearchRequest`s from a :class:`graph.index.writer.SearchIndex`."""

    def __init__(self, index):
        self.index = index
        self._cache: dict = {}
        self._cache_lock = threading.Lock()

    # query building --------------------------------------------------------------------------
    def _part_query(self, part: Part) -> tantivy.Query:
        schema = self.index.schema
        options = []
        for name, boost in S.TEXT_FIELDS:
            options.append(tantivy.Query.boost_query(_terms(schema, name, part.text), boost))
        if part.pinyin:
            options.append(tantivy.Query.boost_query(_terms(schema, S.PINYIN_FIELD, part.pinyin), S.PINYIN_BOOST))
        for reading in part.readings:
            options.append(tantivy.Query.boost_query(_terms(schema, S.PINYIN_FIELD, reading), S.PINYIN_BOOST))
        if part.ids:
            options.append(
                tantivy.Query.boost_query(tantivy.Query.term_set_query(schema, S.IDS_FIELD, part.ids), S.IDS_BOOST)
            )
        return tantivy.Query.disjunction_max_query(options, tie_breaker=0.2)

    def _filters(self, request: SearchRequest) -> list[tantivy.Query]:
        schema = self.index.schema
        out = []
        for name, values in request.filters.items():
            facet = S.FACETS_BY_NAME.get(name)
            if facet is None:
                continue
            for v in values:
                out.append(tantivy.Query.term_query(schema, facet.field, v, index_option="basic"))
        if request.year_from is not None or request.year_to is not None:
            out.append(
                tantivy.Query.range_query(
                    schema, S.YEAR_FIELD, tantivy.FieldType.Integer, request.year_from, request.year_to
                )
            )
        return out

    def query(self, request: SearchRequest) -> tantivy.Query:
        parts = parse_query(request.q)
        clauses = [(tantivy.Occur.Must, self._part_query(p)) for p in parts]
        clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in self._filters(request)]
        if not clauses:
            return tantivy.Query.all_query()
        if not parts:
            clauses.append((tantivy.Occur.Should, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    # running ---------------------------------------------------------------------------------
    def search(self, request: SearchRequest, *, facets: bool = True) -> SearchResult:
        request.per_page = max(1, min(request.per_page, MAX_PAGE_SIZE))
        request.page = max(1, min(request.page, MAX_OFFSET // request.per_page + 1))
        if request.sort not in SORTS:
            request.sort = "relevance"
        searcher = self.index.searcher()
        query = self.query(request)
        kwargs: dict = {"limit": request.per_page, "offset": request.offset, "count": True}
        if request.sort == "title":
            kwargs.update(order_by_field=S.SORT_TITLE_FIELD, order=tantivy.Order.Asc)
        elif request.sort == "newest":
            kwargs.update(order_by_field=S.FIRST_YEAR_FIELD, order=tantivy.Order.Desc)
        elif request.sort == "oldest":
            kwargs.update(order_by_field=S.LAST_YEAR_FIELD, order=tantivy.Order.Asc)
        elif request.is_browse():
            kwargs.update(order_by_field=S.WEIGHT_FIELD, order=tantivy.Order.Desc)
        else:
            kwargs.update(weight_by_field=S.WEIGHT_FIELD)
        found = searcher.search(query, **kwargs)
        hits = []
        for _, address in found.hits:
            doc = searcher.doc(address)
            hits.append(Hit(doc.get_first("id"), json.loads(bytes(doc.get_first("display")).decode("utf-8"))))
        facet_counts, decades = ({}, [])
        if facets and found.count:
            facet_counts, decades = self._facets(searcher, query, request)
        return SearchResult(request, found.count, hits, facet_counts, decades)

    def _facets(self, searcher, query, request: SearchRequest):
        key = None
        if request.is_browse() and not request.filters and request.year_from is None and request.year_to is None:
            key = ("browse", searcher.num_docs, searcher.num_segments, id(self.index.index))
            with self._cache_lock:
                if key in self._cache:
                    return self._cache[key]
        aggs = {
            f.name: {"terms": {"field": f.count_field, "size": 5000 if f.count_field != f.field else f.size}}
            for f in S.FACETS
        }
        aggs["decades"] = {"histogram": {"field": S.FIRST_YEAR_FIELD, "interval": 10, "min_doc_count": 1}}
        raw = searcher.aggregate(query, aggs)
        out: dict[str, list[tuple[str, int]]] = {}
        for f in S.FACETS:
            buckets = raw.get(f.name, {}).get("buckets", [])
            if f.count_field != f.field:  # a set of values per work, e.g. "gwu pku": count each value
                counts: dict[str, int] = {}
                for b in buckets:
                    for v in str(b["key"]).split():
                        counts[v] = counts.get(v, 0) + b["doc_count"]
                values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: f.size]
            else:
                values = [(str(b["key"]), b["doc_count"]) for b in buckets]
            out[f.name] = values
        decades = [
            (int(b["key"]), b["doc_count"])
            for b in raw.get("decades", {}).get("buckets", [])
            if b["doc_count"] and int(b["key"]) > 0
        ]
        result = (out, decades)
        if key is not None:
            with self._cache_lock:
                self._cache = {key: result}
        return result

    # small questions the pages ask ---------------------------------------------------------------
    def totals(self) -> dict:
        """Works, editions and copies in the index (the home page's numbers)."""
        searcher = self.index.searcher()
        raw = searcher.aggregate(
            tantivy.Query.all_query(),
            {"editions": {"sum": {"field": S.EDITIONS_FIELD}}, "copies": {"sum": {"field": S.COPIES_FIELD}}},
        )
        return {
            "works": searcher.num_docs,
            "editions": int(raw["editions"]["value"] or 0),
            "copies": int(raw["copies"]["value"] or 0),
        }

    def place_label(self, key: str, lang: str) -> str:
        """How to name a place facet value: its Han form on Chinese pages, its commonest romanised form
        (with the Han form) on English ones."""
        found = self.index.searcher().terms_with_prefix(S.PLACE_LABEL_FIELD, key + "\t", limit=20)
        found.sort(key=lambda tc: (-tc[1], tc[0].count(" ")))  # commonest first; "Changshu" before "Chang shu"
        forms = [t.split("\t", 1)[1] for t, _ in found]
        han = [f for f in forms if has_han(f)]
        latin = [f for f in forms if not has_han(f)]
        if lang.startswith("zh"):
            return (han or latin or [key])[0]
        if latin and han:
            return f"{latin[0]} {han[0]}"
        return (latin or han or [key])[0]

    def subject_tree(self, label: str, limit: int = 30) -> tuple[list[str], list[str]]:
        """Subject IRIs one heading level up (``A--B`` for ``A--B--C``) and below, as the catalogue uses them."""
        searcher = self.index.searcher()
        key = heading_key(label)
        broader: list[str] = []
        if HEADING_SEPARATOR in key:
            parent = key.rsplit(HEADING_SEPARATOR, 1)[0]
            broader = [t.split("\t", 1)[1] for t, _ in searcher.terms_with_prefix(S.SUBJECT_KEY_FIELD, parent + "\t")]
        below = searcher.terms_with_prefix(S.SUBJECT_KEY_FIELD, key + HEADING_SEPARATOR, limit=500)
        depth = key.count(HEADING_SEPARATOR) + 1
        direct = [t for t, _ in below if t.split("\t", 1)[0].count(HEADING_SEPARATOR) == depth]
        narrower = [t.split("\t", 1)[1] for t in (direct or [t for t, _ in below])][:limit]
        return list(dict.fromkeys(broader)), list(dict.fromkeys(narrower))

    def displays(self, iris: list[str]) -> dict[str, dict]:
        """What the index shows for each of these works (titles in every form, holders, years)."""
        wanted = list(dict.fromkeys(iris))
        if not wanted:
            return {}
        searcher = self.index.searcher()
        query = tantivy.Query.term_set_query(self.index.schema, "id", wanted)
        found = searcher.search(query, limit=len(wanted), count=False)
        out = {}
        for _, address in found.hits:
            doc = searcher.doc(address)
            out[doc.get_first("id")] = json.loads(bytes(doc.get_first("display")).decode("utf-8"))
        return out

    def unique_to(self, library: str, limit: int = 20) -> tuple[int, list[Hit]]:
        """Works only ``library`` holds: how many, and the first ``limit`` by title."""
        schema = self.index.schema
        query = tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.term_query(schema, "library", library, index_option="basic")),
                (
                    tantivy.Occur.Must,
                    tantivy.Query.range_query(schema, S.WEIGHT_FIELD, tantivy.FieldType.Integer, 1, 1),
                ),
            ]
        )
        searcher = self.index.searcher()
        found = searcher.search(
            query, limit=limit, count=True, order_by_field=S.SORT_TITLE_FIELD, order=tantivy.Order.Asc
        )
        hits = []
        for _, address in found.hits:
            doc = searcher.doc(address)
            hits.append(Hit(doc.get_first("id"), json.loads(bytes(doc.get_first("display")).decode("utf-8"))))
        return found.count, hits


def _terms(schema, field_name: str, tokens: list[str]) -> tantivy.Query:
    if len(tokens) == 1:
        return tantivy.Query.term_query(schema, field_name, tokens[0])
    return tantivy.Query.phrase_query(schema, field_name, list(tokens))  # each may carry its position
