"""Writes: SPARQL Update at ``/sparql`` and the Graph Store HTTP Protocol at ``/graph-store``.

Every write needs ``Authorization: Bearer <token>`` (:mod:`graph.alliance.tokens`): none or an
unknown one is a 401; a member token reaches only graphs under
``{base}graph/{member}/`` and gets a 403 anywhere else; an admin token reaches every
graph and the store's default graph. A named graph that is written becomes an active
batch graph of the catalogue (of its member), so queries see it at once.

Updates are checked before they run: rdflib's SPARQL Update parser lists every graph
the update writes (:mod:`graph.store.updates`); anything a member may not write, or
cannot be proven safe (``GRAPH ?g`` in a template, ``CLEAR ALL``, ``\\u`` escapes,
relative IRIs, ``BASE``), is refused. DELETE/INSERT … WHERE reads the union of member
graphs (or ``using-graph-uri``/``using-named-graph-uri``), and each WHERE clause is
first counted in a query worker under the time limit: a WHERE that would run away is
refused before the store is touched. ``LOAD`` and ``SERVICE`` are refused (they
fetch URLs).
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from typing import Iterator

from flask import Blueprint, Response, current_app, request
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, serialize
from werkzeug.exceptions import RequestEntityTooLarge

from graph.formats import BY_MEDIA_TYPE, GRAPH_SERIALISATIONS, graph_serialisation
from graph.store.answers import BoundedWriter, QueryFailed, QueryTooLarge
from graph.store import scratch
from graph.store.base import RdfFile, StoreError
from graph.store.updates import ANY, DEFAULT, UpdateRejected, effects, where_queries, with_dataset
from graph.alliance.tokens import Grant, TokenStore
from graph.load.xmlsafe import GuardedRdfXml, XMLRefused
from web.context import state, store
from web.negotiation import NotAcceptable, choose
from web.protocol import CORS_HEADERS, FORMAT_PARAMS, ProtocolError, limits
from web.sparql_guard import update_refusal
from vocab.namespaces import PREFIXES

bp = Blueprint("graph_store", __name__)

DEFAULT_GSP_MAX_BYTES = 64 * 1024 * 1024  # bounds a replace that changes every triple: docs/sparql.md
UPLOAD_BLOCK = 1 << 20
REALM = 'Bearer realm="alliance-graph"'
_IRI_TOKEN = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class Denied(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _text(status: int, message: str, **headers) -> Response:
    response = Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return response


def denial(err: Denied) -> Response:
    headers = {"WWW-Authenticate": REALM} if err.status == 401 else {}
    return _text(err.status, str(err), **headers)


# who is asking -------------------------------------------------------------------------------
def tokens() -> TokenStore:
    """The catalogue's tokens: its data directory's file, or the shared SPARQL server's (every web node's)."""
    return state().catalogue.tokens


def authenticate() -> Grant:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise Denied(401, "writes need a token: send Authorization: Bearer <token> (made with `alliance token create`)")
    if scheme.lower() != "bearer" or not token.strip():
        raise Denied(401, "send the token as Authorization: Bearer <token>")
    grant = tokens().verify(token.strip())
    if grant is None:
        raise Denied(401, "this token is not known (revoked, or from another data directory)")
    if grant.member:
        from graph.alliance.members import get_member

        if get_member(store(), grant.member) is None:
            raise Denied(403, f"the token's member {grant.member} is no longer a member of the alliance")
    return grant


def may_write(grant: Grant, graph: str) -> bool:
    """Whether ``grant`` may write ``graph`` (an IRI, DEFAULT or ANY)."""
    if grant.admin:
        return True
    if graph in (DEFAULT, ANY) or grant.member is None:  # a token is an admin's or a member's
        return False
    prefix = state().catalogue.minter.member_graphs(grant.member)
    rest = graph[len(prefix) :]
    # dot segments, also percent-encoded (%2e%2e normalises to ..) or behind a backslash, could
    # name another member's graph to anyone who normalises the IRI: refused
    segments = "/" + rest.lower().replace("%2e", ".").replace("\\", "/") + "/"
    return graph.startswith(prefix) and bool(rest) and "/../" not in segments and "/./" not in segments


def _describe(graph: str) -> str:
    return {DEFAULT: "the default graph", ANY: "every graph (ALL, NAMED or GRAPH ?g)"}.get(graph, f"<{graph}>")


def _member_text_checks(update: str) -> None:
    """What a member's update may not contain, because the two parsers could read it differently."""
    from graph.store.sparqltext import code_only, keyword

    if "\\u" in update or "\\U" in update:
        raise Denied(403, "member updates may not use \\u escapes: write the characters themselves (UTF-8)")
    if keyword("BASE").search(code_only(update)):
        raise Denied(403, "member updates may not use BASE: write absolute IRIs")
    for m in _IRI_TOKEN.finditer(update):
        if not _ABSOLUTE.match(m.group(1)):
            raise Denied(403, f"member updates may use only absolute IRIs, not <{m.group(1)}>")


