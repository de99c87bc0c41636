"""An alliance built from real records, with the truth written beside it: the ground for matching benchmarks.

``generate(sources, out_dir, members=5, records=25_000)`` takes real MARC 21 records (the
Library of Congress's, say), gives N members overlapping holdings with a skewed popularity
(most titles held by one member, a few by all; big members hold more), and re-catalogues
each member's copy the way real libraries differ: their own 001/003/035 and 852s, ISBN-10
against -13, hyphens, qualifiers, a dropped ISBN or LCCN, title case and ISBD punctuation,
a forgotten non-filing article, dropped or extra fields, abbreviated publishers, dates as
"c1999" or "[1999]", vernacular titles in 245 instead of the 880 or romanised only.

It also plants the hard cases a matcher must not merge: one ISBN printed on two different
books (every member's copy of a second book carries the first's ISBN) and reprints by another
publisher that carry the original's ISBN; the source data brings its own set ISBNs.

Two optional members catalogue only Chinese-language records (008/35-37 ``chi``), each the way
a real kind of library does: ``wade_giles=True`` adds ``WGL``, whose romanised 245, 100 and
260/264 are rewritten from pinyin into Wade-Giles (``Hung lou meng``, ``Ts'ao, Hsüeh-ch'in``,
``Pei-ching``; seven records in ten keep the apostrophes, in one of the four forms records use,
and the umlauts; the rest lost them) with the 880 vernacular kept in half and dropped in the
other half, as the US, UK and Australian catalogues never converted to pinyin are; ``han_only=True``
adds ``HAN``, whose 245, 100 and 260 are the vernacular (Han) forms with no romanisation, as a
Chinese library's MARC 21 export is.

Written to ``out_dir``: ``members/<CODE>.mrc`` (one MARC file per member), ``members.json``,
``truth.tsv`` (member, control number, true instance, true work, language) and ``summary.json``.
True instance = the source record (its position); true work = the source's authorised access
point (1XX name + uniform title with its language, else title proper), case- and punctuation-folded,
computed before any re-cataloguing noise: a translation (240 $l) is a work of its own.
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pymarc
from pymarc import Field, Indicators, Subfield

from graph.identity.normalize import isbn13
from graph.identity.romanization import is_wade_giles, to_wade_giles
from graph.load.sources import SourceRecord
from graph.load.sources.marc import read_marc

MEMBER_CODES = [
    "PKU",
    "THU",
    "FDU",
    "SJTU",
    "NJU",
    "ZJU",
    "WHU",
    "SYSU",
    "NKU",
    "SDU",
    "JLU",
    "HIT",
    "XJTU",
    "SCU",
    "CQU",
    "LZU",
]
WADE_GILES_MEMBER, HAN_MEMBER = "WGL", "HAN"
CHINESE_HOLDING = 0.6  # chance the Wade-Giles or the Han-only member holds a Chinese source
APOSTROPHES = ("'", "’", "‘", "ʻ")  # the forms of the Wade-Giles aspiration mark seen in records
ABBREVIATIONS = [
    ("University", "Univ."),
    ("Company", "Co."),
    (" and ", " & "),
    ("Incorporated", "Inc."),
    ("Publishing", "Pub."),
    ("Publishers", "Pubs."),
    ("Limited", "Ltd."),
    ("Press", "Pr."),
]


@dataclass
class Variation:
    """How often a member's copy differs from the source, per record (probabilities)."""

    drop_isbn: float = 0.10
    isbn_form: float = 0.5  # re-write ISBN-10 <-> -13, hyphens or qualifiers
    drop_lccn: float = 0.5
    drop_oclc: float = 0.3
    title_case: float = 0.3
    punctuation: float = 0.3
    forget_nonfiling: float = 0.1
    drop_responsibility: float = 0.2
    drop_subtitle: float = 0.1
    vernacular_swap: float = 0.3  # 880 title moved into 245 (vernacular-only cataloguing)
    romanised_only: float = 0.3  # 880s dropped
    drop_publisher: float = 0.05
    abbreviate_publisher: float = 0.2
    date_form: float = 0.2
    drop_field: float = 0.2  # each of notes, subjects, added entries, series, 050, 082, 300
    drop_uniform_title: float = 0.05
    extra_field: float = 0.2  # local notes and keywords
    isbn_typo: float = 0.01
    # hard cases planted at the source level (per source record)
    shared_isbn: float = 0.002  # another book printed with this ISBN
    reprint: float = 0.005  # a reprint by another publisher carrying this ISBN


