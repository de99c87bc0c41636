"""Collection reports: the overlap of members' holdings as a page (heat map, bars; no JavaScript), JSON and CSV."""

from __future__ import annotations

import json
import threading

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for

from graph.union.overlap import LEVELS, TABLES, overlap, rows_csv, title_rows, to_csv
from web.context import minter, state, store

bp = Blueprint("reports", __name__, url_prefix="/reports")
_cache: dict = {}
_lock = threading.Lock()


def _overlap(level: str):
    """The overlap of the current data (recomputed when a load switches the active graphs)."""
    key = (id(state().catalogue), level, tuple(g.value for g in store().active_graphs()))
    with _lock:
        found = _cache.get(key)
        if found is None:
            if len(_cache) > 8:
                _cache.clear()
            found = _cache[key] = overlap(store(), minter(), level)
        return found


def _params():
    level = request.args.get("level", "instance")
    if level not in LEVELS:
        abort(400, f"level must be one of {', '.join(LEVELS)}")
    try:
        scarce = max(1, int(request.args.get("scarce", 2)))
    except ValueError:
        abort(400, "scarce must be a number")
    return level, scarce


@bp.route("/")
def index():
    return redirect(url_for("reports.overlap_page", **request.args))


@bp.route("/overlap")
def overlap_page():
    level, scarce = _params()
    report = _overlap(level).report(scarce)
    cells = {(r["a"], r["b"]): r for r in report["matrix"]}
    largest = max([m["titles"] for m in report["members"]] + [1])
    response = Response(
        render_template(
            "reports_overlap.html",
            report=report,
            cells=cells,
            largest=largest,
            level=level,
            scarce=scarce,
            tables=TABLES,
        )
    )
    json_url = url_for("reports.overlap_json", level=level, scarce=scarce)
    response.headers["Link"] = f'<{json_url}>; rel="alternate"; type="application/json"'
    return response


@bp.route("/overlap.json")
def overlap_json():
    level, scarce = _params()
    body = json.dumps(_overlap(level).report(scarce), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/overlap.csv")
def overlap_csv():
    level, scarce = _params()
    table = request.args.get("table", "matrix")
    if table not in TABLES:
        abort(400, f"table must be one of {', '.join(TABLES)}")
    return _csv(to_csv(_overlap(level).report(scarce), table), f"overlap-{level}-{table}.csv")


@bp.route("/overlap/titles.csv")
def titles_csv():
    """Downloadable lists: ``?list=unique&member=PKU`` ("only we hold"), ``?list=everyone`` ..."""
    level, scarce = _params()
    which = request.args.get("list", "unique")
    member = request.args.get("member")
    ov = _overlap(level)
    try:
        iris = ov.titles(which, member, scarce)
    except ValueError as err:
        abort(400, str(err))
    name = f"{level}-{which}{'-' + member.upper() if member else ''}.csv"
    return _csv(rows_csv(title_rows(store(), ov, iris)), name)


def _csv(body: str, filename: str) -> Response:
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
