"""The home page: what the catalogue holds and every member library."""
from __future__ import annotations

from flask import Blueprint, render_template

from graph.records import home_view
from web.context import page_language, store

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    return render_template("home.html", view=home_view(store(), page_language()))
