"""One edition, one description: the union description per Instance and Work, each member's kept beside it."""

from __future__ import annotations

import json
import random

import pytest
from pyoxigraph import Literal, NamedNode

from graph.catalogue import Catalogue
from graph.load.ingest import ingest
from graph.alliance.members import Member, add_member
from graph.union.description import Description, as_member_description, is_member_node, merge
from graph.union.memo import DescriptionMemo
from graph.sample.real_records import generate
from graph.load.validate import validate
from tests.conftest import TEST_BASE
from vocab.namespaces import ALLIANCE, BF, RDF, RDFS, sparql_prefixes

EDITION = NamedNode(TEST_BASE + "instance/abc")


def description(member: str, title: str, isbn: str, extent: str | None = None, note: str | None = None):
    node = NamedNode(f"{EDITION.value}#{member}.r1")
    t, n, e, x = (NamedNode(f"{node.value}-{k}") for k in ("title", "isbn", "extent", "note"))
    triples = [
        (node, ALLIANCE.statedType, BF.Instance),
        (node, BF.title, t),
        (t, RDF.type, BF.Title),
        (t, BF.mainTitle, Literal(title)),
        (node, BF.identifiedBy, n),
        (n, RDF.type, BF.Isbn),
        (n, RDF.value, Literal(isbn)),
        (node, RDFS.label, Literal(title)),
    ]
    if extent:
        triples += [(node, BF.extent, e), (e, RDF.type, BF.Extent), (e, RDFS.label, Literal(extent))]
    if note:
        triples += [(node, BF.note, x), (x, RDF.type, BF.Note), (x, RDFS.label, Literal(note))]
    return Description(member, node, triples)


def about(triples, subject):
    return [(p, o) for s, p, o in triples if s == subject]


def test_merge_keeps_one_main_title_each_isbn_once_and_other_titles_as_variants():
    descs = [
        description("PKU", "A collection of jewels", "0-14-558700-2", "3 v. (1620 p.)", "Includes index."),
        description("THU", "A Collection Of Jewels", "9780145587000", "3 volumes (1620 pages)", "Includes index"),
        description("RPL", "Jewels, a collection", "978-0-14-558700-0"),
    ]
    union = merge(EDITION, descs)
    titles = [o for p, o in about(union, EDITION) if p == BF.title]
    types = {o for t in titles for p, o in about(union, t) if p == RDF.type}
    main = [t for t in titles if (RDF.type, BF.Title) in about(union, t)]
    assert len(main) == 1 and types == {BF.Title, BF.VariantTitle}
    assert [o.value for p, o in about(union, main[0]) if p == BF.mainTitle] == ["A collection of jewels"]
    assert len(titles) == 2, "a title that differs only in case is the same title"
    assert len([o for p, o in about(union, EDITION) if p == BF.identifiedBy]) == 1, "ISBN-10 and -13 are one value"
    assert len([o for p, o in about(union, EDITION) if p == BF.extent]) == 1
    assert len([o for p, o in about(union, EDITION) if p == BF.note]) == 1, "the same note in two punctuations"
    admin = NamedNode(EDITION.value + "#admin")
    assert {o for p, o in about(union, admin) if p == BF.derivedFrom} == {d.node for d in descs}
    assert validate(union + [(EDITION, BF.instanceOf, NamedNode(TEST_BASE + "work/w"))]).violations == []


