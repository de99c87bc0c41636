"""``/search``: full text over the union catalogue, with facets, sorting and pages.

The request's words and ticked facets become a :class:`graph.index.SearchRequest`
(bound values, never query text); the index answers; the page names what it found.
Every state of the page is a plain GET URL, so it can be bookmarked, shared and
crawled; facets are checkboxes in one form (keyboard and screen reader friendly).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from graph.index import FACETS, SORTS, SearchRequest
from graph.index.query import MAX_OFFSET
from graph.views.results import ResultLabeller
from web.context import page_language, state, store

bp = Blueprint("search", __name__)

PER_PAGE = 20
MAX_QUERY = 500
PAGE_WINDOW = 3


def read_request() -> SearchRequest:
    """The search a URL describes; anything malformed is dropped, never an error."""
    args = request.args
    filters = {}
    for f in FACETS:
        values = [v for v in args.getlist(f.name) if v and len(v) < 1000]
        if values:
            filters[f.name] = list(dict.fromkeys(values))
    return SearchRequest(
        q=args.get("q", "")[:MAX_QUERY].strip(),
        filters=filters,
        year_from=_year(args.get("from")),
        year_to=_year(args.get("to")),
        sort=args.get("sort", "relevance"),
        page=_int(args.get("page"), 1),
        per_page=PER_PAGE,
    )


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _year(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) <= 4 else None


def request_args(req: SearchRequest, **changes) -> dict:
    """The URL parameters of ``req`` with some changed (``None`` removes one)."""
    args: dict = {}
    if req.q:
        args["q"] = req.q
    for name, values in req.filters.items():
        args[name] = list(values)
    if req.year_from is not None:
        args["from"] = req.year_from
    if req.year_to is not None:
        args["to"] = req.year_to
    if req.sort != "relevance":
        args["sort"] = req.sort
    if req.page > 1:
        args["page"] = req.page
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


@bp.route("/search")
def index():
    req = read_request()
    if any(not request.args.get(name, "x").strip() for name in ("from", "to", "sort", "page")):
        # a form sent without JavaScript: the same search without the empty boxes ("from=&to=")
        args = request_args(req)
        if request.args.get("lang"):
            args["lang"] = request.args["lang"]
        return redirect(state().urls.search(**args), code=302)
    lang = page_language()
    catalogue = state().catalogue
    result = state().searcher.search(req)
    labeller = ResultLabeller(store(), lang, searcher=state().searcher)
    urls = state().urls
    pages = min(-(-result.total // req.per_page), MAX_OFFSET // req.per_page + 1) if result.total else 0

    def url(**changes):
        if "page" not in changes:
            changes["page"] = None  # any change but paging starts again at page 1
        return urls.search(**request_args(req, **changes))

    active = []
    for name, values in req.filters.items():
        for v in values:
            rest = [x for x in values if x != v]
            active.append({"facet": name, "label": labeller.value(name, v), "remove": url(**{name: rest or None})})
    if req.year_from is not None or req.year_to is not None:
        active.append(
            {
                "facet": "year",
                "label": f"{req.year_from or '…'}–{req.year_to or '…'}",
                "remove": url(**{"from": None, "to": None}),
            }
        )
    view = {
        "request": req,
        "total": result.total,
        "pages": pages,
        "hits": [labeller.hit(h) for h in result.hits],
        "facets": labeller.facets(result, req.filters) if result.total else [],
        "decades": [{"decade": d, "count": n, "url": url(**{"from": d, "to": d + 9})} for d, n in result.decades],
        "active": active,
        "clear": url(**{f.name: None for f in FACETS}, **{"from": None, "to": None}),
        "sorts": [
            {"name": s, "url": url(sort=None if s == "relevance" else s), "current": s == req.sort} for s in SORTS
        ],
        "page_links": _page_links(
            req.page, pages, lambda n: urls.search(**request_args(req, page=n if n > 1 else None))
        ),
        "words": [w for w in req.q.split() if w] if len(req.q.split()) > 1 else [],
        "word_url": lambda w: urls.search(q=w),
        "browse": req.is_browse(),
        "base": catalogue.minter.base,
    }
    return render_template("search.html", view=view)


def _page_links(page: int, pages: int, url) -> dict:
    if pages <= 1:
        return {}
    window = range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)
    numbers = sorted({1, pages, *window})
    return {
        "previous": url(page - 1) if page > 1 else None,
        "next": url(page + 1) if page < pages else None,
        "numbers": [{"n": n, "url": url(n), "current": n == page} for n in numbers],
    }
