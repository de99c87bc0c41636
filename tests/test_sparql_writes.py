"""Writes over HTTP: tokens, a member's reach, SPARQL Update and the Graph Store Protocol, real clients."""

from __future__ import annotations

import pytest
import rdflib
import requests
from click.testing import CliRunner

from tests.conftest import TEST_BASE
from tests.webtools import LiveServer

NOTES = TEST_BASE + "graph/pku/notes"
BL_GRAPH = TEST_BASE + "graph/bl/notes"
EX = "http://example.org/"
TURTLE = {"Content-Type": "text/turtle"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from graph.catalogue import Catalogue
    from graph.alliance.members import Member, add_member
    from graph.alliance.tokens import TokenStore
    from web import create_app

    cat = Catalogue.open(tmp_path_factory.mktemp("writes") / "data", TEST_BASE)
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library", "北京大学图书馆"))
    add_member(cat.store, cat.minter, Member("BL", "British Library"))
    tokens = TokenStore(cat.data_dir)
    _, admin = tokens.create(admin=True)
    _, pku = tokens.create(member="PKU", label="PKU systems team")
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})
    with LiveServer(app, threads=4) as live:
        yield {
            "url": live.url,
            "cat": cat,
            "app": app,
            "admin": {"Authorization": f"Bearer {admin}"},
            "pku": {"Authorization": f"Bearer {pku}"},
        }
    cat.close()


def update(site, text: str, who: str | None, **params):
    headers = {"Content-Type": "application/sparql-update", **(site[who] if who else {})}
    return requests.post(site["url"] + "/sparql", params=params, data=text.encode(), headers=headers, timeout=30)


