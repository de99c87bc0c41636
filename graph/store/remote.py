"""The scale-out store: the same :class:`Store` over any SPARQL 1.1 server (Oxigraph server, Virtuoso…).

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol), bulk data through
the Graph Store HTTP Protocol (requests). Batches are named graphs there too: a batch is
POSTed into a graph of its own while inactive (no query names it), then switched on by
one SPARQL Update that registers it in the alliance graph; queries name the active
graphs as ``default-graph-uri``/``named-graph-uri``. Client queries (:meth:`answer`) are
passed through with the client's format, bounded by an HTTP timeout and a size cap.

Several processes may write through one server (``alliance ingest`` beside ``alliance serve``), so
an inactive batch graph is not a crashed load's by itself: a writer holds a *lease* on the graph it
fills (``alliance:leaseUntil`` in the graph ``{base}leases``, by the server's clock, renewed while it
writes). Opening the store for
writing collects inactive batch graphs whose lease ran out (or that never had one).

Address: ``sparql+http://HOST:PORT[/PATH]?flavour=oxigraph|virtuoso[&user=U&password=P][&lease=S]``
(or ``sparql+https``); ``query=``, ``update=`` and ``store=`` override the endpoint paths; ``lease``
is how many seconds a silent writer's graph is kept (default 600).
Flavours: ``oxigraph`` (``/query``, ``/update``, ``/store``) and ``virtuoso``
(``/sparql``, ``/sparql-auth`` and ``/sparql-graph-crud-auth`` with HTTP digest auth).
Virtuoso caps every result at ``ResultSetMaxRows`` (10,000 by default, silently): set it
above the largest answer you expect.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence, TypedDict
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from graph import faults
from graph.identity.uris import Minter
from graph.store.answers import Answer, BoundedWriter, Limits, QueryFailed, QuerySyntaxError, QueryTimeout
from graph.store import registry
from graph.store.base import ABOUT_CHUNK, Batch, Store, StoreError, Triple
from graph.store.sparqltext import has_dataset_clause
from vocab.namespaces import ALLIANCE, XSD

CHUNK = 20_000  # triples per Graph Store POST
ACTIVE_TTL_S = 2.0  # other processes may switch batches on: re-read the list this often
LEASE_S = 600.0  # an inactive graph whose writer was silent this long is a crashed load's


class Flavour(TypedDict):
    """Where a kind of SPARQL server answers (paths under its root) and how it asks for credentials."""

    query: str
    update: str
    store: str
    auth: str | None


FLAVOURS: dict[str, Flavour] = {
    "oxigraph": {"query": "/query", "update": "/update", "store": "/store", "auth": None},
    "virtuoso": {"query": "/sparql", "update": "/sparql-auth", "store": "/sparql-graph-crud-auth", "auth": "digest"},
}
RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


ASK_VARIABLE = "__ASK_RETVAL"  # Virtuoso answers ASK as a one-column table


def _boolean_fix(results):
    """Virtuoso's ASK answer (a table of ``__ASK_RETVAL``) as the boolean it stands for."""
    if isinstance(results, ox.QuerySolutions) and [v.value for v in results.variables] == [ASK_VARIABLE]:
        rows = list(results)
        truth = bool(rows) and rows[0][ASK_VARIABLE] is not None and rows[0][ASK_VARIABLE].value not in ("0", "false")
        return ox.parse_query_results(
            b'{"head":{},"boolean":%s}' % (b"true" if truth else b"false"), format=ox.QueryResultsFormat.JSON
        )
    return results


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str
    store: str
    user: str | None = None
    password: str | None = None
    auth: str | None = None
    lease_s: float = LEASE_S

    @classmethod
    def parse(cls, url: str) -> "Endpoints":
        parts = urlsplit(url)
        if not parts.scheme.startswith("sparql+"):
            raise StoreError(f"{url}: a remote store is addressed as sparql+http://host:port/…")
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        flavour = params.get("flavour", "oxigraph")
        if flavour not in FLAVOURS:
            raise StoreError(f"{url}: flavour must be one of {', '.join(FLAVOURS)}")
        preset = FLAVOURS[flavour]
        root = f"{parts.scheme[len('sparql+') :]}://{parts.netloc}{parts.path.rstrip('/')}"
        return cls(
            query=root + params.get("query", preset["query"]),
            update=root + params.get("update", preset["update"]),
            store=root + params.get("store", preset["store"]),
            user=params.get("user"),
            password=params.get("password"),
            auth=params.get("auth", preset["auth"]) if params.get("user") else None,
            lease_s=float(params.get("lease", LEASE_S)),
        )


