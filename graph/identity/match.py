"""Which records describe the same Instance (edition) and the same Work: evidence, keys and pairwise rules.

A mapper fills an :class:`Evidence` from its record (MARC 21, CNMARC, a spreadsheet row);
:func:`signature` turns it into a compact, normalised signature; :func:`same_instance` and
:func:`same_work` decide a pair of signatures. The decisions look at the two records only,
never at what else has been loaded, so clusters (connected components of these pairwise
matches) are the same whatever order the records arrive in.

Two exact copies of one record (the same digest of their bibliographic fields: two members loading
one file) are always one Instance, whatever the other rules would need. Otherwise instances match
on a shared identifier (ISBN-13, LCCN, OCLC number, ISSN) unless the pair is contradicted: another carrier (an e-book reproducing the print ISBN), titles that have nothing in common (one ISBN printed on two books), a different
year *and* publisher (a reprint carrying the original's ISBN), different LCCNs or OCLC numbers
(two records the national library keeps apart), different volume numbers. Set ISBNs ("(set)",
"v. 1-3") are never used to match. Without a shared identifier, records match on title + year
and agree on author, publisher, edition, volume, other title information and page count, as long as
neither carries an identifier of a kind the other has with a different value; when only one of them
gives other title information ("Tax administration" against "Tax administration: IRS notices ..."),
both must give a page count, and it must agree.

Works match when instances do, and on work title (uniform title or title proper) + author,
in the same language. A translation (a uniform title naming a language, 041 $h, UNIMARC 101 ind1 1
or 454) is a Work of its own, matched only by records in its language; the work it translates is
found through :func:`original_signature`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.identity import romanization
from graph.identity.normalize import (
    han_syllables,
    has_han,
    isbn13,
    issn,
    lccn,
    oclc,
    pinyin_key,
    romanised_keys,
    simplified,
    text_key,
    title_key,
    year,
)

STRONG_KINDS = ("isbn", "lccn", "oclc", "issn")
SHORT_TITLE = 20  # title keys shorter than this need more than title + year + author + publisher to match
# Identifier kinds where two different values on two records mean two different editions.
CONFLICTING_KINDS = ("isbn", "lccn", "oclc")
_SET_QUALIFIER = re.compile(r"\b(set|series|v\.|vol\.?|volumes?|t\.|tome|pt\.|part|\d+\s*v\b)", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)
_TITLE_NOISE = {"the", "and", "for", "with", "from", "der", "die", "das", "und", "les", "des", "del", "los", "las"}
_PUBLISHER_NOISE = {
    "printing",
    "print",
    "prin",
    "pr",
    "the",
    "and",
    "inc",
    "ltd",
    "llc",
    "co",
    "com",
    "company",
    "corp",
    "corporation",
    "pub",
    "publ",
    "publishing",
    "publishers",
    "publisher",
    "publication",
    "publications",
    "press",
    "books",
    "verlag",
    "editions",
    "edition",
    "editorial",
    "house",
    "group",
    "for",
    "of",
    "by",
    "sold",
    "distributed",
    "printed",
    "published",
    "s.n",
    "sn",
    "not",
    "identified",
    "und",
    "et",
    "de",
    # 出版社, 书局, 印书馆, 公司 in pinyin and Wade-Giles: in nearly every Chinese publisher's name
    "chu",
    "ban",
    "pan",
    "she",
    "shu",
    "yin",
    "guan",
    "kuan",
    "gong",
    "kung",
    "ssu",
}


@dataclass
class Evidence:
    """What one member's record says about the edition and the work it describes (raw, as catalogued)."""

    member: str
    control: str
    isbns: list[tuple[str, str]] = field(default_factory=list)  # (number as catalogued, qualifier)
    lccns: list[str] = field(default_factory=list)
    oclcs: list[str] = field(default_factory=list)  # 035 "(OCoLC)…" values
    issns: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # title proper (+ part) in each script
    nonfiling: int = 0  # of titles[0]
    part: str = ""  # 245 $n / 200 $h
    authors: list[str] = field(default_factory=list)  # main entry name, each script
    corporate: bool = False  # the main entry is a body or a meeting
    date: str | None = None
    publisher: str | None = None
    edition: str | None = None
    language: str = ""
    work_titles: list[str] = field(default_factory=list)  # uniform title(s) without language
    translation: bool = False  # a translation (240/130 $l, 041 ind1 1 or $h, UNIMARC 101 ind1 1, 454)
    original_titles: list[str] = field(default_factory=list)  # the translated work's title(s), if known
    original_language: str = ""  # the translated work's language (041 $h, 101 $c), if known
    carrier: str = ""  # what the record says the edition is carried on, as catalogued (GMD, 33X)
    subtitles: list[str] = field(default_factory=list)  # other title information (245 $b, 200 $e)
    extent: str = ""  # 300 $a / 215 $a: "xi, 186 p."
    content: str = ""  # digest of the record's bibliographic fields (an exact copy has the same)


