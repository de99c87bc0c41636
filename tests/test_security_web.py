"""Hostile requests against the web site, served for real by waitress on 127.0.0.1.

XSS: records whose titles, notes, names, subjects and links carry markup and javascript: URLs
are shown as text, never as markup or live links. Path traversal through static and resource
routes and ?format=. Oversized and malformed requests: long URLs, many or huge headers, bad
percent-encoding, NUL bytes, CRLF in parameters and headers, Host header forgery. SPARQL
injection through browse parameters. Each answers 4xx (never 5xx), leaks nothing and leaves
the server serving.
"""

from __future__ import annotations

import json

import http.client
import re
import socket
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
import requests

from tests.conftest import TEST_BASE
from tests.webtools import LiveServer

SECRET = "CANARY-7d3f9e"
PAYLOADS = {
    "title": '<script>alert("title")</script>',
    "note": '"><img src=x onerror=alert("note")>',
    "name": "</a><script>alert('name')</script>",
    "subject": "<svg/onload=alert('subject')>",
    "series": "{{7*7}}{% raw %}<b>x</b>",
}
HOSTILE = f"""<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000nam a2200000 a 4500</leader>
<controlfield tag="001">xss-1</controlfield>
<controlfield tag="008">200101s2020    xx            000 0 eng d</controlfield>
<datafield tag="020" ind1=" " ind2=" "><subfield code="a">9780000000002</subfield></datafield>
<datafield tag="100" ind1="1" ind2=" "><subfield code="a">{PAYLOADS["name"]}</subfield></datafield>
<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{PAYLOADS["title"]}</subfield></datafield>
<datafield tag="490" ind1="0" ind2=" "><subfield code="a">{PAYLOADS["series"]}</subfield></datafield>
<datafield tag="500" ind1=" " ind2=" "><subfield code="a">{PAYLOADS["note"]}</subfield></datafield>
<datafield tag="650" ind1=" " ind2="0"><subfield code="a">{PAYLOADS["subject"]}</subfield></datafield>
<datafield tag="856" ind1="4" ind2="0"><subfield code="u">javascript:alert('link')</subfield></datafield>
<datafield tag="856" ind1="4" ind2="0"><subfield code="u"> JaVa&#9;Script:alert('link2')</subfield></datafield>
<datafield tag="856" ind1="4" ind2="0"><subfield code="u">data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==</subfield></datafield>
<datafield tag="852" ind1=" " ind2=" "><subfield code="b">PKU</subfield><subfield code="h">&lt;i&gt;QA76&lt;/i&gt;</subfield></datafield>
</record></collection>""".replace("{% raw %}", "")
for key in PAYLOADS:
    PAYLOADS[key] = PAYLOADS[key].replace("{% raw %}", "")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def site(tmp_path_factory, sample_files):
    from graph.catalogue import Catalogue
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member
    from web import create_app

    root = tmp_path_factory.mktemp("hostile")
    cat = Catalogue.open(root / "data", TEST_BASE)
    (cat.data_dir / "canary.txt").write_text(SECRET)
    add_member(
        cat.store,
        cat.minter,
        Member("PKU", "Peking University Library", "北京大学图书馆", "https://opac.pku.example/record/{id}"),
    )
    hostile = root / "hostile.xml"
    # the payloads go into the XML as text, escaped once, as a real export would hold them
    body = HOSTILE
    for text in PAYLOADS.values():
        body = body.replace(text, _xml(text))
    hostile.write_text(body)
    ingest(cat.store, cat.minter, [hostile], "PKU", clusters=cat.clusters)
    ingest(cat.store, cat.minter, sample_files["PKU"].files, "PKU", clusters=cat.clusters)
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})
    with LiveServer(app, threads=4) as live:
        yield {"url": live.url, "cat": cat, "port": int(live.url.rsplit(":", 1)[1])}
    cat.close()


