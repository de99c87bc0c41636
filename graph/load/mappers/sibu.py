"""The four-branch classification (四部分类) as a BIBFRAME classification scheme.

Records say a class in a spreadsheet's 四部分类 column, or in CNMARC 686 (other class numbers)
with a scheme code in $2 naming the four-branch scheme (:func:`graph.identity.sibu.is_scheme_code`).
:func:`classification` makes the bf:Classification whose bf:source is the scheme
(:data:`SCHEME`, ``alliance:sibu``), so every member's old books meet on the same tree
(``graph.views.locallit.sibu_tree``).
"""

from __future__ import annotations

from pyoxigraph import Literal

from graph.identity.sibu import BRANCHES, is_scheme_code, parse  # noqa: F401  (the mappers' one import)
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS

SCHEME = ALLIANCE.sibu


def scheme_triples(put) -> None:
    """The scheme itself: a bf:Source with its names."""
    put(SCHEME, RDF.type, BF.Source)
    put(SCHEME, RDFS.label, Literal("四部分类", language="zh-Hans"))
    put(SCHEME, RDFS.label, Literal("si bu fen lei", language="zh-Latn-pinyin"))
    put(
        SCHEME,
        RDFS.label,
        Literal("Four-branch classification (Classics, Histories, Masters, Collections)", language="en"),
    )


def classification(put, node, work, path: tuple[str, ...]) -> None:
    """``work`` classed at ``path`` in the four-branch scheme, as the fragment ``node``."""
    put(work, BF.classification, node)
    put(node, RDF.type, BF.Classification)
    put(node, BF.classificationPortion, Literal(".".join(path)))
    put(node, BF.source, SCHEME)
    scheme_triples(put)
