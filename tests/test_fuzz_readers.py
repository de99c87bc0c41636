"""Fuzzing the readers with hypothesis: real records mutated (bytes set, inserted, cut, spliced) and plain
random bytes, through every reader and mapper (:mod:`tests.fuzz_targets`): no crash, no hang, every
rejection with a reason. Inputs that once broke a reader are kept in tests/fuzz_corpus/ and run here
on every test run. Runs are derandomised (the same examples in every run); bench/fuzz.py explores
further, guided by coverage (atheris).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import fuzz_targets
from tests.conftest import SHARED_DATA, shared

CORPUS = Path(__file__).parent / "fuzz_corpus"
EXAMPLES = 120
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# bytes that mean something to one of the formats
TOKENS = [
    b"\x1d",
    b"\x1e",
    b"\x1f",
    b"0",
    b"9",
    b" ",
    b"\x00",
    b"\xff",
    b"\x80",
    b"\xe4\xb8",
    b"\x1b(B",
    b"\x1b$1",
    b"<",
    b">",
    b"&",
    b"&amp;",
    b"&#0;",
    b"&#x10FFFF;",
    b"]]>",
    b"<![CDATA[",
    b'"',
    b",",
    b"\r\n",
    b"\t",
    b"99999",
    b"00000",
    b"<record>",
    b"</record>",
    b'<subfield code="">',
    b"\xef\xbb\xbf",
    b"PK\x03\x04",
]


CNMARC_XML = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.nlc.cn/"><record><leader>00000nam0 2200000   450 </leader>
<controlfield tag="001">012000001</controlfield>
<datafield tag="010" ind1=" " ind2=" "><subfield code="a">7-5037-2623-7</subfield></datafield>
<datafield tag="100" ind1=" " ind2=" "><subfield code="a">20240101d1884    em y0chiy50      ea</subfield></datafield>
<datafield tag="101" ind1="0" ind2=" "><subfield code="a">chi</subfield></datafield>
<datafield tag="200" ind1="1" ind2=" "><subfield code="a">长乐县志</subfield><subfield code="A">chang le xian zhi</subfield>
<subfield code="f">(清)孟昭涵修</subfield></datafield>
<datafield tag="210" ind1=" " ind2=" "><subfield code="a">长乐</subfield><subfield code="d">1884</subfield></datafield>
<datafield tag="690" ind1=" " ind2=" "><subfield code="a">K295.7</subfield><subfield code="v">5</subfield></datafield>
<datafield tag="905" ind1=" " ind2=" "><subfield code="a">PKU</subfield><subfield code="d">K295.7</subfield>
<subfield code="e">1</subfield></datafield>
</record></collection>""".encode()


def own_seeds(target: str) -> tuple[bytes, ...]:
    """Inputs the project writes itself: the sample alliance's records (graph/sample), a UNIMARC record built
    here (tests/test_unimarc.py's builder), a CNMARC XML record written out above."""
    import tempfile

    from graph.sample import write_sample

    if target in ("iso2709", "marcxml", "oai_marcxml"):
        with tempfile.TemporaryDirectory() as folder:
            members = write_sample(Path(folder), titles=24)
            files = {m.code: m.files[0].read_bytes() for m in members}
        if target == "iso2709":
            return tuple(
                r + b"\x1d"
                for data in files.values()
                if not data.startswith(b"<")
                for r in data.split(b"\x1d")[:2]
                if r.strip()
            )
        xml = next(data for data in files.values() if data.startswith(b"<"))
        if target == "marcxml":
            return (xml_records(xml, 2, b"</collection>"),)
        return (oai_page(xml, "sample"),)
    if target == "unimarc":
        from tests.test_unimarc import field200, iso2709

        return (
            iso2709([field200("长乐县志", "utf-8"), ("210", b"  \x1faChang le\x1fd1884")]),
            iso2709([field200("北京志", "gb18030"), ("905", b"  \x1faPKU\x1fdK291")], charset=b"20  "),
        )
    if target == "cnmarcxml":
        return (CNMARC_XML,)
    return template_seeds(target)


def xml_records(data: bytes, records: int, close: bytes) -> bytes:
    """The XML up to the end of its ``records``-th record, closed by ``close``."""
    cut = 0
    for _ in range(records):
        cut = data.index(b"</record>", cut) + len(b"</record>")
    return data[:cut] + close


def oai_page(data: bytes, name: str) -> bytes:
    """A harvested ListRecords page: the first two MARCXML records of ``data`` in OAI-PMH envelopes."""
    start, envelopes = 0, []
    for n in (1, 2):
        start = data.index(b"<record", start)
        end = data.index(b"</record>", start) + len(b"</record>")
        record = data[start:end]
        if not record.startswith(b"<record xmlns="):  # the namespace was the collection's
            record = b'<record xmlns="http://www.loc.gov/MARC21/slim"' + record[len(b"<record") :]
        envelopes.append(
            b"<record><header><identifier>oai:%s:%d</identifier><datestamp>2020-01-01T00:00:00Z"
            b"</datestamp></header><metadata>%s</metadata></record>" % (name.encode(), n, record)
        )
        start = end
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
        b"<ListRecords>"
        + b"".join(envelopes)
        + b'<record><header status="deleted"><identifier>oai:'
        + name.encode()
        + b":3</identifier></header></record><resumptionToken>2|||</resumptionToken>"
        b"</ListRecords></OAI-PMH>"
    )