# SPARQL Update ---------------------------------------------------------------------------------
def run_update(text: str, dataset: dict) -> Response:
    """Run an update sent to /sparql (form or direct POST)."""
    try:
        grant = authenticate()
        refused = update_refusal(text)
        if refused:
            return _text(400, refused)
        if not grant.admin:
            _member_text_checks(text)
        st = store()
        minter = state().catalogue.minter
        base_iri = request.base_url
        using = [g.value for g in dataset.get("using_graphs", [])]
        using_named = [g.value for g in dataset.get("using_named_graphs", [])]
        if using or using_named:
            text = with_dataset(text, using, using_named, protocol=True)
        else:
            active = [g.value for g in st.active_graphs()]
            text = with_dataset(text, active, active, protocol=False)
        found = effects(text, base_iri)
        if found.loads:
            return _text(400, "LOAD is not allowed at this endpoint")
        for graph in found.writes:
            if not may_write(grant, graph):
                where = minter.member_graphs(grant.member or "")
                raise Denied(
                    403,
                    f"a {grant.member} token may write only graphs under <{where}>; "
                    f"this update writes {_describe(graph)}",
                )
        for query in where_queries(text):
            try:
                st.answer(query, limits=limits(), base_iri=base_iri)
            except QueryFailed as err:
                return _text(err.status, f"the update's WHERE clause cannot be run: {err}; nothing was changed")
        iris = [g for g in found.writes if g not in (DEFAULT, ANY)]
        members = {g: grant.member or (minter.graph_member(g) or "").upper() or None for g in iris}
        st.run_update(
            text,
            base_iri=base_iri,
            writes=iris,
            drops=[g for g in found.drops if g in iris],
            members=members,
            reconcile=ANY in found.writes,
        )
        _search_follows(iris)
    except Denied as err:
        return denial(err)
    except UpdateRejected as err:
        return _text(400, str(err))
    except SyntaxError as err:
        return _text(400, f"update syntax error: {err}")
    except (StoreError, OSError, RuntimeError, ValueError) as err:
        return _text(500, f"the update failed, nothing was changed: {err}")
    return Response(status=204)


# Graph Store HTTP Protocol -------------------------------------------------------------------------
def _target(direct: str | None):
    """The graph a Graph Store request names: DefaultGraph, a NamedNode, or None (POST: a new graph)."""
    if direct is not None:
        return NamedNode(request.base_url)
    has_default = "default" in request.args
    graphs = request.args.getlist("graph")
    if has_default and graphs:
        raise ProtocolError("give either ?default or ?graph=IRI, not both")
    if len(graphs) > 1:
        raise ProtocolError("give one ?graph=IRI")
    if has_default:
        return DefaultGraph()
    if graphs:
        try:
            return NamedNode(graphs[0])
        except ValueError as err:
            raise ProtocolError(f"?graph= is not an IRI: {err}") from err
    return None


def _graph_name(graph) -> str:
    return DEFAULT if isinstance(graph, DefaultGraph) else graph.value


