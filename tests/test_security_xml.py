"""Hostile XML: external entities (XXE) and entity expansion (billion laughs, quadratic blow-up) in
MARCXML, CNMARC XML, Dublin Core, OAI-PMH responses and RDF/XML are refused, without reading the
file they point at and without expanding anything. Simple namespace entities in RDF/XML still load."""

from __future__ import annotations

import pytest
import requests

from graph.load.harvest import HarvestError, identify
from graph.load.ingest import IngestError, ingest
from graph.load.rdfload import LoadError, load_files
from tests.conftest import TEST_BASE
from tests.webtools import LiveServer

SECRET = "TOP-SECRET-CONTENT-4711"


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def laughs(levels: int = 10) -> str:
    """Entity declarations that expand ``&l{levels-1};`` to 10**levels bytes (10 GB by default)."""
    return '<!ENTITY l0 "AAAAAAAAAA">' + "".join(
        f'<!ENTITY l{i} "{("&l%d;" % (i - 1)) * 10}">' for i in range(1, levels)
    )


def quadratic() -> str:
    return f'<!ENTITY a "{"A" * 50_000}">'


MARCXML = (
    '<?xml version="1.0"?><!DOCTYPE collection [{dtd}]>'
    '<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>'
    '<controlfield tag="001">x1</controlfield><controlfield tag="008">200101s2020    xx            000 0 eng d</controlfield>'
    '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">{text}</subfield></datafield></record></collection>'
)
CNMARC = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE collection [{dtd}]>'
    '<collection xmlns="http://www.nlc.cn/"><record><leader>00000nam0 2200000   450 </leader>'
    '<controlfield tag="001">c1</controlfield>'
    '<datafield tag="100" ind1=" " ind2=" "><subfield code="a">20200101d2020    em y0chiy50      ea</subfield></datafield>'
    '<datafield tag="200" ind1="1" ind2=" "><subfield code="a">{text}</subfield></datafield></record></collection>'
)
OAI_DC = (
    '<?xml version="1.0"?><!DOCTYPE OAI-PMH [{dtd}]>'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords><record><header><identifier>oai:x:1'
    "</identifier><datestamp>2020-01-01</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>{text}</dc:title></oai_dc:dc></metadata></record></ListRecords></OAI-PMH>"
)
ATTACKS = {
    "xxe": lambda secret: (f'<!ENTITY x SYSTEM "{secret.as_uri()}">', "&x;"),
    "billion-laughs": lambda secret: (laughs(), "&l9;"),
    "quadratic": lambda secret: (quadratic(), "&a;" * 20_000),
    "parameter": lambda secret: (f'<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;', "t"),
}


def _store_text(cat) -> str:
    return "\n".join(str(q) for g in cat.store.active_graphs() for q in cat.store.quads_in(g))


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize(
    "template,fmt", [(MARCXML, "marc21"), (CNMARC, "unimarc"), (OAI_DC, "dc")], ids=["marcxml", "cnmarcxml", "oai_dc"]
)
def test_entities_in_catalogue_xml_are_refused(members, tmp_path, secret, attack, template, fmt):
    dtd, text = ATTACKS[attack](secret)
    path = tmp_path / "hostile.xml"
    path.write_text(template.format(dtd=dtd, text=text))
    with pytest.raises(IngestError, match="no record could be read") as caught:
        ingest(members.store, members.minter, [path], "PKU", format=fmt)
    reasons = " ".join(r.reason for r in caught.value.report.rejected)
    assert "refused" in reasons, reasons
    assert SECRET not in reasons and SECRET not in _store_text(members)
    # the same document without the DTD loads: the refusal is about the entities alone
    path.write_text(
        template.format(dtd="", text="A title")
        .replace("<!DOCTYPE collection []>", "")
        .replace("<!DOCTYPE OAI-PMH []>", "")
    )
    assert ingest(members.store, members.minter, [path], "PKU", format=fmt).loaded == 1