@dataclass
class GenerateReport:
    out_dir: str
    members: list[str]
    sources: int = 0
    records: int = 0
    holdings: dict[str, int] = field(default_factory=dict)
    shared_isbn: int = 0
    reprints: int = 0
    vernacular: int = 0
    chinese: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").casefold())


def true_work(record: pymarc.Record) -> str:
    """The source's authorised access point: 1XX name + uniform title and language (else title proper), folded."""
    main = next(iter(record.get_fields("100", "110", "111")), None)
    name = _fold(" ".join(main.get_subfields("a"))) if main else ""
    uniform = next(iter(record.get_fields("130", "240")), None)
    if uniform is not None:  # with its language: a translation is a work of its own
        title = " ".join(uniform.get_subfields("a", "n", "p", "l"))
    else:
        t245 = next(iter(record.get_fields("245")), None)
        title = " ".join(t245.get_subfields("a", "n", "p")) if t245 else ""
        ind2 = (t245.indicator2 or "0").strip() if t245 else "0"
        skip = int(ind2) if ind2.isdigit() else 0
        title = title[skip:] if 0 < skip < len(title) else title
    return f"{name}|{_fold(title)}"


def _member_sizes(n: int) -> list[float]:
    """Relative collection sizes: one or two big research libraries, a tail of smaller ones."""
    return [1.0 / (1 + i) ** 0.7 for i in range(n)]


def _calibrate(weights: list[float], sizes: list[float], mean: float) -> float:
    """The scale c such that titles are held by ``mean`` members on average (P(hold) = min(1, c·size·w))."""
    lo, hi = 0.0, 1e6
    for _ in range(60):
        c = (lo + hi) / 2
        expected = sum(max(1.0, sum(min(1.0, c * s * w) for s in sizes)) for w in weights) / len(weights)
        lo, hi = (c, hi) if expected < mean else (lo, c)
    return (lo + hi) / 2


def _sources(paths: Iterable[str | Path], limit: int | None) -> Iterator[pymarc.Record]:
    n = 0
    for path in paths:
        for item in read_marc(path):
            if not isinstance(item, SourceRecord) or item.record is None:
                continue
            record = item.record
            if not record.get_fields("245") or not record.get_fields("001"):
                continue
            yield record
            n += 1
            if limit and n >= limit:
                return