def ask(site, text: str) -> bool:
    response = requests.get(site["url"] + "/sparql", params={"query": text, "format": "json"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["boolean"]


def put(site, graph: str, body: str, who: str | None):
    return requests.put(
        site["url"] + "/graph-store",
        params={"graph": graph},
        data=body.encode(),
        headers={**TURTLE, **(site[who] if who else {})},
        timeout=30,
    )


def test_writes_need_a_token_reads_do_not(site):
    for response in (
        update(site, f"INSERT DATA {{ GRAPH <{NOTES}> {{ <{EX}a> <{EX}b> 1 }} }}", None),
        put(site, NOTES, f"<{EX}a> <{EX}b> 1 .", None),
        requests.delete(site["url"] + "/graph-store", params={"graph": NOTES}, timeout=30),
    ):
        assert response.status_code == 401, response.text
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    forged = put(site, NOTES, f"<{EX}a> <{EX}b> 1 .", None)
    forged = requests.put(
        site["url"] + "/graph-store",
        params={"graph": NOTES},
        data=b"<a:a> <a:b> 1 .",
        headers={**TURTLE, "Authorization": "Bearer ag_0000_not-a-token"},
        timeout=30,
    )
    assert forged.status_code == 401
    assert not ask(site, f"ASK {{ <{EX}a> ?p ?o }}"), "nothing was written"
    assert requests.get(site["url"] + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200


def test_member_token_writes_its_own_graphs_and_queries_see_them(site):
    created = put(site, NOTES, f'<{EX}book> <{EX}note> "从北大借阅" .', "pku")
    assert created.status_code == 201, created.text
    assert ask(site, f'ASK {{ <{EX}book> <{EX}note> "从北大借阅" }}'), "the union default graph sees it"
    batches = {b.graph.value: b for b in site["cat"].store.batches("PKU")}
    assert NOTES in batches and batches[NOTES].triples == 1
    got = requests.get(
        site["url"] + "/graph-store", params={"graph": NOTES}, headers={"Accept": "text/turtle"}, timeout=30
    )
    assert got.status_code == 200 and got.headers["Access-Control-Allow-Origin"] == "*"
    g = rdflib.Graph().parse(data=got.text, format="turtle")
    assert list(g) == [(rdflib.URIRef(EX + "book"), rdflib.URIRef(EX + "note"), rdflib.Literal("从北大借阅"))]
    replaced = put(site, NOTES, f'<{EX}book> <{EX}note> "second" .', "pku")
    assert replaced.status_code == 204
    assert not ask(site, f'ASK {{ <{EX}book> <{EX}note> "从北大借阅" }}') and ask(site, 'ASK { ?s ?p "second" }')


def test_member_token_is_refused_everywhere_else(site):
    refused = [
        put(site, BL_GRAPH, f"<{EX}x> <{EX}y> 1 .", "pku"),
        requests.put(
            site["url"] + "/graph-store?default",
            data=f"<{EX}x> <{EX}y> 1 .".encode(),
            headers={**TURTLE, **site["pku"]},
            timeout=30,
        ),
        put(site, TEST_BASE + "graph/pku", f"<{EX}x> <{EX}y> 1 .", "pku"),  # the prefix itself
        put(site, TEST_BASE + "graph/pku/../bl/x", f"<{EX}x> <{EX}y> 1 .", "pku"),  # dot segments
        update(site, f"INSERT DATA {{ GRAPH <{BL_GRAPH}> {{ <{EX}x> <{EX}y> 1 }} }}", "pku"),
        update(site, f"INSERT DATA {{ <{EX}x> <{EX}y> 1 }}", "pku"),  # the default graph
        update(site, "CLEAR ALL", "pku"),
        update(site, f"INSERT {{ GRAPH ?g {{ <{EX}x> <{EX}y> 1 }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "pku"),
        update(site, f"WITH <{BL_GRAPH}> INSERT {{ <{EX}x> <{EX}y> 1 }} WHERE {{ }}", "pku"),
        update(site, f"MOVE <{NOTES}> TO <{BL_GRAPH}>", "pku"),
        update(site, f"INSERT DATA {{ GRAPH <{TEST_BASE}graph/\\u0062l/x> {{ <{EX}x> <{EX}y> 1 }} }}", "pku"),
        update(site, f"BASE <{TEST_BASE}graph/bl/> INSERT DATA {{ GRAPH <x> {{ <{EX}x> <{EX}y> 1 }} }}", "pku"),
    ]
    for response in refused:
        assert response.status_code == 403, (response.request.url, response.request.body, response.text)
    assert "graph/pku/" in refused[0].text
    assert not ask(site, f"ASK {{ <{EX}x> <{EX}y> 1 }}"), "no refused write reached the store"
    admin = update(site, f"INSERT DATA {{ GRAPH <{BL_GRAPH}> {{ <{EX}x> <{EX}y> 1 }} }}", "admin")
    assert admin.status_code == 204 and ask(site, f"ASK {{ <{EX}x> <{EX}y> 1 }}")
    assert update(site, f"DROP GRAPH <{BL_GRAPH}>", "admin").status_code == 204
    assert not ask(site, f"ASK {{ <{EX}x> <{EX}y> 1 }}")


def test_member_update_reads_the_union_and_writes_its_graph(site):
    text = f"""PREFIX alliance: <https://alliance-graph.org/ns#>
    INSERT {{ GRAPH <{TEST_BASE}graph/pku/seen> {{ ?lib <{EX}seenBy> "PKU" }} }}
    WHERE {{ ?lib a alliance:MemberLibrary }}"""
    response = update(site, text, "pku")
    assert response.status_code == 204, response.text
    rows = requests.get(
        site["url"] + "/sparql",
        timeout=30,
        params={
            "query": f'SELECT ?lib WHERE {{ GRAPH <{TEST_BASE}graph/pku/seen> {{ ?lib <{EX}seenBy> "PKU" }} }} ORDER BY ?lib',
            "format": "json",
        },
    ).json()["results"]["bindings"]
    assert [r["lib"]["value"] for r in rows] == [TEST_BASE + "library/bl", TEST_BASE + "library/pku"]
    assert update(site, "LOAD <http://127.0.0.1:1/data.ttl>", "admin").status_code == 400
    assert update(site, "INSERT DATA { GRAPH <a:b> { <a:s> <a:p> }", "admin").status_code == 400


def test_bad_body_changes_nothing(site):
    assert put(site, NOTES, f'<{EX}book> <{EX}note> "kept" .', "pku").status_code in (201, 204)
    broken = put(site, NOTES, f'<{EX}book> <{EX}note> "lost', "pku")
    assert broken.status_code == 400 and "syntax error" in broken.text
    assert ask(site, f'ASK {{ <{EX}book> <{EX}note> "kept" }}')
    wrong_type = requests.put(
        site["url"] + "/graph-store",
        params={"graph": NOTES},
        data=b"x",
        headers={"Content-Type": "image/png", **site["pku"]},
        timeout=30,
    )
    assert wrong_type.status_code == 415


def test_uploads_are_bounded_while_streaming_and_atomic(site):
    graph = TEST_BASE + "graph/pku/upload"
    gsp, auth = site["url"] + "/graph-store", site["pku"]
    assert put(site, graph, f'<{EX}book> <{EX}note> "kept" .', "pku").status_code == 201
    body = "".join(f'<{EX}b{i}> <{EX}note> "{i}" .\n' for i in range(2000)).encode()  # 62 KB
    app = site["app"]
    limit = app.config["ALLIANCE_GSP_MAX_BYTES"]
    app.config["ALLIANCE_GSP_MAX_BYTES"] = 10_000
    try:
        chunked = requests.put(
            gsp,
            params={"graph": graph},
            timeout=30,  # no Content-Length: counted as it comes
            data=(body[i : i + 4096] for i in range(0, len(body), 4096)),
            headers={"Content-Type": "application/n-triples", **auth},
        )
        assert chunked.status_code == 413 and "10,000 bytes" in chunked.text
        declared = requests.put(
            gsp,
            params={"graph": graph},
            data=body,
            timeout=30,
            headers={"Content-Type": "application/n-triples", **auth},
        )
        assert declared.status_code == 413
        parts = requests.post(
            gsp,
            params={"graph": graph},
            headers=auth,
            timeout=30,
            files={
                "a": ("a.nt", body[:5000], "application/n-triples"),
                "b": ("b.nt", body[5000:], "application/n-triples"),
            },
        )
        assert parts.status_code == 413
    finally:
        app.config["ALLIANCE_GSP_MAX_BYTES"] = limit
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    rows = requests.get(site["url"] + "/sparql", params={"query": count, "format": "json"}, timeout=30).json()
    assert rows["results"]["bindings"][0]["n"]["value"] == "1", "nothing of a refused upload was written"

    broken = requests.post(
        gsp,
        params={"graph": graph},
        headers=auth,
        timeout=30,
        files={
            "a": ("a.ttl", f"<{EX}book> <{EX}other> 1 .", "text/turtle"),
            "b": ("b.ttl", f"<{EX}book> <{EX}other> 2", "text/turtle"),
        },
    )
    assert broken.status_code == 400 and "syntax error" in broken.text
    assert not ask(site, f"ASK {{ <{EX}book> <{EX}other> 1 }}"), "the good part of a broken upload is not kept"
    both = requests.post(
        gsp,
        params={"graph": graph},
        headers=auth,
        timeout=30,
        files={
            "a": ("a.ttl", f"<{EX}book> <{EX}other> 1 .", "text/turtle"),
            "b": ("b.nt", body, "application/n-triples"),
        },
    )
    assert both.status_code == 204
    assert ask(
        site, f'ASK {{ GRAPH <{graph}> {{ <{EX}book> <{EX}other> 1 ; <{EX}note> "kept" . <{EX}b1999> ?p "1999" }} }}'
    )
    replaced = requests.put(
        gsp, params={"graph": graph}, data=body, timeout=30, headers={"Content-Type": "application/n-triples", **auth}
    )
    assert replaced.status_code == 204
    rows = requests.get(site["url"] + "/sparql", params={"query": count, "format": "json"}, timeout=30).json()
    assert rows["results"]["bindings"][0]["n"]["value"] == "2000"
    assert graph in {b.graph.value for b in site["cat"].store.batches("PKU")}
    assert not [g for g in site["cat"].store._ox.named_graphs() if "_staging" in g.value], "no staging graph is left"


def test_post_creates_a_new_batch_for_the_member(site):
    response = requests.post(
        site["url"] + "/graph-store",
        data=f"<{EX}new> <{EX}p> 1 .".encode(),
        headers={**TURTLE, **site["pku"]},
        timeout=30,
    )
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith(TEST_BASE + "graph/pku/")
    assert location in {b.graph.value for b in site["cat"].store.batches("PKU")}
    gone = requests.delete(site["url"] + "/graph-store", params={"graph": location}, headers=site["pku"], timeout=30)
    assert gone.status_code == 204
    assert requests.get(site["url"] + "/graph-store", params={"graph": location}, timeout=30).status_code == 404
    assert (
        requests.delete(
            site["url"] + "/graph-store", params={"graph": location}, headers=site["pku"], timeout=30
        ).status_code
        == 404
    )


def test_rdflib_sparql_update_store_and_sparql_store(site):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

    graph_iri = TEST_BASE + "graph/pku/rdflib"
    writer = SPARQLUpdateStore(site["url"] + "/sparql", site["url"] + "/sparql", headers=dict(site["pku"]))
    g = rdflib.Graph(writer, identifier=rdflib.URIRef(graph_iri))
    g.add((rdflib.URIRef(EX + "r"), rdflib.RDFS.label, rdflib.Literal("经由 rdflib", lang="zh")))
    g.add((rdflib.URIRef(EX + "r"), rdflib.URIRef(EX + "n"), rdflib.Literal(3)))
    g.remove((rdflib.URIRef(EX + "r"), rdflib.URIRef(EX + "n"), None))
    reader = SPARQLStore(site["url"] + "/sparql")
    rows = list(rdflib.Graph(reader).query(f"SELECT ?l WHERE {{ GRAPH <{graph_iri}> {{ <{EX}r> ?p ?l }} }}"))
    assert [r[0] for r in rows] == [rdflib.Literal("经由 rdflib", lang="zh")]
    denied = SPARQLUpdateStore(site["url"] + "/sparql", site["url"] + "/sparql", headers=dict(site["pku"]))
    other = rdflib.Graph(denied, identifier=rdflib.URIRef(BL_GRAPH))
    with pytest.raises(Exception, match="403"):
        other.add((rdflib.URIRef(EX + "r"), rdflib.RDFS.label, rdflib.Literal("no")))


def test_sparqlwrapper_csv(site):
    from SPARQLWrapper import CSV, SPARQLWrapper

    sparql = SPARQLWrapper(site["url"] + "/sparql")
    sparql.setQuery(
        "PREFIX alliance: <https://alliance-graph.org/ns#> SELECT ?code WHERE { ?l alliance:code ?code } ORDER BY ?code"
    )
    sparql.setReturnFormat(CSV)
    assert sparql.query().convert().decode().split() == ["code", "BL", "PKU"]


def test_token_commands(tmp_path):
    from cli.main import main

    runner = CliRunner()
    data = str(tmp_path / "data")
    assert (
        runner.invoke(main, ["--data", data, "--base", TEST_BASE, "member", "add", "PKU", "--name", "P"]).exit_code == 0
    )
    made = runner.invoke(main, ["--data", data, "token", "create", "--member", "pku", "--label", "team"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[-1]
    assert secret.startswith("ag_") and secret not in (tmp_path / "data" / "tokens.json").read_text()
    listed = runner.invoke(main, ["--data", data, "token", "list"]).stdout
    ident = listed.split()[0]
    assert "PKU" in listed and "team" in listed
    assert runner.invoke(main, ["--data", data, "token", "create", "--member", "XX"]).exit_code != 0
    assert runner.invoke(main, ["--data", data, "token", "create"]).exit_code != 0
    assert runner.invoke(main, ["--data", data, "token", "revoke", ident]).exit_code == 0
    from graph.alliance.tokens import TokenStore

    assert TokenStore(tmp_path / "data").verify(secret) is None