RDF = (
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">'
    '<rdf:Description rdf:about="http://example.org/a"><ex:p>{text}</ex:p></rdf:Description></rdf:RDF>'
)


@pytest.mark.parametrize("attack", ATTACKS)
def test_entities_in_rdfxml_files_are_refused(members, tmp_path, secret, attack):
    dtd, text = ATTACKS[attack](secret)
    path = tmp_path / "hostile.rdf"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{dtd}]>' + RDF.format(text=text))
    before = _store_text(members)
    with pytest.raises(LoadError, match="refused"):
        load_files(members.store, [path], member="PKU")
    assert _store_text(members) == before


def test_namespace_entities_in_rdfxml_still_load(members, tmp_path):
    path = tmp_path / "ontology.rdf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "http://example.org/">]>'
        + RDF.format(text="v").replace('rdf:about="http://example.org/a"', 'rdf:about="&ex;a"')
    )
    assert load_files(members.store, [path], member="PKU").triples == 1


def test_hostile_oai_pmh_responses_are_refused(secret):
    bodies = {
        name: OAI_DC.format(dtd=make(secret)[0], text=make(secret)[1]).replace("ListRecords", "Identify")
        for name, make in ATTACKS.items()
    }
    asked = []

    def app(environ, start_response):
        name = environ["PATH_INFO"].strip("/")
        asked.append(name)
        start_response("200 OK", [("Content-Type", "text/xml")])
        return [bodies[name].encode()]

    with LiveServer(app) as server:
        for name in bodies:
            with pytest.raises(HarvestError, match="refused") as caught:
                identify(f"{server.url}/{name}", timeout=10)
            assert SECRET not in str(caught.value)
    assert asked == list(bodies)


@pytest.fixture(scope="module")
def writes(tmp_path_factory):
    from graph.catalogue import Catalogue
    from graph.alliance.members import Member, add_member
    from graph.alliance.tokens import TokenStore
    from web import create_app

    cat = Catalogue.open(tmp_path_factory.mktemp("xmlwrites") / "data", TEST_BASE)
    add_member(cat.store, cat.minter, Member("PKU", "Peking University Library"))
    _, token = TokenStore(cat.data_dir).create(member="PKU")
    app = create_app({"ALLIANCE_CATALOGUE": cat, "ALLIANCE_SPARQL_WORKERS": 1})
    with LiveServer(app, threads=2) as live:
        yield live.url, {"Authorization": f"Bearer {token}"}, cat
    cat.close()


@pytest.mark.parametrize("attack", ATTACKS)
def test_entities_in_graph_store_rdfxml_are_refused(writes, secret, attack):
    url, auth, cat = writes
    dtd, text = ATTACKS[attack](secret)
    body = f'<?xml version="1.0"?><!DOCTYPE rdf:RDF [{dtd}]>' + RDF.format(text=text)
    before = _store_text(cat)
    response = requests.put(
        f"{url}/graph-store",
        params={"graph": TEST_BASE + "graph/pku/x"},
        data=body.encode(),
        headers={"Content-Type": "application/rdf+xml", **auth},
        timeout=60,
    )
    assert response.status_code == 400, response.text
    assert "refused" in response.text and SECRET not in response.text
    assert _store_text(cat) == before


def test_jsonld_remote_context_is_not_fetched(writes):
    """A JSON-LD body naming a remote @context makes no request (a canary on 127.0.0.1 counts them)."""
    url, auth, cat = writes
    asked = []

    def canary(environ, start_response):
        asked.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "application/ld+json")])
        return [b'{"@context": {"title": "http://example.org/title"}}']

    with LiveServer(canary) as bait:
        body = '{"@context": "%s/context.jsonld", "@id": "http://example.org/a", "title": "x"}' % bait.url
        response = requests.put(
            f"{url}/graph-store",
            params={"graph": TEST_BASE + "graph/pku/ld"},
            data=body.encode(),
            headers={"Content-Type": "application/ld+json", **auth},
            timeout=60,
        )
    assert asked == []
    assert response.status_code == 400, response.text
