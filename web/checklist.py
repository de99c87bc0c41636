"""``/reports/check-list``: upload a purchase list, see line by line what the alliance already holds.

The form takes the list (CSV or XLSX), the member buying, the scarcity threshold, the order
(list order or by verdict) and the answer's form: this page, or the checked list as CSV or XLSX
(what ``alliance check-list`` writes). Nothing is kept: the list is read from a temporary file
and checked against the catalogue as it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, render_template, request

from graph.views.checklist import ListError, check_list
from graph.views.checklist.output import SUMMARY, to_csv, to_xlsx
from graph.alliance.members import list_members
from web.context import page_language, state, store

bp = Blueprint("checklist", __name__, url_prefix="/reports")
MAX_LIST_BYTES = 20 * 1024 * 1024
SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form(**extra) -> Response:
    members = list_members(store())
    return Response(render_template("reports_checklist.html", members=members, summary_labels=SUMMARY, **extra))


@bp.route("/check-list", methods=["GET"])
def form():
    return _form(report=None, chosen={"scarce": 2, "sort": "verdict"})


@bp.route("/check-list", methods=["POST"])
def check():
    lang = page_language()
    if request.content_length and request.content_length > MAX_LIST_BYTES:
        abort(413, f"a list may be at most {MAX_LIST_BYTES // (1024 * 1024)} MB")
    upload = request.files.get("list")
    member = (request.form.get("member") or "").strip().upper() or None
    sort = "verdict" if request.form.get("sort") == "verdict" else "row"
    answer = request.form.get("answer", "page")
    try:
        scarce = max(1, int(request.form.get("scarce", 2)))
    except ValueError:
        scarce = 2
    chosen = {"member": member, "scarce": scarce, "sort": sort, "answer": answer}
    if upload is None or not upload.filename:
        return _form(report=None, chosen=chosen, error="checklist_no_file"), 400
    name = Path(upload.filename).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        return _form(report=None, chosen=chosen, error="checklist_bad_kind", filename=name), 400
    if member and member not in {m.code for m in list_members(store())}:
        return _form(report=None, chosen=chosen, error="checklist_no_member"), 400
    with tempfile.TemporaryDirectory(prefix="check-list-") as tmp:
        path = Path(tmp) / f"list{suffix}"
        upload.save(path)
        try:
            report = check_list(path, store(), state().catalogue.clusters, member, scarce, lang, name=name)
        except ListError as err:
            return _form(report=None, chosen=chosen, error_text=str(err)), 400
    stem = Path(name).stem or "list"
    if answer == "csv":
        return _download(to_csv(report, lang, sort).encode("utf-8"), "text/csv; charset=utf-8", f"{stem}-checked.csv")
    if answer == "xlsx":
        return _download(to_xlsx(report, lang, sort), XLSX, f"{stem}-checked.xlsx")
    return _form(report=report, lines=report.sorted(sort), summary=report.summary(), chosen=chosen)


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = f'attachment; filename="{ascii_name}"'
    return response
