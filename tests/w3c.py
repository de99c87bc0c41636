"""Drive the W3C SPARQL 1.1 protocol test manifests (../shared/data/w3c) against a running endpoint.

Each manifest test is a list of HTTP requests with the responses expected. :func:`tests`
reads a manifest with rdflib; :func:`run` sends the requests with ``requests`` to a live
server and checks status, content type, booleans and (Graph Store) graph isomorphism.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from rdflib import RDF, RDFS, Namespace
from rdflib.collection import Collection
from rdflib.compare import isomorphic

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
STATUS = {
    "OK": (200,),
    "Created": (201,),
    "NoContent": (204,),
    "NotFound": (404,),
    "StatusCode2xx": tuple(range(200, 300)),
    "StatusCode3xx": tuple(range(300, 400)),
    "StatusCode4xx": tuple(range(400, 500)),
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "text/plain": "nt",
}


@dataclass
class Request:
    method: str
    path: str
    headers: dict
    body: bytes | None
    expect_status: tuple[int, ...]
    expect_boolean: bool | None = None
    expect_format: str | None = None
    expect_type: str | None = None
    expect_body: str | None = None
    location_var: str | None = None


@dataclass
class ManifestTest:
    name: str
    iri: str
    requests: list[Request]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)
    deprecated: bool = False
    requires: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.iri.rpartition("#")[2]


def _headers(g, node) -> dict:
    found = {}
    if node is None:
        return found
    for h in Collection(g, node):
        found[str(g.value(h, HT.fieldName))] = str(g.value(h, HT.fieldValue))
    return found


def tests(manifest: Path) -> list[ManifestTest]:
    g = rdflib.Graph().parse(manifest, format="turtle")
    root = g.value(predicate=RDF.type, object=MF.Manifest)
    entries = g.value(root, MF.entries)
    found = []
    for entry in Collection(g, entries) if entries is not None else []:
        requests = []
        action = g.value(entry, MF.action)
        for r in Collection(g, g.value(action, HT.requests)) if action is not None else []:
            resp = g.value(r, HT.resp)
            body = g.value(r, HT.body)
            data = None
            if body is not None:
                encoding = str(g.value(body, CNT.characterEncoding) or "UTF-8")
                data = str(g.value(body, CNT.chars)).encode(encoding.lower())
            resp_body = g.value(resp, HT.body)
            resp_headers = _headers(g, g.value(resp, HT.headers))
            boolean = g.value(resp, MF.expectedBoolean)
            fmt = g.value(resp, MF.expectedFormat)
            location = g.value(resp, MF.expectedLocation)
            requests.append(
                Request(
                    method=str(g.value(r, HT.methodName)),
                    path=str(g.value(r, HT.absolutePath)),
                    headers=_headers(g, g.value(r, HT.headers)),
                    body=data,
                    expect_status=tuple(
                        code for s in g.objects(resp, MF.expectedStatus) for code in STATUS[str(s).rpartition("#")[2]]
                    ),
                    expect_boolean=None if boolean is None else boolean.toPython(),
                    expect_format=None if fmt is None else str(fmt),
                    expect_type=next((v for k, v in resp_headers.items() if k.lower() == "content-type"), None),
                    expect_body=None if resp_body is None else str(g.value(resp_body, CNT.chars)),
                    location_var=None if location is None else str(location),
                )
            )
        data = [
            (manifest.parent / Path(str(g.value(d, UT.graph))).name, str(g.value(d, RDFS.label)))
            for d in g.objects(entry, UT.graphData)
        ]
        found.append(
            ManifestTest(
                name=str(g.value(entry, MF.name)),
                iri=str(entry),
                requests=requests,
                graph_data=data,
                deprecated=(entry, DAWGT.approval, DAWGT.Deprecated) in g,
                requires=[str(x).rpartition("#")[2] for x in g.objects(entry, MF.requires)],
            )
        )
    return found


def boolean_of(response) -> bool:
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if "json" in media:
        return json.loads(response.content)["boolean"]
    if "xml" in media:
        node = ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean")
        return node.text.strip() == "true"
    raise AssertionError(f"a boolean answer in {media}?")


def check_format(response, expected: str) -> None:
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if expected == "boolean":
        assert media in ("application/sparql-results+json", "application/sparql-results+xml"), media
        boolean_of(response)
    elif expected == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        ), media
    elif expected == "RDF":
        assert media in RDF_TYPES, media
        rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media])
    else:
        raise AssertionError(f"unknown expected format {expected}")


def _ranges(codes: tuple[int, ...]) -> str:
    return ", ".join(sorted({f"{c // 100}xx" if len(codes) >= 100 else str(c) for c in codes}))


def run(test: ManifestTest, base_url: str, prefix: str, replace_prefix: str, headers: dict) -> None:
    """Send every request of ``test``; ``prefix`` of the manifest's paths becomes ``replace_prefix``."""
    import requests

    variables: dict[str, str] = {}
    for n, req in enumerate(test.requests, 1):
        path = req.path
        for var, value in variables.items():
            path = path.replace(var, value)
        assert path.startswith(prefix), path
        path = replace_prefix + path[len(prefix) :]
        sent = {**headers, **req.headers}
        body = req.body
        if body is not None:
            for var, value in variables.items():
                body = body.replace(var.encode(), value.encode())
        response = requests.request(
            req.method, base_url + path, data=body, headers=sent, allow_redirects=False, timeout=60
        )
        where = f"{test.id} request {n} ({req.method} {path})"
        assert response.status_code in req.expect_status, (
            f"{where}: {response.status_code} not in {_ranges(req.expect_status)}: {response.text[:500]}"
        )
        if req.expect_format:
            check_format(response, req.expect_format)
        if req.expect_boolean is not None:
            assert boolean_of(response) == req.expect_boolean, where
        if req.expect_type:
            got = response.headers.get("Content-Type", "").split(";")[0].strip()
            assert got == req.expect_type.split(";")[0].strip(), f"{where}: Content-Type {got}"
        if req.expect_body is not None and req.method != "HEAD":
            media = response.headers.get("Content-Type", "").split(";")[0].strip()
            got = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media])
            expected = rdflib.Graph().parse(data=req.expect_body, format="turtle")
            assert isomorphic(got, expected), f"{where}: graph differs:\n{response.text}"
        if req.location_var:
            assert response.headers.get("Location"), f"{where}: no Location header"
            variables[req.location_var] = response.headers["Location"]
