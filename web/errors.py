"""Error pages: a 404 with a search box, 406 listing what we can answer, 400 with the reason."""

from __future__ import annotations

from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException

from web.negotiation import NotAcceptable, html_acceptable


def error_response(status: int, title_key: str, message: str | None = None) -> Response:
    """An error as HTML for browsers, as plain text for everyone else."""
    if html_acceptable():
        body = render_template("error.html", status=status, title_key=title_key, message=message)
        return Response(body, status=status, mimetype="text/html")
    return Response((message or title_key) + "\n", status=status, mimetype="text/plain")


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_err):
        return error_response(404, "not_found")

    @app.errorhandler(NotAcceptable)
    def not_acceptable(err: NotAcceptable):
        message = f"{err}. Available: {', '.join(err.offers)}"
        response = Response(message + "\n", status=406, mimetype="text/plain")
        return response

    @app.errorhandler(HTTPException)
    def other(err: HTTPException):
        if err.code is None or err.code >= 500:
            return err
        response = err.get_response()
        response.data = f"{err.code} {err.name}: {err.description}\n".encode()
        response.mimetype = "text/plain"
        return response