class RemoteStore(Store):
    """A :class:`Store` on a SPARQL 1.1 server."""

    def __init__(self, url: str, minter: Minter, *, timeout_s: float = 600.0, read_only: bool = False):
        import requests

        self.location = url
        self.minter = minter
        self.endpoints = Endpoints.parse(url)
        self.timeout_s = timeout_s
        self._http = requests.Session()
        if self.endpoints.user:
            from requests.auth import HTTPBasicAuth, HTTPDigestAuth

            kind = HTTPDigestAuth if self.endpoints.auth == "digest" else HTTPBasicAuth
            self._http.auth = kind(self.endpoints.user, self.endpoints.password or "")
        self._write_lock = threading.Lock()
        self._active: tuple[float, list[ox.NamedNode]] | None = None
        try:
            self._select(f"ASK {{ GRAPH {minter.alliance_graph} {{ ?s ?p ?o }} }}")
        except StoreError as err:
            raise StoreError(f"cannot reach the SPARQL server at {self.endpoints.query}: {err}") from err
        if not read_only:  # as the embedded store: a crashed load's inactive graph goes when a writer opens
            self.collect_garbage()

    # the protocol ---------------------------------------------------------------------------------
    def _wrapper(self, endpoint: str):
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
        from SPARQLWrapper import DIGEST, BASIC

        sparql = SPARQLWrapper(endpoint)
        sparql.setMethod(POST)
        sparql.setRequestMethod(URLENCODED)
        sparql.setTimeout(int(self.timeout_s))
        if self.endpoints.user:
            sparql.setHTTPAuth(DIGEST if self.endpoints.auth == "digest" else BASIC)
            sparql.setCredentials(self.endpoints.user, self.endpoints.password or "")
        return sparql

    def _select(self, sparql: str, default_graph=None, named_graphs=None):
        """SELECT/ASK through SPARQLWrapper; pyoxigraph results."""
        from SPARQLWrapper import JSON
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        wrapper = self._wrapper(self.endpoints.query)
        wrapper.setQuery(sparql)
        wrapper.setReturnFormat(JSON)
        for g in default_graph or ():
            wrapper.addDefaultGraph(g.value)
        for g in named_graphs or ():
            wrapper.addNamedGraph(g.value)
        try:
            body = wrapper.query().response.read()
        except QueryBadFormed as err:
            raise SyntaxError(str(err)) from err
        except (SPARQLWrapperException, OSError) as err:
            raise StoreError(f"query failed at {self.endpoints.query}: {err}") from err
        return _boolean_fix(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON))

    def _update(self, sparql: str) -> None:
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        wrapper = self._wrapper(self.endpoints.update)
        wrapper.setQuery(sparql)
        try:
            wrapper.query().response.read()
        except QueryBadFormed as err:
            raise SyntaxError(str(err)) from err
        except (SPARQLWrapperException, OSError) as err:
            raise StoreError(f"update failed at {self.endpoints.update}: {err}") from err
        finally:
            self._active = None

    def _gsp(self, method: str, graph, data: bytes | None = None, accept: str | None = None):
        import requests

        params = {"default": ""} if isinstance(graph, ox.DefaultGraph) else {"graph": graph.value}
        headers = {}
        if data is not None:
            headers["Content-Type"] = "application/n-triples"
        if accept:
            headers["Accept"] = accept
        try:
            return self._http.request(
                method, self.endpoints.store, params=params, data=data, headers=headers, timeout=self.timeout_s
            )
        except requests.RequestException as err:
            raise StoreError(f"{method} {self.endpoints.store} failed: {err}") from err

    def _post_triples(self, graph, triples: Iterable[Triple], *, leased: bool = False) -> int:
        count = 0
        chunk: list[str] = []  # N-Triples lines
        renewed = time.monotonic()

        def flush():
            nonlocal renewed
            if leased and time.monotonic() - renewed > self.endpoints.lease_s / 4:
                self._lease(graph)
                renewed = time.monotonic()
            if chunk:
                response = self._gsp("POST", graph, "".join(chunk).encode("utf-8"))
                if response.status_code >= 300:
                    raise StoreError(
                        f"Graph Store POST to <{graph}> answered {response.status_code}: {response.text[:300]}"
                    )
                chunk.clear()

        for s, p, o in triples:
            chunk.append(f"{s} {p} {o} .\n")
            count += 1
            if len(chunk) >= CHUNK:
                flush()
        flush()
        return count

    # reading ---------------------------------------------------------------------------------------
    def active_graphs(self) -> list[ox.NamedNode]:
        cached = self._active
        if cached and time.monotonic() - cached[0] < ACTIVE_TTL_S:
            return cached[1]
        ag = self.minter.alliance_graph
        rows = self._select(
            f'SELECT ?g WHERE {{ GRAPH {ag} {{ ?g {ALLIANCE.active} ?on }} FILTER(STR(?on) = "true") }}'
        )
        graphs = sorted({r["g"] for r in rows if isinstance(r["g"], ox.NamedNode)}, key=lambda g: g.value)
        active = [ag, *graphs]
        self._active = (time.monotonic(), active)
        return active

    def query(self, sparql, *, default_graph=None, named_graphs=None, base_iri=None):
        if base_iri:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        if default_graph is None and named_graphs is None and has_dataset_clause(sparql):
            return self._select(sparql)
        active = self.active_graphs()
        default = [
            g for g in (default_graph if default_graph is not None else active) if not isinstance(g, ox.DefaultGraph)
        ]
        return self._select(sparql, default, named_graphs if named_graphs is not None else active)

    def answer(
        self,
        query,
        *,
        default_graph=None,
        named_graphs=None,
        results_format="json",
        graph_format="turtle",
        limits=None,
        base_iri=None,
        deadline: float | None = None,
    ) -> Answer:
        """The client's query passed through to the server in the client's format, bounded (by ``limits``'
        time, or ``deadline`` if that comes first)."""
        import requests

        from graph.formats import BY_NAME, RESULTS_BY_NAME

        limits = limits or Limits()
        results_rep, graph_rep = RESULTS_BY_NAME[results_format], BY_NAME[graph_format]
        if base_iri:
            query = f"BASE <{base_iri}>\n{query}"
        data = [("query", query)]
        if default_graph is None and named_graphs is None and has_dataset_clause(query):
            pass
        else:
            active = self.active_graphs()
            default = default_graph if default_graph is not None else active
            named = named_graphs if named_graphs is not None else active
            data += [("default-graph-uri", g.value) for g in default if not isinstance(g, ox.DefaultGraph)]
            data += [("named-graph-uri", g.value) for g in named]
        accept = f"{results_rep.media_type}, {graph_rep.media_type};q=0.9"
        try:
            with self._http.post(
                self.endpoints.query, data=data, headers={"Accept": accept}, stream=True, timeout=limits.timeout_s
            ) as response:
                deadline = min(time.monotonic() + limits.timeout_s, deadline or float("inf"))
                out = BoundedWriter(limits.max_result_bytes)
                for chunk in response.iter_content(64 * 1024):
                    out.write(chunk)
                    if time.monotonic() > deadline:
                        raise QueryTimeout(
                            f"the query ran past the time limit of {limits.timeout_s:g} s and was stopped"
                        )
                media = response.headers.get("Content-Type", "").split(";")[0].strip()
                status = response.status_code
        except requests.Timeout as err:
            raise QueryTimeout(f"the query ran past the time limit of {limits.timeout_s:g} s and was stopped") from err
        except requests.RequestException as err:
            raise QueryFailed(f"the SPARQL server failed: {err}") from err
        body = out.getvalue()
        if status == 400:
            raise QuerySyntaxError(f"query syntax error: {body.decode('utf-8', 'replace').strip()}")
        if status >= 300:
            raise QueryFailed(f"the SPARQL server answered {status}: {body.decode('utf-8', 'replace')[:500]}")
        if media in ("text/csv", "text/tab-separated-values"):  # lossy: pyoxigraph will not parse them back
            return Answer("solutions", results_rep.name, results_rep.media_type, body)
        if media == results_rep.media_type or media in RESULT_TYPES:
            results = _boolean_fix(ox.parse_query_results(body, format=RESULT_TYPES.get(media, results_rep.format)))
            if isinstance(results, ox.QueryBoolean):
                return Answer(
                    "boolean",
                    results_rep.name,
                    results_rep.media_type,
                    results.serialize(format=results_rep.format) or b"",
                )  # bytes when no output is given
            return Answer("solutions", results_rep.name, results_rep.media_type, body)
        return Answer("graph", graph_rep.name, graph_rep.media_type, body)

    def quads_in(self, graph: ox.NamedNode) -> Iterator[ox.Quad]:
        for t in self.graph_triples(graph):
            yield ox.Quad(t.subject, t.predicate, t.object, graph)

    def graph_triples(self, graph) -> Iterator[ox.Triple]:
        response = self._gsp("GET", graph, accept="application/n-triples")
        if response.status_code == 404:
            return iter(())
        if response.status_code >= 300:
            raise StoreError(f"Graph Store GET <{graph}> answered {response.status_code}")
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        fmt = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}.get(
            media, ox.RdfFormat.N_TRIPLES
        )
        return iter(list(ox.parse(response.content, format=fmt)))

    def query_every_graph(self, sparql: str):
        return self._select(sparql)

    def about(self, pairs: list[tuple]) -> Iterator[tuple]:
        for start in range(0, len(pairs), ABOUT_CHUNK):
            part = " ".join(f"({s} {g})" for s, g in pairs[start : start + ABOUT_CHUNK])
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?g) {{ {part} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            for r in self._select(query):
                yield r["s"], r["p"], r["o"], r["g"]

    def batches(self, member: str | None = None) -> list[Batch]:
        ag = self.minter.alliance_graph
        rows = self._select(f"""SELECT ?g ?p ?o WHERE {{ GRAPH {ag} {{
            ?g {ALLIANCE.active} ?on ; ?p ?o }} FILTER(STR(?on) = "true") }}""")
        props: dict = {}
        for r in rows:
            props.setdefault(r["g"], {}).setdefault(r["p"].value, []).append(r["o"])
        batches = (registry.batch_from(self.minter, g, props[g]) for g in sorted(props, key=lambda g: g.value))
        return [b for b in batches if registry.of_member(b, member)]

    # writing ---------------------------------------------------------------------------------------
    def write_batch(
        self,
        member,
        triples,
        *,
        replace=False,
        fingerprint=None,
        sources=(),
        graph=None,
        renames=None,
        index_generation=None,
        derive=None,
    ) -> Batch:
        with self._write_lock:
            if graph is None:
                if member is None:
                    raise StoreError("a batch needs a member or a graph")
                graph = self.minter.batch_graph(member, uuid.uuid4().hex[:12])
            batch = Batch(
                graph=graph,
                member=member.upper() if member else None,
                sources=list(sources),
                fingerprint=fingerprint,
                index_generation=index_generation,
            )
            if graph in self.active_graphs():
                raise StoreError(f"graph <{graph.value}> already holds data; load it with replace")
            try:
                self._lease(graph)
                batch.triples = self._post_triples(graph, triples, leased=True)
                faults.point("store.written")
                batch.replaced = [
                    b.graph
                    for b in self.batches(member)
                    if member and (replace or (fingerprint and b.fingerprint == fingerprint))
                ]
                renamed = list(renames()) if renames else []
                rewrite = self._rewrite(batch, renamed)
                if derive is not None:
                    derived = self._union_changes(derive, batch, renamed)
                    if derived.duplicates:  # the batch is still inactive: no transaction needed
                        self._update(" ;\n".join(registry.delete_quads(derived.duplicates)))
                    batch.triples += self._post_triples(graph, derived.triples, leased=True) - len(derived.duplicates)
                    rewrite += registry.delete_quads(derived.deletions)
            except Exception as err:
                self._drop([graph])
                raise StoreError(str(err)) from err
            self._switch(batch, rewrite)
            self._drop(batch.replaced)
            return batch

    def replace_graph(self, graph, triples, *, sources=()) -> Batch:
        staged = list(triples)
        with self._write_lock:
            if graph in self.active_graphs():
                self._update(f"{registry.unregister(self.minter, graph)} ;\nDROP SILENT GRAPH {graph}")
        return self.write_batch(None, staged, graph=graph, sources=sources)

    def set_alliance_triples(self, subject, triples) -> None:
        ag = self.minter.alliance_graph
        body = " ".join(f"{s} {p} {o} ." for s, p, o in triples)
        with self._write_lock:
            self._update(
                f"DELETE WHERE {{ GRAPH {ag} {{ {subject} ?p ?o }} }} ;\nINSERT DATA {{ GRAPH {ag} {{ {body} }} }}"
            )

    def collect_garbage(self) -> int:
        """Drop inactive batch graphs whose writer's lease ran out (or that never had one): crashed loads'."""
        with self._write_lock:
            keep = set(self.active_graphs())
            prefix = self.minter.base + "graph/"
            rows = self._select(
                f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
            )
            live, expired = self._leases()
            stale = {r["g"] for r in rows if r["g"] not in keep and r["g"] not in live} | (expired - keep)
            self._drop(sorted(stale, key=lambda g: g.value))
            if expired & keep:  # a lease a switch should have ended: the graph is active, keep it
                self._update(" ;\n".join(self._unlease(g) for g in expired & keep))
            return len(stale)

    def _server_now(self) -> datetime:
        (row,) = list(self._select("SELECT (NOW() AS ?now) WHERE {}"))
        return _instant(row["now"].value)

    def _lease(self, graph) -> None:
        """Claim (or renew) the lease on an inactive graph this process is filling (by the server's clock)."""
        until = (self._server_now() + timedelta(seconds=self.endpoints.lease_s)).isoformat()
        self._update(
            f"{self._unlease(graph)} ;\nINSERT DATA {{ GRAPH {self.minter.lease_graph} {{ "
            f"{graph} {ALLIANCE.leaseUntil} {ox.Literal(until, datatype=XSD.dateTime)} }} }}"
        )

    def _leases(self) -> tuple[set, set]:
        """(graphs a writer still holds, graphs whose lease ran out), by the server's clock."""
        rows = self._select(
            f"SELECT ?g ?until WHERE {{ GRAPH {self.minter.lease_graph} {{ ?g {ALLIANCE.leaseUntil} ?until }} }}"
        )
        now = self._server_now()
        live: set[ox.NamedNode] = set()
        expired: set[ox.NamedNode] = set()
        for r in rows:
            try:
                over = now > _instant(r["until"].value)
            except (ValueError, TypeError):  # unreadable: never drop what may be a live writer's
                over = False
            (expired if over else live).add(r["g"])
        return live, expired

    def _rewrite(self, batch: Batch, renames: list) -> list[str]:
        """Updates that move retired IRIs (and their fragments) to their survivors in the affected graphs."""
        if not renames:
            return []
        owner = {b.graph: b.member for b in self.batches()}
        owner[batch.graph] = batch.member
        graphs = [g for g in self.active_graphs()[1:] if g not in batch.replaced] + [batch.graph]
        ops = []
        for r in renames:
            for g in graphs:
                if r.members is not None and (owner.get(g) or "") not in r.members:
                    continue
                old, new = r.old.value, r.new.value
                moved_s = f'IRI(CONCAT("{new}", SUBSTR(STR(?s), {len(old) + 1})))'
                moved_o = f'IRI(CONCAT("{new}", SUBSTR(STR(?o), {len(old) + 1})))'
                match_s = f'(?s = <{old}> || STRSTARTS(STR(?s), "{old}#"))'
                match_o = f'(isIRI(?o) && (?o = <{old}> || STRSTARTS(STR(?o), "{old}#")))'
                ops.append(
                    f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} INSERT {{ GRAPH {g} {{ ?s2 ?p ?o }} }} "
                    f"WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER{match_s} BIND({moved_s} AS ?s2) }}"
                )
                ops.append(
                    f"DELETE {{ GRAPH {g} {{ ?s ?p ?o }} }} INSERT {{ GRAPH {g} {{ ?s ?p ?o2 }} }} "
                    f"WHERE {{ GRAPH {g} {{ ?s ?p ?o }} FILTER{match_o} BIND({moved_o} AS ?o2) }}"
                )
        return ops

    def _switch(self, batch: Batch, rewrite: Sequence[str] = ()) -> None:
        self._update(registry.switch(self.minter, batch, [*rewrite, self._unlease(batch.graph)]))

    def _unlease(self, graph) -> str:
        return f"DELETE WHERE {{ GRAPH {self.minter.lease_graph} {{ {graph} {ALLIANCE.leaseUntil} ?t }} }}"

    def _drop(self, graphs) -> None:
        if graphs:
            self._update(" ;\n".join(f"DROP SILENT GRAPH {g} ;\n{self._unlease(g)}" for g in graphs))

    # writes over the protocols -------------------------------------------------------------------------
    def graph_exists(self, graph) -> bool:
        return isinstance(graph, ox.DefaultGraph) or graph in self.active_graphs()

    def put_graph(self, graph, triples, *, member=None) -> bool:
        staged = list(triples)
        with self._write_lock:
            new = not self.graph_exists(graph)
            if isinstance(graph, ox.DefaultGraph):
                self._update("CLEAR SILENT DEFAULT")
                self._post_triples(graph, staged)
                return new
            if new:  # invisible until registered: write, then switch on
                self._update(f"DROP SILENT GRAPH {graph}")
                self._lease(graph)
                self._post_triples(graph, staged, leased=True)
                self._update(f"{self._unlease(graph)} ;\n{registry.register(self.minter, graph, member, len(staged))}")
            else:
                body = "".join(f"{s} {p} {o} .\n" for s, p, o in staged).encode("utf-8")
                response = self._gsp("PUT", graph, body)
                if response.status_code >= 300:
                    raise StoreError(
                        f"Graph Store PUT <{graph}> answered {response.status_code}: {response.text[:300]}"
                    )
            return new

    def post_graph(self, graph, triples, *, member=None) -> bool:
        staged = list(triples)
        with self._write_lock:
            new = not self.graph_exists(graph) and not isinstance(graph, ox.DefaultGraph)
            if new:
                self._lease(graph)
            self._post_triples(graph, staged, leased=new)
            if new:
                self._update(f"{self._unlease(graph)} ;\n{registry.register(self.minter, graph, member, len(staged))}")
            return new

    def delete_graph(self, graph) -> bool:
        with self._write_lock:
            if isinstance(graph, ox.DefaultGraph):
                self._update("CLEAR SILENT DEFAULT")
                return True
            if not self.graph_exists(graph):
                return False
            self._update(f"DROP SILENT GRAPH {graph} ;\n{registry.unregister(self.minter, graph)}")
            return True

    def run_update(self, sparql, *, base_iri=None, writes=(), drops=(), members=None, reconcile=False) -> None:
        with self._write_lock:
            before = self._named_graphs() if reconcile else set()
            ops = registry.protocol_registrations(self.minter, writes, drops, set(self.active_graphs()), members or {})
            text = f"BASE <{base_iri}>\n{sparql}" if base_iri else sparql
            self._update(registry.append(text, ops))
            if reconcile:
                fix = registry.reconciliation(self.minter, before, self._named_graphs(), set(self.active_graphs()))
                if fix:
                    self._update(" ;\n".join(fix))

    # the catalogue's own bookkeeping outside batches (tokens, source records: graph.remote_shared) -------
    def select_plain(self, sparql: str):
        """A query over the server's own dataset, not the active graphs (it names its graphs itself)."""
        return self._select(sparql)

    def update_plain(self, sparql: str) -> None:
        """An update of graphs outside every batch (never registered, never collected)."""
        self._update(sparql)

    def post_plain(self, graph: ox.NamedNode, triples: Iterable[Triple]) -> int:
        """Add triples to a graph outside every batch, in Graph Store POSTs of CHUNK triples."""
        return self._post_triples(graph, triples)

    def _named_graphs(self) -> set:
        return {
            r["g"]
            for r in self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            if isinstance(r["g"], ox.NamedNode)
        }

    def close(self) -> None:
        self._http.close()


def _instant(value: str) -> datetime:
    """An xsd:dateTime as the server wrote it (a zone-less one is taken as UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