def generate(
    sources: Iterable[str | Path],
    out_dir: str | Path,
    *,
    members: int = 5,
    records: int | None = None,
    limit: int | None = None,
    seed: int = 1,
    variation: Variation | None = None,
    progress: Callable[[int], None] | None = None,
    wade_giles: bool = False,
    han_only: bool = False,
) -> GenerateReport:
    """Write an alliance of ``members`` libraries built from the MARC records in ``sources``.

    ``limit`` caps the source records used; ``records`` is the total number of member records
    wanted (default: members/2 per source title), reached through the popularity skew.
    ``wade_giles`` and ``han_only`` add the two members that catalogue Chinese records their way.
    """
    import time

    started = time.perf_counter()
    var = variation or Variation()
    if not 2 <= members <= len(MEMBER_CODES):
        raise ValueError(f"members must be between 2 and {len(MEMBER_CODES)}")
    codes = MEMBER_CODES[:members]
    habits = {
        code: habit
        for code, habit, wanted in ((WADE_GILES_MEMBER, "wade-giles", wade_giles), (HAN_MEMBER, "han", han_only))
        if wanted
    }
    out = Path(out_dir)
    (out / "members").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sizes = _member_sizes(members)
    report = GenerateReport(str(out), codes)
    # popularity: Pareto weights; c calibrated so the member records add up to ``records``
    if records:
        total = sum(1 for _ in _sources(sources, limit))
        mean = records / max(1, total * (1 + var.reprint / 2))
    else:
        mean = max(1.2, members / 2)
    mean = min(max(mean, 1.0), float(members))
    sample = random.Random(seed + 1)
    c = _calibrate([sample.paretovariate(1.2) for _ in range(5000)], sizes, mean)
    writers = {code: open(out / "members" / f"{code}.mrc", "wb") for code in [*codes, *habits]}
    seq = dict.fromkeys([*codes, *habits], 0)
    try:
        with open(out / "truth.tsv", "w", encoding="utf-8") as truth:
            truth.write("member\tcontrol\tinstance\twork\tlanguage\n")
            for i, (source, work) in enumerate(_planted(_sources(sources, limit), rng, var, report)):
                weight = rng.paretovariate(1.2)
                holders = [code for code, s in zip(codes, sizes) if rng.random() < min(1.0, c * s * weight)]
                if not holders:
                    holders = rng.choices(codes, weights=sizes, k=1)
                language = _language(source)
                if language == "chi":
                    report.chinese += 1
                    holders += [code for code in habits if rng.random() < CHINESE_HOLDING]
                for code in holders:
                    seq[code] += 1
                    control = f"{code.lower()}{seq[code]:08d}"
                    member_rng = random.Random(f"{seed}|{i}|{code}")
                    if code in habits:
                        copy = recatalogue(source, code, control, member_rng, _KEEP_SCRIPTS)
                        (_in_wade_giles if habits[code] == "wade-giles" else _in_han)(copy, member_rng)
                    else:
                        copy = recatalogue(
                            source, code, control, member_rng, var, copies=1 + int(weight > 4) + int(weight > 20)
                        )
                    writers[code].write(copy.as_marc())
                    truth.write(f"{code}\t{control}\ts{i}\t{work}\t{language}\n")
                    report.records += 1
                if progress:
                    progress(1)
    finally:
        for fh in writers.values():
            fh.close()
    if not report.sources:
        raise ValueError("no usable source record (each needs 001 and 245)")
    report.holdings = dict(seq)
    report.members = [*codes, *habits]
    report.seconds = round(time.perf_counter() - started, 1)
    names = {"wade-giles": "catalogues Chinese in Wade-Giles", "han": "catalogues Chinese in Han characters only"}
    (out / "members.json").write_text(
        json.dumps(
            [{"code": code, "name": f"Member library {code}", "file": f"members/{code}.mrc"} for code in codes]
            + [
                {
                    "code": code,
                    "name": f"Member library {code} ({names[habit]})",
                    "file": f"members/{code}.mrc",
                    "habit": habit,
                }
                for code, habit in habits.items()
            ],
            indent=2,
        )
        + "\n"
    )
    (out / "summary.json").write_text(json.dumps(report.as_dict(), indent=2) + "\n")
    return report


