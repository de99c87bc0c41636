"""The SPARQL endpoint and Graph Store under attack, over HTTP (waitress on 127.0.0.1).

* No outbound requests from a query or update: SERVICE, LOAD, FROM, DESCRIBE of a remote IRI, in
  every spelling; a canary server on 127.0.0.1 counts what reaches it (nothing may).
* Writes without a token, with a wrong, forged, revoked or mangled one: 401/403 and the whole
  store (every quad of every graph, active or not) byte-for-byte as before.
* A member cannot change another member's graphs (or the alliance graph) by any route: Update
  with GRAPH, WITH, USING, prefixed names, dot segments, escapes; Graph Store PUT/POST/DELETE with
  odd parameters; metadata triples in its own graph; bulk load of quads naming another graph.
"""

from __future__ import annotations

import pytest
import requests

from tests.conftest import TEST_BASE
from tests.webtools import LiveServer

EX = "http://example.org/"
PKU_G = TEST_BASE + "graph/pku/notes"
BL_PREFIX = TEST_BASE + "graph/bl/"
ALLIANCE_G = TEST_BASE + "graph/alliance"


@pytest.fixture(scope="module")
def canary():
    """An HTTP server on 127.0.0.1 that answers anything and records every request it gets."""
    asked: list[str] = []

    def app(environ, start_response):
        asked.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}?{environ.get('QUERY_STRING', '')}")
        start_response("200 OK", [("Content-Type", "application/sparql-results+json")])
        return [b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}']

    with LiveServer(app) as server:
        yield server.url, asked


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_files):
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member
    from graph.alliance.tokens import TokenStore
    from web import create_app

    cat = Catalogue.open(tmp_path_factory.mktemp("attacks") / "data", TEST_BASE)
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
    add_member(cat.store, cat.minter, Member("BL", "British Library"))
    ingest(cat.store, cat.minter, sample_files["SHL"].files, "BL", clusters=cat.clusters)
    tokens = TokenStore(cat.data_dir)
    _, admin = tokens.create(admin=True)
    _, pku = tokens.create(member="PKU")
    revoked_grant, revoked = tokens.create(member="PKU")
    tokens.revoke(revoked_grant.id)
    other = TokenStore(tmp_path_factory.mktemp("elsewhere")).create(admin=True)[1]
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})
    with LiveServer(app, threads=4) as live:
        yield {"url": live.url, "cat": cat, "admin": admin, "pku": pku, "revoked": revoked, "other": other}
    cat.close()


def everything(cat) -> list[str]:
    """Every quad physically in the store, active graph or not, sorted (load times included)."""
    return sorted(str(q) for q in cat.store._ox.quads_for_pattern(None, None, None, None))


def graphs_of(cat, prefix: str) -> list[str]:
    return sorted(
        str(q)
        for q in cat.store._ox.quads_for_pattern(None, None, None, None)
        if str(q.graph_name.value if hasattr(q.graph_name, "value") else "").startswith(prefix)
    )


def update(site, text: str, auth: str | None = None, form: bool = False, **params):
    headers = {"Authorization": auth} if auth else {}
    if form:
        return requests.post(site["url"] + "/sparql", params=params, data={"update": text}, headers=headers, timeout=60)
    return requests.post(
        site["url"] + "/sparql",
        params=params,
        data=text.encode(),
        timeout=60,
        headers={"Content-Type": "application/sparql-update", **headers},
    )


def bearer(token: str) -> str:
    return f"Bearer {token}"


# outbound requests -----------------------------------------------------------------------------
def outbound_queries(url: str) -> list[str]:
    host = url.split("//", 1)[1]
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ service <{url}/lower> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/silent> {{ ?s ?p ?o }} }}",
        f"PREFIX c: <{url}/> SELECT * WHERE {{ SERVICE c:prefixed {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE#comment\n<{url}/comment> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\t<{url}/tab> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}/var> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}/nested> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}/optional> {{ ?s ?p ?o }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{url}/exists> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/escaped> {{ ?s ?p ?o }} }}",
        f"BASE <{url}/> SELECT * WHERE {{ SERVICE <relative> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://{host}/construct> {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{url}/from> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/named> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DESCRIBE <{url}/describe>",
        f'SELECT * WHERE {{ BIND(IRI("{url}/iri") AS ?x) ?x ?p ?o }}',
    ]


