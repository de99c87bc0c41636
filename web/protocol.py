"""What the SPARQL 1.1 Protocol endpoint (web/sparql.py) and the writes (web/writes.py) share:
format parameters, CORS headers, limits and the protocol's errors."""

from __future__ import annotations

from flask import current_app

from graph.store.answers import Limits

FORMAT_PARAMS = ("format", "output", "results")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "Content-Type, Content-Length, Vary",
}
DEFAULTS = {
    "ALLIANCE_SPARQL_TIMEOUT": 30.0,
    "ALLIANCE_SPARQL_MAX_RESULT_BYTES": 64 * 1024 * 1024,
    "ALLIANCE_SPARQL_MAX_REQUEST_BYTES": 1024 * 1024,
    "ALLIANCE_SPARQL_WORKERS": 2,
}


class ProtocolError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def limits(config=None) -> Limits:
    config = config if config is not None else current_app.config
    return Limits(
        timeout_s=float(config["ALLIANCE_SPARQL_TIMEOUT"]),
        max_result_bytes=int(config["ALLIANCE_SPARQL_MAX_RESULT_BYTES"]),
    )
