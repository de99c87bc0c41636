"""Browse the region's local literature (地方文献) across all members: by place, dynasty, type, edition."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from graph import locallit
from web.context import page_language, store

bp = Blueprint("locallit", __name__)


@bp.route("/local-literature")
def browse():
    name = request.args.get("facet")
    value = request.args.get("value")
    facets = {f: locallit.facet(store(), f, limit=60) for f in locallit.FACETS}
    works, chosen = None, None
    if name or value:
        if name not in locallit.FACETS or not value:
            abort(404)
        chosen = next((v for v in facets[name] if v.iri == value), None)
        try:
            works = locallit.works_with(store(), name, value)
        except ValueError:
            abort(404)
        if chosen is None and not works:
            abort(404)
    return render_template("locallit.html", facets=facets, facet_name=name, chosen=chosen,
                           value=value, works=works, lang=page_language())
