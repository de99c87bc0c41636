"""The home page: what the alliance holds (members, titles, copies, collections) and ways in; and the
site's icon at ``/favicon.ico``, where browsers and crawlers look for it whatever the page says."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from graph.index import SearchRequest
from graph.views.overview import copies_per_library, overview
from web.context import cached, page_language, state, store

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    lang = page_language()
    searcher = state().searcher
    copies = cached("copies-per-library", lambda: copies_per_library(store()))
    view = overview(store(), lang, searcher.totals(), searcher.search(SearchRequest(per_page=1)), copies, searcher)
    return render_template("home.html", view=view)


@bp.route("/favicon.ico")
def favicon():
    response = current_app.send_static_file("favicon.ico")
    response.cache_control.max_age = 7 * 24 * 3600
    response.cache_control.public = True
    return response
