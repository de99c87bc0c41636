"""HTML pages over the sample alliance's records: labels, holdings, links a person can follow, 404s, escaping."""

from __future__ import annotations

import re

import pymarc
import pytest

from tests.conftest import TEST_BASE
from tests.webtools import href_of, instance_titled, links, parse, path_of, select
from web import create_app

HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture(scope="module")
def client(seeded_catalogue):
    return create_app({"ALLIANCE_CATALOGUE": seeded_catalogue, "TESTING": True}).test_client()


def get(client, url, **headers):
    response = client.get(url, headers={**HTML, **headers})
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_home_links_every_member_library(client, seeded):
    page = get(client, "/")
    assert href_of(page, "George Washington University Libraries") == "/library/gwu"
    assert href_of(page, "Peking University Library") == "/library/pku"
    assert href_of(page, "British Library") == "/library/bl"
    assert f"{seeded.pku_items} copies" in page
    assert href_of(page, "SPARQL") == "/sparql"


def test_home_in_chinese_by_parameter_cookie_and_accept_language(client):
    page = get(client, "/?lang=zh")
    assert href_of(page, "北京大学图书馆") == "/library/pku"
    assert "成员馆" in page and 'lang="zh-Hans"' in page
    assert "成员馆" in get(client, "/")  # the choice is remembered in a cookie
    get(client, "/?lang=en")
    fresh = create_app({"ALLIANCE_CATALOGUE": client.application.extensions["alliance"].catalogue}).test_client()
    assert "成员馆" in get(fresh, "/", **{"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "Member libraries" in get(fresh, "/", **{"Accept-Language": "en-GB,en;q=0.9"})


def test_click_home_library_record_work_and_back(client):
    home = get(client, "/?lang=en")
    library = get(client, href_of(home, "George Washington University Libraries"))
    assert "George Washington University Libraries" in library and "乔治·华盛顿大学图书馆" in library
    record_links = [href for href, _ in links(library) if href.startswith("/instance/")]
    assert len(record_links) == 25
    record = get(client, record_links[0])
    assert href_of(record, "George Washington University Libraries") == "/library/gwu"
    work_href = next(href for href, _ in links(record) if href.startswith("/work/"))
    work = get(client, work_href)
    assert record_links[0] in [href for href, _ in links(work)], "the work links back to its edition"
    assert href_of(work, "Home") == "/"


def author_link(page: str, seeded) -> str:
    """The record's author as the page links it: one form of the 100 or its 880 twin."""
    names = [
        label
        for href, label in links(page)
        if href.startswith("/agent/") and label.startswith((seeded.chinese.name, seeded.chinese.name_zh))
    ]
    assert names, "the author is not linked"
    return href_of(page, names[0])


def test_click_record_agent_work_and_back(client, seeded_catalogue, seeded):
    path = path_of(instance_titled(seeded_catalogue.store, seeded.chinese.title), TEST_BASE)
    record = get(client, path + "?lang=en")
    agent = get(client, author_link(record, seeded))  # a 100 with an 880 twin
    work_href = href_of(agent, seeded.chinese.title)  # works are named as the index does: an edition's vernacular title
    work = get(client, work_href)
    assert path in [href for href, _ in links(work)], "the work links back to the edition"
    assert author_link(work, seeded) == author_link(record, seeded)


def test_instance_page_shows_holdings_and_chinese_labels(client, seeded_catalogue, seeded):
    chinese = seeded.chinese
    iri = instance_titled(seeded_catalogue.store, chinese.title)
    page = get(client, path_of(iri, TEST_BASE) + "?lang=zh")
    assert f"<h1>{chinese.title}</h1>" in page
    assert "<title>" + chinese.title in page
    assert href_of(page, "乔治·华盛顿大学图书馆") == "/library/gwu"
    assert href_of(page, "北京大学图书馆") == "/library/pku"
    assert (
        f'href="https://catalog.gwu.example/record/{chinese.control}"' in page
        and f'href="https://opac.pku.example/record/{chinese.control}"' in page
    )
    assert "1 册" in page and "在本馆目录中查看" in page
    assert f"ISBN {chinese.isbn}" in page
    assert author_link(page, seeded).startswith("/agent/")
    shown_as_iri = (f"<code>{iri}</code>", f'readonly value="{iri}"')  # the data section and the permalink
    for allowed in shown_as_iri:
        page = page.replace(allowed, "")
    page = re.sub(r'<script type="application/ld\+json">.*?</script>', "", page, flags=re.S)  # for machines
    assert iri not in page, "no raw IRI where a label exists"


def test_copies_collapse_on_the_page(client, seeded_catalogue, seeded):
    many = seeded.copies
    iri = instance_titled(seeded_catalogue.store, many.title)
    page = get(client, path_of(iri, TEST_BASE) + "?lang=en")
    assert page.count('<th scope="row">') == 1
    assert f"{many.copies} copies" in page and many.call_number in page
    item_page = get(
        client,
        "/item/"
        + seeded_catalogue.store.query(
            f"SELECT ?i WHERE {{ ?i <http://id.loc.gov/ontologies/bibframe/itemOf> <{iri}> }} LIMIT 1"
        )
        .__next__()["i"]
        .value.rsplit("/", 1)[1],
    )
    assert href_of(item_page, many.title) == path_of(iri, TEST_BASE)
    assert href_of(item_page, "British Library") == "/library/bl"


@pytest.mark.parametrize(
    "url",
    [
        "/instance/doesnotexist",
        "/work/doesnotexist",
        "/agent/x",
        "/subject/x",
        "/item/x",
        "/library/nolibrary",
        "/collection/x",
        "/nothing/here",
        "/instance/%3Cscript%3E",
    ],
)
def test_unknown_resources_are_404_with_a_search_box(client, url):
    response = client.get(url, headers=HTML)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'role="search"' in page and 'name="q"' in page
    assert "<script>" not in page


def test_a_resource_of_another_kind_is_404(client, seeded_catalogue, seeded):
    iri = instance_titled(seeded_catalogue.store, seeded.chinese.title)
    ident = iri.rsplit("/", 1)[1]
    assert client.get(f"/work/{ident}", headers=HTML).status_code == 404


def test_library_codes_are_case_insensitive(client):
    response = client.get("/library/GWU?lang=zh", headers=HTML)
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/library/gwu?lang=zh")


def test_titles_and_names_are_escaped(members, tmp_path):
    """A record whose title and a member whose name carry markup show it as text, never as markup."""
    from graph.load.ingest import ingest
    from graph.alliance.members import Member, add_member

    catalogue = members
    add_member(catalogue.store, catalogue.minter, Member("EVIL", '<img src=x onerror="alert(1)"> Library'))
    record = pymarc.Record()
    record.add_field(pymarc.Field(tag="001", data="xss-1"))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "<script>alert('title')</script> & friends")],
        )
    )
    record.add_field(
        pymarc.Field(
            tag="100", indicators=pymarc.Indicators("1", " "), subfields=[pymarc.Subfield("a", '"><b>Bold</b>')]
        )
    )
    path = tmp_path / "xss.mrc"
    path.write_bytes(record.as_marc())
    ingest(catalogue.store, catalogue.minter, [path], "EVIL")
    client = create_app({"ALLIANCE_CATALOGUE": catalogue}).test_client()

    home = get(client, "/")
    assert "<img src=x" not in home and "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; Library" in home
    library = get(client, "/library/evil")
    assert "<script>" not in library and "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; friends" in library
    record_href = next(href for href, _ in links(library) if href.startswith("/instance/"))
    page = get(client, record_href)
    assert "<script>alert" not in page and "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt;" in page
    assert [h for h in parse(page).links if h[1] == "<script>alert('title')</script> & friends"]