def carrier_key(text: str) -> str:
    """ "e" (electronic/online), "m" (microform), "lp" (large print) or "" from carrier words in any script."""
    folded = (text or "").casefold()
    if any(w in folded for w in ("electronic", "online resource", "computer", "电子", "在线", "電子")):
        return "e"
    if any(w in folded for w in ("microform", "microfilm", "microfiche", "缩微", "縮微")):
        return "m"
    if "large print" in folded or "大字" in folded:
        return "lp"
    return ""


def _isbn_keys(ev: Evidence) -> list[str]:
    keys = []
    for raw, qualifier in ev.isbns:
        tail = raw.partition(" ")[2] if raw else ""
        if _SET_QUALIFIER.search(f"{qualifier} {tail}"):
            continue  # a set ISBN names the set, not this volume
        if norm := isbn13(raw):
            keys.append(f"isbn:{norm}")
    return keys


# Two-character surnames (复姓): a Han name written without a comma starts with one of these or one character.
COMPOUND_SURNAMES = frozenset(
    "司马 欧阳 诸葛 上官 司徒 东方 夏侯 皇甫 尉迟 公孙 慕容 长孙 宇文 令狐 轩辕 端木 "
    "司空 呼延 闻人 万俟 澹台 公冶 太史 申屠 钟离 南宫".split()
)


def family_name(name: str) -> str:
    """The family name of a personal name as catalogued: before the comma, else a Han name's first
    character (two for a compound surname: 司马迁 -> 司马)."""
    head = name.split(",")[0].strip()
    if "," in name or not has_han(head) or len(head) < 2 or not has_han(head[0]):
        return head
    return head[:2] if simplified(head[:2]) in COMPOUND_SURNAMES else head[:1]


def _author_keys(names: list[str]) -> list[str]:
    found = []
    for name in names:
        surname = name.split(",")[0]
        for key in (text_key(simplified(surname)), pinyin_key(surname), pinyin_key(family_name(name))):
            if key and key not in found:
                found.append(key)
    return found


def _title_keys(titles: list[str], nonfiling: int) -> list[str]:
    found = []
    for i, title in enumerate(titles):
        for key in (title_key(title, nonfiling if i == 0 else 0), pinyin_key(title)):
            if key and key[:100] not in found:
                found.append(key[:100])
    return found


def _romanised(texts: list[str], chinese: bool, *, names: bool = False) -> tuple[list[str], list[str], bool]:
    """Wade-Giles exact keys, loose keys of every Chinese form, and whether only loose keys stand
    for a Wade-Giles form (its marks lost) with no Han form beside it."""
    exact: list[str] = []
    loose: list[str] = []
    ambiguous = False
    if names and not chinese:
        return exact, loose, ambiguous  # one syllable always parses: "Jung" in an English record is Carl Jung
    for text in texts:
        if names:
            text = family_name(text)
        elif not chinese and len(romanization.words(text)) < 2:
            continue  # a one-word title of a record not in Chinese ("Jung", "Chin") is not read as Wade-Giles
        e, lo, amb = romanised_keys(text, chinese=chinese)
        if e and e[:100] not in exact:
            exact.append(e[:100])
        if lo and lo[:100] not in loose:
            loose.append(lo[:100])
        ambiguous = ambiguous or amb
    return exact, loose, ambiguous and not any(has_han(t) for t in texts)


def _words(titles: list[str]) -> list[str]:
    words: set[str] = set()
    for title in titles:
        if has_han(title):
            words.update(pinyin_key(title)[i : i + 4] for i in range(0, max(1, len(pinyin_key(title)) - 3), 2))
        else:
            words.update(w for w in _WORD.findall(title.casefold()) if len(w) > 2 and w not in _TITLE_NOISE)
    return sorted(words)[:30]


