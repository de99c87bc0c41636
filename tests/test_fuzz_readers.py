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
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# bytes that mean something to one of the formats
TOKENS = [b"\x1d", b"\x1e", b"\x1f", b"0", b"9", b" ", b"\x00", b"\xff", b"\x80", b"\xe4\xb8", b"\x1b(B", b"\x1b$1",
          b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x10FFFF;", b"]]>", b"<![CDATA[", b'"', b",", b"\r\n", b"\t",
          b"99999", b"00000", b"<record>", b"</record>", b"<subfield code=\"\">", b"\xef\xbb\xbf", b"PK\x03\x04"]


@lru_cache(maxsize=None)
def seeds(target: str) -> tuple[bytes, ...]:
    """A few real inputs of the target's format: the fuzzer starts from these."""
    if not SHARED_DATA.is_dir():
        return (b"",)

    def records(path: str, n: int) -> list[bytes]:
        data = shared(path).read_bytes()
        return [r + b"\x1d" for r in data.split(b"\x1d")[:n] if r.strip()]

    def xml_head(path: str, records: int, close: bytes) -> bytes:
        data = shared(path).read_bytes()
        cut = 0
        for _ in range(records):
            cut = data.index(b"</record>", cut) + len(b"</record>")
        return data[:cut] + close

    if target == "iso2709":
        return tuple(records("marc21/loc-booksall/booksall-2016-part01-first1000.mrc", 3)
                     + records("marc21/pymarc/bad_records.mrc", 3) + records("marc21/pymarc/marc8.dat", 2)
                     + records("marc21/yaz/marccol1.u8.marc", 2))
    if target == "marcxml":
        return (xml_head("marc21/marc2bibframe2/dataset/gwu.xml", 2, b"</collection>"),
                shared("marc21/pymarc/utf8.xml").read_bytes()[:6000])
    if target == "oai_marcxml":  # a harvested ListRecords page: real MARCXML records in OAI-PMH envelopes
        data = shared("marc21/marc2bibframe2/dataset/gwu.xml").read_bytes()
        start, envelopes = 0, []
        for n in (1, 2):
            start = data.index(b"<record", start)
            end = data.index(b"</record>", start) + len(b"</record>")
            envelopes.append(b"<record><header><identifier>oai:gwu:%d</identifier><datestamp>2020-01-01T00:00:00Z"
                             b"</datestamp></header><metadata>%s</metadata></record>" % (n, data[start:end]))
            start = end
        return (b'<?xml version="1.0" encoding="UTF-8"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
                b"<ListRecords>" + b"".join(envelopes) + b'<record><header status="deleted"><identifier>oai:gwu:3'
                b"</identifier></header></record><resumptionToken>2|||</resumptionToken></ListRecords></OAI-PMH>",)
    if target == "unimarc":
        return tuple(records("unimarc/periouni.mrc", 3) + records("unimarc/testunimarc.dat", 2))
    if target == "cnmarcxml":
        return (xml_head("cnmarc/sample_cnmarcxml.xml", 2, b"</collection>"),
                xml_head("cnmarc/sample_unimarcxml.xml", 1, b"</collection>"))
    if target in ("csv", "xlsx"):
        from graph.sources.spreadsheet import template_headers, template_rows

        rows = [template_headers(), *template_rows()]
        if target == "csv":
            return ("\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode("utf-8"),
                    "\n".join("\t".join(row) for row in rows).encode("gb18030", "replace"))
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        return (out.getvalue(),)
    if target == "dublin_core":
        return ((b'<?xml version="1.0"?><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                 b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>\xe5\x9c\xb0\xe6\x96\xb9\xe5\xbf\x97</dc:title>'
                 b'<dc:creator>Li, Bai</dc:creator><dc:date>1998</dc:date><dc:identifier>ISBN 7-5037-2623-7'
                 b'</dc:identifier><dc:subject>History</dc:subject></oai_dc:dc>'),)
    raise KeyError(target)


@st.composite
def mutated(draw, target: str) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds(target))))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(("set", "insert", "delete", "truncate", "splice", "digits")))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "set" and data:
            token = draw(st.sampled_from(TOKENS))
            data[pos:pos + len(token)] = token
        elif op == "insert":
            data[pos:pos] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=24)))
        elif op == "delete":
            del data[pos:pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        elif op == "splice" and data:
            start = draw(st.integers(0, len(data) - 1))
            data[pos:pos] = data[start:start + draw(st.integers(1, 200))]
        elif op == "digits":  # lengths and offsets of a leader or directory
            data[pos:pos + 5] = str(draw(st.integers(0, 99999))).zfill(5).encode()
    return bytes(data)


def inputs(target: str):
    return st.one_of(mutated(target), st.binary(max_size=2048))


def _check(target: str, data: bytes) -> None:
    counts = fuzz_targets.TARGETS[target](data)
    assert all(v >= 0 for v in counts.values())


@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_fuzz(target):
    seeds(target)  # skips cleanly without the shared data

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
    seeds("iso2709")  # skips cleanly without the shared data
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, str(root / "bench" / "fuzz.py"), "all", "--runs", "1500"], cwd=root,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    assert "nothing found" in done.stdout
