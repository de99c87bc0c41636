"""Resource pages: every resource URI answers HTML to browsers and RDF to machines.

Which form: ``?format=`` (a name or media type) or ``Accept``, among HTML, the RDF
serialisations of :mod:`graph.formats` and, for editions and works, the exports of
:mod:`graph.views.exports` (RIS, BibTeX, MARCXML). Every answer lists the others in
``Link: rel="alternate"`` headers; pages list them too, with a permalink and citations.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, render_template, request

from graph.views.exports import Export, ExportContext, citation_record, citation_text, export_format, exports_for
from graph.views.exports.marcxml import labelled_fields, source_records
from graph.formats import GRAPH_SERIALISATIONS, RdfSerialisation, graph_serialisation
from graph.formats.jsonld import serialise
from graph.views import VIEWS, describe
from graph.views.backlinks import backlinks
from graph.views.common import labels_for, ref
from graph.views.entities import expressions_of
from graph.index import SearchRequest
from graph.views.holdings import COPIES_PER_PAGE, copies_at
from graph.views.libraries import library_view
from graph.views.overview import copies_per_library
from graph.views.results import ResultLabeller, pick_title
from graph.views.schema_org import instance_markup, work_markup
from graph.views.works import work_view
from vocab.namespaces import PREFIXES
from web.context import cached, page_language, state, store
from web.negotiation import HTML, choose
from web.urls import PAGE_KINDS

bp = Blueprint("resources", __name__)

OFFERS = [(HTML, "html")] + [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types]
KIND_OFFERS = {kind: OFFERS + [(e.media_type, e) for e in exports_for(kind)] for kind in PAGE_KINDS}


def _query() -> dict[str, Any]:
    """The request's query parameters (the first value of each), carried to the page redirected to."""
    return request.args.to_dict()


def _representation(name: str):
    return graph_serialisation(name) or export_format(name)


@bp.route(f"/<any({', '.join(PAGE_KINDS)}):kind>/<ident>")
def resource(kind: str, ident: str):
    urls = state().urls
    iri = urls.iri(kind, ident.lower() if kind == "library" else ident)
    if iri is None:
        abort(404)
    if kind == "library" and ident != ident.lower():  # library codes are case-insensitive
        return redirect(urls.page(iri, **_query()), code=301)
    if kind in ("instance", "work") and (survivor := state().catalogue.clusters.redirect(iri.value)):
        return redirect(urls.page(survivor, **_query()), code=301)  # merged into another cluster
    rep = choose(KIND_OFFERS[kind], _representation)
    if rep == "html":
        response = _page(kind, iri)
    elif isinstance(rep, Export):
        body = rep.render(ExportContext(store(), iri, page_language(), state().catalogue.sources))
        if body is None:
            abort(404)
        response = Response(body, mimetype=rep.media_type)
        response.headers["Content-Disposition"] = f'inline; filename="{ident}{rep.extension}"'
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        triples = describe(store(), iri)
        if not triples:
            abort(404)
        response = rdf_response(triples, rep)
    response.headers["Link"] = ", ".join(
        [urls.link_header(iri)]
        + [f'<{urls.data(iri, e.name)}>; rel="alternate"; type="{e.media_type}"' for e in exports_for(kind)]
    )
    response.vary.add("Accept")
    return response


