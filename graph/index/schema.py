"""The search index's fields and facets, declared as data.

Text fields hold tokens made by :mod:`graph.index.text` (pre-tokenised, with positions);
facet fields hold raw values in column storage for counting. ``FACETS`` says, for
each facet, the request parameter, the index field and how many values a page shows;
the web layer takes labels from :mod:`vocab.labels` by the facet's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import tantivy

SCHEMA_VERSION = 7  # bump when fields, analysis or documents change: the index then rebuilds itself
# 7: primary contributors typed bf:PrimaryContribution (what the MARC 21 mapper writes) come first

# (field, boost) of the text fields a query searches; the pinyin and identifier fields are extra.
TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 4.0),
    ("names", 2.5),
    ("subjects", 2.0),
    ("series", 1.5),
    ("notes", 1.0),
)
PINYIN_FIELD, PINYIN_BOOST = "pinyin", 1.5
IDS_FIELD, IDS_BOOST = "ids", 8.0


@dataclass(frozen=True)
class Facet:
    name: str  # request parameter and label key ("facet_<name>")
    field: str  # index field filtered on
    count_field: str  # index field counted (a single-valued twin where counting many values is slow)
    size: int = 12  # values a page shows
    iri_values: bool = False  # values are resource IRIs (labels come from the store)


FACETS: tuple[Facet, ...] = (
    Facet("library", "library", "library_set", size=100),
    Facet("format", "format", "format"),
    Facet("language", "language", "language"),
    Facet("subject", "subject", "subject", size=15, iri_values=True),
    Facet("classification", "class", "class", size=25),
    Facet("place", "place", "place", size=15),
    Facet("collection", "collection", "collection", iri_values=True),
)
FACETS_BY_NAME = {f.name: f for f in FACETS}
YEAR_FIELD = "year"  # every edition's year, for the range filter
FIRST_YEAR_FIELD = "first_year"  # earliest year (0 when unknown), for the histogram and newest-first
LAST_YEAR_FIELD = "year_asc"  # earliest year (9999 when unknown), for oldest-first
SORT_TITLE_FIELD = "sort_title"
PLACE_LABEL_FIELD = "place_label"  # "place key<TAB>a form of its name" (北京 / Beijing / Bei jing)
SUBJECT_KEY_FIELD = "subject_key"  # "folded heading<TAB>subject IRI": broader and narrower headings by prefix
WEIGHT_FIELD = "held"  # number of holding libraries: widely held works rank higher
EDITIONS_FIELD = "editions"  # editions of the work, summed for the home page
COPIES_FIELD = "copies"  # copies of all its editions, summed for the home page


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name, _ in TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", index_option="position")
    sb.add_text_field(PINYIN_FIELD, tokenizer_name="raw", index_option="position")
    sb.add_text_field(IDS_FIELD, tokenizer_name="raw", index_option="basic")
    for facet in FACETS:
        sb.add_text_field(facet.field, fast=True, tokenizer_name="raw", index_option="basic")
        if facet.count_field != facet.field:
            sb.add_text_field(facet.count_field, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("graph", tokenizer_name="raw", index_option="basic")
    sb.add_text_field(SUBJECT_KEY_FIELD, tokenizer_name="raw", index_option="basic")
    sb.add_text_field(PLACE_LABEL_FIELD, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field(YEAR_FIELD, indexed=True, fast=True)
    sb.add_integer_field(FIRST_YEAR_FIELD, fast=True)
    sb.add_integer_field(LAST_YEAR_FIELD, fast=True)
    sb.add_integer_field(WEIGHT_FIELD, fast=True)
    sb.add_integer_field(EDITIONS_FIELD, fast=True)
    sb.add_integer_field(COPIES_FIELD, fast=True)
    sb.add_text_field(SORT_TITLE_FIELD, fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_bytes_field("display", stored=True)
    return sb.build()
