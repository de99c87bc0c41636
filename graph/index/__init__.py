"""The derived search index: works with their editions and copies, searchable and faceted.

Rebuildable from the store at any time (``alliance index rebuild``) and brought up to
date after every load (:meth:`SearchIndex.sync`). Built on tantivy; no Flask here.
"""

from graph.index.query import Hit, SearchRequest, SearchResult, Searcher, SORTS
from graph.index.schema import FACETS, FACETS_BY_NAME
from graph.index.writer import SearchIndex, SearchIndexError

__all__ = [
    "FACETS",
    "FACETS_BY_NAME",
    "Hit",
    "SORTS",
    "SearchIndex",
    "SearchIndexError",
    "SearchRequest",
    "SearchResult",
    "Searcher",
]