def _planted(
    pool: Iterable[pymarc.Record], rng: random.Random, var: Variation, report: GenerateReport
) -> Iterator[tuple[pymarc.Record, str]]:
    """(source, true work) pairs: the sources, some carrying an earlier book's ISBN, plus reprints."""
    isbns: list[str] = []  # a reservoir of ISBNs seen so far
    publishers: list[str] = []
    for record in pool:
        report.sources += 1
        report.vernacular += bool(record.get_fields("880"))
        work = true_work(record)
        own = next((v for f in record.get_fields("020") for v in f.get_subfields("a") if isbn13(v)), None)
        publishers += [v for f in record.get_fields("260", "264") for v in f.get_subfields("b")][:1]
        if len(publishers) > 5000:
            publishers = publishers[-2500:]
        if isbns and rng.random() < var.shared_isbn:
            record = _copy(record)
            record.remove_fields("020")
            record.add_ordered_field(Field("020", Indicators(" ", " "), [Subfield("a", rng.choice(isbns))]))
            report.shared_isbn += 1
        yield record, work
        if own and publishers and rng.random() < var.reprint:
            reprint = _copy(record)
            reprint.remove_fields("010", "035")
            for f in reprint.get_fields("260", "264"):
                date = next(iter(f.get_subfields("c")), "") or _f008(reprint)[7:11]
                year = re.search(r"\d{4}", date)
                new_date = str(int(year.group(0)) + rng.randint(3, 40) if year else 2001) + "."
                f.subfields = [
                    Subfield("a", "New York :"),
                    Subfield("b", rng.choice(publishers)),
                    Subfield("c", new_date),
                ]
            reprint["001"].data = (reprint["001"].data or "").strip() + "-reprint"
            report.reprints += 1
            yield reprint, work
        if own:
            if len(isbns) < 10000:
                isbns.append(own)
            else:
                isbns[rng.randrange(10000)] = own


def _copy(record: pymarc.Record) -> pymarc.Record:
    return pymarc.Record(data=record.as_marc(), force_utf8=True, to_unicode=True)


# re-cataloguing --------------------------------------------------------------------------
def recatalogue(
    source: pymarc.Record, code: str, control: str, rng: random.Random, var: Variation, copies: int = 1
) -> pymarc.Record:
    """One member's own record for the edition ``source`` describes."""
    rec = _copy(source)
    rec.remove_fields("001", "003", "005", "040", "852", "876")
    rec.add_ordered_field(pymarc.Field("001", data=control))
    rec.add_ordered_field(pymarc.Field("003", data=code))
    rec.add_ordered_field(Field("040", Indicators(" ", " "), [Subfield("a", code), Subfield("c", code)]))
    for f in rec.get_fields("035"):
        if rng.random() < var.drop_oclc:
            rec.remove_field(f)
    rec.add_ordered_field(Field("035", Indicators(" ", " "), [Subfield("a", f"({code}){control}")]))
    for f in rec.get_fields("010"):
        if rng.random() < var.drop_lccn:
            rec.remove_field(f)
        elif rng.random() < 0.5:
            f.subfields = [Subfield(s.code, s.value.strip()) for s in f.subfields]
    _isbns(rec, rng, var)
    _title(rec, rng, var)
    _vernacular(rec, rng, var)
    _publication(rec, rng, var)
    for tags in (
        ("500", "504", "505", "520"),
        ("600", "610", "650", "651", "655"),
        ("700", "710", "711"),
        ("490", "830"),
        ("050",),
        ("082",),
        ("300",),
    ):
        if rng.random() < var.drop_field:
            rec.remove_fields(*tags)
    if rng.random() < var.drop_uniform_title:
        rec.remove_fields("240")
    if rng.random() < var.extra_field:
        rec.add_ordered_field(
            Field("590", Indicators(" ", " "), [Subfield("a", f"{code} copy: gift of the alumni association.")])
        )
    if rng.random() < var.extra_field / 2:
        rec.add_ordered_field(
            Field("653", Indicators(" ", " "), [Subfield("a", rng.choice(["Local", "Reserve", "Textbook"]))])
        )
    call = next((" ".join(f.get_subfields("a", "b")) for f in source.get_fields("050", "082")), "")
    for n in range(copies):
        rec.add_ordered_field(
            Field(
                "852",
                Indicators("0", " "),
                [
                    Subfield("a", code),
                    Subfield("b", rng.choice(["Main", "Stacks", "Annex", "Reading room"])),
                    Subfield("h", call or f"LOCAL {control}"),
                    Subfield("p", f"{control}{n:02d}"),
                ],
            )
        )
    return rec