def test_queries_make_no_outbound_requests(site, canary):
    url, asked = canary
    for query in outbound_queries(url):
        for response in (
            requests.get(site["url"] + "/sparql", params={"query": query}, timeout=60),
            requests.post(site["url"] + "/sparql", data={"query": query}, timeout=60),
            requests.post(
                site["url"] + "/sparql",
                data=query.encode(),
                timeout=60,
                headers={"Content-Type": "application/sparql-query"},
            ),
        ):
            assert response.status_code in (200, 400), (query, response.status_code, response.text[:300])
            if "SERVICE" in query.upper() or "\\u0053" in query:
                assert response.status_code == 400, query
    assert asked == [], f"the server made requests: {asked}"


def test_updates_make_no_outbound_requests(site, canary):
    url, asked = canary
    admin = bearer(site["admin"])
    for text in (
        f"LOAD <{url}/load.ttl>",
        f"LOAD SILENT <{url}/silent.ttl> INTO GRAPH <{PKU_G}>",
        f"load <{url}/lower.ttl>",
        f"INSERT {{ GRAPH <{PKU_G}> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}/u> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} USING <{url}/using> WHERE {{ ?s ?p ?o }}",
    ):
        response = update(site, text, admin)
        assert response.status_code in (204, 400), (text, response.status_code, response.text)
    assert asked == [], f"the server made requests: {asked}"


# tokens ---------------------------------------------------------------------------------------
def test_writes_without_a_valid_token_change_nothing(site):
    before = everything(site["cat"])
    body = f"<{EX}s> <{EX}p> 1 ."
    valid = site["pku"]
    wrong = [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer " + "x" * 100_000,
        f"Basic {valid}",
        f"Bearer {valid}x",
        f"Bearer {valid[:-1]}",
        f"Bearer {site['revoked']}",
        f"Bearer {site['other']}",
        f"Bearer {valid} {valid}",
        ("Bearer \u202e" + valid).encode(),
        f"Token {valid}",
        f"Bearer\t{valid[:8]}",
    ]
    for auth in wrong:
        headers = {"Authorization": auth} if auth is not None else {}
        responses = [
            update(site, f"INSERT DATA {{ GRAPH <{PKU_G}> {{ <{EX}s> <{EX}p> 1 }} }}", auth),
            update(site, f"DROP GRAPH <{BL_PREFIX}x>", auth, form=True),
            update(site, "CLEAR ALL", auth),
            requests.put(
                site["url"] + "/graph-store",
                params={"graph": PKU_G},
                data=body.encode(),
                timeout=60,
                headers={"Content-Type": "text/turtle", **headers},
            ),
            requests.post(
                site["url"] + "/graph-store",
                params={"graph": PKU_G},
                data=body.encode(),
                timeout=60,
                headers={"Content-Type": "text/turtle", **headers},
            ),
            requests.delete(site["url"] + "/graph-store", params={"graph": ALLIANCE_G}, headers=headers, timeout=60),
        ]
        for response in responses:
            assert response.status_code in (401, 403), (
                auth and auth[:40],
                response.request.method,
                response.status_code,
                response.text[:200],
            )
    assert everything(site["cat"]) == before


