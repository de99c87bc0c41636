"""Wade-Giles meets pinyin and Han: the syllable table, the keys, matching on a generated alliance, search."""

from __future__ import annotations

import json
import re

import pytest

from graph.identity import match as matching
from graph.identity.clusters import ClusterIndex
from graph.identity.match import Evidence, same_instance, signature
from graph.identity.romanization import (
    PINYIN_SYLLABLES,
    WADE_GILES,
    exact_key,
    is_wade_giles,
    loose_key,
    to_wade_giles,
    wade_giles_readings,
)
from graph.identity.uris import Minter
from graph.index.text import parse_query, pinyin_tokens
from graph.sample import write_editions
from graph.load.sources.marc import read_marc
from graph.sample.cluster import cluster_member
from graph.sample.evaluate import pairwise, read_truth
from graph.sample.real_records import HAN_MEMBER, WADE_GILES_MEMBER, generate
from tests.conftest import shared


# the table ----------------------------------------------------------------------------------------
def test_every_pinyin_syllable_reads_back_from_its_wade_giles():
    collisions = {"o": "e", "lo": "luo", "me": "mo"}  # one Wade-Giles spelling for two pinyin syllables
    for py, wg in WADE_GILES.items():
        # beside a syllable that shows the cataloguer writes apostrophes and umlauts
        assert wade_giles_readings(f"{wg} ch'ü")[0] == [collisions.get(py, py)], (py, wg)
    assert len(PINYIN_SYLLABLES) == len(WADE_GILES) > 400


@pytest.mark.parametrize(
    "pinyin, wade_giles",
    [
        # LC's "Initial letters in pinyin" chart, one syllable each
        ("ba", "pa"),
        ("ca", "ts'a"),
        ("cha", "ch'a"),
        ("ci", "tz'u"),
        ("da", "ta"),
        ("ga", "ka"),
        ("yi", "i"),
        ("jia", "chia"),
        ("ka", "k'a"),
        ("pa", "p'a"),
        ("qi", "ch'i"),
        ("ran", "jan"),
        ("ta", "t'a"),
        ("xi", "hsi"),
        ("za", "tsa"),
        ("zha", "cha"),
        ("zi", "tzu"),
        # finals
        ("zhong", "chung"),
        ("guo", "kuo"),
        ("lian", "lien"),
        ("xie", "hsieh"),
        ("xue", "hsüeh"),
        ("yu", "yü"),
        ("you", "yu"),
        ("shi", "shih"),
        ("ri", "jih"),
        ("si", "ssu"),
        ("er", "erh"),
        ("ge", "ko"),
        ("gui", "kuei"),
        ("duo", "to"),
        ("zhuo", "cho"),
        ("yan", "yen"),
        ("yong", "yung"),
        ("jiong", "chiung"),
        ("lüe", "lüeh"),
    ],
)
def test_the_table_follows_the_published_correspondence(pinyin, wade_giles):
    assert WADE_GILES[pinyin.replace("ü", "u")] == wade_giles


@pytest.mark.parametrize(
    "text",
    [
        "Ts'ao Hsüeh-ch'in",
        "Ts’ao Hsüeh-ch’in",
        "Ts‘ao Hsüeh-ch‘in",
        "Tsʻao Hsüeh-chʻin",
        "TS'AO HSÜEH-CH'IN",
        "Ts'ao, Hsüeh-ch'in",
    ],
)
def test_the_four_apostrophes_and_hyphens_give_one_reading(text):
    assert wade_giles_readings(text) == [["cao"], ["xue"], ["qin"]]
    assert exact_key(text) == "caoxueqin"


def test_lost_marks_give_every_reading_and_no_exact_key():
    assert wade_giles_readings("Tsao Hsueh-chin") == [["cao", "zao"], ["xue"], ["jin", "qin"]]
    assert exact_key("Tsao Hsueh-chin") == ""
    assert loose_key("Tsao Hsueh-chin") == loose_key("Ts'ao Hsüeh-ch'in") == "tsaohsuehchin"
    # ü: marked strings say which; unmarked yu may be you or yu
    assert wade_giles_readings("Yü") == [["yu"]]
    assert wade_giles_readings("Yu") == [["you", "yu"]]
    assert wade_giles_readings("Hsi yu chi") == [["xi"], ["you", "yu"], ["ji", "qi"]]
    assert wade_giles_readings("Hsi yü chi") == [["xi"], ["yu"], ["ji", "qi"]]
    assert wade_giles_readings("Hsi yu ch'i") == [["xi"], ["you", "yu"], ["qi"]]