def _publisher_tokens(publisher: str | None, chinese: bool = False) -> list[str]:
    if not publisher:
        return []
    tokens = {
        w[:10]
        for w in _WORD.findall(simplified(publisher).casefold())
        if w not in _PUBLISHER_NOISE
        and len(w) > 2
        and not w.isdigit()
        and not w.startswith("c19")
        and not w.startswith("c20")
    }
    # a Han name also by its syllables, so 人民文学出版社 meets "Ren min wen xue chu ban she"
    tokens.update(s for s in han_syllables(publisher) if len(s) > 2 and s not in _PUBLISHER_NOISE)
    # and Han, pinyin and Wade-Giles forms by their loose key (中华书局, Zhonghua shu ju, Chung-hua shu-chü)
    if loose := romanised_keys(publisher.strip(" ,:;[]"), chinese=chinese)[1]:
        tokens.add("~" + loose)
    return sorted(tokens)


def _edition_number(edition: str | None) -> str:
    """The edition's number (and "lp" for large print): "2nd ed." and "Second edition" both give "2"."""
    if not edition:
        return ""
    large = "lp" if re.search(r"large[\s-]*(print|type)", edition, re.IGNORECASE) else ""
    digits = re.findall(r"\d+", edition)
    if digits:
        return digits[0].lstrip("0") + large
    words = {
        "first": "1",
        "second": "2",
        "third": "3",
        "fourth": "4",
        "fifth": "5",
        "sixth": "6",
        "seventh": "7",
        "eighth": "8",
        "ninth": "9",
        "tenth": "10",
        "rev": "r",
        "revised": "r",
    }
    for word in _WORD.findall(edition.casefold()):
        if word in words:
            return words[word] + large
    return large


def signature(ev: Evidence) -> dict:
    """The compact, normalised form of ``ev`` that matching reads (stored as JSON in the cluster index)."""
    strong = _isbn_keys(ev)
    strong += [f"lccn:{n}" for n in map(lccn, ev.lccns) if n]
    strong += [f"oclc:{n}" for n in map(oclc, ev.oclcs) if n]
    strong += [f"issn:{n}" for n in map(issn, ev.issns) if n]
    chinese = (ev.language or "").lower()[:3] == "chi"
    titles = _title_keys(ev.titles, ev.nonfiling)
    wg_titles, loose_titles, loose_only = _romanised(ev.titles, chinese)
    titles += [k for k in wg_titles if k not in titles]
    authors = _author_keys(ev.authors)
    wg_authors, loose_authors, loose_author = _romanised(ev.authors, chinese, names=True)
    authors += [k for k in wg_authors if k not in authors]
    work_titles = list(dict.fromkeys(_title_keys(ev.work_titles, 0) + titles))
    sig = {
        "s": sorted(set(strong)),
        "t": titles,
        "tw": _words(ev.titles),
        "n": text_key(ev.part)[:20],
        "y": year(ev.date) or "",
        "a": authors,
        "p": _publisher_tokens(ev.publisher, chinese),
        "e": _edition_number(ev.edition),
        "l": (ev.language or "").lower()[:3],
        "w": work_titles,
        "u": bool(ev.work_titles),
        "x": ev.translation,
        "f": carrier_key(ev.carrier),
        "b": _title_keys(ev.subtitles, 0)[:2],
        "g": _pages(ev.extent),
        "k": ("c" if ev.corporate else "p") if ev.authors else "",
    }
    if loose_titles:  # romanised Chinese: the loose keys, and whether only they stand for a title/name
        sig.update(v=loose_titles, vz=loose_only, av=loose_authors, az=loose_author)
    if ev.content:
        sig["d"] = ev.content
    if originals := original_keys(ev):
        sig["ow"] = originals
        sig["ol"] = (ev.original_language or "").lower()[:3]
    return sig


def original_keys(ev: Evidence) -> list[str]:
    """Title keys of the work a translation translates: [] when ``ev`` is no translation or does not say
    of what (a resolver then names no original)."""
    return _title_keys(ev.original_titles, 0) if ev.translation else []


def original_signature(sig: dict) -> dict | None:
    """The work a translation translates, as a signature that only work matching reads (no instance keys),
    or None when ``sig`` is no translation or does not say of what. It joins the original's records
    (same title key and author, the original's language where the translation names it)."""
    if not sig.get("x") or not sig.get("ow"):
        return None
    return {
        "s": [],
        "t": [],
        "tw": [],
        "n": "",
        "y": "",
        "a": sig["a"],
        "p": [],
        "e": "",
        "l": sig.get("ol", ""),
        "w": sig["ow"],
        "u": True,
        "x": False,
        "f": "",
        "b": [],
        "g": "",
        "k": sig.get("k", ""),
        "v": True,
    }