@bp.route("/graph-store", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
@bp.route("/graph-store/<path:direct>", methods=["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store(direct: str | None = None):
    if request.method == "OPTIONS":
        response = Response(status=204)
        response.headers.update(CORS_HEADERS)
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Allow"] = "GET, HEAD, PUT, POST, DELETE, OPTIONS"
        return response
    try:
        graph = _target(direct)
        if request.method in ("GET", "HEAD"):
            if graph is None:
                raise ProtocolError("name the graph: ?graph=IRI or ?default")
            return _read(graph)
        grant = authenticate()
        if graph is None:
            if request.method != "POST":
                raise ProtocolError("name the graph: ?graph=IRI or ?default")
            return _create(grant)
        name = _graph_name(graph)
        if graph == state().catalogue.minter.alliance_graph:
            raise Denied(403, "the alliance graph (members and batches) is kept by the catalogue itself")
        if not may_write(grant, name):
            raise Denied(
                403,
                f"a {grant.member} token may write only graphs under "
                f"<{state().catalogue.minter.member_graphs(grant.member or '')}>, not {_describe(name)}",
            )
        member = grant.member or (state().catalogue.minter.graph_member(name) or "").upper() or None
        if request.method == "DELETE":
            if not store().delete_graph(graph):
                return _text(404, f"there is no graph {_describe(name)}")
            _search_follows([name])
            return Response(status=204)
        created = _load(request.method, graph, request.base_url if name == DEFAULT else name, member)
        _search_follows([name])
        return Response(status=201 if created else 204)
    except Denied as err:
        return denial(err)
    except ProtocolError as err:
        return _text(err.status, str(err))
    except StoreError as err:
        return _text(500, f"the write failed, nothing was changed: {err}")


def _read(graph) -> Response:
    if not store().graph_exists(graph):
        return _text(404, f"there is no graph {_describe(_graph_name(graph))}")
    offers = [(mt, s) for s in GRAPH_SERIALISATIONS for mt in s.media_types]
    try:
        rep = choose(offers, graph_serialisation, FORMAT_PARAMS, strict=False)
    except NotAcceptable:  # "text/turtle; charset=utf-8" names a type we have, with a parameter
        wanted = [part.split(";")[0].strip().lower() for part in request.headers.get("Accept", "").split(",")]
        rep = next((s for mt in wanted for s in GRAPH_SERIALISATIONS if mt in s.media_types), None)
        if rep is None:
            raise
    out = BoundedWriter(int(current_app.config["ALLIANCE_SPARQL_MAX_RESULT_BYTES"]))
    try:
        serialize(
            store().graph_triples(graph),
            out,  # type: ignore[arg-type]  # any writer will do
            rep.format,
            prefixes=dict(PREFIXES),
        )
    except QueryTooLarge as err:
        return _text(413, str(err))
    body = out.getvalue()
    response = Response(b"" if request.method == "HEAD" else body, mimetype=rep.media_type)
    if rep.media_type.startswith("text/") or "json" in rep.media_type or "xml" in rep.media_type:
        response.content_type = f"{rep.media_type}; charset=utf-8"
    response.content_length = len(body)
    response.vary.add("Accept")
    response.headers.update(CORS_HEADERS)
    return response


def _create(grant: Grant) -> Response:
    """POST to the Graph Store itself: a new graph (a new batch of the member's), named in Location."""
    import uuid

    minter = state().catalogue.minter
    if grant.member:
        graph = minter.batch_graph(grant.member, uuid.uuid4().hex[:12])
    else:
        graph = NamedNode(f"{minter.base}graph/posted-{uuid.uuid4().hex[:12]}")
    _load("PUT", graph, graph.value, grant.member)
    _search_follows([graph.value])
    response = Response(status=201)
    response.headers["Location"] = graph.value
    return response


def _search_follows(graphs) -> None:
    """Re-derive the search index's works that the written graphs mention (now or before the write)."""
    try:
        state().catalogue.sync_search(touched=[g for g in graphs if g not in (DEFAULT, ANY)])
    except Exception:  # noqa: BLE001 - the write stands; the next sync (or a rebuild) catches up
        current_app.logger.exception("the search index could not follow a write")


def _max_bytes() -> int:
    return int(current_app.config.get("ALLIANCE_GSP_MAX_BYTES", DEFAULT_GSP_MAX_BYTES))


@contextmanager
def _uploaded(base: str) -> Iterator[list[RdfFile]]:
    """The RDF in the request body (or each part of a multipart form), streamed to temporary files.

    Reads are bounded (1 MiB at a time) and the size limit is enforced while streaming (413),
    so neither the body nor its triples are ever held in memory; the store bulk-loads the files.
    RDF/XML is checked for unsafe entities on the way to disk. The files go when the block ends; their
    folder is a scratch folder of the data directory (:mod:`graph.store.scratch`), collected if the process dies.
    """
    limit = _max_bytes()
    if request.content_length is not None and request.content_length > limit:
        raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413)
    data_dir = state().catalogue.data_dir  # a scratch folder there, collected if this process is killed
    scratch.clear_orphans(data_dir)
    folder = str(scratch.scratch_dir(data_dir, "upload"))
    try:
        if request.mimetype == "multipart/form-data":
            request.max_content_length = limit  # werkzeug spools each part to a file; it stops past the limit
            try:
                parts = [(f.mimetype, f.stream) for f in request.files.values()]
            except RequestEntityTooLarge as err:
                raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413) from err
            if not parts:
                raise ProtocolError("the multipart form holds no file")
        else:
            parts = [(request.mimetype, request.stream)]
        files, total = [], 0
        for i, (mimetype, stream) in enumerate(parts):
            rep = BY_MEDIA_TYPE.get(mimetype or "")
            if rep is None or rep.quads:
                known = ", ".join(sorted({mt for s in GRAPH_SERIALISATIONS for mt in s.media_types} | {"text/n3"}))
                raise ProtocolError(
                    f"send the graph as one of {known}, not {mimetype or 'a body without Content-Type'}", 415
                )
            path = os.path.join(folder, f"part-{i}")
            with open(path, "wb") as out:
                guard = GuardedRdfXml(stream, "the body") if rep.format == RdfFormat.RDF_XML else stream
                while True:  # pyoxigraph expands RDF/XML entities without a limit: the guard refuses them
                    try:
                        block = guard.read(UPLOAD_BLOCK)
                    except XMLRefused as err:
                        raise ProtocolError(f"{err}; nothing was changed") from err
                    if not block:
                        break
                    total += len(block)
                    if total > limit:
                        raise ProtocolError(f"the request body is larger than the limit of {limit:,} bytes", 413)
                    out.write(block)
            files.append(RdfFile(path, rep.format, base if rep.format != RdfFormat.N_TRIPLES else None))
        yield files
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _load(method: str, graph, base: str, member: str | None) -> bool:
    """PUT (replace) or POST (add) the request body into ``graph``; True if the graph is new."""
    with _uploaded(base) as files:
        try:
            if method == "PUT":
                return store().put_graph_files(graph, files, member=member)
            return store().post_graph_files(graph, files, member=member)
        except SyntaxError as err:
            raise ProtocolError(f"the body has a syntax error: {err}; nothing was changed") from err