@lru_cache(maxsize=None)
def seeds(target: str) -> tuple[bytes, ...]:
    """A few good inputs of the target's format, the fuzzer starts from these: the project's own, and real
    records of other people's where ../shared/data is present."""
    return own_seeds(target) + (real_seeds(target) if SHARED_DATA.is_dir() else ())


def real_seeds(target: str) -> tuple[bytes, ...]:
    def records(path: str, n: int) -> list[bytes]:
        data = shared(path).read_bytes()
        return [r + b"\x1d" for r in data.split(b"\x1d")[:n] if r.strip()]

    def xml_head(path: str, n: int, close: bytes) -> bytes:
        return xml_records(shared(path).read_bytes(), n, close)

    if target == "iso2709":
        return tuple(
            records("marc21/loc-booksall/booksall-2016-part01-first1000.mrc", 3)
            + records("marc21/pymarc/bad_records.mrc", 3)
            + records("marc21/pymarc/marc8.dat", 2)
            + records("marc21/yaz/marccol1.u8.marc", 2)
        )
    if target == "marcxml":
        return (
            xml_head("marc21/marc2bibframe2/dataset/gwu.xml", 2, b"</collection>"),
            shared("marc21/pymarc/utf8.xml").read_bytes()[:6000],
        )
    if target == "oai_marcxml":  # a harvested ListRecords page: real MARCXML records in OAI-PMH envelopes
        return (oai_page(shared("marc21/marc2bibframe2/dataset/gwu.xml").read_bytes(), "gwu"),)
    if target == "unimarc":
        return tuple(records("unimarc/periouni.mrc", 3) + records("unimarc/testunimarc.dat", 2))
    if target == "cnmarcxml":
        return (
            xml_head("cnmarc/sample_cnmarcxml.xml", 2, b"</collection>"),
            xml_head("cnmarc/sample_unimarcxml.xml", 1, b"</collection>"),
        )
    return ()


def template_seeds(target: str) -> tuple[bytes, ...]:
    """The spreadsheet template's own rows (CSV, XLSX) and a Dublin Core record written out here."""
    if target in ("csv", "xlsx"):
        from graph.load.sources.spreadsheet import template_headers, template_rows

        rows = [template_headers(), *template_rows()]
        if target == "csv":
            return (
                "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8"),
                "\n".join("\t".join(row) for row in rows).encode("gb18030", "replace"),
            )
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        return (out.getvalue(),)
    if target == "dublin_core":
        return (
            (
                b'<?xml version="1.0"?><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\xe5\x9c\xb0\xe6\x96\xb9\xe5\xbf\x97</dc:title>'
                b"<dc:creator>Li, Bai</dc:creator><dc:date>1998</dc:date><dc:identifier>ISBN 7-5037-2623-7"
                b"</dc:identifier><dc:subject>History</dc:subject></oai_dc:dc>"
            ),
        )
    raise KeyError(target)


@st.composite
def mutated(draw, target: str) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds(target))))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("set", "insert", "delete", "truncate", "splice", "digits")))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "set" and data:
            token = draw(st.sampled_from(TOKENS))
            data[pos : pos + len(token)] = token
        elif op == "insert":
            data[pos:pos] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=24)))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        elif op == "splice" and data:
            start = draw(st.integers(0, len(data) - 1))
            data[pos:pos] = data[start : start + draw(st.integers(1, 200))]
        elif op == "digits":  # lengths and offsets of a leader or directory
            data[pos : pos + 5] = str(draw(st.integers(0, 99999))).zfill(5).encode()
    return bytes(data)


def inputs(target: str):
    return st.one_of(mutated(target), st.binary(max_size=2048))


def _check(target: str, data: bytes) -> None:
    counts = fuzz_targets.TARGETS[target](data)
    assert all(v >= 0 for v in counts.values())


@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_fuzz(target):
    @FUZZ
    @given(inputs(target))
    def run(data):
        _check(target, data)

    run()


@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_seeds_read_cleanly(target):
    """The unmutated seeds are good records: the fuzzer starts from real input, not from noise."""
    found = [fuzz_targets.TARGETS[target](s) for s in seeds(target)]
    assert sum(c["records"] for c in found) > 0
    if target not in ("iso2709",):  # bad_records.mrc is among the ISO 2709 seeds
        assert sum(c["unmappable"] for c in found) == 0


def corpus_files():
    return sorted(p for p in CORPUS.glob("*/*") if p.is_file() and p.parent.name in fuzz_targets.TARGETS)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_regression_corpus(path):
    """Inputs that once crashed or hung a reader (found by the fuzzers) stay fixed."""
    _check(path.parent.name, path.read_bytes())


@pytest.mark.slow
def test_coverage_guided_fuzzing_finds_nothing():
    """bench/fuzz.py (atheris, libFuzzer's coverage guidance) over every target, a bounded number of runs."""
    import os
    import subprocess
    import sys

    try:
        import atheris  # noqa: F401
    except ImportError as err:
        if os.environ.get("ALLIANCE_REQUIRE_SYSTEM") == "1":
            raise
        pytest.skip(f"atheris is not installed ({err}): pip install atheris")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, str(root / "bench" / "fuzz.py"), "all", "--runs", "1500"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    assert "nothing found" in done.stdout