def _pages(extent: str) -> str:
    """The largest number in an extent statement ("xi, 186 p." -> "186"): the page count, roughly
    ("1 v. (various pagings)" and other small numbers say nothing)."""
    numbers = [int(n) for n in re.findall(r"\d+", extent or "")]
    return str(max(numbers)) if numbers and max(numbers) >= 10 else ""


def _subtitles_compatible(a: dict, b: dict) -> bool:
    """Where both give other title information, one begins the other ("…: a survey" ~ "…: a survey of x")."""
    if not a.get("b") or not b.get("b"):
        return True
    for x in a["b"]:
        for y in b["b"]:
            short = min(len(x), len(y), 20)
            if x[:short] == y[:short]:
                return True
    return False


def instance_blocks(sig: dict) -> list[str]:
    """Keys under which candidate instance matches are looked up."""
    blocks = [*sig["s"], *(f"t:{t}|{sig['y']}" for t in sig["t"]), *(f"v:{v}|{sig['y']}" for v in sig.get("v", ()))]
    # an exact copy shares every block of the record it copies: the digest is a key only when there is no other
    return blocks or ([f"d:{sig['d']}"] if sig.get("d") else [])


def work_blocks(sig: dict) -> list[str]:
    """Keys under which candidate work matches are looked up."""
    authors = sig["a"] or [""]
    return [f"w:{t}|{a}" for t in sig["w"] for a in authors]


def instance_canon(sig: dict) -> str:
    """The key that names an instance cluster: its smallest identifier, else its title key."""
    for kind in STRONG_KINDS:
        keys = [k for k in sig["s"] if k.startswith(kind + ":")]
        if keys:
            return f"{STRONG_KINDS.index(kind)}{min(keys)}"
    if sig["t"]:
        return f"5t:{min(sig['t'])}|{sig['y']}|{sig['a'][0] if sig['a'] else ''}"
    return ""


def work_canon(sig: dict) -> str:
    """A record with a uniform title names its work before one without; the original a translation
    names (:func:`original_signature`) only while no record of it is loaded."""
    blocks = work_blocks(sig)
    return ("2" if sig.get("v") else "0" if sig["u"] else "1") + min(blocks) if blocks and sig["w"] else ""


# pairwise decisions ------------------------------------------------------------
def _kind_values(sig: dict, kind: str) -> set[str]:
    return {k for k in sig["s"] if k.startswith(kind + ":")}


def _conflict(a: dict, b: dict, kinds=CONFLICTING_KINDS) -> bool:
    for kind in kinds:
        va, vb = _kind_values(a, kind), _kind_values(b, kind)
        if va and vb and not va & vb:
            return True
    return False


def _latin(key: str) -> bool:
    return all(ord(ch) < 0x250 or 0x1E00 <= ord(ch) < 0x1F00 for ch in key)


def _loose_titles(a: dict, b: dict) -> bool:
    """Titles meet only on loose keys, and one of them is Wade-Giles without its marks."""
    return bool(a.get("vz") or b.get("vz")) and bool(set(a.get("v", ())) & set(b.get("v", ())))


def _titles_compatible(a: dict, b: dict) -> bool:
    if set(a["t"]) & set(b["t"]) or _loose_titles(a, b):
        return True
    if not any(_latin(k) for k in a["t"]) or not any(_latin(k) for k in b["t"]):
        if {_latin(k) for k in a["t"]} != {_latin(k) for k in b["t"]}:
            return True  # one title only in a script we cannot romanise (Hangul, Arabic...): no evidence against
    for ka in a["t"]:
        for kb in b["t"]:
            short = min(len(ka), len(kb))
            if short >= 8 and ka[:short] == kb[:short]:
                return True
    wa, wb = set(a["tw"]), set(b["tw"])
    return bool(wa and wb) and len(wa & wb) >= 0.6 * len(wa | wb)


def _publishers_agree(a: dict, b: dict) -> bool:
    """Some word of one publisher is (an abbreviation of) a word of the other: "Univ." and "University"."""
    for x in a["p"]:
        for y in b["p"]:
            if x.startswith(y) or y.startswith(x):
                return True
    return False


def _publishers_compatible(a: dict, b: dict) -> bool:
    return not a["p"] or not b["p"] or _publishers_agree(a, b)