# a member's reach -----------------------------------------------------------------------------
def member_attacks(bl_graph: str) -> list[str]:
    return [
        f"INSERT DATA {{ GRAPH <{bl_graph}> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"DELETE DATA {{ GRAPH <{bl_graph}> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"DELETE WHERE {{ GRAPH <{bl_graph}> {{ ?s ?p ?o }} }}",
        f"WITH <{bl_graph}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"WITH <{bl_graph}> INSERT {{ ?s <{EX}y> 1 }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH <{bl_graph}> {{ ?s ?p ?o }} }} USING <{bl_graph}> WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ <{bl_graph}> }} GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} USING NAMED <{bl_graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"DROP GRAPH <{bl_graph}>",
        f"DROP SILENT GRAPH <{bl_graph}>",
        f"CLEAR GRAPH <{bl_graph}>",
        "DROP NAMED",
        "CLEAR NAMED",
        "DROP ALL",
        "DROP DEFAULT",
        f"COPY <{PKU_G}> TO <{bl_graph}>",
        f"MOVE <{PKU_G}> TO <{bl_graph}>",
        f"ADD <{PKU_G}> TO <{bl_graph}>",
        f"COPY DEFAULT TO <{bl_graph}>",
        f"CREATE GRAPH <{BL_PREFIX}new>",
        f"MOVE <{bl_graph}> TO <{PKU_G}>",
        f"PREFIX g: <{BL_PREFIX}> INSERT DATA {{ GRAPH g:evil {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{ALLIANCE_G}> {{ <{TEST_BASE}library/pku> <{EX}y> 1 }} }}",
        f"DELETE WHERE {{ GRAPH <{ALLIANCE_G}> {{ <{bl_graph}> ?p ?o }} }}",
        f"INSERT DATA {{ GRAPH <{TEST_BASE}graph/pku/../bl/x> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{TEST_BASE}graph/pku/%2e%2e/bl/x> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{TEST_BASE.upper()}graph/bl/x> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{TEST_BASE}graph/pku> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{TEST_BASE}graph/pkux/a> {{ <{EX}x> <{EX}y> 1 }} }}",
        f"INSERT DATA {{ GRAPH <{PKU_G}> {{ <{EX}x> <{EX}y> 1 }} }} ; DROP GRAPH <{bl_graph}>",
        f"INSERT DATA {{ GRAPH <{PKU_G}> {{ <{EX}x> <{EX}y> 1 }} }} ;; DROP GRAPH <{bl_graph}>",
        f"INSERT {{ GRAPH <{bl_graph}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}",
        f"INSERT DATA {{ <{EX}x> <{EX}y> 1 }}",
    ]


def test_a_member_cannot_change_another_members_graphs(site):
    cat = site["cat"]
    bl_graph = cat.store.batches("BL")[0].graph.value
    bl_before = graphs_of(cat, BL_PREFIX)

    def others(quads):  # the alliance graph, less the registrations of PKU's own graphs
        return [q for q in quads if not q.startswith(f"<{TEST_BASE}graph/pku/")]

    alliance_before = others(graphs_of(cat, ALLIANCE_G))
    assert bl_before
    pku = bearer(site["pku"])
    for text in member_attacks(bl_graph):
        for form in (False, True):
            response = update(site, text, pku, form=form)
            assert response.status_code in (400, 403), (text, response.status_code, response.text[:200])
    # a DROP inside a string literal is text: written into the member's own graph, BL's untouched
    smuggled = f'INSERT DATA {{ GRAPH <{PKU_G}> {{ <{EX}x> <{EX}y> """ }} }} ; DROP GRAPH <{bl_graph}> ; # """ }} }}'
    assert update(site, smuggled, pku).status_code == 204
    assert graphs_of(cat, BL_PREFIX) == bl_before
    # the protocol's own dataset parameters cannot widen a member's reach either
    for params in ({"using-graph-uri": bl_graph}, {"using-named-graph-uri": bl_graph}):
        response = update(site, "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", pku, **params)
        assert response.status_code in (400, 403), (params, response.status_code, response.text[:200])
    body = f"<{EX}x> <{EX}y> 1 ."
    turtle = {"Content-Type": "text/turtle", "Authorization": pku}
    gsp = site["url"] + "/graph-store"
    for method, target in [
        ("PUT", {"graph": bl_graph}),
        ("POST", {"graph": bl_graph}),
        ("DELETE", {"graph": bl_graph}),
        ("PUT", {"default": ""}),
        ("DELETE", {"default": ""}),
        ("PUT", {"graph": ALLIANCE_G}),
        ("DELETE", {"graph": ALLIANCE_G}),
        ("PUT", [("graph", PKU_G), ("graph", bl_graph)]),
        ("PUT", [("graph", bl_graph), ("graph", PKU_G)]),
        ("PUT", [("default", ""), ("graph", PKU_G)]),
        ("PUT", {"graph": "notes"}),
        ("PUT", {"graph": "../bl/x"}),
        ("PUT", {"graph": TEST_BASE + "graph/pku/../../graph/bl/x"}),
    ]:
        response = requests.request(method, gsp, params=target, data=body.encode(), headers=turtle, timeout=60)
        assert response.status_code in (400, 403), (method, target, response.status_code, response.text[:200])
    assert graphs_of(cat, BL_PREFIX) == bl_before
    assert others(graphs_of(cat, ALLIANCE_G)) == alliance_before