def _page(kind: str, iri) -> Response:
    lang = page_language()
    if kind == "work":
        view = work_view(store(), iri, lang, page=_int(request.args.get("page"), 1))
    elif kind == "library":
        view = _library(iri, lang)
    else:
        view = VIEWS[kind](store(), iri, lang)
    if view is None:
        abort(404)
    if kind == "work" and not view["edition_count"]:  # a uniform title: the works it gathers hold the copies
        view["expressions"] = expressions_of(store(), iri, lang)
    if kind == "subject":
        _subject_tree(view, iri, lang)
    for key in ("works_by", "works_about", "works", "expressions"):
        if kind in ("agent", "subject", "work") and view.get(key):
            _titles_from_index(view[key], lang)
    view["backlinks"] = backlinks(store(), iri, lang, kind)
    if kind == "instance":
        view["schema_org"] = instance_markup(store(), view)
    elif kind == "work" and view["edition_count"]:
        view["schema_org"] = work_markup(store(), view)
    view["exports"] = [(state().urls.data(iri, e.name), e) for e in exports_for(kind)]
    if kind == "work" and not view["edition_count"]:
        view["exports"] = []  # RIS and BibTeX cite an edition: a uniform title has none of its own
    if kind == "instance":
        records = source_records(store(), state().catalogue.sources, iri)
        names = {h["library"].get("code"): h["library"]["label"] for h in view.get("holdings", [])}
        view["sources"] = [
            {
                "member": names.get(r.member, r.member),
                "control": r.control,
                "scheme": r.scheme,
                "fields": labelled_fields(r, lang),
            }
            for r in records
        ]
        if not records:  # MARCXML only where the source was MARC
            view["exports"] = [(url, e) for url, e in view["exports"] if e.name != "marcxml"]
    if kind == "instance":  # a work is cited through one of its editions
        rec = citation_record(store(), iri, lang)
        if rec is not None and rec.title:
            view["citations"] = [
                ("citation_chicago", citation_text(rec, "chicago")),
                ("citation_gbt", citation_text(rec, "gbt7714")),
            ]
    if kind == "instance" and (holder := request.args.get("holder")):
        library = state().urls.iri("library", holder.lower())
        if library is not None:
            page = _int(request.args.get("page"), 1)
            total, copies = copies_at(store(), iri, library, page)
            row = next((h for h in view["holdings"] if h["library"]["iri"] == library.value), None)
            if row is not None:
                view["copies_at"] = {
                    "library": row["library"],
                    "total": total,
                    "copies": copies,
                    "page": page,
                    "pages": max(1, -(-total // COPIES_PER_PAGE)),
                }
    return Response(render_template(f"{kind}.html", view=view), mimetype="text/html")


def _library(iri, lang: str) -> dict | None:
    """A member's page, its counts and what it alone holds read from the search index."""
    code = iri.value.rsplit("/", 1)[-1]
    searcher = state().searcher
    copies = cached("copies-per-library", lambda: copies_per_library(store())).get(iri.value, 0)
    works = searcher.search(SearchRequest(filters={"library": [code]}, per_page=1), facets=False).total
    view = library_view(store(), iri, lang, counts={"items": copies, "works": works})
    if view is not None:
        unique, hits = searcher.unique_to(code, 25)
        labeller = ResultLabeller(store(), lang, searcher=searcher)
        view["unique"] = {"count": unique, "titles": [labeller.hit(h) for h in hits]}
        view["search_url"] = state().urls.search(library=code)
    return view


def _titles_from_index(works: list[dict], lang: str) -> None:
    """Name listed works as the search index does (the vernacular title of an edition when the work has
    only a romanised one) and say how many members hold each."""
    displays = state().searcher.displays([w["iri"] for w in works])
    for w in works:
        shown = displays.get(w["iri"])
        if shown is None:
            continue
        title, other = pick_title(shown.get("labels", []), lang)
        if title:
            w["label"], w["lang"] = title["text"], title["lang"]
        w["other_title"] = other["text"] if other else None
        w["holders"] = len(shown.get("holders", {}))
        years = shown.get("years") or []
        w["years"] = str(years[0]) if years else ""
    works.sort(key=lambda w: w["label"].casefold())


def _subject_tree(view: dict, iri, lang: str) -> None:
    """Broader and narrower headings the catalogue uses (``A--B`` above ``A--B--C``), by their labels."""
    broader: set[str] = set()
    narrower: set[str] = set()
    for label in [view["label"], *view.get("other_labels", [])]:
        up, down = state().searcher.subject_tree(label)
        broader.update(up)
        narrower.update(down)
    broader.discard(iri.value)
    narrower.discard(iri.value)
    labels = labels_for(store(), [*broader, *narrower], lang)  # only subjects the store still describes
    view["broader"] = sorted((ref(s, labels[s]) for s in broader if s in labels), key=lambda r: r["label"])
    view["narrower"] = sorted((ref(s, labels[s]) for s in narrower if s in labels), key=lambda r: r["label"])


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, int(text)) if text is not None else default
    except ValueError:
        return default


def rdf_response(triples, rep: RdfSerialisation) -> Response:
    body = serialise(triples, rep.format, dict(PREFIXES))  # JSON-LD with its @context
    response = Response(body, mimetype=rep.media_type)  # text/* types get "; charset=utf-8"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