def _authors_agree(a: dict, b: dict) -> bool:
    """Both name an author, and the names meet (on loose keys only where one lost its marks)."""
    if not a["a"] or not b["a"]:
        return False
    if set(a["a"]) & set(b["a"]):
        return True
    return bool((a.get("az") or b.get("az")) and set(a.get("av", ())) & set(b.get("av", ())))


def _authors_compatible(a: dict, b: dict) -> bool:
    return not a["a"] or not b["a"] or _authors_agree(a, b)


def same_instance(a: dict, b: dict) -> bool:
    """Do two records describe the same edition?"""
    if a.get("d") and a.get("d") == b.get("d"):
        return True  # exact copies of one record (two members loading one file): nothing can tell them apart
    if a["n"] and b["n"] and a["n"] != b["n"]:
        return False  # different volumes of a set
    if a["e"] and b["e"] and a["e"] != b["e"]:
        return False
    if a.get("f", "") != b.get("f", ""):
        return False  # print and e-book (or microform) of one edition are two instances, one ISBN or not
    shared = set(a["s"]) & set(b["s"])
    if shared:
        if _conflict(a, b, ("lccn", "oclc")):
            return False
        if not _titles_compatible(a, b):
            return False  # one ISBN printed on two different books
        if _isbn_beside_others(a, b, shared) and not (
            set(a["t"]) & set(b["t"]) and _subtitles_compatible(a, b) and _pages_compatible(a, b)
        ):
            return False  # a set's ISBN beside each volume's own: the titles must agree exactly
        if a["y"] != b["y"] and not _publishers_agree(a, b):
            return False  # a reprint by another (or an unknown) publisher carrying the original's ISBN
        return True
    if _conflict(a, b):
        return False
    shared_titles = set(a["t"]) & set(b["t"])
    loose = not shared_titles and _loose_titles(a, b)
    if not (
        (shared_titles or loose)
        and a["y"] == b["y"]
        and _authors_compatible(a, b)
        and _publishers_compatible(a, b)
        and _subtitles_compatible(a, b)
        and _pages_compatible(a, b)
    ):
        return False
    pages = bool(a.get("g")) and bool(b.get("g"))
    if loose:
        # Wade-Giles without its marks reads several ways: the author, the publisher or the page
        # count must say it is this book, not merely allow it
        return _authors_agree(a, b) or (bool(a["p"]) and bool(b["p"]) and _publishers_agree(a, b)) or pages
    if bool(a.get("b")) != bool(b.get("b")):
        # one says only "Tax administration", the other which report: the pages must say they agree
        return pages
    if max(len(t) for t in set(a["t"]) & set(b["t"])) < SHORT_TITLE and a.get("k") != "p" and b.get("k") != "p":
        # a short title under a body or no one ("Proceedings", "Sunset review" by a state department)
        # says little: subtitles, pages or edition must agree too
        return pages or (bool(a.get("b")) and bool(b.get("b"))) or (bool(a["e"]) and a["e"] == b["e"])
    return True


def _pages_compatible(a: dict, b: dict) -> bool:
    """Page counts, where both give one, within 2 % (or 3 pages) of each other."""
    if not a.get("g") or not b.get("g"):
        return True
    x, y = int(a["g"]), int(b["g"])
    return abs(x - y) <= max(3, 0.02 * max(x, y))


def _isbn_beside_others(a: dict, b: dict, shared: set) -> bool:
    """Both records carry ISBNs the other lacks beside the one they share (a set ISBN left unqualified)."""
    ia, ib = _kind_values(a, "isbn"), _kind_values(b, "isbn")
    return bool(ia - ib) and bool(ib - ia) and bool(shared & ia)


def same_work(a: dict, b: dict) -> bool:
    """Do two records (already not the same edition) realise the same work?

    A translation is a work of its own (an expression, as BIBFRAME has it): it meets only records
    in its own language, never its original's (which :func:`original_signature` finds)."""
    if not set(a["w"]) & set(b["w"]):
        return False
    if set(a["a"]) != set(b["a"]) and not set(a["a"]) & set(b["a"]):
        return False  # different authors, or one anonymous and one not
    if a["x"] or b["x"]:
        return bool(a["l"]) and a["l"] == b["l"]  # a translation, and a record in its language
    if a["l"] and b["l"] and a["l"] != b["l"]:
        return False  # same title in two languages
    return True