def test_metadata_in_a_members_own_graph_changes_no_one_elses_batches(site):
    """Triples that look like the store's own bookkeeping, written where a member may write, are just data."""
    cat = site["cat"]
    bl_batches = [(b.graph, b.triples) for b in cat.store.batches("BL")]
    bl_graph = bl_batches[0][0].value
    count_query = {"format": "json", "query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{bl_graph}> {{ ?s ?p ?o }} }}"}
    bl_count = requests.get(site["url"] + "/sparql", params=count_query, timeout=60).json()
    body = (
        f"<{bl_graph}> <https://alliance-graph.org/ns#active> false .\n"
        f"<{TEST_BASE}graph/pku/own> <https://alliance-graph.org/ns#batchOf> <{TEST_BASE}library/bl> .\n"
        f'<{TEST_BASE}library/bl> <http://www.w3.org/2000/01/rdf-schema#label> "Hacked"@en .'
    )
    response = requests.put(
        site["url"] + "/graph-store",
        params={"graph": TEST_BASE + "graph/pku/own"},
        data=body.encode(),
        timeout=60,
        headers={"Content-Type": "text/turtle", "Authorization": bearer(site["pku"])},
    )
    assert response.status_code in (201, 204), response.text
    assert [(b.graph, b.triples) for b in cat.store.batches("BL")] == bl_batches
    assert all(b.member == "PKU" for b in cat.store.batches("PKU"))
    assert requests.get(site["url"] + "/sparql", params=count_query, timeout=60).json() == bl_count
    assert int(bl_count["results"]["bindings"][0]["n"]["value"]) > 1000
    from graph.alliance.members import get_member

    assert get_member(cat.store, "BL").name == "British Library"


def test_bulk_load_of_quads_naming_another_members_graph_lands_in_ones_own(members, tmp_path):
    """`alliance load --member PKU` of N-Quads/TriG that name BL's graph: the data is PKU's batch."""
    from graph.load.rdfload import load_files

    store = members.store
    bl = store.write_batch(
        "BL", [(members.minter.library("BL"), members.minter.library("BL"), members.minter.library("BL"))]
    )
    before = sorted(map(str, store.quads_in(bl.graph)))
    nq = tmp_path / "evil.nq"
    nq.write_text(f'<{EX}x> <{EX}y> "1" <{bl.graph.value}> .\n<{EX}x> <{EX}y> "2" <{ALLIANCE_G}> .\n')
    trig = tmp_path / "evil.trig"
    trig.write_text(f'<{bl.graph.value}> {{ <{EX}x> <{EX}y> "3" }}\n')
    for path in (nq, trig):
        report = load_files(store, [path], member="PKU")
        assert report.batch.member == "PKU" and report.batch.graph.value.startswith(TEST_BASE + "graph/pku/")
    assert sorted(map(str, store.quads_in(bl.graph))) == before
    alliance = [str(q) for q in store.quads_in(members.minter.alliance_graph)]
    assert not [q for q in alliance if EX in q], "a bulk load wrote into the alliance graph"