class _Dom(HTMLParser):
    """What a browser would run: script elements, event-handler attributes, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.data_blocks: list[str] = []  # <script type="application/ld+json"> and the like: never run
        self.handlers: list[tuple[str, str, str]] = []
        self.urls: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            kind = (dict(attrs).get("type") or "").lower()
            self._in_script = "data" if kind in ("application/ld+json", "application/json") else True
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name, value or ""))
            if name in ("href", "src", "action", "formaction", "data", "xlink:href"):
                self.urls.append((tag, value or ""))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script == "data":
            self.data_blocks.append(data)
        else:
            (self.scripts if self._in_script else self.text).append(data)


def assert_inert(html: str) -> _Dom:
    dom = _Dom()
    dom.feed(html)
    assert not [s for s in dom.scripts if "alert" in s], "a payload became a <script>"
    for block in dom.data_blocks:  # record text in embedded JSON(-LD) stays inside its JSON strings
        json.loads(block)
        assert "<" not in block, "markup in a data block could close the script element"
    assert not dom.handlers, f"event handler attributes: {dom.handlers}"
    bad = [
        u
        for _, u in dom.urls
        if "".join(ch for ch in u if ch > " ").lower().startswith(("javascript:", "data:", "vbscript:"))
    ]
    assert not bad, f"script URLs in links: {bad}"
    return dom


def _instance(site) -> str:
    from graph.views.common import select

    rows = select(
        site["cat"].store,
        """SELECT ?i WHERE { ?i a bf:Instance ;
        alliance:memberDescription/bf:adminMetadata/bf:identifiedBy/rdf:value "xss-1" }""",
    )
    assert rows, "the hostile record was not loaded"
    return rows[0]["i"].value


def _path(iri: str) -> str:
    return "/" + iri[len(TEST_BASE) :]


def test_record_text_is_shown_as_text_on_every_page(site):
    instance = _instance(site)
    page = requests.get(site["url"] + _path(instance), headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    dom = assert_inert(page.text)
    shown = "".join(dom.text)
    for key in ("title", "note"):
        assert PAYLOADS[key] in shown, f"the {key} is not shown as text"
    # every page one click away (work, agents, subjects, items, library) is inert too
    linked = {href for _, href in dom.urls if href.startswith("/") and not href.startswith("/static")}
    assert len(linked) >= 4
    for href in sorted(linked):
        other = requests.get(site["url"] + href, headers={"Accept": "text/html"}, timeout=30)
        assert other.status_code in (200, 404), (href, other.status_code)
        assert other.headers.get("X-Content-Type-Options") == "nosniff"  # data is never sniffed as HTML
        if other.headers["Content-Type"].startswith("text/html"):
            assert_inert(other.text)


def test_script_urls_from_records_never_become_links(site):
    instance = _instance(site)
    page = requests.get(site["url"] + _path(instance), headers={"Accept": "text/html"}, timeout=30).text
    assert "alert(&#39;link&#39;)" in page or "alert('link')" in page, "the locator is still shown, as text"
    assert_inert(page)


def test_sparql_results_page_is_inert(site):
    query = (
        'SELECT ?x ?y ?z WHERE { BIND(IRI("javascript:alert(1)") AS ?x) '
        'BIND("<script>alert(2)</script>" AS ?y) BIND(STRLANG("<img src=x onerror=alert(3)>", "en") AS ?z) }'
    )
    page = requests.get(site["url"] + "/sparql", params={"query": query}, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert_inert(page.text)
    echoed = requests.get(
        site["url"] + "/sparql",
        params={"query": '</textarea><script>alert("q")</script>'},
        headers={"Accept": "text/html"},
        timeout=30,
    )
    assert echoed.status_code == 400
    assert_inert(echoed.text)


def test_error_pages_do_not_reflect_markup(site):
    for path in (
        "/instance/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/nowhere/<script>alert(1)</script>",
        "/library/%22%3E%3Csvg%20onload%3Dalert(1)%3E",
    ):
        response = requests.get(site["url"] + path, headers={"Accept": "text/html"}, timeout=30)
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert_inert(response.text)


def raw(site, request: bytes, timeout: float = 30) -> tuple[int, bytes]:
    """Send bytes as they are (no client normalises the path) and read the status and body."""
    with socket.create_connection(("127.0.0.1", site["port"]), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


def get(site, path: str, headers: str = "") -> tuple[int, bytes]:
    return raw(site, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n".encode())


TRAVERSALS = [
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/....//....//etc/passwd",
    "/static/..%5c..%5c..%5cetc%5cpasswd",
    "/static/%252e%252e/%252e%252e/etc/passwd",
    "//etc/passwd",
    "/static//etc/passwd",
    "/static/../../data/canary.txt",
    "/static/..%2f..%2f..%2fdata%2fcanary.txt",
    "/instance/..%2f..%2fcanary.txt",
    "/library/..%2f..%2f..%2fetc%2fpasswd",
    "/instance/x?format=../../../../etc/passwd",
    "/instance/x?format=..%2f..%2fcanary.txt",
    "/sparql?query=ASK{}&format=../../canary.txt",
    "/local-literature?facet=../../../etc/passwd&value=file:///etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_reads_nothing(site, path):
    status, body = get(site, path)
    assert 200 <= status < 500, (status, body[:300])
    assert b"root:x:0:0" not in body and SECRET.encode() not in body
    if "?" not in path or path.startswith("/static"):
        assert status in (400, 404, 308, 301), (status, body[:300])


def test_static_files_are_served(site):
    status, body = get(site, "/static/style.css")
    assert status == 200 and b"{" in body


def test_oversized_and_malformed_requests(site):
    cases = {
        "long url": get(site, "/sparql?query=" + "A" * 400_000),
        "many headers": get(site, "/", "".join(f"X-H{i}: {i}\r\n" for i in range(20_000))),
        "huge header": get(site, "/", "Accept-Language: " + "zh," * 200_000 + "\r\n"),
        "bad percent": get(site, "/instance/%ff%fe%zz"),
        "nul byte": get(site, "/instance/abc%00def"),
        "bad utf-8 query": get(site, "/sparql?query=%ff%fe"),
        "crlf in path": get(site, "/library/pku%0d%0aSet-Cookie:%20x=1"),
        "garbage accept": get(site, "/", "Accept: ;;;,,,*/*;q=abc,text/html;q=9e999\r\n"),
        "garbage language": get(site, "/", "Accept-Language: ;q=;;,zh-;q=-1,*;q=nan\r\n"),
        "repeated params": get(site, "/instance/x?" + "&".join(["format=ttl"] * 5000)),
        "bad method": raw(site, b"BREW /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        "bad version": raw(site, b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        "not http": raw(site, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(200)),
        "lying length": raw(
            site,
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query"
            b"\r\nContent-Length: 99999999999\r\nConnection: close\r\n\r\nASK {}",
            timeout=10,
        ),
        "smuggling": raw(
            site,
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 6\r\n"
            b"Transfer-Encoding: chunked\r\nContent-Type: application/sparql-query\r\n"
            b"Connection: close\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n\r\n",
        ),
    }
    for name, (status, body) in cases.items():
        assert status == 0 or status < 500, (name, status, body[:300])
        assert b"Traceback" not in body, name
    assert not (cases["crlf in path"][1].split(b"\r\n\r\n")[0].count(b"Set-Cookie: x=1"))
    assert 400 <= cases["long url"][0] < 500 and 400 <= cases["many headers"][0] < 500
    assert requests.get(site["url"] + "/", timeout=30).status_code == 200, "the server stopped serving"


def test_large_bodies_are_refused_early(site):
    big = b"ASK { " + b"?s ?p ?o . " * 5_000_000 + b"}"  # 55 MB
    with pytest.raises(requests.ConnectionError):
        # the server answers 413 and closes while the client is still sending
        response = requests.post(
            site["url"] + "/sparql", data=big, timeout=60, headers={"Content-Type": "application/sparql-query"}
        )
        assert response.status_code == 413, response.status_code
        raise requests.ConnectionError("answered 413")
    assert requests.get(site["url"] + "/", timeout=30).status_code == 200


def test_header_injection_through_parameters(site):
    response = requests.get(site["url"] + "/", params={"lang": "zh\r\nSet-Cookie: evil=1"}, timeout=30)
    assert response.status_code == 200 and "evil" not in response.headers.get("Set-Cookie", "")
    response = requests.get(
        site["url"] + "/reports/overlap/titles.csv",
        params={"list": "unique", "member": 'PKU"\r\nX-Injected: 1'},
        timeout=30,
    )
    assert response.status_code < 500 and "X-Injected" not in response.headers
    assert "\n" not in response.headers.get("Content-Disposition", "")


def test_host_header_does_not_steer_links_or_redirects(site):
    conn = http.client.HTTPConnection("127.0.0.1", site["port"], timeout=30)
    try:
        conn.request("GET", "/library/PKU", headers={"Host": "evil.example", "Accept": "text/html"})
        response = conn.getresponse()
        response.read()
        assert response.status == 301
        assert "evil.example" not in (response.getheader("Location") or "")
        conn.request("GET", _path(_instance(site)), headers={"Host": "evil.example", "Accept": "text/html"})
        response = conn.getresponse()
        body = response.read().decode()
        assert "evil.example" not in (response.getheader("Link") or "")
        assert "//evil.example" not in body
    finally:
        conn.close()


INJECTIONS = [
    "http://x/> } } ; DROP ALL ; SELECT * { { ?s ?p <http://x/",
    "http://x/> UNION { ?s ?p ?o }",
    '" } UNION { ?s ?p ?o } #',
    "?s",
    "<http://x/>",
    "http://x/\\u003e",
    "http://x/%3E%20%7D",
    "javascript:alert(1)",
    "\x00",
    "x" * 10_000,
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_browse_parameters_cannot_inject_sparql(site, value):
    before = len(site["cat"].store)
    for facet in ("place", "dynasty", "type", "subject", "' } DROP ALL {"):
        response = requests.get(site["url"] + "/local-literature", params={"facet": facet, "value": value}, timeout=30)
        assert response.status_code in (200, 404), (facet, value, response.status_code, response.text[:300])
        assert_inert(response.text)
    for params in ({"level": value}, {"scarce": value}, {"table": value}, {"list": value, "member": value}):
        for path in ("/reports/overlap", "/reports/overlap/titles.csv"):
            response = requests.get(site["url"] + path, params=params, timeout=30)
            assert response.status_code < 500, (path, params, response.status_code, response.text[:300])
    assert len(site["cat"].store) == before


def test_member_codes_in_urls_are_checked(site):
    for code in ("PKU>", "PKU%3E%20%3Cx", quote("pku\n"), "..%2f", "%2e%2e", "a" * 300):
        status, body = get(site, "/library/" + code)
        assert status in (301, 404), (code, status, body[:200])


SEARCHES = [
    '" OR *:*',
    "title:* OR 1=1",
    "((((((((((((((((((((x",
    "x" * 5000,
    "*",
    "?",
    "/.*/",
    "x~100",
    "\\",
    "'; DROP ALL; --",
    "<script>alert(1)</script>",
    "\x00\x01\x02",
    "\ud800".encode("utf-8", "surrogatepass"),
    "中文" * 300,
    "AND OR NOT",
    '+-&&||!(){}[]^"~*?:\\/',
    "%",
    "%00",
    "\r\nX-Injected: 1",
]


@pytest.mark.parametrize("q", SEARCHES, ids=range(len(SEARCHES)))
def test_search_parameters_cannot_inject_or_break(site, q):
    before = len(site["cat"].store)
    variants = [
        {"q": q},
        {"q": "history", "library": q},
        {"q": "history", "sort": q},
        {"q": "x", "page": q},
        {"q": "x", "from": q, "to": q},
        {"q": q, "page": "99999999999999999999"},
        {"q": q, "page": "-5"},
    ]
    for params in variants:
        response = requests.get(site["url"] + "/search", params=params, headers={"Accept": "text/html"}, timeout=60)
        assert response.status_code in (200, 400, 404), (params, response.status_code, response.text[:300])
        assert "X-Injected" not in response.headers
        if response.headers.get("Content-Type", "").startswith("text/html"):
            assert_inert(response.text)
    assert len(site["cat"].store) == before


def test_search_results_show_hostile_titles_as_text(site):
    response = requests.get(
        site["url"] + "/search", params={"q": "alert title"}, headers={"Accept": "text/html"}, timeout=60
    )
    assert response.status_code == 200
    dom = assert_inert(response.text)
    assert any('alert("title")' in t for t in dom.text), "the hostile record is not among the results"


def test_a_wildcard_search_does_not_return_everything(site):
    """Query syntax is not interpreted: 'x OR *:*' finds what has those words, not the catalogue (a query of
    punctuation alone has no words and browses, as the empty query does)."""

    def total(q):
        page = requests.get(site["url"] + "/search", params={"q": q}, headers={"Accept": "text/html"}, timeout=60)
        numbers = [int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:works|results|titles)", page.text)]
        return numbers[0] if numbers else 0

    everything = total("")
    assert everything > 50
    for q in ('" OR *:*', "title:*", "history OR *:*", "history || *"):
        assert total(q) < everything, q
    assert total("history OR *:*") == total("history or")
