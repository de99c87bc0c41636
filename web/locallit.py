"""Browse the region's local literature (地方文献) across all members: by place, dynasty, type, edition;
genealogies (家谱) by surname, hall name, ancestral place and dynasty (with a JSON API); old books
(古籍) by the four branches (经史子集)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request

from graph.views import genealogy

from graph.views import locallit

from graph.views import oldbooks
from graph.alliance.members import list_members
from web.context import page_language, store

bp = Blueprint("locallit", __name__)


@bp.context_processor
def _member_names():
    """``member_name(code)``: a holding library by its name in the page language, not its code."""
    names: dict[str, str] = {}

    def member_name(code: str) -> str:
        if not names:  # once per page, when a page lists holders
            zh = page_language() == "zh"
            names.update({m.code: (m.name_zh if zh and m.name_zh else m.name) or m.code for m in list_members(store())})
        return names.get(code, code)

    return {"member_name": member_name}


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
    return render_template(
        "locallit.html", facets=facets, facet_name=name, chosen=chosen, value=value, works=works, lang=page_language()
    )


def _filters() -> genealogy.Filters:
    """The genealogy filters of the query string; ValueError with a one-line reason for a bad one."""

    def year(name):
        raw = request.args.get(name, "").strip()
        if raw and not raw.lstrip("-").isdigit():
            raise ValueError(f"{name} must be a year, not {raw!r}")
        return int(raw) if raw else None

    f = genealogy.Filters(
        **{k: request.args.get(k, "").strip() for k in genealogy.FACETS}, year_from=year("from"), year_to=year("to")
    )
    f.years()  # an unknown dynasty is a ValueError
    return f


@bp.route("/local-literature/genealogies")
def genealogies():
    try:
        f = _filters()
    except ValueError as err:
        abort(400, description=str(err))
    found = genealogy.find(store(), f)
    chosen = {k: getattr(f, k) for k in genealogy.FACETS if getattr(f, k)}
    return render_template(
        "genealogies.html",
        genealogies=found,
        facets=genealogy.facets(found),
        chosen=chosen,
        years=f.years(),
        args={k: v for k, v in request.args.items() if v},
        lang=page_language(),
    )


@bp.route("/local-literature/genealogies.json")
def genealogies_json():
    """The genealogies matching surname=, hall=, place=, dynasty=, from=, to= (all optional), as JSON."""
    try:
        f = _filters()
    except ValueError as err:
        return jsonify({"error": str(err)}), 400
    found = genealogy.find(store(), f)
    lo, hi = f.years()
    return jsonify(
        {
            "query": {k: getattr(f, k) for k in genealogy.FACETS if getattr(f, k)},
            "years": [lo, hi] if lo is not None or hi is not None else None,
            "count": len(found),
            "genealogies": [g.as_dict() for g in found],
        }
    )


@bp.route("/local-literature/old-books")
def old_books():
    path = request.args.get("class", "").strip()
    works = None
    if path:
        try:
            works = oldbooks.works_under(store(), path)
        except ValueError:
            abort(404)
        if not works:
            abort(404)
    return render_template("oldbooks.html", tree=oldbooks.tree(store()), path=path, works=works, lang=page_language())