def test_merge_does_not_depend_on_the_order_descriptions_come_in():
    descs = [
        description("PKU", "Hong lou meng", "7020002207", "2 v."),
        description("THU", "Hong lou meng", "7020002207"),
        description("FDU", "Hong lou meng : [zhu ping ben]", "9787020002207", "2 v. ; 21 cm"),
    ]
    first = sorted(map(str, merge(EDITION, descs)))
    for seed in range(5):
        shuffled = descs[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(map(str, merge(EDITION, shuffled))) == first
    base = [o.value for p, o in about(merge(EDITION, descs), EDITION) if p == RDFS.label]
    assert base == ["Hong lou meng : [zhu ping ben]"], "the most complete record is the base"


def test_a_member_record_keeps_its_own_description_beside_the_shared_iri():
    w = NamedNode(TEST_BASE + "work/w")
    title = NamedNode(EDITION.value + "#PKU-title")
    local = NamedNode(EDITION.value + "#PKU-local")
    mapped = [
        (EDITION, RDF.type, BF.Instance),
        (EDITION, BF.instanceOf, w),
        (EDITION, BF.title, title),
        (title, BF.mainTitle, Literal("T")),
        (EDITION, BF.adminMetadata, NamedNode(EDITION.value + "#PKU-admin")),
        (local, RDF.value, Literal("pku0001")),
        (w, RDF.type, BF.Work),
        (NamedNode(TEST_BASE + "item/x"), BF.itemOf, EDITION),
    ]
    out = as_member_description(mapped, "PKU")
    subjects = {s.value for s, _, _ in out}
    assert all(s == EDITION.value + "#" + s.split("#", 1)[1] for s in subjects if s.startswith(EDITION.value + "#"))
    assert not [t for t in out if t[0] == EDITION and t[1] != ALLIANCE.memberDescription], (
        "nothing said on the shared IRI"
    )
    assert (NamedNode(TEST_BASE + "item/x"), BF.itemOf, EDITION) in out, "copies stay copies of the shared edition"
    node = next(o for s, p, o in out if s == EDITION and p == ALLIANCE.memberDescription)
    assert node.value.startswith(EDITION.value + "#PKU.r") and (node, ALLIANCE.statedType, BF.Instance) in out


# the alliance as SPARQL users see it ------------------------------------------------------------------
@pytest.fixture(scope="module")
def alliance(tmp_path_factory, sample_editions):
    """A generated alliance: 5 members re-cataloguing 500 of the sample pool's editions, plus one member's
    file loaded again, byte for byte, by a sixth member (TWIN)."""
    out = tmp_path_factory.mktemp("gen")
    generate([sample_editions], out, members=5, limit=500, seed=11)
    members = json.loads((out / "members.json").read_text())
    cat = Catalogue.open(tmp_path_factory.mktemp("store"), TEST_BASE)
    for m in members:
        add_member(cat.store, cat.minter, Member(m["code"], m["code"]))
        ingest(cat.store, cat.minter, [out / m["file"]], m["code"], clusters=cat.clusters)
    add_member(cat.store, cat.minter, Member("TWIN", "Twin"))
    ingest(cat.store, cat.minter, [out / members[1]["file"]], "TWIN", clusters=cat.clusters)
    yield cat, members, out
    cat.close()


def rows(cat, query):
    return list(cat.store.query(sparql_prefixes() + query))


def popular(cat, holders: int = 3) -> list[NamedNode]:
    return [
        r["i"]
        for r in rows(
            cat,
            f"""SELECT ?i WHERE {{ ?item bf:itemOf ?i ; bf:heldBy ?lib }}
        GROUP BY ?i HAVING (COUNT(DISTINCT ?lib) >= {holders})""",
        )
    ]


def test_editions_held_by_three_or_more_have_one_description(alliance):
    cat, _, _ = alliance
    editions = popular(cat)
    assert len(editions) > 20
    works = {r["w"] for i in editions for r in rows(cat, f"SELECT ?w WHERE {{ {i} bf:instanceOf ?w }}")}
    assert len(works) >= len(editions) // 2
    for resource in [*editions, *works]:
        pairs = [(r["p"], r["o"]) for r in rows(cat, f"SELECT ?p ?o WHERE {{ {resource} ?p ?o }}")]
        assert len(pairs) == len(set(pairs)), f"{resource} repeats a statement"
        main = rows(cat, f"SELECT ?t WHERE {{ {resource} bf:title ?t . ?t a bf:Title }}")
        assert len(main) == 1, f"{resource} has {len(main)} main titles"
        ids = [
            (r["k"], r["v"])
            for r in rows(
                cat,
                f"""SELECT ?k ?v WHERE {{ {resource} bf:identifiedBy ?id .
            ?id a ?k ; rdf:value ?v }}""",
            )
        ]
        assert len(ids) == len(set(ids)), f"{resource} states an identifier value twice"
        assert len({p for p, _ in pairs if p == ALLIANCE.memberDescription}) == 1
        said = {o for p, o in pairs if p == BF.provisionActivityStatement}
        if said:
            members = rows(
                cat,
                f"""SELECT ?d ?s WHERE {{ {resource} alliance:memberDescription ?d .
                OPTIONAL {{ ?d bf:provisionActivityStatement ?s }} }}""",
            )
            own: dict = {}
            for r in members:
                own.setdefault(r["d"], set()).update([r["s"]] if r["s"] is not None else [])
            assert said in own.values(), f"{resource}'s publication statements are not one member's: {said}"


def test_the_default_graph_repeats_under_one_percent_of_its_triples(alliance):
    cat, _, _ = alliance
    (total,) = rows(cat, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    (distinct,) = rows(cat, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
    total, distinct = int(total["n"].value), int(distinct["n"].value)
    assert total > 50_000 and (total - distinct) / total < 0.01, (total, distinct)


def test_byte_identical_records_of_two_members_are_one_edition(alliance):
    cat, members, _ = alliance
    original = members[1]["code"].lower()
    alone = rows(
        cat,
        f"""SELECT ?i WHERE {{ ?item bf:itemOf ?i ; bf:heldBy/alliance:code "TWIN" .
        FILTER NOT EXISTS {{ ?other bf:itemOf ?i ; bf:heldBy <{TEST_BASE}library/{original}> }} }}""",
    )
    assert alone == []


def test_each_member_says_who_said_what(alliance):
    cat, _, _ = alliance
    edition = popular(cat, 4)[0]
    said = rows(
        cat,
        f"""SELECT ?d ?member ?title WHERE {{ {edition} alliance:memberDescription ?d .
        ?d bf:adminMetadata/bf:assigner/alliance:code ?member ; bf:title ?n . ?n a bf:Title ; bf:mainTitle ?title }}""",
    )
    assert len({r["member"].value for r in said}) >= 4
    titles: dict[str, set] = {}
    for r in said:
        titles.setdefault(r["d"].value, set()).add(r["title"])
    # one bf:Title; a Chinese title says its main title twice, romanised and in Han (the 880 pair)
    union = rows(cat, f"SELECT ?n ?t WHERE {{ {edition} bf:title ?n . ?n a bf:Title ; bf:mainTitle ?t }}")
    assert len({r["n"] for r in union}) == 1
    assert {r["t"] for r in union} in titles.values(), "the main title is one member's"


def test_a_withdrawn_record_leaves_the_union_description(tmp_path, sample_editions):
    source = sample_editions
    from graph.load.sources import SourceRecord
    from graph.load.sources.marc import read_marc

    records = [item.record for item, _ in zip(read_marc(source), range(40)) if isinstance(item, SourceRecord)]
    full, less = tmp_path / "full.mrc", tmp_path / "less.mrc"
    full.write_bytes(b"".join(r.as_marc() for r in records))
    less.write_bytes(b"".join(r.as_marc() for r in records[1:]))
    cat = Catalogue.open(tmp_path / "store", TEST_BASE)
    for code in ("PKU", "THU"):
        add_member(cat.store, cat.minter, Member(code, code))
    ingest(cat.store, cat.minter, [full], "THU", clusters=cat.clusters)  # THU holds what both say of agents
    ingest(cat.store, cat.minter, [full], "PKU", clusters=cat.clusters)
    control = records[0]["001"].data.strip()
    (found,) = rows(
        cat,
        f"""SELECT DISTINCT ?i WHERE {{ ?i a bf:Instance ;
        alliance:memberDescription/bf:adminMetadata/bf:identifiedBy/rdf:value "{control}" }}""",
    )
    withdrawn = found["i"]
    derived = rows(cat, f"SELECT ?d WHERE {{ <{withdrawn.value}#admin> bf:derivedFrom ?d }}")
    assert len(derived) == 2
    ingest(cat.store, cat.minter, [less], "THU", replace=True, clusters=cat.clusters)
    derived = rows(cat, f"SELECT ?d WHERE {{ <{withdrawn.value}#admin> bf:derivedFrom ?d }}")
    assert [r["d"].value.rsplit("#", 1)[1].split(".")[0] for r in derived] == ["PKU"]
    assert len(rows(cat, f"SELECT ?t WHERE {{ {withdrawn} bf:title ?n . ?n a bf:Title }}")) == 1
    agents = rows(cat, f'SELECT DISTINCT ?a WHERE {{ ?c bf:agent ?a FILTER(STRSTARTS(STR(?a), "{TEST_BASE}agent/")) }}')
    assert len(agents) > 20
    for r in agents:  # no agent lost its name with THU's copy: PKU still says it
        assert rows(cat, f"SELECT ?l WHERE {{ {r['a']} rdfs:label ?l }}"), r["a"]
    cat.close()


def test_the_demo_alliance_conforms_to_the_one_description_profile(tmp_path):
    from graph.sample import load_sample
    from graph.load.validate import validate_alliance

    cat = Catalogue.open(tmp_path / "demo", TEST_BASE)
    load_sample(cat)
    report = validate_alliance(cat.store)
    assert report.conforms and not report.violations, report.violations[:5]
    cat.close()


def union_statements(cat) -> list[str]:
    """Every statement of the union descriptions (subjects under instance/ and work/, not members' nodes)."""
    shared = (TEST_BASE + "instance/", TEST_BASE + "work/")
    return sorted(
        f"{r['s']} {r['p']} {r['o']}"
        for r in cat.store.query("SELECT ?s ?p ?o { ?s ?p ?o }")
        if r["s"].value.startswith(shared) and not is_member_node(r["s"].value)
    )


def memo_mismatches(cat) -> list[tuple]:
    """(graph, resource) pairs where the derivation's memo (graph.union.memo) and the store disagree about
    what a memoed graph says of a shared resource and its fragments."""
    memo = DescriptionMemo(cat.clusters.db, cat.minter.base)
    wrong = []
    for g in sorted(memo.graphs()):
        held: dict = {}
        for q in cat.store.quads_in(NamedNode(g)):
            if memo.covers(q.subject.value):
                held.setdefault(q.subject.value.partition("#")[0], set()).add((q.subject, q.predicate, q.object))
        kept = {r for (r,) in cat.clusters.db.execute("SELECT resource FROM said WHERE graph=?", (g,))}
        wrong += [(g, r) for r in sorted(set(held) | kept) if set(memo.read(g, r)) != held.get(r, set())]
    return wrong


def test_the_union_is_the_same_in_any_load_order_and_after_a_reload(tmp_path, sample_editions):
    """A load derives the union from its own records as it writes them and from other members' as the store
    holds them: whichever side a description comes from, the union is the same."""
    out = tmp_path / "gen"
    generate([sample_editions], out, members=3, limit=120, seed=3)
    members = json.loads((out / "members.json").read_text())
    got, renamed = [], []
    for name, order in (("a", members), ("b", members[::-1])):
        cat = Catalogue.open(tmp_path / name, TEST_BASE)
        for m in order:
            add_member(cat.store, cat.minter, Member(m["code"], m["code"]))
            report = ingest(cat.store, cat.minter, [out / m["file"]], m["code"], clusters=cat.clusters)
            renamed += report.renamed
            # the memo the derivation reads other members' descriptions from says what the store holds
            assert len(DescriptionMemo(cat.clusters.db, cat.minter.base).graphs()) == len(cat.store.batches())
            assert memo_mismatches(cat) == []
        got.append(union_statements(cat))
        if name == "a":  # the first member again, unchanged: nothing in the union moves
            ingest(
                cat.store, cat.minter, [out / order[0]["file"]], order[0]["code"], replace=True, clusters=cat.clusters
            )
            assert union_statements(cat) == got[0]
            assert memo_mismatches(cat) == []
        cat.close()
    assert renamed  # cluster merges moved members' descriptions (the memo followed them)
    assert len(got[0]) > 1000
    assert got[0] == got[1]


def test_graphs_the_memo_does_not_list_are_read_from_the_store(tmp_path, sample_editions):
    """A data directory whose memo lacks some live graphs (loaded before the memo existed, or by another data
    directory into a shared server) derives the same union: those graphs are read from the store."""
    out = tmp_path / "gen"
    generate([sample_editions], out, members=3, limit=120, seed=3)
    members = json.loads((out / "members.json").read_text())
    got = []
    for name, forget in (("memo", False), ("store", True)):
        cat = Catalogue.open(tmp_path / name, TEST_BASE)
        for i, m in enumerate(members):
            add_member(cat.store, cat.minter, Member(m["code"], m["code"]))
            if forget and i == len(members) - 1:  # as if the first loads had run without the memo
                DescriptionMemo(cat.clusters.db, cat.minter.base).clear()
                assert DescriptionMemo(cat.clusters.db, cat.minter.base).graphs() == set()
            ingest(cat.store, cat.minter, [out / m["file"]], m["code"], clusters=cat.clusters)
        assert memo_mismatches(cat) == []
        memoed = DescriptionMemo(cat.clusters.db, cat.minter.base).graphs()
        assert len(memoed) == (1 if forget else len(members))
        got.append(union_statements(cat))
        cat.close()
    assert len(got[0]) > 1000
    assert got[0] == got[1]
