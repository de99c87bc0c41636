"""The sample alliance: generated here, read by our own readers, and a real union catalogue once loaded."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.identity.normalize import isbn13, text_key, year
from graph.load.ingest import ingest
from graph.alliance.members import add_member, list_members
from graph.sample import write_sample
from graph.load.sources import Rejection
from graph.load.sources.marc import read_marc
from vocab.namespaces import sparql_prefixes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    return out, write_sample(out)


def _records(member):
    return [r for path in member.files for r in read_marc(path)]


def _digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_members_and_files(sample):
    out, members = sample
    assert len(members) >= 4
    assert len({m.code for m in members}) == len(members)
    for m in members:
        assert m.name and m.name_zh and "{id}" in m.opac and m.opac.startswith("https://")
        assert m.files and all(p.is_file() and p.parent == out for p in m.files)
    kinds = {p.read_bytes()[:5] for m in members for p in m.files}
    assert any(k.startswith(b"<?xml") for k in kinds), "one member exports MARCXML"
    assert any(k.isdigit() for k in kinds), "the others export ISO 2709"


def test_every_record_reads_cleanly_as_utf8(sample):
    _, members = sample
    total = 0
    for m in members:
        got = _records(m)
        rejected = [str(r) for r in got if isinstance(r, Rejection)]
        assert rejected == []
        assert [r.warnings for r in got if r.warnings] == []
        assert all(str(r.record.leader)[9] == "a" for r in got)
        assert len(got) == m.records
        total += len(got)
    assert 300 <= total <= 700, total


def test_each_member_numbers_records_in_its_own_scheme(sample):
    _, members = sample
    schemes = {}
    for m in members:
        ids = [r.record["001"].data for r in _records(m)]
        assert len(set(ids)) == len(ids), f"{m.code} repeats a control number"
        schemes[m.code] = {re.sub(r"\d", "9", i) for i in ids}
    assert len({frozenset(s) for s in schemes.values()}) == len(members)


def test_same_seed_same_bytes_other_seed_other_catalogue(tmp_path, sample):
    out, members = sample
    again = write_sample(tmp_path / "again")
    assert _digest(p for m in members for p in m.files) == _digest(p for m in again for p in m.files)
    other = write_sample(tmp_path / "other", seed=8)
    assert _digest(p for m in members for p in m.files) != _digest(p for m in other for p in m.files)


def test_titles_sets_the_size(tmp_path):
    small = write_sample(tmp_path, titles=40)
    editions = {_edition_key(r.record) for m in small for r in _records(m)}
    assert len(editions) == 40
    with pytest.raises(ValueError):
        write_sample(tmp_path / "none", titles=0)


def _edition_key(record):
    for f in record.get_fields("020"):
        for v in f.get_subfields("a"):
            if isbn13(v):
                return isbn13(v)
    imprint = record.get("264") or record.get("260")
    return f"{text_key(' '.join(record['245'].get_subfields('a', 'p')))}|{year(imprint.value())}"


def test_cjk_titles_are_pinyin_with_linked_han_880(sample):
    _, members = sample
    paired = 0
    for m in members:
        for r in _records(m):
            rec = r.record
            t245 = rec["245"]
            link = t245.get_subfields("6")
            if not link:
                continue
            occurrence = link[0].split("-")[1]
            twin = [f for f in rec.get_fields("880") if f.get_subfields("6")[0].startswith(f"245-{occurrence}/$1")]
            assert len(twin) == 1, rec["001"].data
            assert re.search(r"[\u4e00-\u9fff]", twin[0].value())
            assert not re.search(r"[\u4e00-\u9fff]", t245.value())
            paired += 1
    assert paired >= 100


def test_isbn_variants_of_one_edition_normalise_together(sample):
    _, members = sample
    forms: dict[str, set[str]] = {}
    for m in members:
        for r in _records(m):
            for f in r.record.get_fields("020"):
                for v in f.get_subfields("a"):
                    norm = isbn13(v)
                    assert norm, f"{m.code} {r.record['001'].data}: invalid ISBN {v!r}"
                    forms.setdefault(norm, set()).add(v)
    shapes = {len(re.sub(r"[^0-9X]", "", v.split(" ")[0])) for vs in forms.values() for v in vs}
    assert shapes == {10, 13}
    assert any("-" in v for vs in forms.values() for v in vs)
    assert any("(" in v for vs in forms.values() for v in vs), "some ISBNs carry a qualifier"


# The sample as a union catalogue --------------------------------------------------------------
@pytest.fixture(scope="module")
def loaded(sample, tmp_path_factory):
    from graph.catalogue import Catalogue

    _, members = sample
    cat = Catalogue.open(tmp_path_factory.mktemp("data"), "http://alliance.test/")
    reports = []
    for m in members:
        add_member(cat.store, cat.minter, m.member())
        reports.append(ingest(cat.store, cat.minter, m.files, m.code, clusters=cat.clusters))
    yield cat, members, reports
    cat.close()


def _select(cat, query):
    return list(cat.store.query(sparql_prefixes() + query))


def test_every_record_loads(loaded):
    _, members, reports = loaded
    for m, report in zip(members, reports):
        assert report.rejected == [] and report.loaded == m.records


def test_each_edition_is_one_instance_each_copy_one_item(loaded):
    """However the members wrote ISBNs, pinyin and punctuation, 240 editions make 240 Instances."""
    cat, members, _ = loaded
    counts = _select(
        cat,
        """
        SELECT (COUNT(DISTINCT ?i) AS ?instances) (COUNT(DISTINCT ?item) AS ?items) WHERE {
          { ?i a bf:Instance } UNION { ?item a bf:Item }
        }""",
    )[0]
    assert int(counts["instances"].value) == 240
    assert int(counts["items"].value) == sum(m.items for m in members)


def test_members_are_described(loaded):
    cat, members, _ = loaded
    assert {m.code for m in list_members(cat.store)} == {m.code for m in members}


def test_some_editions_are_held_across_the_alliance(loaded):
    cat, members, _ = loaded
    rows = _select(
        cat,
        """
        SELECT ?instance (COUNT(DISTINCT ?lib) AS ?libs) WHERE {
          ?item bf:itemOf ?instance ; bf:heldBy ?lib .
        } GROUP BY ?instance""",
    )
    spread = sorted(int(r["libs"].value) for r in rows)
    assert spread[-1] == len(members), "a few titles are held by every member"
    assert sum(1 for n in spread if n >= 3) >= 5
    assert sum(1 for n in spread if n == 1) > len(spread) / 3, "most titles are held by one library"


def test_some_members_hold_several_copies(loaded):
    cat, _, _ = loaded
    rows = _select(
        cat,
        """
        SELECT ?instance ?lib (COUNT(?item) AS ?copies) WHERE {
          ?item bf:itemOf ?instance ; bf:heldBy ?lib .
        } GROUP BY ?instance ?lib HAVING (COUNT(?item) >= 2)""",
    )
    assert len(rows) >= 10
    assert max(int(r["copies"].value) for r in rows) <= 4


def test_chinese_titles_are_han_beside_pinyin(loaded):
    cat, _, _ = loaded
    rows = _select(
        cat,
        """
        SELECT DISTINCT ?han ?pinyin WHERE {
          ?instance bf:title ?t . ?t bf:mainTitle ?han, ?pinyin .
          FILTER(langMatches(lang(?han), "zh-Hans") && langMatches(lang(?pinyin), "zh-Latn-pinyin"))
        }""",
    )
    pairs = {(r["han"].value, r["pinyin"].value) for r in rows}
    assert len(pairs) >= 50
    assert ("红楼梦", "Hong lou meng") in pairs
    assert ("北京志", "Beijing zhi") in pairs or ("北京志", "Bei jing zhi") in pairs
    traditional = _select(
        cat,
        """
        SELECT ?han WHERE { ?t bf:mainTitle ?han FILTER(langMatches(lang(?han), "zh-Hant")) } LIMIT 1""",
    )
    assert traditional, "old genealogies keep their Traditional characters"


def test_isbn10_and_isbn13_of_one_edition_are_one_instance(sample, loaded):
    _, members = sample
    cat = loaded[0]
    forms: dict[str, set[str]] = {}
    for m in members:
        for r in _records(m):
            for f in r.record.get_fields("020"):
                for v in f.get_subfields("a"):
                    forms.setdefault(isbn13(v), set()).add(v.split(" ")[0])
    mixed = {k: v for k, v in forms.items() if {len(re.sub(r"[^0-9X]", "", x)) for x in v} == {10, 13}}
    assert len(mixed) >= 5
    for norm, values in sorted(mixed.items())[:10]:
        literals = ", ".join(f'"{v}"' for v in sorted(values))
        rows = _select(
            cat,
            f"""
            SELECT DISTINCT ?instance ?value WHERE {{
              ?instance a bf:Instance ; bf:identifiedBy ?id . ?id a bf:Isbn ; rdf:value ?value .
              FILTER(?value IN ({literals}))
            }}""",
        )
        assert len({r["instance"].value for r in rows}) == 1, (norm, values)
        assert len({r["value"].value for r in rows}) == 1  # the union states one ISBN once
        forms = _select(
            cat,
            f"""
            SELECT DISTINCT ?value WHERE {{
              ?instance a bf:Instance ; alliance:memberDescription/bf:identifiedBy ?id .
              ?id a bf:Isbn ; rdf:value ?value . FILTER(?value IN ({literals}))
            }}""",
        )
        assert {r["value"].value for r in forms} == values  # each member's own form stays in its description


def test_editions_without_isbn_still_meet_across_members(loaded):
    cat, _, _ = loaded
    rows = _select(
        cat,
        """
        SELECT ?instance (COUNT(DISTINCT ?lib) AS ?libs) WHERE {
          ?instance a bf:Instance ; bf:hasItem/bf:heldBy ?lib .
          FILTER NOT EXISTS { ?instance bf:identifiedBy/a bf:Isbn }
        } GROUP BY ?instance HAVING (COUNT(DISTINCT ?lib) >= 2)""",
    )
    assert rows, "old books and genealogies match on title, date and publisher"


def test_command_line_writes_the_files(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "graph.sample", str(tmp_path), "--titles", "30"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "30 editions" in done.stdout
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv"] * 4 + [".mrc", ".mrc", ".mrc", ".mrc", ".xml"]


HONG_LOU_MENG = """
    SELECT DISTINCT ?original ?translation WHERE {
      ?i a bf:Instance ; bf:title/bf:mainTitle "红楼梦"@zh-Hans ; bf:instanceOf ?original .
      ?t a bf:Instance ; bf:title/bf:mainTitle ?english ; bf:instanceOf ?translation .
      FILTER(STRSTARTS(STR(?english), "The story of the stone"))
    }"""


def _translation_pair(cat):
    rows = _select(cat, HONG_LOU_MENG)
    assert len(rows) == 1, [{k: v.value for k, v in r.items()} for r in rows]
    return rows[0]["original"].value, rows[0]["translation"].value


def test_a_translation_is_its_own_work_linked_to_its_original(loaded):
    """Hawkes' "The story of the stone" (240 Hong lou meng. English) and the Chinese 红楼梦 editions are two
    Works, the translation's bf:translationOf the original's; nothing of the translation shows on the original."""
    cat, _, _ = loaded
    original, translation = _translation_pair(cat)
    assert original != translation
    links = _select(cat, f"SELECT ?o WHERE {{ <{translation}> bf:translationOf ?o }}")
    assert [r["o"].value for r in links] == [original]
    facts = {
        r["v"].value
        for r in _select(
            cat,
            f"""SELECT DISTINCT ?v WHERE {{
        {{ <{original}> bf:contribution/bf:agent/rdfs:label ?v }} UNION {{ <{original}> bf:subject/rdfs:label ?v }}
        UNION {{ <{original}> bf:summary/rdfs:label ?v }} UNION {{ <{original}> bf:language ?v }} }}""",
        )
    }
    assert "http://id.loc.gov/vocabulary/languages/chi" in facts
    assert not [v for v in facts if "Hawkes" in v or "English" in v or v.endswith("/eng")], facts
    languages = _select(cat, f"SELECT ?l WHERE {{ <{translation}> bf:language ?l }}")
    assert [r["l"].value for r in languages] == ["http://id.loc.gov/vocabulary/languages/eng"]


def test_the_translation_link_is_the_same_in_any_load_order(sample, loaded, tmp_path):
    from graph.catalogue import Catalogue

    _, members = sample
    cat = Catalogue.open(tmp_path / "reversed", "http://alliance.test/")
    for m in reversed(members):
        add_member(cat.store, cat.minter, m.member())
        ingest(cat.store, cat.minter, m.files, m.code, clusters=cat.clusters)
    try:
        assert _translation_pair(cat) == _translation_pair(loaded[0])
    finally:
        cat.close()


def test_the_translations_example_of_the_union_docs_runs(loaded):
    cat, _, _ = loaded
    text = (ROOT / "docs" / "union.md").read_text(encoding="utf-8")
    (query,) = re.findall(r"```sparql translations\n(.*?)\n```", text, flags=re.S)
    original, translation = _translation_pair(cat)
    rows = {(r["translation"].value, r["language"].value, r["original"].value) for r in cat.store.query(query)}
    assert (translation, "http://id.loc.gov/vocabulary/languages/eng", original) in rows