def _isbn10(isbn: str) -> str | None:
    if not isbn.startswith("978"):
        return None
    core = isbn[3:12]
    total = sum((10 - i) * int(ch) for i, ch in enumerate(core))
    check = (11 - total % 11) % 11
    return core + ("X" if check == 10 else str(check))


def _hyphenate(number: str, rng: random.Random) -> str:
    if len(number) == 13:
        cut = [3, 4, 4 + rng.randint(2, 4), 12]
    else:
        cut = [1, 1 + rng.randint(2, 4), 9]
    parts, last = [], 0
    for c in cut:
        parts.append(number[last:c])
        last = c
    parts.append(number[last:])
    return "-".join(p for p in parts if p)


def _isbns(rec: pymarc.Record, rng: random.Random, var: Variation) -> None:
    fields = rec.get_fields("020")
    if fields and rng.random() < var.drop_isbn:
        rec.remove_fields("020")
        return
    for f in fields:
        subfields = []
        for s in f.subfields:
            value = s.value
            if s.code == "a" and rng.random() < var.isbn_form:
                number, _, qualifier = value.strip().partition(" ")
                norm = isbn13(number)
                if norm:
                    form = rng.random()
                    if form < 0.4:
                        number = norm if len(number.replace("-", "")) == 10 else (_isbn10(norm) or norm)
                    elif form < 0.7:
                        number = _hyphenate(norm if len(number.replace("-", "")) == 13 else _isbn10(norm) or norm, rng)
                    elif form < 0.85:
                        qualifier = ""
                    elif not qualifier:
                        qualifier = "(pbk.)"
                value = f"{number} {qualifier}".strip()
            if s.code == "a" and rng.random() < var.isbn_typo:
                value = value[:-1] + str((int(value[-1]) + 1) % 10) if value[-1:].isdigit() else value
            subfields.append(Subfield(s.code, value))
        f.subfields = subfields


def _recase(text: str, rng: random.Random) -> str:
    style = rng.random()
    if style < 0.3:
        return text.upper()
    if style < 0.6:
        return text.lower()
    return re.sub(r"\b(\w)", lambda m: m.group(1).upper(), text)


def _title(rec: pymarc.Record, rng: random.Random, var: Variation) -> None:
    f = next(iter(rec.get_fields("245")), None)
    if f is None:
        return
    case = rng.random() < var.title_case
    punct = rng.random() < var.punctuation
    subfields = []
    for s in f.subfields:
        if s.code == "c" and rng.random() < var.drop_responsibility:
            continue
        if s.code == "b" and rng.random() < var.drop_subtitle:
            continue
        value = s.value
        if case and s.code in "abnp":
            value = _recase(value, rng)
        if punct:
            value = re.sub(r"\s*([:;/=])\s*$", r"\1", value).replace(" : ", ": ").rstrip(" ./")
        subfields.append(Subfield(s.code, value))
    f.subfields = subfields
    ind2 = (f.indicator2 or "0").strip()
    if ind2.isdigit() and int(ind2) > 0 and rng.random() < var.forget_nonfiling:
        if rng.random() < 0.5:
            f.indicator2 = "0"  # the article stays, the indicator forgets it
        elif f.subfields and f.subfields[0].code == "a":
            head = f.subfields[0].value
            f.subfields[0] = Subfield("a", head[int(ind2) :].lstrip().capitalize())
            f.indicator2 = "0"


def _vernacular(rec: pymarc.Record, rng: random.Random, var: Variation) -> None:
    pairs = {next(iter(f.get_subfields("6")), "")[:3]: f for f in rec.get_fields("880")}
    if not pairs:
        return
    draw = rng.random()
    if draw < var.vernacular_swap:
        for tag in ("245", "100", "110", "260", "264"):
            v = pairs.get(tag)
            original = next(iter(rec.get_fields(tag)), None)
            if v is not None and original is not None:
                original.subfields = [s for s in v.subfields if s.code != "6"]
                if v.indicators is not None:  # the vernacular form's own non-filing count
                    original.indicators = v.indicators
        rec.remove_fields("880")
    elif draw < var.vernacular_swap + var.romanised_only:
        rec.remove_fields("880")
    for f in rec.get_fields("100", "110", "245", "260", "264"):
        f.subfields = [s for s in f.subfields if s.code != "6"] if not rec.get_fields("880") else f.subfields