def test_sparql_form_page(client):
    page = get(client, "/sparql")
    assert "<textarea" in page and "SELECT" in page
    example_links = [href for href, _ in links(page) if href.startswith("/sparql?query=")]
    assert len(example_links) >= 3
    for href in example_links:
        assert "<table" in get(client, href) or "<pre" in get(client, href)


def test_an_edition_shows_its_own_work_and_the_original_lists_its_translations(demo_catalogue):
    """The demo's 红楼梦 (人民文学出版社 1996): no translator, no English summary or subject from Hawkes'
    "The story of the stone"; the Work page lists that translation with its language, and the translation's
    page names the Work it translates."""
    demo = create_app(
        {"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0}
    ).test_client()
    rows = select(
        demo_catalogue.store,
        """SELECT DISTINCT ?i WHERE { ?i a bf:Instance ;
        bf:title/bf:mainTitle "红楼梦"@zh-Hans ; bf:provisionActivityStatement ?p FILTER(CONTAINS(STR(?p), "1996")) }""",
    )
    assert len(rows) == 1
    edition = get(demo, path_of(rows[0]["i"].value, TEST_BASE) + "?lang=en")
    assert "Cao, Xueqin" in edition or "曹雪芹" in edition
    for foreign in ("Hawkes", "Translations into English", "English translation"):
        assert foreign not in edition, foreign
    work_href = next(href for href, _ in links(edition) if href.startswith("/work/"))
    work = get(demo, work_href + "?lang=en")
    assert '<h2 id="translations-heading">Translations' in work and "(English)" in work
    translation_href = href_of(work, "The story of the stone : Volume 1, The golden days", "/work/")
    translation = get(demo, translation_href + "?lang=en")
    # the original's one label, in the script its members catalogued it in (the page shows script before romanised)
    assert "Translation of" in translation and href_of(translation, "红楼梦", "/work/") == work_href
    assert "Hawkes, David, 1923-2009" in translation
    assert "译本" in get(demo, work_href + "?lang=zh")