def test_english_and_pinyin_are_not_read_as_wade_giles():
    for text in ("Pride and prejudice", "The history of China", "A man", "Hong lou meng", "Beijing", "Zhongguo"):
        assert not is_wade_giles(text), text
    for text in ("Hung lou meng", "Pei-ching", "Chung-kuo li shih", "Shih chi", "Ch'ang-an"):
        assert is_wade_giles(text), text


def test_english_titles_of_real_records_are_not_taken_for_wade_giles():
    """Of 10,000 Library of Congress titles only two read as Wade-Giles, and both are: 'Kung fu', 'Tao te ching'."""
    found = []
    for item in read_marc(shared("marc21/loc-booksall/booksall-2016-part01-first10000.mrc")):
        record = getattr(item, "record", None)
        if record is not None and record.get_fields("245"):
            title = " ".join(record["245"].get_subfields("a")).rstrip(" /:")
            if is_wade_giles(title):
                found.append(title)
    assert sorted(found) == ["Kung fu", "Tao te ching"]


def test_pinyin_is_written_in_wade_giles_as_the_wade_giles_member_does():
    assert to_wade_giles("Cao, Xueqin") == "Ts'ao, Hsüeh-ch'in"
    assert (
        to_wade_giles("Beijing : Ren min wen xue chu ban she, 1996.")
        == "Pei-ching : Jen min wen hsüeh ch'u pan she, 1996."
    )
    assert to_wade_giles("Zhongguo li shi", marks=False) == "Chung-kuo li shih"
    assert to_wade_giles("Hong lou meng", apostrophe="ʻ") == "Hung lou meng"


# matching -----------------------------------------------------------------------------------------
def _sig(title, author, publisher, member, year="1996"):
    return signature(
        Evidence(
            member=member, control="1", titles=[title], authors=[author], publisher=publisher, date=year, language="chi"
        )
    )


HAN = ("红楼梦", "曹雪芹", "人民文学出版社")
PINYIN = ("Hong lou meng", "Cao, Xueqin", "Ren min wen xue chu ban she")
MARKED = ("Hung lou meng", "Ts'ao, Hsüeh-ch'in", "Jen min wen hsüeh ch'u pan she")
UNMARKED = ("Hung lou meng", "Tsao, Hsueh-chin", "Jen min wen hsueh chu pan she")


@pytest.mark.parametrize(
    "a, b", [(HAN, PINYIN), (HAN, MARKED), (PINYIN, MARKED), (HAN, UNMARKED), (PINYIN, UNMARKED), (MARKED, UNMARKED)]
)
def test_one_edition_in_han_pinyin_and_wade_giles_is_one_instance(a, b):
    assert same_instance(_sig(*a, "A"), _sig(*b, "B"))


def test_loose_keys_alone_need_an_author_publisher_or_pages_to_agree():
    # 史记 by 司马迁 (Shih chi, marks lost) against another book that reads the same without marks
    unmarked = _sig("Shih chi", "Ssu-ma, Chien", "Chung hua shu chu", "A")
    assert same_instance(unmarked, _sig("史记", "司马迁", "中华书局", "B"))
    assert not same_instance(unmarked, _sig("Shi qi", "Wang, Li", "Ren min chu ban she", "B"))
    assert not same_instance(unmarked, _sig("Shi qi", "", "", "B"))
    # with its marks, Wade-Giles is exact: no loose reading is tried
    assert not same_instance(_sig("Shih ch'i", "", "", "A"), _sig("史记", "", "", "B"))


def test_an_english_record_keeps_its_keys():
    english = signature(Evidence(member="A", control="1", titles=["Jung"], authors=["Jung, Carl"], language="eng"))
    assert "rong" not in english["a"] and "v" not in english


