"""The read side of the catalogue: plain-dict views of its resources, built by SPARQL over the store.

Each view takes the store, a resource IRI and the page language (``"en"``/``"zh"``)
and returns a dict of labels and links (``{"iri", "label"}``), or None when the
catalogue has no such resource. ``describe`` gives the triples behind a resource
for RDF output. No Flask here: the web layer and the CLI both use these.
"""

from graph.views.bibliographic import instance_view, item_view
from graph.views.works import work_view
from graph.views.common import labels_for
from graph.views.describe import describe
from graph.views.entities import agent_view, subject_view
from graph.views.holdings import holdings
from graph.views.libraries import collection_view, home_view, library_view

VIEWS = {
    "work": work_view,
    "instance": instance_view,
    "item": item_view,
    "agent": agent_view,
    "subject": subject_view,
    "library": library_view,
    "collection": collection_view,
}

__all__ = [
    "VIEWS",
    "agent_view",
    "collection_view",
    "describe",
    "holdings",
    "home_view",
    "instance_view",
    "item_view",
    "labels_for",
    "library_view",
    "subject_view",
    "work_view",
]
