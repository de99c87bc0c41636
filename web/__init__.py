"""The web front end: HTML pages for people, RDF and SPARQL for machines.

``create_app(config)`` builds the Flask app. Config keys: ``ALLIANCE_DATA`` (data
directory; default ``$ALLIANCE_DATA`` or ``./alliance-data``), ``ALLIANCE_BASE``
(base URI, fixed when the data directory is created) and ``ALLIANCE_CATALOGUE`` (an
already open :class:`graph.catalogue.Catalogue`, which the app then does not own).
The SPARQL endpoint's limits (:mod:`web.sparql`): ``ALLIANCE_SPARQL_TIMEOUT`` (s),
``ALLIANCE_SPARQL_MAX_RESULT_BYTES``, ``ALLIANCE_SPARQL_MAX_REQUEST_BYTES``,
``ALLIANCE_SPARQL_WORKERS`` (query processes of the embedded store), ``ALLIANCE_GSP_MAX_BYTES``
(Graph Store uploads), ``ALLIANCE_SEARCH_SYNC`` (false: start without first bringing a stale search
index up to date, which on a large store takes long; search shows what the index holds), each also
read from the environment.
The catalogue is opened once per app: pyoxigraph allows one writing process. In a worker of the
pre-fork server (:mod:`web.prefork`) ``ALLIANCE_WRITER`` is the writer process's socket: the app
reads published checkpoints and passes writes to the writer (:mod:`web.forward`).
"""

from __future__ import annotations

import atexit
import os

from flask import Flask

from graph.catalogue import DEFAULT_DATA, Catalogue
from graph.index import Searcher
from web import (
    checklist,
    context,
    errors,
    forward,
    home,
    linkeddata,
    locallit,
    protocol,
    reports,
    resources,
    search,
    sparql,
    writes,
)
from web.fastlane import FastLane
from web.urls import Urls


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        ALLIANCE_DATA=os.environ.get("ALLIANCE_DATA") or DEFAULT_DATA,
        ALLIANCE_BASE=os.environ.get("ALLIANCE_BASE"),
        ALLIANCE_CATALOGUE=None,
        JSON_AS_ASCII=False,
    )
    for key, default in {**protocol.DEFAULTS, "ALLIANCE_GSP_MAX_BYTES": writes.DEFAULT_GSP_MAX_BYTES}.items():
        app.config[key] = type(default)(os.environ.get(key) or default)
    sync = os.environ.get("ALLIANCE_SEARCH_SYNC", "1").lower()
    app.config["ALLIANCE_SEARCH_SYNC"] = sync not in ("0", "false", "no")
    app.config.update(config or {})
    catalogue = app.config["ALLIANCE_CATALOGUE"]
    if catalogue is None:
        catalogue = Catalogue.open(app.config["ALLIANCE_DATA"], app.config["ALLIANCE_BASE"])
        atexit.register(_closer(catalogue))
    if hasattr(catalogue.store, "start_query_workers") and int(app.config["ALLIANCE_SPARQL_WORKERS"]) > 0:
        catalogue.store.start_query_workers(int(app.config["ALLIANCE_SPARQL_WORKERS"]))
    if app.config["ALLIANCE_SEARCH_SYNC"] and not catalogue.search.is_current(catalogue.store):
        # loaded without the CLI (or never indexed)
        app.logger.warning("bringing the search index up to date with the store")
        catalogue.sync_search()
    app.extensions["alliance"] = context.State(
        catalogue=catalogue, urls=Urls(catalogue.minter), searcher=Searcher(catalogue.search)
    )
    context.init_app(app)
    if app.config.get("ALLIANCE_WRITER"):
        forward.init_app(app)
    for module in (home, search, resources, linkeddata, sparql, reports, checklist, writes, locallit):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    # repeated /sparql lookups skip Flask's machinery
    app.wsgi_app = FastLane(app, app.wsgi_app)  # type: ignore[method-assign]  # Flask's way to add WSGI middleware
    return app


def _closer(catalogue: Catalogue):
    closed: list[bool] = []

    def close():
        if not closed:
            closed.append(True)
            catalogue.close()

    return close


__all__ = ["create_app"]