@pytest.fixture(scope="module")
def alliance(tmp_path_factory):
    """A generated alliance: real Wade-Giles and pinyin records (YAZ's CJK set) and the sample's Chinese
    editions as sources; members who catalogue in Wade-Giles and in Han only beside five others."""
    root = tmp_path_factory.mktemp("wg")
    editions = root / "editions.mrc"
    write_editions(editions, titles=240)
    generate(
        [shared("marc21/yaz/marccol1.u8.marc"), editions], root / "alliance", members=5, wade_giles=True, han_only=True
    )
    return root / "alliance"


def _cluster(root, members, minter):
    index = ClusterIndex(root / f"index-{len(members)}.sqlite", minter)
    for m in members:
        cluster_member(index, m["code"], [root / m["file"]])
    clusters = index.clusters_of()
    index.close()
    return {k: v[0] for k, v in clusters.items()}


def _met(truth, predicted, member):
    """How many of ``member``'s records that another member also holds share that member's Instance."""
    others = {}
    for k, v in truth.items():
        others.setdefault(v, []).append(k)
    mine = [k for k in truth if k[0] == member and any(o[0] != member for o in others[truth[k]])]
    return sum(1 for k in mine if any(predicted[o] == predicted[k] for o in others[truth[k]] if o[0] != member)), len(
        mine
    )


def test_the_generated_wade_giles_and_han_members_meet_the_others(alliance, monkeypatch):
    members = json.loads((alliance / "members.json").read_text())
    assert {m["code"] for m in members} >= {WADE_GILES_MEMBER, HAN_MEMBER}
    wade_giles = (alliance / "members" / f"{WADE_GILES_MEMBER}.mrc").read_bytes().decode("utf-8", "replace")
    assert re.search(r"Hung lou meng|Ch['’‘ʻ]", wade_giles), "the member writes Wade-Giles"
    truth, _ = read_truth(alliance / "truth.tsv")
    predicted = _cluster(alliance, members, Minter("http://alliance.test/"))
    # the same alliance as the matcher saw it before Wade-Giles keys
    with monkeypatch.context() as patch:
        patch.setattr(matching, "romanised_keys", lambda text, chinese: ("", "", False))
        before = _cluster(alliance, members, Minter("http://alliance.test/"))
    now, then = pairwise(truth, predicted), pairwise(truth, before)
    # the planted hard cases (a reprint and a second book carrying one ISBN) cost the same either way
    assert now.precision >= then.precision >= 0.99, (now.as_dict(), then.as_dict())
    assert now.recall >= 0.97 and now.recall > then.recall + 0.05, (now.as_dict(), then.as_dict())
    met, held = _met(truth, predicted, WADE_GILES_MEMBER)
    assert held > 50 and met >= 0.95 * held
    assert _met(truth, before, WADE_GILES_MEMBER)[0] < 0.8 * met
    met, held = _met(truth, predicted, HAN_MEMBER)
    assert held > 50 and met >= 0.95 * held


# search -------------------------------------------------------------------------------------------
def test_a_wade_giles_query_asks_for_its_pinyin_readings():
    parts = parse_query("Tsao Hsueh-chin")
    assert [p.readings for p in parts] == [[["cao"], ["zao"]], [["xue"]], [["jin"], ["qin"]]]
    assert [p.readings for p in parse_query("pride and prejudice")] == [[], [], []]
    assert [t for t, _ in pinyin_tokens([], ["Hung lou meng"])] == ["hong", "lou", "meng"]


@pytest.fixture(scope="module")
def client(demo_catalogue):
    from web import create_app

    return create_app(
        {"ALLIANCE_CATALOGUE": demo_catalogue, "TESTING": True, "ALLIANCE_SPARQL_WORKERS": 0}
    ).test_client()


@pytest.mark.parametrize(
    "query, wanted",
    [
        ("Hung lou meng", "红楼梦"),
        ("Tsao Hsueh-chin", "曹雪芹"),
        ("Ts‘ao Hsüeh-ch’in", "曹雪芹"),
        ("hung lou meng", "红楼梦"),
    ],
)
def test_search_finds_han_titles_and_names_from_wade_giles(client, query, wanted):
    html = client.get("/search", query_string={"q": query, "lang": "zh"}, headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    results = html.split('id="results"', 1)[-1]
    assert wanted in results, query