def _publication(rec: pymarc.Record, rng: random.Random, var: Variation) -> None:
    for f in rec.get_fields("260", "264"):
        subfields = []
        for s in f.subfields:
            value = s.value
            if s.code == "b":
                if rng.random() < var.drop_publisher:
                    continue
                if rng.random() < var.abbreviate_publisher:
                    for long, short in ABBREVIATIONS:
                        value = value.replace(long, short)
            if s.code == "c" and rng.random() < var.date_form:
                year = re.search(r"\d{4}", value)
                if year:
                    value = rng.choice([f"c{year.group(0)}.", f"[{year.group(0)}]", f"{year.group(0)}"])
            subfields.append(Subfield(s.code, value))
        f.subfields = subfields


# the members that catalogue Chinese their own way ------------------------------------------------
# Their copies keep the source's scripts as they are (the habit below decides them) and its fields.
_KEEP_SCRIPTS = Variation(
    vernacular_swap=0.0,
    romanised_only=0.0,
    title_case=0.0,
    drop_field=0.0,
    drop_uniform_title=0.0,
    extra_field=0.0,
    isbn_typo=0.0,
)
_ROMANISED = {"100": "a", "245": "abnpc", "260": "ab", "264": "ab"}


def _f008(record: pymarc.Record) -> str:
    """The record's 008, or "" if it has none (record["008"] raises KeyError then)."""
    field = record.get("008")
    return (field.data or "") if field is not None else ""


def _language(record: pymarc.Record) -> str:
    f008 = _f008(record)
    return f008[35:38].strip().lower() if len(f008) >= 38 else ""


def _in_wade_giles(rec: pymarc.Record, rng: random.Random) -> None:
    """The romanised 245/100/260/264 rewritten from pinyin into Wade-Giles; the 880s kept or dropped."""
    marks = rng.random() < 0.7
    apostrophe = rng.choice(APOSTROPHES)
    title = " ".join(next(iter(rec.get_fields("245")), Field("245", Indicators(" ", " "), [])).get_subfields("a"))
    if is_wade_giles(title):
        return  # a record made before the pinyin conversion and never converted: already as this member writes
    for tag, codes in _ROMANISED.items():
        for f in rec.get_fields(tag):
            subfields, parallel = [], False
            for s in f.subfields:
                # a parallel title (after " =") is in another language: "A new view of the Chinese philosophy"
                convert = s.code in codes and not (tag == "245" and parallel and s.code == "b")
                subfields.append(
                    Subfield(s.code, to_wade_giles(s.value, marks=marks, apostrophe=apostrophe) if convert else s.value)
                )
                parallel = s.value.rstrip().endswith("=")
            f.subfields = subfields
    if rng.random() < 0.5:
        rec.remove_fields("880")
        for f in rec.get_fields(*_ROMANISED, "700", "710", "490", "830"):
            f.subfields = [s for s in f.subfields if s.code != "6"]


def _in_han(rec: pymarc.Record, rng: random.Random) -> None:
    """245/100/260/264 in the vernacular (the 880's text), no romanisation left beside it."""
    pairs = {next(iter(f.get_subfields("6")), "")[:3]: f for f in rec.get_fields("880")}
    for tag in _ROMANISED:
        vernacular, original = pairs.get(tag), next(iter(rec.get_fields(tag)), None)
        if vernacular is not None and original is not None:
            original.subfields = [s for s in vernacular.subfields if s.code != "6"]
            if vernacular.indicators is not None:
                original.indicators = vernacular.indicators
    rec.remove_fields("880")
    for f in rec.fields:
        if not f.is_control_field():
            f.subfields = [s for s in f.subfields if s.code != "6"]
